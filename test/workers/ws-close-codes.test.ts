/**
 * WebSocketShard, close codes (twitch-eventsub.md §6.4, §5.3): whatever code Twitch closes the session with,
 * 4000–4007 and a TCP drop, the shard object reconnects to the base URL with a new session and the controller
 * re-assigns the shard. 4003 waits the (shortened) unused pause instead of the backoff.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enabledSession, sim, simState, sinceWelcome, wsHarness, type WsHarness } from './support/ws-shard.ts';

let h: WsHarness;
let session: string;
let reconnects = 0;

// One shard object for the whole file: each case starts from the session the previous one left.
beforeAll(async () => {
  await sim.reset();
  h = wsHarness();
  await h.addWebsocket('ws-1');
  await h.controller().putLayout(['ws-1']);
  session = await enabledSession(0);
});
afterAll(async () => {
  await h.cleanup();
});

describe('websocket shard: close codes', () => {
  it.each([4000, 4001, 4002, 4003, 4004, 4005, 4006, 4007, 'drop'] as const)(
    'after %s: a new session, re-assigned',
    async (code) => {
      const old = session;
      const closedAt = Date.now();
      await sim.call('POST', `/sessions/${old}/close`, { code });
      session = await enabledSession(0, { not: old });
      reconnects++;
      const ms = await sinceWelcome(session);
      const welcomedAfter = Date.now() - ms - closedAt;
      console.log(`[ws-close-codes] ${code}: close → welcome ${welcomedAfter} ms, welcome → enabled ${ms} ms`);
      expect(ms).toBeLessThan(10_000);
      // 4003 pauses (FAST.unusedPauseMs = 300 ms here, a minute by default) instead of the backoff (< 200 ms here).
      if (code === 4003) expect(welcomedAfter).toBeGreaterThanOrEqual(280);
      expect((await simState()).sessions.find((s) => s.id === old)?.status).toBe('closed');
      expect(await h.shard('ws-1').status()).toMatchObject({
        phase: 'connected',
        sessionId: session,
        assigned: true,
        reconnectCount: reconnects,
      });
    },
  );
});
