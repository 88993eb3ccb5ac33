/**
 * Fault injection: the simulator re-sending duplicates (twitch-eventsub.md §3.5: at-least-once, a resend keeps the
 * message id). A webhook shard (the Worker's real route, behind the relay) and a websocket shard; every event is
 * sent three times at once (the simulator's `duplicates` hook), and a quarter of them again after the stream, as a
 * late resend. The hubs de-duplicate by message id across both transports: each event is recorded once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.ts';
import { enabledSession, sim, type Delivery } from '../workers/support/ws-shard.ts';
import { broadcastersOn, chaosScene, enabledOn, type ChaosScene } from './support/scene.ts';
import { settle, simTotals, stream } from './support/tally.ts';

const COPIES = 3;

let s: ChaosScene;
beforeEach(async () => {
  await sim.reset();
  s = chaosScene();
});
afterEach(async () => {
  await s.cleanup();
});

describe('chaos: the simulator re-sending duplicates', () => {
  it('records every event once, whatever the transport and however late the copy', async () => {
    s.relay();
    await s.websocket('ws-1');
    expect((await s.h.controller().putLayout(['default', 'ws-1'])).ok).toBe(true);
    await waitFor('the webhook shard enabled', async () => (await enabledOn(0)) !== null, { timeoutMs: 10_000 });
    await enabledSession(1);
    const broadcasters = [...broadcastersOn(0, 2, 2, 'dup'), ...broadcastersOn(1, 2, 2, 'dup')];
    await s.subscribe(broadcasters);

    const run = await stream({ broadcasters, rate: 100, min: 200, max: 200, duplicates: COPIES - 1 });
    // A late resend of every fourth event, to the same broadcaster, with the same message id.
    const late: Delivery[] = [];
    for (let i = 0; i < run.deliveries.length; i += 4) {
      const d = run.deliveries[i]!;
      const r = await sim.call<{ data: Delivery[] }>('POST', '/events', {
        type: 'channel.follow',
        version: '2',
        condition: { broadcaster_user_id: d.broadcaster },
        message_id: d.message_id,
      });
      late.push(...r.data);
    }
    const totals = await simTotals();
    const r = await settle(
      'simulator re-sending duplicates',
      s.suffix,
      [...run.deliveries, ...late],
      [
        `${totals.delivered} copies delivered for ${run.deliveries.length} events: ${COPIES} each, ${late.length} late`,
        'webhook and websocket shards alike',
      ],
    );
    expect(late.every((d) => d.status === 'delivered')).toBe(true);
    expect(totals.delivered).toBe(run.deliveries.length * COPIES + late.length);
    expect(r.sent).toBe(200);
    expect(r.lost).toBe(0);
    expect(r.duplicated).toBe(0);
  });
});
