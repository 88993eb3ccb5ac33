/**
 * Fault injection: every Durable Object aborted at once mid-stream, as an eviction or a deploy does
 * (`abortAllDurableObjects`, cloudflare.md §1.3, §1.6): the WebSocketShard, the controller and the EventHubs lose
 * their instances and the shard's socket drops. The conduit is the recommended mix, a webhook shard (the Worker's
 * real route, behind the relay) and a websocket shard: while the websocket shard is down its events go to the
 * webhook shard, a webhook request that meets a dying hub is answered 5xx and re-sent by Twitch, and the shard
 * object comes back through its alarm (run here as soon as the socket is gone; in production within 30 s). On an
 * all-websocket conduit the same abort takes every shard down at once, and Twitch drops what arrives meanwhile
 * (§5.2): counted as Twitch's drop, the reason the recommended layout keeps a webhook shard.
 */
import { runDurableObjectAlarm, abortAllDurableObjects } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shardName } from '../../src/durable/shard-stub.ts';
import { waitFor } from '../support/wait.ts';
import { enabledSession, sim } from '../workers/support/ws-shard.ts';
import { broadcastersOn, chaosScene, enabledOn, stopwatch, type ChaosScene } from './support/scene.ts';
import { twoWebsocketShards } from './support/ws-outage.ts';
import { settle, simShardStats, simTotals, stream, type TimedDelivery } from './support/tally.ts';

let s: ChaosScene;
beforeEach(async () => {
  await sim.reset();
  s = chaosScene();
});
afterEach(async () => {
  await s.cleanup();
});

describe('chaos: object abort (eviction or deploy)', () => {
  it('loses nothing on a webhook + websocket conduit', { timeout: 60_000 }, async () => {
    s.relay();
    await s.simConfig({ webhookRetryDelaysMs: [250, 500, 1_000, 2_000, 4_000] });
    await s.websocket('ws-1');
    expect((await s.h.controller().putLayout(['default', 'ws-1'])).ok).toBe(true);
    await waitFor('the webhook shard enabled', async () => (await enabledOn(0)) !== null, { timeoutMs: 10_000 });
    const first = await enabledSession(1);
    const broadcasters = [...broadcastersOn(0, 2, 2, 'abort'), ...broadcastersOn(1, 2, 2, 'abort')];
    await s.subscribe(broadcasters);

    let outage: ReturnType<typeof stopwatch> | null = null;
    const run = await stream({
      broadcasters,
      rate: 100,
      min: 300,
      max: 3_000,
      at: {
        100: async () => {
          outage = stopwatch();
          const at = Date.now();
          await abortAllDurableObjects();
          await waitFor('the simulator to see the socket go', async () => (await enabledOn(1)) !== first);
          const seen = Date.now() - at;
          const fresh = env.WEBSOCKET_SHARD.getByName(shardName(s.h.controllerName, 'ws-1'));
          return { at, seen, alarm: await runDurableObjectAlarm(fresh) };
        },
      },
      until: async () => !!outage && outage.check(async () => ![null, first].includes(await enabledOn(1))),
    });
    const totals = await simTotals();
    const fallbacks = (await simShardStats(1)).retried;
    const resends = (await simShardStats(0)).retried;
    const failedAnswers = [...s.routeAnswers()].filter(([status]) => status >= 500).reduce((a, [, n]) => a + n, 0);
    const abort = run.actions[0] as { at: number; seen: number; alarm: boolean };
    // Written while the object was being aborted: asked for before the simulator saw the socket close, answered after
    // the abort began.
    const dying = (d: TimedDelivery) => d.answered_at >= abort.at && d.sent_at <= abort.at + abort.seen;
    const r = await settle(
      'object abort (deploy), webhook + websocket shards',
      s.suffix,
      run.deliveries,
      [
        `websocket shard back on a new session ≤ ${(outage as ReturnType<typeof stopwatch> | null)?.ms} ms after the abort`,
        `${fallbacks} re-sent by Twitch to the webhook shard while the websocket was down`,
        ...(failedAnswers > 0
          ? [`${failedAnswers} webhook requests met a dying hub: 5xx, re-sent ${resends} times`]
          : []),
      ],
      { onDyingSocket: dying },
    );
    expect(abort.alarm).toBe(true);
    // Only what was on the websocket as its object died may be missing; every webhook event is kept.
    expect(r.workerLost).toBe(0);
    expect(r.inFlight).toBeLessThanOrEqual(5);
    expect(r.duplicated).toBe(0);
    expect(totals.dropped).toBe(0);
  });

  it('on an all-websocket conduit: both shards down at once, so Twitch drops what arrives meanwhile', async () => {
    const shards = await twoWebsocketShards(s, 'abortws');
    const stub = (name: string) => env.WEBSOCKET_SHARD.getByName(shardName(s.h.controllerName, name));
    const gone = async () => (await enabledOn(0)) !== shards.sessions[0] && (await enabledOn(1)) !== shards.sessions[1];
    const back = async () =>
      ![null, shards.sessions[0]].includes(await enabledOn(0)) &&
      ![null, shards.sessions[1]].includes(await enabledOn(1));
    let outage: ReturnType<typeof stopwatch> | null = null;
    const run = await stream({
      broadcasters: shards.broadcasters,
      rate: 100,
      min: 300,
      max: 3_000,
      at: {
        100: async () => {
          outage = stopwatch();
          const at = Date.now();
          await abortAllDurableObjects();
          await waitFor('the simulator to see both sockets go', gone);
          const seen = Date.now() - at;
          const alarms = [await runDurableObjectAlarm(stub('ws-1')), await runDurableObjectAlarm(stub('ws-2'))];
          return { at, seen, alarms };
        },
      },
      until: async () => !!outage && outage.check(back),
    });
    const abort = run.actions[0] as { at: number; seen: number; alarms: boolean[] };
    const dying = (d: TimedDelivery) => d.answered_at >= abort.at && d.sent_at <= abort.at + abort.seen;
    const totals = await simTotals();
    const r = await settle(
      'object abort (deploy), websocket shards only',
      s.suffix,
      run.deliveries,
      [
        `both shards back ≤ ${(outage as ReturnType<typeof stopwatch> | null)?.ms} ms after the abort, alarms run at once here`,
        'in production the alarm comes within 30 s, and all of it is dropped',
      ],
      { onDyingSocket: dying },
    );
    expect(abort.alarms).toEqual([true, true]);
    expect(r.workerLost).toBe(0);
    expect(r.twitchDropped).toBe(totals.dropped);
    expect(r.lost).toBe(r.twitchDropped + r.inFlight);
  });
});
