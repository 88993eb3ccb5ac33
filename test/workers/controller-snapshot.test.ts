/**
 * The controller's shard snapshot across reconcile passes (issue #8, scale): a pass over an unchanged conduit writes
 * a few rows, not four per shard (SQLite rows written are billed, and the cron makes a pass a minute); a shard whose
 * status changed on Twitch is updated in the snapshot; shards Twitch no longer lists leave it. Rows written are
 * summed from the object's own SQL cursors (`rowsWritten`).
 */
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConduitController } from '../../src/index.ts';
import { simControl, simHelix } from '../support/sim-control.ts';
import { waitFor } from '../support/wait.ts';

const sim = simControl(env.SIM_BASE);
const N = 250;

beforeEach(async () => {
  await sim.reset();
});

/** Count rows written by the object's SQL from now on (the same SqlStorage its stores hold). */
async function countRowsWritten(stub: DurableObjectStub<ConduitController>) {
  const tally = { rows: 0 };
  await runInDurableObject(stub, (_c, state) => {
    const sql = state.storage.sql;
    const exec = sql.exec.bind(sql);
    sql.exec = ((query: string, ...bindings: unknown[]) => {
      const cursor = exec(query, ...bindings);
      // rowsWritten is final once the statement has run: a write statement runs when exec returns.
      tally.rows += cursor.rowsWritten;
      return cursor;
    }) as typeof sql.exec;
  });
  return tally;
}

async function reconcileToDone(stub: DurableObjectStub<ConduitController>) {
  const r = await stub.reconcile();
  expect(r.ok).toBe(true);
  for (let i = 0; i < 20; i++) {
    const s = await stub.status({ shard_limit: 1 });
    if (s.ok && ['done', 'failed'].includes(s.value.reconcile.phase)) return s.value;
    await runDurableObjectAlarm(stub);
  }
  throw new Error('reconcile did not finish in 20 invocations');
}

async function snapshot(stub: DurableObjectStub<ConduitController>) {
  const s = await stub.status({ shard_limit: N });
  if (!s.ok) throw new Error(s.error);
  return s.value.shards;
}

describe('shard snapshot', () => {
  it('writes a few rows for a pass over an unchanged conduit, and keeps what changed and what vanished', async () => {
    const stub = env.CONDUIT_CONTROLLER.getByName(`conduit:auto#${crypto.randomUUID()}`);
    expect((await stub.scale(N)).ok).toBe(true);
    await waitFor(`${N} shards enabled`, async () => {
      const shards = (await sim.state()).conduits[0]?.shards ?? [];
      return shards.length === N && shards.every((s) => s.status === 'enabled');
    });
    await reconcileToDone(stub);
    expect((await snapshot(stub)).every((s) => s.actual?.status === 'enabled')).toBe(true);

    const tally = await countRowsWritten(stub);
    const pass = await reconcileToDone(stub);
    expect(pass.reconcile).toMatchObject({ phase: 'done', pages_listed: 3, steps_total: 0 });
    // Before: the listing, then `actual` deleted and refilled, then the listing deleted: four rows a shard (1,000).
    expect(tally.rows).toBeGreaterThan(0);
    expect(tally.rows).toBeLessThan(60);

    // Twitch reports one shard down: the next pass updates that row (and the repair then fixes it).
    const conduitId = (await sim.state()).conduits[0]!.id;
    await sim.call('POST', `/conduits/${conduitId}/shards/7/status`, { status: 'notification_failures_exceeded' });
    tally.rows = 0;
    expect((await stub.reconcile({ dryRun: true })).ok).toBe(true);
    let shards = await snapshot(stub);
    expect(shards.find((s) => s.id === 7)?.actual?.status).toBe('notification_failures_exceeded');
    expect(shards.filter((s) => s.actual?.status !== 'enabled').map((s) => s.id)).toEqual([7]);
    expect(tally.rows).toBeLessThan(60);

    // Someone shrinks the conduit behind the controller's back: the shards Twitch no longer lists leave the snapshot.
    const shrunk = await simHelix(env.SIM_BASE).call('PATCH', '/eventsub/conduits', {
      id: conduitId,
      shard_count: 200,
    });
    expect(shrunk.status).toBe(200);
    expect((await stub.reconcile({ dryRun: true })).ok).toBe(true);
    shards = await snapshot(stub);
    expect(shards.filter((s) => s.actual !== null)).toHaveLength(200);
    expect(shards.filter((s) => s.id >= 200).every((s) => s.actual === null)).toBe(true);
  });
});
