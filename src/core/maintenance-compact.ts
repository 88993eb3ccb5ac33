/**
 * @module Compact windows (conduit-notes.md "Maintenance", "Scale down from the middle"): the endpoint's shards leave
 * the conduit instead of getting substitutes. With `k` of `n` shards on the endpoint the conduit shrinks to `m = n - k`:
 * each of the endpoint's shards below `m` (a gap) takes a copy of a shard at or above `m` that is on another endpoint
 * (a tail), then the count drops to `m`. Afterwards the count grows back and the gaps go home. Pairs are a function of
 * the layout alone, so every pass (and a resumed one) computes the same ones.
 */

export interface CompactPairs {
  /** The shard count while compacted. */
  keep: number;
  pairs: { gap: number; tail: number }[];
}

/** Null when the endpoint carries no shard, or every shard (a conduit keeps at least one, twitch-eventsub.md §1.3). */
export function compactPairs(desired: string[], endpoint: string): CompactPairs | null {
  const k = desired.filter((e) => e === endpoint).length;
  const keep = desired.length - k;
  if (k === 0 || keep < 1) return null;
  const gaps: number[] = [];
  const tails: number[] = [];
  desired.forEach((e, i) => {
    if (i < keep && e === endpoint) gaps.push(i);
    if (i >= keep && e !== endpoint) tails.push(i);
  });
  // As many shards of other endpoints sit at or above `keep` as the endpoint has below it.
  return { keep, pairs: gaps.map((gap, i) => ({ gap, tail: tails[i] as number })) };
}

/** The compacted layout: the first `keep` shards, each gap carrying its tail's endpoint. */
export function compactedLayout(desired: string[], pairs: CompactPairs): string[] {
  const out = desired.slice(0, pairs.keep);
  for (const { gap, tail } of pairs.pairs) out[gap] = desired[tail] as string;
  return out;
}
