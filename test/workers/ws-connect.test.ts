/**
 * WebSocketShard, first connect (design.md §7, twitch-eventsub.md §5.3): adding a websocket endpoint starts its
 * shard object, which connects to the simulator with the configured keepalive, and the controller puts the layout's
 * shard on the welcomed session well within Twitch's 10 s. Measures welcome → shard enabled.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enabledSession, sim, simState, sinceWelcome, wsHarness, type WsHarness } from './support/ws-shard.ts';

let h: WsHarness;
beforeEach(async () => {
  await sim.reset();
  h = wsHarness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('websocket shard: first connect', () => {
  it('connects, is assigned within 10 s of the welcome, and reports its status', async () => {
    await h.addWebsocket('ws-1', { keepalive: 10 });
    expect((await h.controller().putLayout(['default', 'ws-1'])).ok).toBe(true);

    const session = await enabledSession(1);
    const ms = await sinceWelcome(session);
    console.log(`[ws-connect] welcome → shard 1 enabled: ${ms} ms`);
    expect(ms).toBeLessThan(10_000);

    const state = await simState();
    expect(state.sessions.find((s) => s.id === session)).toMatchObject({
      status: 'connected',
      keepalive_timeout_seconds: 10,
    });

    const status = await h.shard('ws-1').status();
    expect(status).toMatchObject({ endpoint: 'ws-1', phase: 'connected', sessionId: session, assigned: true });
    expect(status.problem).toBeNull();
    expect(status.connectedSince).toBeGreaterThan(0);
    expect(status.lastFrameAt).toBeGreaterThanOrEqual(status.connectedSince!);

    // The admin view carries the socket; reconcile reads the session from the controller and has nothing to do.
    const body = (await (await h.admin('GET', '/status')).json()) as {
      endpoints: { name: string; mode?: string; socket?: Record<string, unknown> }[];
    };
    expect(body.endpoints.find((e) => e.name === 'ws-1')).toMatchObject({
      mode: 'fixed',
      socket: { phase: 'connected', session_id: session, assigned: true, reconnect_count: 0, events_received: 0 },
    });
    const again = await h.controller().reconcile();
    expect(again.ok && again.value.plan.steps).toEqual([]);
  });

  it('assigns a session that arrives before the layout names the endpoint once the layout does', async () => {
    await h.addWebsocket('ws-1');
    const early = await h.controller().reconcile();
    expect(early.ok).toBe(true);
    // The socket is up with no shard to take; the layout change then uses the stored session.
    const status = await h.shard('ws-1').status();
    expect(status.endpoint).toBe('ws-1');
    expect((await h.controller().putLayout(['ws-1'])).ok).toBe(true);
    const session = await enabledSession(0);
    expect((await h.shard('ws-1').status()).sessionId).toBe(session);
  });
});
