/**
 * @module Signatures on HTTP forwards (README "HTTP forwards"): the Queue consumer POSTs each event with
 * `X-Conduit-Timestamp: <unix ms>` and `X-Conduit-Signature: sha256=<hex HMAC-SHA256(FORWARD_SECRET,
 * timestamp + "." + body)>`. The timestamp is signed so a captured request cannot be replayed later than the
 * receiver's tolerance. `verifyForward` uses only Web Crypto, so a receiver (Node 20+, Deno, Bun, Workers, browsers)
 * can copy it as it is.
 */
import { toHex } from './hex.ts';
import { hmacKey } from './signature.ts';

export const FORWARD_TIMESTAMP_HEADER = 'X-Conduit-Timestamp';
export const FORWARD_SIGNATURE_HEADER = 'X-Conduit-Signature';

export async function signForward(secret: string, timestamp: string, body: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret), new TextEncoder().encode(`${timestamp}.${body}`));
  return `sha256=${toHex(new Uint8Array(mac))}`;
}

/** The two headers for a forward of `body` sent at `nowMs`. */
export async function forwardHeaders(secret: string, body: string, nowMs: number): Promise<Record<string, string>> {
  const timestamp = String(Math.trunc(nowMs));
  return {
    [FORWARD_TIMESTAMP_HEADER]: timestamp,
    [FORWARD_SIGNATURE_HEADER]: await signForward(secret, timestamp, body),
  };
}

/**
 * Check a forward as its receiver: true only if the signature matches the exact raw body and the timestamp is
 * within `toleranceMs` of `now` (default 5 minutes). Never throws on bad input. Self-contained: copy it.
 */
export async function verifyForward(input: {
  secret: string;
  /** The raw request body, exactly as received (not re-serialized JSON). */
  body: string;
  timestamp: string | null | undefined;
  signature: string | null | undefined;
  now?: number;
  toleranceMs?: number;
}): Promise<boolean> {
  const { secret, body, timestamp, signature, now = Date.now(), toleranceMs = 5 * 60_000 } = input;
  if (!timestamp || !/^\d{1,16}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > toleranceMs) return false;
  const hex = signature?.startsWith('sha256=') ? signature.slice(7) : '';
  if (!/^[0-9a-f]{64}$/.test(hex)) return false;
  const mac = new Uint8Array(32);
  for (let i = 0; i < 32; i++) mac[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'verify',
  ]);
  // verify() compares in constant time (cloudflare.md §6).
  return crypto.subtle.verify('HMAC', key, mac, enc.encode(`${timestamp}.${body}`));
}
