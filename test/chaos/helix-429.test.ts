/**
 * Fault injection: Helix 429s (twitch-eventsub.md §7.3) while a websocket shard needs its session re-assigned. The
 * app's bucket is emptied and slowed to 60 points a minute (one a second), then shard 0's socket is dropped: the
 * re-assign's PATCH and the cron's reconcile, started at the same moment, compete for the points: each 429 is waited
 * out for the next point (the fast path must still land inside Twitch's 10 s) and the call retried. Shard 0's events
 * go to shard 1 meanwhile.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sim } from '../workers/support/ws-shard.ts';
import { chaosScene, type ChaosScene } from './support/scene.ts';
import { settle, simTotals } from './support/tally.ts';
import { dropShardZero, twoWebsocketShards } from './support/ws-outage.ts';

let s: ChaosScene;
beforeEach(async () => {
  await sim.reset();
  s = chaosScene();
});
afterEach(async () => {
  await s.cleanup();
});

describe('chaos: Helix 429 burst', () => {
  it('loses nothing while the re-assign waits out an empty rate-limit bucket', { timeout: 60_000 }, async () => {
    const shards = await twoWebsocketShards(s, 'ratelimit');
    await sim.clearCalls();
    let cron: Promise<unknown> = Promise.resolve();
    const run = await dropShardZero(shards, {
      fault: async () => {
        await s.simConfig({ rateLimitPerMinute: 60 });
        await sim.drainBucket(0);
        cron = s.h.tick();
      },
    });
    await cron;
    const calls = await sim.calls();
    const limited = calls.filter((c) => c.status === 429).length;
    const patches = calls.filter((c) => c.method === 'PATCH' && c.path.endsWith('/shards'));
    const totals = await simTotals();
    const r = await settle('Helix 429 burst (bucket empty, 60 points/min)', s.suffix, run.deliveries, [
      `${limited} Helix calls answered 429, from the re-assign and a concurrent reconcile`,
      `shard 0 on a new session ≤ ${run.outageMs} ms after the drop`,
      `${totals.retried} re-sent by Twitch to shard 1 meanwhile`,
    ]);
    expect(limited).toBeGreaterThan(0);
    // The re-assign got through in the end (a 429 never ends it: the shard object retries, on a new session if need be).
    expect(patches.some((c) => c.status === 202)).toBe(true);
    expect(run.outageMs).not.toBeNull();
    expect(r.lost).toBe(0);
    expect(r.duplicated).toBe(0);
    expect(totals.dropped).toBe(0);
  });
});
