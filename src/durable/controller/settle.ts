/**
 * @module The `settle` check before a paced step (design.md §6, core/maintenance-pace.ts): Twitch must list no shard
 * still `webhook_callback_verification_pending`, and none of the shards the step before moved may have failed its
 * challenge (then the endpoint is not what its test challenge said, and the run stops to plan again rather than push
 * more shards at it). Pending challenges usually finish within milliseconds, so a few short polls run inside the
 * invocation before it hands over to the alarm.
 */
import type { PlanStep } from '../../core/plan-types.ts';
import type { ReconcileDeps } from './reconcile.ts';

/** Waits between polls inside one invocation (ms); then the alarm continues. */
const POLL_DELAYS = [5, 25, 100, 250];
/** A shard pending longer than this is not coming (Twitch gives a challenge 10 s, twitch-eventsub.md §8.4). */
export const SETTLE_TIMEOUT_MS = 30_000;

export type Settled = { kind: 'settled' } | { kind: 'waiting' } | { kind: 'failed'; shards: number[] };

/** Continue in the next invocation: a shard is still being challenged. */
export class NotSettled extends Error {
  constructor() {
    super('a shard is still pending its challenge; continuing in the next invocation');
    this.name = 'NotSettled';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function settle(deps: ReconcileDeps, previous: PlanStep | null): Promise<Settled> {
  const conduitId = deps.store.conduit!.id;
  const appliedAt = deps.challenge?.appliedAt ?? null;
  // First give the challenge of the step just applied the time it usually takes (core/challenge-timer.ts).
  const wait = deps.challenge?.timer.firstWait(appliedAt === null ? null : Date.now() - appliedAt) ?? 0;
  if (wait > 0) await sleep(wait);
  for (let poll = 0; ; poll++) {
    deps.budget.guard();
    const page = await deps.helix.getShardsPage(conduitId, { status: 'webhook_callback_verification_pending' });
    if (page.shards.length === 0) {
      if (appliedAt !== null) deps.challenge?.timer.observe(poll === 0, Date.now() - appliedAt);
      break;
    }
    const delay = POLL_DELAYS[poll];
    if (delay === undefined) return { kind: 'waiting' };
    await sleep(delay);
  }
  const moved = new Set(previous?.kind === 'assign' ? previous.shards.map((c) => c.id) : []);
  if (moved.size === 0) return { kind: 'settled' };
  deps.budget.guard();
  const failed = await deps.helix.getShardsPage(conduitId, { status: 'webhook_callback_verification_failed' });
  const ours = failed.shards.filter((s) => moved.has(s.id)).map((s) => s.id);
  return ours.length > 0 ? { kind: 'failed', shards: ours } : { kind: 'settled' };
}
