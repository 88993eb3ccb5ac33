/**
 * Fault injection: a burst of Helix 5xx (twitch-eventsub.md §7.3: 503 is retried once) while a websocket shard
 * needs its session re-assigned. Shard 0's socket is dropped with the next eight Update Conduit Shards calls
 * scripted to fail (four 503, then four 500, through `POST /_sim/faults`): the assign fails, is retried within the
 * 10 s window, the shard object gives that session up and tries a fresh one, until a PATCH gets through. Shard 0's
 * events go to shard 1 all the while.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sim } from '../workers/support/ws-shard.ts';
import { chaosScene, type ChaosScene } from './support/scene.ts';
import { settle, simTotals } from './support/tally.ts';
import { dropShardZero, twoWebsocketShards } from './support/ws-outage.ts';

const PATCH_SHARDS = { path_prefix: '/helix/eventsub/conduits/shards', method: 'PATCH' };

let s: ChaosScene;
beforeEach(async () => {
  await sim.reset();
  s = chaosScene();
});
afterEach(async () => {
  await s.cleanup();
});

describe('chaos: Helix 5xx burst', () => {
  it('loses nothing while the re-assign rides out eight failed PATCHes', { timeout: 60_000 }, async () => {
    const shards = await twoWebsocketShards(s, 'fivexx');
    await sim.clearCalls();
    const run = await dropShardZero(shards, {
      fault: async () => {
        await sim.call('POST', '/faults', { status: 503, count: 4, ...PATCH_SHARDS });
        await sim.call('POST', '/faults', { status: 500, count: 4, ...PATCH_SHARDS });
      },
    });
    const patches = (await sim.calls()).filter((c) => c.method === 'PATCH' && c.path.endsWith('/shards'));
    const failed = patches.filter((c) => c.status >= 500).length;
    const totals = await simTotals();
    const r = await settle('Helix 5xx burst (4 × 503, 4 × 500)', s.suffix, run.deliveries, [
      `${failed} PATCHes failed, then ${patches.length - failed} succeeded`,
      `shard 0 on a new session ≤ ${run.outageMs} ms after the drop`,
      `${totals.retried} re-sent by Twitch to shard 1 meanwhile`,
    ]);
    expect(failed).toBe(8);
    expect(patches.at(-1)?.status).toBe(202);
    expect(run.outageMs).not.toBeNull();
    expect(r.lost).toBe(0);
    expect(r.duplicated).toBe(0);
    expect(totals.dropped).toBe(0);
  });
});
