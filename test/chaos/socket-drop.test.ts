/**
 * Fault injection: a TCP drop mid-stream (twitch-eventsub.md §5.2, §5.3). Two websocket shards carry a steady
 * stream; shard 0's socket is dropped without a close frame. The simulator disables shard 0 at once and re-sends its
 * events to shard 1 while the shard object backs off, reconnects and has the controller re-PATCH shard 0 to the new
 * session. Every event is in the hubs once.
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

describe('chaos: socket drop mid-stream', () => {
  it('loses nothing: shard 0’s events go to shard 1 until the new session is assigned', async () => {
    const shards = await twoWebsocketShards(s, 'drop');
    const run = await dropShardZero(shards);
    const totals = await simTotals();
    const r = await settle('socket drop mid-stream', s.suffix, run.deliveries, [
      `shard 0 on a new session ≤ ${run.outageMs} ms after the drop`,
      `${totals.retried} re-sent by Twitch to shard 1 meanwhile`,
    ]);
    expect(run.outageMs).not.toBeNull();
    expect(r.lost).toBe(0);
    expect(r.duplicated).toBe(0);
    expect(totals.dropped).toBe(0);
    expect(totals.retried).toBeGreaterThan(0);
  });
});
