/**
 * @module Stable FNV-1a (32-bit) hashing. Picks the EventHub for a broadcaster (design.md §2: the same key Twitch
 * hashes on, so one broadcaster's events stay in order on one hub) and, in the simulator, the conduit shard.
 */

const OFFSET_BASIS = 0x811c9dc5;
const PRIME = 0x01000193;
const encoder = new TextEncoder();

/** FNV-1a over the UTF-8 bytes of `input`, as an unsigned 32-bit integer. */
export function fnv1a(input: string): number {
  let h = OFFSET_BASIS;
  for (const byte of encoder.encode(input)) {
    h ^= byte;
    h = Math.imul(h, PRIME) >>> 0;
  }
  return h >>> 0;
}

/** Which of `count` buckets a key belongs to. */
export function bucketOf(key: string, count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new Error(`bucket count must be a positive integer, got ${count}`);
  return fnv1a(key) % count;
}
