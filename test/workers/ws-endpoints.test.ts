/**
 * The controller's hold on shard objects (design.md §7, cloudflare.md §1.6): adding a websocket endpoint starts its
 * WebSocketShard, the cron's tick pokes every one (a stopped or forgotten object comes back), and removing the
 * endpoint stops it and closes its socket.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.ts';
import { enabledSession, sim, simState, wsHarness, type WsHarness } from './support/ws-shard.ts';

let h: WsHarness;
beforeEach(async () => {
  await sim.reset();
  h = wsHarness();
});
afterEach(async () => {
  await h.shard('ws-1').stop();
});

const connected = () =>
  waitFor('ws-1 connected', async () => (await h.shard('ws-1').status()).phase === 'connected', { timeoutMs: 5_000 });

describe('websocket endpoints and their shard objects', () => {
  it('starts the object when the endpoint is added', async () => {
    expect((await h.shard('ws-1').status()).problem).toBe('never started');
    const added = await h.controller().addEndpoint({ name: 'ws-1', kind: 'websocket' });
    expect(added.ok && added.value).toMatchObject({
      name: 'ws-1',
      kind: 'websocket',
      source: 'websocket',
      mode: 'fixed',
    });
    await connected();
  });

  it('the cron tick brings a stopped object back', async () => {
    await h.controller().addEndpoint({ name: 'ws-1', kind: 'websocket' });
    await h.controller().putLayout(['ws-1']);
    const first = await enabledSession(0);
    expect((await h.shard('ws-1').stop()).phase).toBe('stopped');
    expect((await h.tick()).ok).toBe(true);
    const second = await enabledSession(0, { not: first });
    expect((await h.shard('ws-1').status()).sessionId).toBe(second);
  });

  it('stops the object and closes its socket when the endpoint is removed', async () => {
    await h.controller().addEndpoint({ name: 'ws-1', kind: 'websocket' });
    await h.controller().putLayout(['default', 'ws-1']);
    const session = await enabledSession(1);
    // An endpoint that carries shards cannot go; move them first.
    expect(await h.controller().removeEndpoint('ws-1')).toMatchObject({ ok: false, status: 409 });
    await h.controller().putLayout(['default']);
    expect(await h.controller().removeEndpoint('ws-1')).toMatchObject({ ok: true });
    expect(await h.shard('ws-1').status()).toMatchObject({ desired: 'stopped', phase: 'stopped' });
    await waitFor('the session closed', async () => {
      return (await simState()).sessions.find((s) => s.id === session)?.status === 'closed';
    });
  });
});
