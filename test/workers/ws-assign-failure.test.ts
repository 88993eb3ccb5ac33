/**
 * The controller's fast path (design.md §6): a per-shard error inside Update Conduit Shards' 202 is a failure, with
 * each shard id and Twitch's message, never a success; and the shard object, told so, retries on a new session.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enabledSession, sim, wsHarness, type WsHarness } from './support/ws-shard.ts';

let h: WsHarness;
beforeEach(async () => {
  await sim.reset();
  h = wsHarness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('websocket shard: assign failures', () => {
  it('answers a session Twitch refuses with 502 naming the shard and the message, and records it', async () => {
    await h.addWebsocket('ws-1');
    expect((await h.controller().putLayout(['default', 'ws-1'])).ok).toBe(true);
    const live = await enabledSession(1);

    const r = await h.controller().assignSession('ws-1', 'no-such-session');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(502);
    expect(r.error).toMatch(/^Twitch refused 1 of 1 shard\(s\); shard 1: /);
    expect(r.details).toMatchObject({ failures: [{ shard: 1, message: expect.any(String) }] });
    const actions = await h.controller().actions({ limit: 5 });
    expect(
      actions.ok && actions.value.some((a) => a.result === 'failed' && a.reason.startsWith('Twitch refused shard 1')),
    ).toBe(true);

    // A refused session is not kept for reconcile: the shard stays on the live one.
    const again = await h.controller().reconcile();
    expect(again.ok && again.value.plan.steps).toEqual([]);
    expect(await enabledSession(1)).toBe(live);
  });

  it('refuses an endpoint that is not a websocket endpoint', async () => {
    const r = await h.controller().assignSession('default', 'abc');
    expect(r).toMatchObject({ ok: false, status: 404, error: "no websocket endpoint 'default'" });
  });
});
