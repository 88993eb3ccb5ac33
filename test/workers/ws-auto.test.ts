/**
 * WebSocketShard in `auto` mode (design.md §7): on its first welcome the endpoint claims the first shard that is
 * unassigned or disabled, from a fresh listing; with none free it grows the conduit by one and takes the new shard.
 * Either way the layout records the claim and the shard is enabled on the session.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.ts';
import { enabledSession, sim, simState, sinceWelcome, wsHarness, type WsHarness } from './support/ws-shard.ts';

let h: WsHarness;
beforeEach(async () => {
  await sim.reset();
  h = wsHarness();
});
afterEach(async () => {
  await h.cleanup();
});

async function layout(): Promise<string[]> {
  const r = await h.controller().getLayout();
  if (!r.ok) throw new Error(r.error);
  return r.value.shards;
}

/** Two built-in webhook shards, both enabled (the challenge responder verifies them). */
async function twoWebhookShards(): Promise<string> {
  const c = h.controller();
  await c.addEndpoint({ name: 'second', kind: 'webhook' });
  expect((await c.putLayout(['default', 'second'])).ok).toBe(true);
  return waitFor('both webhook shards enabled', async () => {
    const conduit = (await simState()).conduits[0];
    return conduit?.shards.length === 2 && conduit.shards.every((s) => s.status === 'enabled') ? conduit.id : null;
  });
}

describe('websocket shard: auto mode', () => {
  it('claims a disabled shard', async () => {
    const conduitId = await twoWebhookShards();
    await sim.call('POST', `/conduits/${conduitId}/shards/1/status`, { status: 'notification_failures_exceeded' });

    await h.addWebsocket('auto-1', { mode: 'auto' });
    const session = await enabledSession(1);
    console.log(`[ws-auto] claimed shard 1: welcome → enabled ${await sinceWelcome(session)} ms`);
    expect(await layout()).toEqual(['default', 'auto-1']);
    const conduit = (await simState()).conduits[0]!;
    expect(conduit.shard_count).toBe(2);
    expect(conduit.shards[0]).toMatchObject({ status: 'enabled', transport: { method: 'webhook' } });
    const actions = await h.controller().actions({ limit: 20 });
    expect(actions.ok && actions.value.find((a) => a.kind === 'claim')?.reason).toMatch(/claimed shard 1/);
  });

  it('grows a full conduit by one and takes the new shard', async () => {
    await twoWebhookShards();
    await h.addWebsocket('auto-1', { mode: 'auto' });
    const session = await enabledSession(2);
    console.log(`[ws-auto] grew to 3: welcome → enabled ${await sinceWelcome(session)} ms`);
    expect(await layout()).toEqual(['default', 'second', 'auto-1']);
    const conduit = (await simState()).conduits[0]!;
    expect(conduit.shard_count).toBe(3);
    expect(conduit.shards.filter((s) => s.status === 'enabled')).toHaveLength(3);

    // A reconnect keeps the claimed shard: no second claim, no growth.
    await sim.call('POST', `/sessions/${session}/close`, { code: 4005 });
    await enabledSession(2, { not: session });
    expect(await layout()).toEqual(['default', 'second', 'auto-1']);
    expect((await simState()).conduits[0]!.shard_count).toBe(3);
  });

  it('does not take a shard that belongs to another websocket endpoint between sockets', async () => {
    await h.addWebsocket('ws-fixed');
    expect((await h.controller().putLayout(['ws-fixed'])).ok).toBe(true);
    await enabledSession(0);
    // The simulator disables shard 0; ws-fixed still holds its session in the controller, so it is not free.
    const conduitId = (await simState()).conduits[0]!.id;
    await sim.call('POST', `/conduits/${conduitId}/shards/0/status`, { status: 'websocket_network_error' });
    await h.addWebsocket('auto-1', { mode: 'auto' });
    await enabledSession(1);
    expect(await layout()).toEqual(['ws-fixed', 'auto-1']);
  });
});
