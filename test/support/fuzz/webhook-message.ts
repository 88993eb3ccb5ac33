/**
 * @module The valid message every webhook fuzz case starts from (Twitch's header names, twitch-eventsub.md §3.2, and a
 * realistic `channel.follow` v2 notification over a few broadcasters, so accepted cases spread over the hubs), and
 * the pieces the cases are made of: timestamps in Twitch's forms, damaged bodies, and the headers as sent.
 */
import type { Rng } from '../prng.ts';
import { deepJson, pollutingKeys, randomAscii } from './hostile.ts';

export const header = {
  id: 'Twitch-Eventsub-Message-Id',
  timestamp: 'Twitch-Eventsub-Message-Timestamp',
  signature: 'Twitch-Eventsub-Message-Signature',
  type: 'Twitch-Eventsub-Message-Type',
} as const;

export interface Message {
  id: string;
  timestamp: string;
  type: string;
  body: Uint8Array;
}

export function validBody(rng: Rng): string {
  const broadcaster = String(rng.int(70_000_000, 70_000_015));
  return JSON.stringify({
    subscription: {
      id: `f1c2a387-161a-49f9-a165-${String(rng.int(0, 999_999)).padStart(12, '0')}`,
      status: 'enabled',
      type: 'channel.follow',
      version: '2',
      cost: 0,
      condition: { broadcaster_user_id: broadcaster, moderator_user_id: broadcaster },
      transport: { method: 'conduit', conduit_id: 'bfcfc993-26b1-b876-44d9-afe75a379dac' },
      created_at: '2026-11-01T00:00:00.000000000Z',
    },
    event: {
      user_id: String(rng.int(1, 99_999_999)),
      user_login: 'fuzz_user',
      user_name: 'Fuzz_User',
      broadcaster_user_id: broadcaster,
      broadcaster_user_login: 'fuzz_caster',
      broadcaster_user_name: 'Fuzz_Caster',
      followed_at: '2026-11-01T12:00:00.123456789Z',
    },
  });
}

/** Twitch's RFC3339 with 0, 3 or 9 fractional digits, or the same instant with a numeric offset (§3.2). */
export function rfc3339(rng: Rng, ms: number): string {
  const iso = new Date(ms).toISOString();
  const style = rng.int(0, 3);
  if (style === 0) return iso.replace(/\.\d{3}Z$/, 'Z');
  if (style === 1) return iso;
  if (style === 2) return iso.replace(/Z$/, `${randomAscii(rng, 6, '0123456789')}Z`);
  // The same instant written two hours ahead with a +02:00 offset.
  return new Date(ms + 2 * 3_600_000).toISOString().replace(/Z$/, '+02:00');
}

export const NOT_TIMESTAMPS = [
  'yesterday',
  '1700000000',
  '2026-13-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-11-01 12:00:00',
  '2026-11-01T12:00:00',
  'T',
  '9999-99-99T99:99:99Z',
  '0000-01-01T00:00:00Z',
  '2026-11-01T24:00:00Z',
];
/** One byte changed, a byte appended, or the body cut short: the signature no longer covers it. */
export function tamper(rng: Rng, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body);
  const how = body.length === 0 ? 1 : rng.int(0, 2);
  if (how === 0) {
    const at = rng.int(0, out.length - 1);
    out[at] = (out[at]! ^ (1 << rng.int(0, 7))) & 0xff;
    return out;
  }
  if (how === 1) return new Uint8Array([...body, rng.int(0x20, 0x7e)]);
  return body.slice(0, rng.int(0, body.length - 1));
}
/** JSON that is well formed but not a notification: wrong top-level type, or the envelope broken. */
export function junkEnvelope(rng: Rng, valid: Uint8Array): string {
  const body = JSON.parse(new TextDecoder().decode(valid)) as Record<string, Record<string, unknown>>;
  return rng.pick([
    () => rng.pick(['[]', '1', '"x"', 'null', 'true', deepJson(rng.int(1_000, 100_000), 'array')]),
    () => JSON.stringify({ event: body.event }),
    () => JSON.stringify({ subscription: {}, event: body.event }),
    () => JSON.stringify({ subscription: body.subscription }),
    () => JSON.stringify({ ...body, event: rng.pick([[], 'x', 1, null]) }),
    () => JSON.stringify({ ...body, subscription: { ...body.subscription, id: rng.pick([1, '', null, []]) } }),
    () => JSON.stringify({ ...body, subscription: { ...body.subscription, condition: rng.pick(['x', [], null]) } }),
    () => JSON.stringify({ ...body, subscription: rng.pick([[], 'x', null, pollutingKeys(rng)]) }),
    () => JSON.stringify({ ...body, events: rng.pick(['x', [{ id: 1 }], [null]]), event: undefined }),
    () => deepJson(rng.int(1_000, 50_000), 'object'),
  ])();
}
const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'application/xml',
  '',
];
function randomCase(rng: Rng, name: string): string {
  return [...name].map((ch) => (rng.chance(0.5) ? ch.toUpperCase() : ch.toLowerCase())).join('');
}
export function reshuffle(rng: Rng, headers: readonly [string, string][]): [string, string][] {
  const out = headers.map(([n, v]) => [rng.chance(0.5) ? randomCase(rng, n) : n, v] as [string, string]);
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
/** Twitch's headers for the message, minus `drop`, plus `extra`, then names re-cased and reordered. */
export function headersOf(rng: Rng, m: Message, signature: string, drop: string[], extra: [string, string][]) {
  const list: [string, string][] = [
    [header.id, m.id],
    [header.timestamp, m.timestamp],
    [header.signature, signature],
    [header.type, m.type],
    ['Twitch-Eventsub-Message-Retry', String(rng.int(0, 5))],
    ['Twitch-Eventsub-Subscription-Type', rng.chance(0.9) ? 'channel.follow' : randomAscii(rng, 12)],
    ['Twitch-Eventsub-Subscription-Version', rng.pick(['2', '1', 'beta'])],
    ['Content-Type', rng.chance(0.7) ? 'application/json' : rng.pick(CONTENT_TYPES)],
  ];
  const dropped = new Set(drop.map((d) => d.toLowerCase()));
  return reshuffle(rng, [...list.filter(([n]) => !dropped.has(n.toLowerCase())), ...extra]);
}
