/**
 * WebSocketShard, keepalive watchdog (twitch-eventsub.md §6.3): a session that falls silent past 1.2 × its 10 s
 * keepalive is treated as dead; the shard object reconnects to the base URL with a new session and the controller
 * re-assigns the shard to it.
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

describe('websocket shard: keepalive silence', () => {
  it('reconnects after 1.2 × keepalive of silence and re-assigns the new session', { timeout: 45_000 }, async () => {
    await h.addWebsocket('ws-1', { keepalive: 10 });
    await h.controller().putLayout(['ws-1']);
    const first = await enabledSession(0);
    await sim.call('POST', `/sessions/${first}/silence`);
    const silencedAt = Date.now();

    const second = await enabledSession(0, { not: first, timeoutMs: 25_000 });
    const waited = Date.now() - silencedAt;
    const ms = await sinceWelcome(second);
    console.log(`[ws-keepalive] silence → new session assigned after ${waited} ms; welcome → enabled ${ms} ms`);
    // Silenced right after the welcome, the last frame: the watchdog fires 12 s after it, not before, not much later.
    const sinceFirst = await sinceWelcome(first);
    expect(sinceFirst).toBeGreaterThanOrEqual(11_500);
    expect(sinceFirst).toBeLessThan(20_000);
    expect(ms).toBeLessThan(10_000);

    const state = await simState();
    expect(state.sessions.find((s) => s.id === first)?.status).toBe('closed');
    const status = await h.shard('ws-1').status();
    expect(status).toMatchObject({ phase: 'connected', sessionId: second, assigned: true, reconnectCount: 1 });
  });
});
