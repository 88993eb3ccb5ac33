/**
 * @module The shard planner (design.md §6): a pure, deterministic function from the desired layout and what Twitch
 * lists to the Helix calls that close the gap, in the order conduit-notes.md "Scaling" requires — grow first (new
 * shards must exist before they are assigned), assignments in batches, shrink last (a shard leaving from the middle
 * is covered by copying the last one into the gap before the count drops).
 */
import { chunk } from './chunk.ts';
import type { ActualShard, Plan, PlanInput, PlanStep, ShardChange } from './plan-types.ts';
import { shardVerdict } from './shard-verdict.ts';

/** Twitch's shard count range (twitch-eventsub.md §1.3). */
export const MAX_SHARDS = 20_000;
export const DEFAULT_BATCH_SIZE = 500;

function validate(input: PlanInput, batchSize: number): void {
  const n = input.desired.length;
  if (n < 1 || n > MAX_SHARDS) throw new Error(`desired layout must have 1..${MAX_SHARDS} shards, got ${n}`);
  if (!Number.isInteger(input.shardCount) || input.shardCount < 0) {
    throw new Error(`shardCount must be a non-negative integer, got ${input.shardCount}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  }
  for (let i = 0; i < n; i++) {
    const name = input.desired[i] as string;
    if (!Object.hasOwn(input.endpoints, name)) throw new Error(`shard ${i}: unknown endpoint '${name}'`);
  }
}

export function plan(input: PlanInput): Plan {
  const batchSize = input.batchSize ?? DEFAULT_BATCH_SIZE;
  validate(input, batchSize);
  const { desired, endpoints, applied, shardCount } = input;
  const wanted = desired.length;

  // Index once: the listing can hold 20,000 shards, a linear search per shard would be O(n²). Ids past shard_count
  // are dropped: a listing from before a shrink may hold them, and what a re-grown shard carries is unknown
  // (twitch-eventsub.md §1.3), so it counts as never assigned.
  const byId = new Map<number, ActualShard>();
  for (const a of input.actual) if (a.id < shardCount) byId.set(a.id, a);

  const changes: ShardChange[] = [];
  const waiting: ShardChange[] = [];
  let unchanged = 0;
  for (let id = 0; id < wanted; id++) {
    const name = desired[id] as string;
    const e = endpoints[name];
    if (e === undefined) throw new Error(`shard ${id}: unknown endpoint '${name}'`);
    const verdict = shardVerdict(e, byId.get(id), applied[id]);
    if (verdict.kind === 'ok') unchanged++;
    else (verdict.kind === 'wait' ? waiting : changes).push({ id, endpoint: name, reason: verdict.reason });
  }

  const steps: PlanStep[] = [];
  if (wanted > shardCount) {
    steps.push({
      kind: 'grow',
      from: shardCount,
      to: wanted,
      reason: `layout wants ${wanted} shards, conduit has ${shardCount}`,
    });
  }
  for (const shards of chunk(changes, batchSize)) steps.push({ kind: 'assign', shards });
  if (wanted < shardCount) {
    steps.push({
      kind: 'shrink',
      from: shardCount,
      to: wanted,
      reason: `layout wants ${wanted} shards, conduit has ${shardCount}`,
    });
  }
  return { steps, waiting, unchanged };
}
