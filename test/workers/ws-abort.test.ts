/**
 * WebSocketShard after a crash or deploy (cloudflare.md §1.3, §1.6): `abortAllDurableObjects` kills the object and
 * its socket; nothing reconnects by itself until the alarm, which survived, runs on a fresh instance. That instance
 * rebuilds from storage, reconnects to the base URL and the shard is re-assigned.
 */
import { runDurableObjectAlarm, runInDurableObject, abortAllDurableObjects } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shardName } from '../../src/durable/shard-stub.ts';
import { waitFor } from '../support/wait.ts';
import { enabledSession, sim, simState, sinceWelcome, trigger, wsHarness, type WsHarness } from './support/ws-shard.ts';

let h: WsHarness;
beforeEach(async () => {
  await sim.reset();
  h = wsHarness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('websocket shard: aborted object', () => {
  it('comes back through its alarm: reconnects and is re-assigned', { timeout: 45_000 }, async () => {
    await h.addWebsocket('ws-1');
    await h.controller().putLayout(['ws-1']);
    const first = await enabledSession(0);
    await h.subscribe('1001');
    expect((await trigger('1001'))[0]?.status).toBe('delivered');
    await waitFor('the event counted by the shard', async () => (await h.shard('ws-1').status()).eventsReceived === 1);
    // The counter is saved on the next tick (not per frame); a status call is one.
    await h.shard('ws-1').status();

    await abortAllDurableObjects();
    await waitFor('the simulator to see the socket go', async () => {
      const shard = (await simState()).conduits[0]?.shards[0];
      return shard?.status !== 'enabled';
    });
    expect((await simState()).sessions.filter((s) => s.status === 'connected')).toEqual([]);

    const fresh = env.WEBSOCKET_SHARD.getByName(shardName(h.controllerName, 'ws-1'));
    expect(await runDurableObjectAlarm(fresh)).toBe(true);
    const second = await enabledSession(0, { not: first });
    const ms = await sinceWelcome(second);
    console.log(`[ws-abort] after the alarm: welcome → enabled ${ms} ms`);
    expect(ms).toBeLessThan(10_000);

    const status = await h.shard('ws-1').status();
    expect(status).toMatchObject({ phase: 'connected', sessionId: second, assigned: true, reconnectCount: 1 });
    expect(status.eventsReceived).toBe(1);
    // The heartbeat is armed again, at most 30 s out.
    const alarm = await runInDurableObject(fresh, (_instance, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm!).toBeLessThanOrEqual(Date.now() + 30_000);
  });
});
