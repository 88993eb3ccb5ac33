/**
 * Scaling through the controller (issue #3, conduit-notes.md "Scaling"), with the exact order of Helix writes:
 * up = grow then assign; down from the end = lower the count only; from the middle = copy the last shard into the
 * gap in one PATCH, then lower the count. Concurrent callers are serialized.
 */
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { simControl, writes } from '../support/sim-control.ts';

const sim = simControl(env.SIM_BASE);
const controller = () => env.CONDUIT_CONTROLLER.getByName(`conduit:auto#${crypto.randomUUID()}`);
const CONDUITS = 'PATCH /helix/eventsub/conduits';
const SHARDS = 'PATCH /helix/eventsub/conduits/shards';

beforeEach(async () => {
  await sim.reset();
});

async function started() {
  const c = controller();
  await c.addEndpoint({ name: 'blue', kind: 'webhook', base_url: env.PUBLIC_URL });
  expect((await c.reconcile()).ok).toBe(true);
  await sim.clearCalls();
  return c;
}

const shardsOnTwitch = async () => (await sim.state()).conduits[0]!;

describe('scale', () => {
  it('up: grows the conduit, then assigns the new shards (one PATCH)', async () => {
    const c = await started();
    const r = await c.scale(3, 'blue');
    expect(r.ok).toBe(true);
    const log = await sim.calls();
    expect(writes(log)).toEqual([CONDUITS, SHARDS]);
    expect(log.find((x) => x.method === 'PATCH' && x.path.endsWith('/conduits'))!.body).toMatchObject({
      shard_count: 3,
    });
    const patched = log.find((x) => x.path.endsWith('/shards') && x.method === 'PATCH')!.body as {
      shards: { id: string }[];
    };
    expect(patched.shards.map((s) => s.id)).toEqual(['1', '2']);
    const conduit = await shardsOnTwitch();
    expect(conduit.shard_count).toBe(3);
    expect(conduit.shards.map((s) => s.transport.callback)).toEqual([
      `${env.PUBLIC_URL}/webhooks/default`,
      `${env.PUBLIC_URL}/webhooks/blue`,
      `${env.PUBLIC_URL}/webhooks/blue`,
    ]);
  });

  it('down from the end: only lowers the count', async () => {
    const c = await started();
    await c.scale(4, 'blue');
    await sim.clearCalls();
    const r = await c.scale(2);
    expect(r.ok).toBe(true);
    const log = await sim.calls();
    expect(writes(log)).toEqual([CONDUITS]);
    expect(log.find((x) => x.method === 'PATCH')!.body).toMatchObject({ shard_count: 2 });
    expect((await shardsOnTwitch()).shard_count).toBe(2);
    const layout = await c.getLayout();
    expect(layout.ok && layout.value.shards).toEqual(['default', 'blue']);
  });

  it('from the middle: copies the last shard into the gap in one PATCH, then lowers the count', async () => {
    const c = await started();
    await c.putLayout(['default', 'blue', 'blue', 'default']);
    await sim.clearCalls();
    const r = await c.removeShard(1);
    expect(r.ok).toBe(true);
    const log = await sim.calls();
    expect(writes(log)).toEqual([SHARDS, CONDUITS]);
    const patch = log.find((x) => x.method === 'PATCH' && x.path.endsWith('/shards'))!.body as {
      shards: { id: string; transport: { callback: string } }[];
    };
    expect(patch.shards).toHaveLength(1);
    expect(patch.shards[0]).toMatchObject({ id: '1', transport: { callback: `${env.PUBLIC_URL}/webhooks/default` } });
    const conduit = await shardsOnTwitch();
    expect(conduit.shard_count).toBe(3);
    const layout = await c.getLayout();
    expect(layout.ok && layout.value.shards).toEqual(['default', 'default', 'blue']);
  });

  it('from the middle when the last shard is on the same endpoint: nothing to copy, only the count drops', async () => {
    const c = await started();
    await c.putLayout(['default', 'blue', 'default', 'blue']);
    await sim.clearCalls();
    expect((await c.removeShard(1)).ok).toBe(true);
    expect(writes(await sim.calls())).toEqual([CONDUITS]);
  });

  it('refuses bad requests and changes nothing', async () => {
    const c = await started();
    for (const [call, status] of [
      [() => c.scale(0), 400],
      [() => c.scale(20_001), 400],
      [() => c.scale(2.5), 400],
      [() => c.scale(2, 'nope'), 400],
      [() => c.removeShard(5), 404],
      [() => c.removeShard(0), 409],
    ] as const) {
      const r = await call();
      expect(r.ok).toBe(false);
      expect(!r.ok && r.status).toBe(status);
    }
    expect(writes(await sim.calls())).toEqual([]);
    const layout = await c.getLayout();
    expect(layout.ok && layout.value.shards).toEqual(['default']);
  });

  it('serializes concurrent changes: both apply, in order, and Twitch ends where the last one says', async () => {
    const c = await started();
    const [a, b, d] = await Promise.all([c.scale(3, 'blue'), c.scale(5, 'default'), c.scale(4)]);
    expect([a.ok, b.ok, d.ok]).toEqual([true, true, true]);
    const conduit = await shardsOnTwitch();
    expect(conduit.shard_count).toBe(4);
    const layout = await c.getLayout();
    expect(layout.ok && layout.value.shards).toEqual(['default', 'blue', 'blue', 'default']);
    expect(conduit.shards.map((s) => s.transport.callback?.split('/').pop())).toEqual([
      'default',
      'blue',
      'blue',
      'default',
    ]);
    const again = await c.reconcile();
    expect(again.ok && again.value.plan.steps).toEqual([]);
  });
});
