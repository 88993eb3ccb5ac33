/**
 * A 20,000-shard conduit reconciled within the Free plan's 50 subrequests per invocation (issue #3, design.md §6):
 * the controller stops before its budget, keeps progress in storage and continues from its alarm. Each invocation's
 * Helix calls are counted from the simulator's call log.
 */
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConduitController } from '../../src/index.ts';
import { simControl, writes } from '../support/sim-control.ts';

const sim = simControl(env.SIM_BASE);
const N = 20_000;

/** Longer than a test takes to run the next alarm by hand, so the object's own alarm never runs one first. */
const SOON_IN_TEST = 5_000;

/** Run alarm invocations until the reconcile is done; returns the Helix calls each invocation made. */
async function drive(stub: DurableObjectStub<ConduitController>, first: () => Promise<unknown>) {
  await runInDurableObject(stub, (c: ConduitController) => {
    c.continueSoonMs = SOON_IN_TEST;
  });
  const perInvocation: number[] = [];
  let seq = (await sim.calls()).at(-1)?.seq ?? 0;
  const count = async () => {
    const log = await sim.calls(seq);
    seq = log.at(-1)?.seq ?? seq;
    perInvocation.push(log.length);
  };
  await first();
  await count();
  for (let i = 0; i < 50; i++) {
    const status = await stub.status({ shard_limit: 1 });
    if (status.ok && ['done', 'failed'].includes(status.value.reconcile.phase)) break;
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await count();
  }
  return perInvocation;
}

describe('20,000 shards', () => {
  const stub = env.CONDUIT_CONTROLLER.getByName(`conduit:auto#${crypto.randomUUID()}`);
  let applyCalls: number[] = [];

  beforeAll(async () => {
    await sim.reset();
  });

  it('scales a fresh conduit to 20,000 shards in chunks, never over 50 subrequests per invocation', async () => {
    applyCalls = await drive(stub, () => stub.scale(N));
    const status = await stub.status({ shard_limit: 1 });
    expect(status.ok && status.value.reconcile.phase).toBe('done');
    expect(status.ok && status.value.conduit?.shard_count).toBe(N);
    expect(Math.max(...applyCalls)).toBeLessThanOrEqual(48);
    const conduit = (await sim.state()).conduits[0]!;
    expect(conduit.shard_count).toBe(N);
    expect(conduit.shards).toHaveLength(N);
    expect(new Set(conduit.shards.map((s) => s.transport.callback))).toEqual(
      new Set([`${env.PUBLIC_URL}/webhooks/default`]),
    );
    console.log(`20k apply: ${applyCalls.length} invocations, Helix calls per invocation ${applyCalls.join(', ')}`);
  });

  it('a second reconcile lists 200 pages across invocations and writes nothing', async () => {
    let continueIn = Number.NaN;
    const listCalls = await drive(stub, async () => {
      await stub.reconcile();
      const at = await runInDurableObject(stub, (_c, state) => state.storage.getAlarm());
      continueIn = (at ?? Number.NaN) - Date.now();
    });
    // It stopped on its budget with pages still to list: the next chunk is due after `continueSoonMs` (in production
    // 20 ms; lengthened here, see drive), not after the second a wait on Twitch gets.
    expect(continueIn).toBeGreaterThan(SOON_IN_TEST - 1_000);
    expect(listCalls.length).toBeGreaterThan(1);
    expect(Math.max(...listCalls)).toBeLessThanOrEqual(48);
    const all = listCalls.reduce((a, b) => a + b, 0);
    expect(all).toBe(1 + N / 100);
    const status = await stub.status({ shard_limit: 1 });
    expect(status.ok && status.value.reconcile).toMatchObject({ phase: 'done', pages_listed: N / 100, steps_total: 0 });
    console.log(`20k idempotent re-run: ${listCalls.length} invocations, Helix calls ${listCalls.join(', ')}`);
  });

  it('wrote no shard twice', async () => {
    const log = await sim.calls();
    expect(writes(log).filter((w) => w.endsWith('/shards'))).toHaveLength(N / 500);
  });

  it('moves every shard to another endpoint: listing and 40 PATCH batches resume across invocations', async () => {
    await stub.addEndpoint({ name: 'green', kind: 'webhook', base_url: env.PUBLIC_URL });
    await sim.clearCalls();
    const calls = await drive(stub, () => stub.putLayout(Array.from({ length: N }, () => 'green')));
    expect(Math.max(...calls)).toBeLessThanOrEqual(48);
    const patches = writes(await sim.calls()).filter((w) => w.endsWith('/shards'));
    expect(patches).toHaveLength(N / 500);
    const conduit = (await sim.state()).conduits[0]!;
    expect(new Set(conduit.shards.map((s) => s.transport.callback))).toEqual(
      new Set([`${env.PUBLIC_URL}/webhooks/green`]),
    );
    const status = await stub.status({ shard_limit: 1 });
    expect(status.ok && status.value.reconcile).toMatchObject({ phase: 'done', steps_done: N / 500 });
    console.log(`20k move: ${calls.length} invocations, Helix calls ${calls.join(', ')}`);
  });
});
