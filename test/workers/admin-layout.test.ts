/**
 * `GET|PUT /admin/api/layout` through the real ConduitController and the simulator: putting a layout reconciles the
 * conduit to it (shard count and each shard's callback), and the layout then protects its endpoints from removal.
 * Each test owns a fresh controller on a conduit it creates, so other tests' conduits do not matter.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ReconcileResult, StatusView } from '../../src/routes/admin/views.ts';
import { isolatedAdmin } from './support/admin-api.ts';
import { simControl, simHelix } from '../support/sim-control.ts';
import { waitFor } from '../support/wait.ts';

const sim = simControl(env.SIM_BASE);

async function freshConduit() {
  const conduit = await simHelix(env.SIM_BASE).createConduit(1);
  return { conduit, admin: isolatedAdmin(conduit.id) };
}

async function simShards(conduitId: string) {
  const found = (await sim.state()).conduits.find((c) => c.id === conduitId);
  if (!found) throw new Error(`conduit ${conduitId} is gone from the simulator`);
  return found;
}

describe('admin layout over the real controller', () => {
  it('puts a two-endpoint layout, grows the conduit and points each shard at its endpoint', async () => {
    const { conduit, admin } = await freshConduit();
    expect((await admin('POST', '/endpoints', { body: { name: 'green', kind: 'webhook' } })).status).toBe(201);

    const put = await admin('PUT', '/layout', { body: { shards: ['default', 'green', 'green'] } });
    expect(put.status).toBe(200);
    // The OpenAPI document's schema describes what the controller really answers.
    const result = ReconcileResult.parse(await put.json());
    expect(result.dry_run).toBe(false);
    expect(result.continues).toBe(false);

    const layout = await admin('GET', '/layout');
    expect(layout.status).toBe(200);
    expect(await layout.json()).toEqual({ shard_count: 3, shards: ['default', 'green', 'green'] });

    const state = await simShards(conduit.id);
    expect(state.shard_count).toBe(3);
    expect(state.shards.map((s) => s.transport.callback)).toEqual([
      `${env.PUBLIC_URL}/webhooks/default`,
      `${env.PUBLIC_URL}/webhooks/green`,
      `${env.PUBLIC_URL}/webhooks/green`,
    ]);
    await waitFor('all three shards enabled', async () =>
      (await simShards(conduit.id)).shards.every((s) => s.status === 'enabled'),
    );

    const status = await admin('GET', '/status?shard_limit=2');
    expect(status.status).toBe(200);
    const view = StatusView.parse(await status.json());
    expect(view.conduit).toEqual({ id: conduit.id, shard_count: 3 });
    expect(view.shards_total).toBe(3);
    expect(view.shards.map((s) => s.desired_endpoint)).toEqual(['default', 'green']);
  });

  it('a dry-run reconcile answers the plan and changes nothing', async () => {
    const { conduit, admin } = await freshConduit();
    await admin('POST', '/endpoints', { body: { name: 'green', kind: 'webhook' } });
    const res = await admin('POST', '/reconcile?dry_run=1');
    expect(res.status).toBe(200);
    expect(ReconcileResult.parse(await res.json()).dry_run).toBe(true);
    expect((await simShards(conduit.id)).shards).toEqual([]);
  });

  it('refuses a layout naming an unknown endpoint, naming its index, and changes nothing', async () => {
    const { admin } = await freshConduit();
    const before = await (await admin('GET', '/layout')).json();
    const res = await admin('PUT', '/layout', { body: { shards: ['default', 'nobody'] } });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: string }>()).error).toMatch(/^shards\.1: /);
    expect(await (await admin('GET', '/layout')).json()).toEqual(before);
  });

  it('an endpoint the layout uses cannot be removed (409) until the layout moves off it', async () => {
    const { admin } = await freshConduit();
    await admin('POST', '/endpoints', { body: { name: 'green', kind: 'webhook' } });
    expect((await admin('PUT', '/layout', { body: { shards: ['green'] } })).status).toBe(200);
    const used = await admin('DELETE', '/endpoints/green');
    expect(used.status).toBe(409);
    expect((await used.json<{ error: string }>()).error).toContain('green');
    expect((await admin('PUT', '/layout', { body: { shards: ['default'] } })).status).toBe(200);
    expect((await admin('DELETE', '/endpoints/green')).status).toBe(200);
  });
});
