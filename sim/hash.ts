/** @module Stable FNV-1a (32-bit) hashing for conduit shard routing (twitch-eventsub.md §5.1, sim choice §10.6). */

import { bucketOf, fnv1a } from '../src/core/hash.ts';

export { fnv1a };

/** The shard a routing key hashes to. */
export function shardIndexFor(key: string, shardCount: number): number {
  return bucketOf(key, shardCount);
}

/**
 * The single other shard a notification is re-sent to when its hashed shard is not enabled. How Twitch picks it is
 * unknown (§5.2, §10.7); sim choice: a second hash of the key over the remaining shards, so the choice is stable
 * and never the first shard. Undefined for a one-shard conduit.
 */
export function fallbackShardIndex(key: string, shardCount: number, first: number): number | undefined {
  if (shardCount < 2) return undefined;
  const i = fnv1a(`${key}#retry`) % (shardCount - 1);
  return i >= first ? i + 1 : i;
}
