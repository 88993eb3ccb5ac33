/**
 * Bootstrap in all three modes (issue #3): a configured conduit id, `auto` adopting the only conduit or creating one,
 * and `auto` refusing to guess between several. Nothing is ever deleted.
 */
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { simControl, simHelix, writes } from '../support/sim-control.ts';
import { waitFor } from '../support/wait.ts';

const sim = simControl(env.SIM_BASE);
const controller = (setting: string) => env.CONDUIT_CONTROLLER.getByName(`conduit:${setting}#${crypto.randomUUID()}`);

beforeEach(async () => {
  await sim.reset();
});

describe('bootstrap', () => {
  it('auto with no conduit: creates one shard, puts it on the default webhook endpoint, and it gets verified', async () => {
    const c = controller('auto');
    const r = await c.reconcile();
    expect(r.ok).toBe(true);
    const state = await sim.state();
    expect(state.conduits).toHaveLength(1);
    const conduit = state.conduits[0]!;
    expect(conduit.shard_count).toBe(1);
    expect(writes(await sim.calls())).toEqual([
      'POST /helix/eventsub/conduits',
      'PATCH /helix/eventsub/conduits/shards',
    ]);
    expect(conduit.shards[0]!.transport).toEqual({ method: 'webhook', callback: `${env.PUBLIC_URL}/webhooks/default` });
    await waitFor('shard 0 enabled', async () => (await sim.state()).conduits[0]!.shards[0]!.status === 'enabled');
    const status = await c.status();
    expect(status.ok && status.value.conduit).toEqual({ id: conduit.id, shard_count: 1 });
    expect(status.ok && status.value.bootstrap).toEqual({ ok: true, error: null });
  });

  it('auto with exactly one conduit: adopts it and keeps its size', async () => {
    const existing = await simHelix(env.SIM_BASE).createConduit(3);
    const c = controller('auto');
    const r = await c.reconcile();
    expect(r.ok).toBe(true);
    const state = await sim.state();
    expect(state.conduits.map((x) => x.id)).toEqual([existing.id]);
    expect(state.conduits[0]!.shard_count).toBe(3);
    const layout = await c.getLayout();
    expect(layout.ok && layout.value).toEqual({ shard_count: 3, shards: ['default', 'default', 'default'] });
  });

  it('auto with several conduits: refuses to guess, names them, and changes nothing', async () => {
    const helix = simHelix(env.SIM_BASE);
    const a = await helix.createConduit(1);
    const b = await helix.createConduit(2);
    await sim.clearCalls();
    const c = controller('auto');
    const r = await c.reconcile();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(409);
    expect(r.error).toContain(a.id);
    expect(r.error).toContain(b.id);
    expect(r.error).toMatch(/set CONDUIT_ID/);
    expect(writes(await sim.calls())).toEqual([]);
    expect((await sim.state()).conduits).toHaveLength(2);
    const status = await c.status();
    expect(status.ok && status.value.bootstrap.error).toContain('2 conduits');
  });

  it('a configured CONDUIT_ID is used as it is, even with other conduits around', async () => {
    const helix = simHelix(env.SIM_BASE);
    await helix.createConduit(1);
    const mine = await helix.createConduit(2);
    const c = controller(mine.id);
    const r = await c.reconcile();
    expect(r.ok).toBe(true);
    const shards = (await sim.state()).conduits.find((x) => x.id === mine.id)!.shards;
    expect(shards.map((s) => s.id)).toEqual(['0', '1']);
  });

  it('a configured CONDUIT_ID that Twitch does not know: a clear error, nothing created', async () => {
    const other = await simHelix(env.SIM_BASE).createConduit(1);
    const c = controller('0e5e8c1a-0000-4000-8000-000000000000');
    const r = await c.reconcile();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(409);
    expect(r.error).toContain('0e5e8c1a-0000-4000-8000-000000000000');
    expect(r.error).toContain(other.id);
    expect((await sim.state()).conduits).toHaveLength(1);
  });
});
