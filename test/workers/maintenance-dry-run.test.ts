/**
 * `POST /admin/api/reconcile?dry_run=1` shows the maintenance plan without applying it (issue #6): the decisions with
 * their reasons, the paced steps, the test challenges a real pass would send — and nothing reaches Twitch or the
 * endpoints, and nothing is stored: the next real pass decides afresh and moves the shards.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReconcileResult } from '../../src/durable/controller-types.ts';
import { maintenanceHarness, MIN, placement, responder, SHARDS, sim, writeLog } from './support/maintenance.ts';

const layout = ['default', 'blue', 'blue', 'green'];
const h = maintenanceHarness();
const T = h.clock.t;

beforeAll(async () => {
  await sim.reset();
  await responder.reset();
  for (const name of ['blue', 'green']) await h.rpc().addEndpoint({ name, kind: 'webhook' });
  expect((await h.rpc().putLayout(layout)).ok).toBe(true);
  await h.waitEnabled();
  const w = await h.admin('POST', '/maintenance', {
    endpoint: 'blue',
    starts_at: new Date(T + 10 * MIN).toISOString(),
    ends_at: new Date(T + 30 * MIN).toISOString(),
  });
  expect(w.status).toBe(201);
  // Inside the lead time from here on (added before it, so no pass was asked for).
  h.advance(7 * MIN);
});

describe('dry run', () => {
  it('shows the decisions, reasons and paced steps, and changes nothing anywhere', async () => {
    await h.install();
    await sim.clearCalls();
    const challengesBefore = (await responder.stats()).byEndpoint;
    const res = await h.admin('POST', '/reconcile?dry_run=1');
    expect(res.status).toBe(200);
    const r = await res.json<ReconcileResult>();
    expect(r.dry_run).toBe(true);
    expect(r.plan.steps).toEqual([
      { kind: 'assign', settle: true, shards: [expect.objectContaining({ id: 1, endpoint: 'default' })] },
      { kind: 'assign', settle: true, shards: [expect.objectContaining({ id: 2, endpoint: 'green' })] },
    ]);
    const m = r.maintenance!;
    expect(m.decisions.map((d) => d.kind)).toEqual(['substitute', 'pace']);
    expect(m.decisions[0]!.reason).toMatch(
      /^window \d+ on 'blue' starts at .*: 2 shard\(s\) get substitutes on 'default' ×1, 'green' ×1$/,
    );
    expect(m.probes.map((p) => p.endpoint)).toEqual(['default', 'green']);
    expect(m.note).toBe("a dry run sends no test challenge: planned as if 'default', 'green' answered");
    expect(m).toMatchObject({ substituted: 2, restoring: 0, compaction: null, effective_shards: 4 });
    // Nothing written to Twitch, no endpoint challenged, nothing stored.
    expect(writeLog(await sim.calls())).toEqual([]);
    expect((await responder.stats()).byEndpoint).toEqual(challengesBefore);
    const status = await h.rpc().status();
    expect(status.ok && status.value.maintenance).toMatchObject({ substituted: 0, restoring: 0 });
    expect((await h.actions(50)).some((a) => a.kind.startsWith('maintenance:'))).toBe(false);
    expect(await placement()).toEqual(layout);
  });

  it('the real pass then does what the dry run showed', async () => {
    await sim.clearCalls();
    await h.tick();
    expect(writeLog(await sim.calls()).filter((w) => w.startsWith(SHARDS))).toEqual([
      `${SHARDS} 1→default`,
      `${SHARDS} 2→green`,
    ]);
    await h.waitEnabled();
    expect(await placement()).toEqual(['default', 'default', 'green', 'green']);
  });
});
