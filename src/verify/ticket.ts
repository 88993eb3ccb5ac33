/**
 * @module Consumer tickets (design.md §5, `POST /admin/api/tickets`): short-lived, signed credentials for
 * `GET /events?ticket=`, because browsers cannot set headers on a WebSocket. A ticket is
 * `base64url(payload JSON) + "." + base64url(HMAC-SHA256(K, "consumer-ticket.v1." + first part))` with
 * K = HMAC-SHA256(key = EVENTSUB_SECRET, message = "consumer-ticket"). K is derived, so nothing is stored; rotating
 * the master secret revokes every ticket (EVENTSUB_SECRET_PREVIOUS keeps them valid during a rotation); and no
 * other secret is derived with that message (webhook secrets use "conduit-webhook:NAME", derive.ts). The payload
 * carries the expiry and the filters the ticket allows; it is readable, not secret, and must not hold secrets.
 */
import { checkValues, type ConsumerFilter } from '../core/consumer-filter.ts';
import { SettledCache } from './settled-cache.ts';

export const DEFAULT_TICKET_TTL_S = 60;
export const MAX_TICKET_TTL_S = 3_600;
/** Tolerated clock difference between the isolate that signed and the one that checks. */
const SKEW_MS = 60_000;
const MAX_TICKET_CHARS = 16_384;

interface TicketPayload {
  v: 1;
  /** Expiry, unix ms. */
  exp: number;
  types?: string[];
  broadcasters?: string[];
  /** Makes every ticket distinct, even two minted in the same millisecond for the same scope. */
  n: string;
}

export type TicketCheck =
  { ok: true; scope: ConsumerFilter; expiresAt: number } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

const encoder = new TextEncoder();
const keys = new SettledCache<CryptoKey>(8);

async function hmac(key: CryptoKey, text: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(text)));
}

function importKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** K for a master secret, derived once per isolate (bounded cache). */
export function ticketKey(master: string): Promise<CryptoKey> {
  return keys.get(master, () =>
    importKey(new Uint8Array(encoder.encode(master)))
      .then((m) => hmac(m, 'consumer-ticket'))
      .then(importKey),
  );
}

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** Bytes of unpadded base64url text; null for anything else (never throws). */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const bin = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const signedText = (body: string) => `consumer-ticket.v1.${body}`;

export async function issueTicket(
  master: string,
  opts: { scope: ConsumerFilter; expiresAt: number; nonce?: string },
): Promise<string> {
  const payload: TicketPayload = { v: 1, exp: Math.trunc(opts.expiresAt), n: opts.nonce ?? crypto.randomUUID() };
  if (opts.scope.types) payload.types = opts.scope.types;
  if (opts.scope.broadcasters) payload.broadcasters = opts.scope.broadcasters;
  const body = toBase64Url(encoder.encode(JSON.stringify(payload)));
  const mac = await hmac(await ticketKey(master), signedText(body));
  return `${body}.${toBase64Url(mac)}`;
}

function readPayload(bytes: Uint8Array): TicketPayload | null {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const p = value as Record<string, unknown>;
  if (p.v !== 1 || !Number.isSafeInteger(p.exp) || typeof p.n !== 'string') return null;
  const list = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
  if (!list(p.types) || !list(p.broadcasters)) return null;
  return p as unknown as TicketPayload;
}

/**
 * Check a ticket against the current master secret and, during a rotation, the previous one. The signature is
 * checked (in constant time, by `crypto.subtle.verify`) before the payload is trusted; never throws on bad input.
 */
export async function verifyTicket(masters: readonly string[], ticket: string, now: number): Promise<TicketCheck> {
  if (ticket.length > MAX_TICKET_CHARS) return { ok: false, reason: 'malformed' };
  const parts = ticket.split('.');
  if (parts.length !== 2) return { ok: false, reason: 'malformed' };
  const [body, sig] = parts as [string, string];
  const bytes = fromBase64Url(body);
  const mac = fromBase64Url(sig);
  if (!bytes || !mac || mac.length !== 32) return { ok: false, reason: 'malformed' };
  let signed = false;
  for (const master of masters) {
    if (await crypto.subtle.verify('HMAC', await ticketKey(master), mac, encoder.encode(signedText(body)))) {
      signed = true;
      break;
    }
  }
  if (!signed) return { ok: false, reason: 'signature' };
  const payload = readPayload(bytes);
  if (!payload) return { ok: false, reason: 'malformed' };
  const types = checkValues('type', payload.types ?? []);
  const broadcasters = checkValues('broadcaster', payload.broadcasters ?? []);
  if (!types.ok || !broadcasters.ok) return { ok: false, reason: 'malformed' };
  if (payload.exp <= now) return { ok: false, reason: 'expired' };
  // A lifetime longer than any ticket can be minted with is not one of ours, whatever its signature.
  if (payload.exp > now + MAX_TICKET_TTL_S * 1_000 + SKEW_MS) return { ok: false, reason: 'malformed' };
  return { ok: true, scope: { types: types.values, broadcasters: broadcasters.values }, expiresAt: payload.exp };
}
