/**
 * Fault injection: a webhook endpoint down during a maintenance window (issue #6, design.md §6), with events flowing
 * through every phase. Six webhook shards on the Worker's real route (behind the relay), three on `blue`. Within the
 * lead time the controller moves blue's shards to the healthy endpoints one at a time; blue then goes down (503 to
 * everything) for the window and past its end; its shards come home only after blue answers a signed test challenge,
 * again one at a time. The simulator's shard statuses are sampled throughout the controller's passes: never more
 * than one shard is down or pending at once, and no event is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  maintenanceHarness,
  MIN,
  placement,
  responder,
  sim,
  SHARDS,
  simState,
  writeLog,
} from '../workers/support/maintenance.ts';
import { broadcastersOn, relayTo } from './support/scene.ts';
import type { RelayPump } from './support/relay-pump.ts';
import { settle, stream, type Streamed, type TimedDelivery } from './support/tally.ts';

const layout = ['default', 'blue', 'blue', 'green', 'blue', 'default'];
const h = maintenanceHarness();
const T = h.clock.t;
const suffix = h.name.slice('conduit:auto'.length);
const broadcasters = layout.flatMap((_, shard) => broadcastersOn(shard, layout.length, 2, 'maint'));
let pump: RelayPump;

beforeAll(async () => {
  await sim.reset();
  await sim.setConfig({ rateLimitPerMinute: 100_000 });
  await responder.reset();
  pump = relayTo(suffix);
  for (const name of ['blue', 'green']) await h.rpc().addEndpoint({ name, kind: 'webhook' });
  expect((await h.rpc().putLayout(layout)).ok).toBe(true);
  await h.subscribeOnline(broadcasters);
  await h.waitEnabled();
}, 60_000);
afterAll(async () => {
  await pump.stop();
  await responder.reset();
  await sim.setConfig({ rateLimitPerMinute: 800 });
});

/** Most shards not enabled at once, sampled from the simulator while `work` runs. */
async function sampled<T>(work: Promise<T>): Promise<{ value: T; maxDown: number }> {
  let done = false;
  let maxDown = 0;
  const poll = (async () => {
    for (let i = 0; i < 10_000 && !done; i++) {
      const c = (await simState()).conduits[0]!;
      const down = c.shard_count - c.shards.filter((s) => s.status === 'enabled').length;
      maxDown = Math.max(maxDown, down);
    }
  })();
  try {
    const value = await work;
    return { value, maxDown };
  } finally {
    done = true;
    await poll;
  }
}

/** A controller pass (the cron's tick and its continuations) with events flowing all through it. */
async function passUnderLoad(): Promise<{ run: Streamed; maxDown: number }> {
  let finished = false;
  const pass = sampled(h.tick()).finally(() => (finished = true));
  pass.catch(() => undefined);
  const run = await stream({
    type: 'stream.online',
    version: '1',
    broadcasters,
    rate: 100,
    min: 60,
    max: 3_000,
    until: async () => finished,
  });
  return { run, maxDown: (await pass).maxDown };
}

describe('chaos: webhook endpoint down during a maintenance window', () => {
  it('loses nothing, and never has two shards down at once', { timeout: 90_000 }, async () => {
    const res = await h.admin('POST', '/maintenance', {
      endpoint: 'blue',
      starts_at: new Date(T + 10 * MIN).toISOString(),
      ends_at: new Date(T + 40 * MIN).toISOString(),
      note: 'deploy blue',
    });
    expect(res.status).toBe(201);
    await sim.clearCalls();
    const deliveries: TimedDelivery[] = [];
    let maxDown = 0;
    const phase = async () => {
      const p = await passUnderLoad();
      deliveries.push(...p.run.deliveries);
      maxDown = Math.max(maxDown, p.maxDown);
    };

    // Within the lead time: blue's shards move to substitutes.
    h.advance(5 * MIN + 1_000);
    await phase();
    expect((await placement()).filter((e) => e === 'blue')).toEqual([]);

    // The window: blue is down.
    await responder.down(['blue']);
    h.advance(10 * MIN);
    await phase();
    // After the window, blue still down: its test challenge fails and the shards stay on their substitutes.
    h.advance(26 * MIN);
    await phase();
    expect((await placement()).includes('blue')).toBe(false);
    const whileDown = (await responder.stats()).byEndpoint.blue?.down ?? 0;

    // Blue is back: its shards come home one at a time.
    await responder.down([]);
    h.advance(MIN);
    await phase();
    await h.waitEnabled();
    expect(await placement()).toEqual(layout);
    await phase();

    const blue = (await responder.stats()).byEndpoint.blue;
    const moves = writeLog(await sim.calls()).filter((w) => w.startsWith(SHARDS));
    // Out and home, one shard per PATCH: 1, 2 and 4 to substitutes, then back to blue.
    expect(moves.map((m) => m.split(' ').pop()!.split(',').length)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(moves.slice(3)).toEqual([`${SHARDS} 1→blue`, `${SHARDS} 2→blue`, `${SHARDS} 4→blue`]);
    const r = await settle('webhook endpoint down during a maintenance window', suffix, deliveries, [
      `blue's 3 shards moved out before the window and home after it, ${moves.length} PATCHes of one shard each`,
      `at most ${maxDown} shard not enabled at once, sampled through 5 controller passes`,
      `blue refused ${whileDown} test challenge(s) while down and carried no shard; ${blue?.notifications ?? 0} events reached it after`,
    ]);
    expect(r.lost).toBe(0);
    expect(r.duplicated).toBe(0);
    expect(maxDown).toBeLessThanOrEqual(1);
  });
});
