/**
 * @module Hostile inputs shared by the fuzzers (issue #8): bytes that are not UTF-8, text that is not JSON, JSON
 * nested past any sane depth or shaped to pollute prototypes, and strings with control characters and lone
 * surrogates. Pure and seeded (prng.ts): the same seed gives the same bytes.
 */
import type { Rng } from '../prng.ts';

const encoder = new TextEncoder();
export const utf8 = (s: string): Uint8Array => encoder.encode(s);

/** Byte sequences no UTF-8 decoder may accept (RFC 3629 §3): stray, overlong, surrogate, truncated, out of range. */
const BAD_UTF8: readonly number[][] = [
  [0xff],
  [0xfe, 0xff],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xe2, 0x82],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0x80],
];

/** `base` with one invalid UTF-8 sequence spliced in at a random position. */
export function withInvalidUtf8(rng: Rng, base: Uint8Array): Uint8Array {
  const bad = rng.pick(BAD_UTF8);
  const at = rng.int(0, base.length);
  const out = new Uint8Array(base.length + bad.length);
  out.set(base.subarray(0, at), 0);
  out.set(bad, at);
  out.set(base.subarray(at), at + bad.length);
  return out;
}

export function randomBytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(0, 255);
  return out;
}

export function randomAscii(rng: Rng, n: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_.'): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[rng.int(0, alphabet.length - 1)];
  return s;
}

export function randomHex(rng: Rng, n: number): string {
  return randomAscii(rng, n, '0123456789abcdef');
}

/** `[[[…]]]` or `{"a":{"a":…}}`, `depth` levels: deeper than any recursive parser's stack should allow. */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** Text that is not a JSON document at all (empty, truncated, trailing junk, JS-isms JSON forbids). */
export function notJson(rng: Rng, valid: string): string {
  return rng.pick([
    () => '',
    () => ' ',
    () => valid.slice(0, rng.int(1, Math.max(1, valid.length - 1))),
    () => `${valid}}`,
    () => `${valid},`,
    () => valid.replace(/"/g, "'"),
    () => `{${randomAscii(rng, rng.int(1, 40))}}`,
    () => '{"a":1,}',
    () => 'NaN',
    () => '{"a":undefined}',
    () => '\u0000',
    () => `${deepJson(rng.int(2, 50), 'object')}]`,
  ])();
}

/** Strings no field should choke on: control characters, lone surrogates (as JSON escapes), huge, RTL, NUL. */
export function nastyString(rng: Rng): string {
  return rng.pick([
    () => '\u0000',
    () => '\ud800',
    () => '\udfff\ud800',
    () => '\u202e\u0007\u001b[31m',
    () => 'a'.repeat(rng.int(1_000, 70_000)),
    () => '𝕏'.repeat(rng.int(1, 200)),
    () => '../../etc/passwd',
    () => "'; DROP TABLE events; --",
    () => '%s%s%s%n',
    () => '',
  ])();
}

/** A JSON value of another type than `avoid` (JSON Schema type names), for a field that must be of that type. */
export function wrongTypeValue(rng: Rng, avoid: readonly string[]): unknown {
  const options: [string, () => unknown][] = [
    ['string', () => nastyString(rng)],
    ['number', () => rng.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1])],
    ['integer', () => rng.pick([0, -1, 7, 2 ** 31])],
    ['boolean', () => rng.chance(0.5)],
    ['null', () => null],
    ['array', () => rng.pick([[], [1, 'a', null], JSON.parse(deepJson(rng.int(2, 200), 'array'))])],
    ['object', () => rng.pick([{}, { a: { b: [] } }, JSON.parse(deepJson(rng.int(2, 200), 'object'))])],
  ];
  // A number also satisfies `integer` when it is whole, and an integer is a number: avoid both together.
  const blocked = new Set(avoid.flatMap((t) => (t === 'number' || t === 'integer' ? ['number', 'integer'] : [t])));
  const allowed = options.filter(([t]) => !blocked.has(t));
  return rng.pick(allowed)[1]();
}

/** A JSON object text whose own keys try to reach prototypes: valid JSON, never a valid request on its own. */
export function pollutingKeys(rng: Rng): Record<string, unknown> {
  return rng.pick([
    () => JSON.parse('{"__proto__":{"polluted":true,"admin":true}}') as Record<string, unknown>,
    () => ({ constructor: { prototype: { polluted: true } } }),
    () => JSON.parse('{"__proto__":null}') as Record<string, unknown>,
    () => ({ toString: 'x', valueOf: 1, hasOwnProperty: null }),
  ])();
}
