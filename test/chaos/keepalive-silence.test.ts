/**
 * Fault injection: keepalive silence (twitch-eventsub.md §6.3). Shard 0's session stops sending keepalives (the
 * simulator's silence hook) while shard 1 carries a steady stream. Any notification is itself a sign of life, so
 * shard 0's broadcasters stay quiet until the watchdog gives the socket up at 1.2 × the 10 s keepalive; then the
 * stream covers every broadcaster again while the shard object reconnects and shard 0 is re-assigned, and the
 * simulator re-sends shard 0's events to shard 1 in between.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enabledSession, sim } from '../workers/support/ws-shard.ts';
import { broadcastersOn, chaosScene, enabledOn, stopwatch, type ChaosScene } from './support/scene.ts';
import { settle, simTotals, stream } from './support/tally.ts';

let s: ChaosScene;
beforeEach(async () => {
  await sim.reset();
  s = chaosScene();
});
afterEach(async () => {
  await s.cleanup();
});

describe('chaos: keepalive silence', () => {
  it('loses nothing while the watchdog replaces a silent socket', { timeout: 60_000 }, async () => {
    await s.websocket('ws-1', 10);
    await s.websocket('ws-2');
    await s.h.controller().putLayout(['ws-1', 'ws-2']);
    const first = await enabledSession(0);
    await enabledSession(1);
    const quiet = broadcastersOn(0, 2, 2, 'quiet');
    const busy = broadcastersOn(1, 2, 2, 'quiet');
    await s.subscribe([...quiet, ...busy]);

    const before = await stream({ broadcasters: [...quiet, ...busy], rate: 50, min: 50, max: 50 });
    await sim.call('POST', `/sessions/${first}/silence`);
    // Shard 1 only, until the watchdog has given shard 0's socket up (the simulator then disables shard 0).
    const during = await stream({
      broadcasters: busy,
      rate: 50,
      min: 10,
      max: 1_500,
      until: async () => (await enabledOn(0)) !== first,
    });
    const recovery = stopwatch();
    const after = await stream({
      broadcasters: [...quiet, ...busy],
      rate: 50,
      min: 100,
      max: 1_500,
      until: () => recovery.check(async () => ![null, first].includes(await enabledOn(0))),
    });
    const totals = await simTotals();
    const r = await settle(
      'keepalive silence',
      s.suffix,
      [...before.deliveries, ...during.deliveries, ...after.deliveries],
      [
        `watchdog gave the silent socket up after ${during.ms} ms, at 1.2 × the 10 s keepalive`,
        `shard 0 on a new session ≤ ${recovery.ms} ms later`,
        `${totals.retried} re-sent by Twitch to shard 1 in between`,
      ],
    );
    expect(during.ms).toBeGreaterThanOrEqual(11_000);
    expect(recovery.ms).not.toBeNull();
    expect(r.lost).toBe(0);
    expect(r.duplicated).toBe(0);
    expect(totals.dropped).toBe(0);
  });
});
