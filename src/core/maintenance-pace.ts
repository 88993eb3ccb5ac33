/**
 * @module Pacing (design.md §6, twitch-eventsub.md §5.2): Twitch retries an event whose shard is not enabled once, on
 * one other shard, so two shards not enabled at once can lose events. A webhook assignment leaves its shard pending
 * until Twitch's challenge passes, and a grown shard is unassigned until it is patched; a websocket assignment is
 * enabled in the PATCH itself (§1.7). So the changes maintenance makes by itself to enabled shards with a webhook
 * destination go in waves, each step marked `settle` (the executor waits until Twitch lists nothing pending first):
 * one shard per wave when there is time, the fewest waves that still finish in half the time left before a window
 * when there is not, and all at once when the window has begun (a shard left on a down webhook loses every event,
 * a pending one at least gets the retry). Changes that add no risk — repairs of shards already not enabled, websocket
 * destinations — and the operator's own layout changes go in ordinary batches, as before.
 */
import { chunk } from './chunk.ts';
import type { Decision } from './maintenance-types.ts';
import type { EndpointState, Plan, PlanStep, ShardChange } from './plan-types.ts';

/** What drives a change: the operator's layout, or maintenance with a deadline (ms epoch) or none. */
export type Driver = { kind: 'operator' } | { kind: 'maintenance'; deadline: number | null };

export interface PaceInput {
  plan: Plan;
  shardCount: number;
  endpoints: Record<string, EndpointState>;
  /** Shards Twitch lists as not enabled (pending included) or does not list at all, below `shardCount`. */
  notEnabled: Set<number>;
  driver: (id: number) => Driver;
  /** The grow step re-adds shards a compaction removed: grow them one wave at a time. */
  pacedGrow: boolean;
  now: number;
  waveMs: number;
  batchSize: number;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** Waves that finish in half the time left, at one wave per `waveMs`: the rest is margin for retries and the cron. */
function waveSize(count: number, deadline: number, now: number, waveMs: number): { size: number; why: string } {
  const left = deadline - now;
  if (left <= 0) {
    return {
      size: count,
      why: `the window has begun: all ${count} at once (a shard left on a down webhook loses every event; a pending one gets Twitch's retry on another shard)`,
    };
  }
  const waves = Math.max(1, Math.floor(left / 2 / waveMs));
  const size = Math.ceil(count / waves);
  if (size === 1)
    return {
      size,
      why: `one at a time (${count} wave(s) of ~${seconds(waveMs)}, the window starts in ${seconds(left)})`,
    };
  return {
    size,
    why: `in waves of ${size}: one at a time would take ~${seconds(count * waveMs)}, the window starts in ${seconds(left)}`,
  };
}

export function pace(input: PaceInput): { plan: Plan; decisions: Decision[] } {
  const { plan, shardCount, endpoints, notEnabled, driver, batchSize } = input;
  const grow = plan.steps.find((s) => s.kind === 'grow');
  const shrink = plan.steps.find((s) => s.kind === 'shrink');
  const changes = plan.steps.flatMap((s) => (s.kind === 'assign' ? s.shards : []));

  const fresh: ShardChange[] = [];
  const plain: ShardChange[] = [];
  const timed: ShardChange[] = [];
  const untimed: ShardChange[] = [];
  let deadline = Infinity;
  for (const c of changes) {
    if (c.id >= shardCount) {
      fresh.push(c);
      continue;
    }
    const d = driver(c.id);
    const risky = !notEnabled.has(c.id) && endpoints[c.endpoint]?.kind === 'webhook' && d.kind === 'maintenance';
    if (!risky) plain.push(c);
    else if (d.kind === 'maintenance' && d.deadline !== null) {
      timed.push(c);
      deadline = Math.min(deadline, d.deadline);
    } else untimed.push(c);
  }

  const pacedGrow = grow !== undefined && input.pacedGrow;
  // Nothing of maintenance's own to pace: the planner's plan exactly, calls and all.
  if (timed.length === 0 && untimed.length === 0 && !pacedGrow) return { plan, decisions: [] };
  const decisions: Decision[] = [];
  const steps: PlanStep[] = [];
  if (grow && !pacedGrow) steps.push(grow);
  const ordinary = new Set([...plain, ...(pacedGrow ? [] : fresh)]);
  for (const shards of chunk(
    changes.filter((c) => ordinary.has(c)),
    batchSize,
  ))
    steps.push({ kind: 'assign', shards });
  if (grow && pacedGrow) {
    const byId = new Map(fresh.map((c) => [c.id, c]));
    for (let n = grow.from; n < grow.to; n++) {
      steps.push({ kind: 'grow', from: n, to: n + 1, reason: `${grow.reason}: one shard at a time`, settle: true });
      const c = byId.get(n);
      if (c) steps.push({ kind: 'assign', shards: [c] });
    }
    decisions.push({
      kind: 'pace',
      reason: `${grow.to - grow.from} shard(s) come back one at a time: grow by one, assign it, wait until it is enabled`,
    });
  }
  if (timed.length > 0) {
    const { size, why } = waveSize(timed.length, deadline, input.now, input.waveMs);
    for (const shards of chunk(timed, Math.min(size, batchSize))) steps.push({ kind: 'assign', shards, settle: true });
    decisions.push({ kind: 'pace', reason: `${timed.length} shard(s) move before their window ${why}` });
  }
  if (untimed.length > 0) {
    for (const c of untimed) steps.push({ kind: 'assign', shards: [c], settle: true });
    decisions.push({
      kind: 'pace',
      reason: `${untimed.length} shard(s) go home one at a time, each after the one before is enabled`,
    });
  }
  if (shrink) steps.push(shrink);
  return { plan: { ...plan, steps }, decisions };
}
