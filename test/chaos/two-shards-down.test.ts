/**
 * Fault injection: two shards down at once, the state in which Twitch itself drops events (twitch-eventsub.md §5.2:
 * an event for a disabled shard is re-sent to one other shard, and dropped if that one is disabled too). Three
 * webhook shards on the Worker's real route (behind the relay); the simulator forces shards 1 and 2 to
 * `notification_failures_exceeded`, so events hashed to one and re-sent to the other are dropped — counted as
 * Twitch's, not the Worker's. The controller cannot prevent an outage it did not cause, but it never causes this
 * state itself (its planned moves go one shard at a time: maintenance-window.test.ts), and its repair brings both
 * back in one PATCH (both already down: together is the shortest way out); afterwards nothing is lost.
 */
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { maintenanceHarness, sim, SHARDS, simState, writeLog } from '../workers/support/maintenance.ts';
import { broadcasterVia, broadcastersOn, relayTo } from './support/scene.ts';
import type { RelayPump } from './support/relay-pump.ts';
import { settle, simShardStats, stream } from './support/tally.ts';

const h = maintenanceHarness();
const suffix = h.name.slice('conduit:auto'.length);
// Hashed to shard 1 and re-sent to 2, hashed to 2 and re-sent to 1, and one on the healthy shard 0.
const broadcasters = [
  broadcasterVia(1, 2, 3, 'down'),
  broadcasterVia(2, 1, 3, 'down'),
  ...broadcastersOn(0, 3, 1, 'down'),
];
let pump: RelayPump;

beforeAll(async () => {
  await sim.reset();
  await sim.setConfig({ rateLimitPerMinute: 100_000 });
  pump = relayTo(suffix);
  for (const name of ['blue', 'green']) await h.rpc().addEndpoint({ name, kind: 'webhook' });
  expect((await h.rpc().putLayout(['default', 'blue', 'green'])).ok).toBe(true);
  await h.subscribeOnline(broadcasters);
  await h.waitEnabled();
}, 60_000);
afterAll(async () => {
  await pump.stop();
  await sim.setConfig({ rateLimitPerMinute: 800 });
});

const online = { type: 'stream.online', version: '1', broadcasters, rate: 100 };

describe('chaos: two shards down at once', () => {
  it('is Twitch’s drop, counted as such; the controller repairs both at once; then nothing is lost', async () => {
    const conduit = (await simState()).conduits[0]!.id;
    for (const shard of [1, 2]) {
      await sim.call('POST', `/conduits/${conduit}/shards/${shard}/status`, {
        status: 'notification_failures_exceeded',
      });
    }
    const down = await stream({ ...online, min: 90, max: 90 });
    const dropped = (await simShardStats(1)).dropped + (await simShardStats(2)).dropped;
    const forced = await settle('two shards down at once (forced)', suffix, down.deliveries, [
      'shards 1 and 2 disabled together: what hashes to one and falls back to the other has nowhere to go',
    ]);
    expect(forced.workerLost).toBe(0);
    expect(forced.twitchDropped).toBe(dropped);
    expect(forced.twitchDropped).toBeGreaterThan(0);
    expect(forced.delivered).toBe(forced.sent - forced.twitchDropped);

    await sim.clearCalls();
    const repairStarted = Date.now();
    await h.tick();
    await h.waitEnabled('both shards repaired');
    const repairMs = Date.now() - repairStarted;
    const patches = writeLog(await sim.calls()).filter((w) => w.startsWith(SHARDS));
    expect(patches).toEqual([`${SHARDS} 1→blue,2→green`]);

    const after = await stream({ ...online, min: 90, max: 90 });
    const repaired = await settle('two shards down, after the controller’s repair', suffix, after.deliveries, [
      `the cron's repair re-PATCHed both in one call; both enabled ${repairMs} ms after the tick began`,
    ]);
    expect(repaired.lost).toBe(0);
    expect(repaired.duplicated).toBe(0);
  });
});
