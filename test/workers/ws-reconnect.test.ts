/**
 * WebSocketShard, Twitch-requested reconnect under load (twitch-eventsub.md §6.3, §5.3): while 200 events stream
 * through the conduit, the simulator sends `session_reconnect`; the shard object opens `reconnect_url`, keeps the old
 * socket until the new welcome (same session id: no PATCH), then closes it. Every event the simulator delivered is in
 * the hubs exactly once, and none was dropped.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writes } from '../support/sim-control.ts';
import { waitFor } from '../support/wait.ts';
import { enabledSession, sim, simState, stream, wsHarness, type WsHarness } from './support/ws-shard.ts';

const BROADCASTER = '1001';
const EVENTS = 200;

let h: WsHarness;
beforeEach(async () => {
  await sim.reset();
  h = wsHarness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('websocket shard: session_reconnect', () => {
  it('loses and duplicates nothing across the switch, and does not re-assign', { timeout: 60_000 }, async () => {
    await h.addWebsocket('ws-1');
    await h.controller().putLayout(['ws-1']);
    const session = await enabledSession(0);
    await h.subscribe(BROADCASTER);
    await sim.clearCalls();

    const { deliveries, side } = await stream(BROADCASTER, EVENTS, 50, () =>
      sim.call('POST', `/sessions/${session}/reconnect`),
    );
    await side;
    expect(deliveries).toHaveLength(EVENTS);
    expect(deliveries.filter((d) => d.status !== 'delivered')).toEqual([]);
    const sent = deliveries.map((d) => d.message_id);

    const recorded = await waitFor(
      `all ${EVENTS} events in the hubs`,
      async () => {
        const ids = await h.hubMessageIds();
        return ids.length >= EVENTS ? ids : null;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    const counts = new Map<string, number>();
    for (const id of recorded) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(recorded.length).toBe(EVENTS);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(recorded)).toEqual(new Set(sent));

    const stats = await sim.call<{ totals: { sent: number; delivered: number; dropped: number } }>('GET', '/stats');
    expect(stats.totals).toMatchObject({ sent: EVENTS, delivered: EVENTS, dropped: 0 });
    const status = await h.shard('ws-1').status();
    console.log(
      `[ws-reconnect] simulator delivered ${stats.totals.delivered}, hubs recorded ${recorded.length} ` +
        `(${counts.size} distinct), frames ingested by the shard ${status.eventsReceived}`,
    );

    // Same session, still enabled, no PATCH for it; `connected` again in the simulator (it reads `reconnecting`
    // until the reconnect_url socket is welcomed).
    expect(status).toMatchObject({ phase: 'connected', sessionId: session, assigned: true, reconnectCount: 0 });
    expect(status.eventsReceived).toBeGreaterThanOrEqual(EVENTS);
    expect(await enabledSession(0)).toBe(session);
    expect(writes(await sim.calls()).filter((w) => w.endsWith('/shards'))).toEqual([]);
    expect((await simState()).sessions.find((s) => s.id === session)?.status).toBe('connected');
  });
});
