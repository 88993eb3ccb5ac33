/**
 * A maintenance window on a webhook endpoint through the real controller, the simulator and a moved clock (issue #6,
 * design.md §6): the endpoint's shards get substitutes within the lead time, spread over the healthy endpoints; the
 * endpoint then goes down and every event of the window is delivered (none dropped); after the window its shards stay
 * put until it answers a signed test challenge, then go home one at a time, each after the one before is enabled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  broadcasterFor,
  maintenanceHarness,
  MIN,
  placement,
  responder,
  SHARDS,
  sim,
  trigger,
  writeLog,
} from './support/maintenance.ts';

const layout = ['default', 'blue', 'blue', 'green', 'blue', 'default'];
const h = maintenanceHarness();
const T = h.clock.t;
// Two broadcasters per shard, so every shard carries events.
const broadcasters = layout.flatMap((_, shard) => [broadcasterFor(shard, 6, 'a'), broadcasterFor(shard, 6, 'b')]);

beforeAll(async () => {
  await sim.reset();
  await responder.reset();
  for (const name of ['blue', 'green']) await h.rpc().addEndpoint({ name, kind: 'webhook' });
  expect((await h.rpc().putLayout(layout)).ok).toBe(true);
  await h.subscribeOnline(broadcasters);
  await h.waitEnabled();
}, 60_000);

// An endpoint left down by a failing test must not stay down for the next file.
afterAll(async () => {
  await responder.reset();
});

describe('a window on a webhook endpoint', () => {
  it('is accepted with a note on what will happen', async () => {
    const res = await h.admin('POST', '/maintenance', {
      endpoint: 'blue',
      starts_at: new Date(T + 10 * MIN).toISOString(),
      ends_at: new Date(T + 40 * MIN).toISOString(),
      note: 'deploy blue',
    });
    expect(res.status).toBe(201);
    const w = await res.json<{ notes: string[] }>();
    expect(w.notes.at(-1)).toMatch(/^3 shard\(s\) move to substitutes before .* come back one at a time after/);
  });

  it('changes nothing before the lead time', async () => {
    await sim.clearCalls();
    await h.tick();
    expect(writeLog(await sim.calls()).filter((w) => w.startsWith(SHARDS))).toEqual([]);
    expect(await placement()).toEqual(layout);
  });

  it('within the lead time moves blue’s shards to the healthy endpoints, one at a time, proven first', async () => {
    h.advance(5 * MIN + 1_000);
    await sim.clearCalls();
    await h.tick();
    const where = await placement();
    expect(where.filter((e) => e === 'blue')).toEqual([]);
    expect(where).toEqual(['default', 'default', 'green', 'green', 'default', 'default']);
    // One shard per PATCH, each after a check that nothing is still pending.
    const log = await sim.calls();
    const moves = writeLog(log).filter((w) => w.startsWith(SHARDS));
    expect(moves).toEqual([`${SHARDS} 1→default`, `${SHARDS} 2→green`, `${SHARDS} 4→default`]);
    const patchAt = log.flatMap((c, i) => (c.method === 'PATCH' ? [i] : []));
    for (const i of patchAt) {
      expect(
        log.slice(0, i).some((c) => c.method === 'GET' && c.query.status === 'webhook_callback_verification_pending'),
      ).toBe(true);
    }
    await h.waitEnabled();
    const kinds = (await h.actions()).map((a) => a.kind);
    expect(kinds).toContain('maintenance:substitute');
    expect(kinds).toContain('probe');
    // The status view shows both: where each shard belongs, and where maintenance has it now.
    const status = await h.admin('GET', '/status');
    const view = await status.json<{ shards: { desired_endpoint: string; effective_endpoint: string }[] }>();
    expect(view.shards.map((s) => s.desired_endpoint)).toEqual(layout);
    expect(view.shards.map((s) => s.effective_endpoint)).toEqual(where);
  });

  it('delivers every event while blue is down: none dropped, none sent to blue', async () => {
    await responder.down(['blue']);
    h.advance(10 * MIN);
    await h.tick();
    const before = (await responder.stats()).byEndpoint.blue?.notifications ?? 0;
    const results = await trigger(broadcasters);
    expect(results).toHaveLength(broadcasters.length);
    expect(results.every((r) => r.status === 'delivered')).toBe(true);
    const stats = await sim.call<{ totals: { dropped: number; delivered: number } }>('GET', '/stats');
    expect(stats.totals.dropped).toBe(0);
    const after = await responder.stats();
    expect(after.byEndpoint.blue?.notifications ?? 0).toBe(before);
    expect(after.byEndpoint.blue?.down ?? 0).toBe(0);
  });

  it('after the window keeps the substitutes while blue fails its test challenge, and says so', async () => {
    h.advance(26 * MIN);
    await sim.clearCalls();
    await h.tick();
    expect(writeLog(await sim.calls()).filter((w) => w.startsWith(SHARDS))).toEqual([]);
    expect((await placement()).includes('blue')).toBe(false);
    const actions = await h.actions(50);
    expect(actions.find((a) => a.kind === 'probe')?.reason).toMatch(/^'blue' failed a signed test challenge: HTTP 503/);
    expect(actions.find((a) => a.kind === 'maintenance:wait')?.reason).toBe(
      "3 shard(s) stay on their substitutes until 'blue' answers a signed test challenge (last check: HTTP 503)",
    );
  });

  it('brings the shards home one at a time once blue answers, and events reach blue again', async () => {
    await responder.down([]);
    h.advance(MIN);
    await sim.clearCalls();
    await h.tick();
    const log = await sim.calls();
    const moves = writeLog(log).filter((w) => w.startsWith(SHARDS));
    expect(moves).toEqual([`${SHARDS} 1→blue`, `${SHARDS} 2→blue`, `${SHARDS} 4→blue`]);
    const patches = log.flatMap((c, i) => (c.method === 'PATCH' ? [i] : []));
    for (let k = 1; k < patches.length; k++) {
      const between = log.slice(patches[k - 1]! + 1, patches[k]!);
      expect(between.some((c) => c.query.status === 'webhook_callback_verification_pending')).toBe(true);
    }
    await h.waitEnabled();
    expect(await placement()).toEqual(layout);
    const again = await h.tick();
    expect(again.first.reconcile.plan.steps).toEqual([]);
    const status = await h.rpc().status();
    expect(status.ok && status.value.maintenance).toMatchObject({ substituted: 0, restoring: 0, compaction: null });
    const before = (await responder.stats()).byEndpoint.blue?.notifications ?? 0;
    const results = await trigger(broadcasters);
    expect(results.every((r) => r.status === 'delivered')).toBe(true);
    expect((await responder.stats()).byEndpoint.blue!.notifications).toBe(before + 6);
  });
});
