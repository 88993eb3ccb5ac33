/**
 * Fault injection: the app token expires (twitch-eventsub.md §7.2: a 401 renews the token and retries once) just
 * before shard 0's socket is dropped, so the re-assign's PATCH is the first call to meet the expired token. It is
 * renewed and the PATCH retried at once; shard 0's events go to shard 1 meanwhile.
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

describe('chaos: token expiry', () => {
  it('loses nothing: the re-assign renews the token and retries', async () => {
    const shards = await twoWebsocketShards(s, 'token');
    await sim.clearCalls();
    const run = await dropShardZero(shards, { fault: () => sim.expireTokens() });
    const patches = (await sim.calls())
      .filter((c) => c.method === 'PATCH' && c.path.endsWith('/shards'))
      .map((c) => c.status);
    const totals = await simTotals();
    const r = await settle('token expiry', s.suffix, run.deliveries, [
      `PATCH answered ${patches.join(' then ')}: token renewed and the call retried`,
      `shard 0 on a new session ≤ ${run.outageMs} ms after the drop`,
      `${totals.retried} re-sent by Twitch to shard 1 meanwhile`,
    ]);
    expect(patches).toEqual([401, 202]);
    expect(run.outageMs).not.toBeNull();
    expect(r.lost).toBe(0);
    expect(r.duplicated).toBe(0);
    expect(totals.dropped).toBe(0);
  });
});
