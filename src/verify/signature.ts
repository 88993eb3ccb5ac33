/**
 * @module Twitch's webhook signature (twitch-eventsub.md §3.3): `sha256=` + hex HMAC-SHA256(secret, message id +
 * timestamp + raw body), checked with Web Crypto's `verify`, which compares in constant time (cloudflare.md §6).
 */
import { fromHex, toHex } from './hex.ts';
import { SettledCache } from './settled-cache.ts';

const encoder = new TextEncoder();
const keys = new SettledCache<CryptoKey>(64);

/** Import (once) the HMAC key for a secret. Keys are cached per secret; the cache is bounded. */
export function hmacKey(secret: string): Promise<CryptoKey> {
  return keys.get(secret, () =>
    crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]),
  );
}

function signedBytes(messageId: string, timestamp: string, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const head = encoder.encode(messageId + timestamp);
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

/** The header value Twitch would send for this message. */
export async function sign(secret: string, messageId: string, timestamp: string, body: Uint8Array): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret), signedBytes(messageId, timestamp, body));
  return `sha256=${toHex(new Uint8Array(mac))}`;
}

/** True only for a well-formed `sha256=<64 hex>` header that matches; never throws on bad input. */
export async function verify(
  secret: string,
  messageId: string,
  timestamp: string,
  body: Uint8Array,
  header: string,
): Promise<boolean> {
  // Twitch sends lowercase hex (§3.2); anything else is not a signature it made.
  if (!/^sha256=[0-9a-f]{64}$/.test(header)) return false;
  const mac = fromHex(header.slice(7));
  if (!mac) return false;
  return crypto.subtle.verify('HMAC', await hmacKey(secret), mac, signedBytes(messageId, timestamp, body));
}
