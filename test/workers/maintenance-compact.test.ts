/**
 * A compact window through the real controller (issue #6, conduit-notes.md "Maintenance"): the last shards are copied
 * into blue's gaps one at a time and the count drops; blue goes down and no event is lost; afterwards the conduit
 * grows back one shard at a time and the gaps go home — with the exact order of Helix writes asserted from the
 * simulator's call log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  broadcasterFor,
  CONDUITS,
  maintenanceHarness,
  MIN,
  placement,
  responder,
  SHARDS,
  sim,
  simState,
  trigger,
  writeLog,
} from './support/maintenance.ts';

// blue on 1 and 3: compacted to 4 shards, gap 1 takes shard 4 (green), gap 3 takes shard 5 (default).
const layout = ['default', 'blue', 'green', 'blue', 'green', 'default'];
const h = maintenanceHarness();
const T = h.clock.t;
// Events for every shard of the compacted conduit (4) and of the full one (6).
const during = [0, 1, 2, 3].flatMap((s) => [broadcasterFor(s, 4, 'c'), broadcasterFor(s, 4, 'd')]);
const full = layout.map((_, s) => broadcasterFor(s, 6, 'e'));

beforeAll(async () => {
  await sim.reset();
  await responder.reset();
  for (const name of ['blue', 'green']) await h.rpc().addEndpoint({ name, kind: 'webhook' });
  expect((await h.rpc().putLayout(layout)).ok).toBe(true);
  await h.subscribeOnline([...during, ...full]);
  await h.waitEnabled();
}, 60_000);

// An endpoint left down by a failing test must not stay down for the next file.
afterAll(async () => {
  await responder.reset();
});

describe('a compact window', () => {
  it('copies the last shards into the gaps, one at a time, then lowers the count: exactly these writes', async () => {
    const res = await h.admin('POST', '/maintenance', {
      endpoint: 'blue',
      starts_at: new Date(T + 5 * MIN).toISOString(),
      ends_at: new Date(T + 30 * MIN).toISOString(),
      compact: true,
    });
    expect(res.status).toBe(201);
    await sim.clearCalls();
    await h.tick();
    const log = await sim.calls();
    // (The first tick also subscribes the Worker's own conduit.shard.disabled feed: a POST, not part of this.)
    expect(writeLog(log).filter((w) => w.startsWith('PATCH'))).toEqual([
      `${SHARDS} 1→green`,
      `${SHARDS} 3→default`,
      `${CONDUITS} 4`,
    ]);
    // Each copy waited for the challenge of the one before.
    const second = log.findIndex(
      (c) => c.method === 'PATCH' && (c.body as { shards?: { id: string }[] }).shards?.[0]?.id === '3',
    );
    const first = log.findIndex((c) => c.method === 'PATCH');
    expect(log.slice(first + 1, second).some((c) => c.query.status === 'webhook_callback_verification_pending')).toBe(
      true,
    );
    await h.waitEnabled();
    expect(await placement()).toEqual(['default', 'green', 'green', 'default']);
    const actions = await h.actions(40);
    expect(actions.find((a) => a.kind === 'maintenance:compact')?.reason).toMatch(
      /^window \d+ on 'blue' starts at .*: compact 6 → 4 shards; 2 gap\(s\) take copies of the last shards, then the count drops$/,
    );
  });

  it('loses no event while blue is down', async () => {
    await responder.down(['blue']);
    h.advance(10 * MIN);
    await h.tick();
    const results = await trigger([...during, ...full]);
    expect(results.every((r) => r.status === 'delivered')).toBe(true);
    const stats = await sim.call<{ totals: { dropped: number } }>('GET', '/stats');
    expect(stats.totals.dropped).toBe(0);
    expect((await responder.stats()).byEndpoint.blue?.down ?? 0).toBe(0);
  });

  it('stays compacted after the window until blue answers its test challenge', async () => {
    h.advance(21 * MIN);
    await sim.clearCalls();
    await h.tick();
    expect(writeLog(await sim.calls()).filter((w) => w.startsWith('PATCH'))).toEqual([]);
    expect((await simState()).conduits[0]!.shard_count).toBe(4);
  });

  it('grows back one shard at a time, then brings the gaps home one at a time: exactly these writes', async () => {
    await responder.down([]);
    h.advance(MIN);
    await sim.clearCalls();
    await h.tick();
    expect(writeLog(await sim.calls()).filter((w) => w.startsWith('PATCH'))).toEqual([
      `${CONDUITS} 5`,
      `${SHARDS} 4→green`,
      `${CONDUITS} 6`,
      `${SHARDS} 5→default`,
      `${SHARDS} 1→blue`,
      `${SHARDS} 3→blue`,
    ]);
    await h.waitEnabled();
    expect(await placement()).toEqual(layout);
    const again = await h.tick();
    expect(again.first.reconcile.plan.steps).toEqual([]);
    const status = await h.rpc().status();
    expect(status.ok && status.value.maintenance?.compaction).toBeNull();
    const results = await trigger(full);
    expect(results.every((r) => r.status === 'delivered')).toBe(true);
  });
});
