/**
 * Reconcile against the simulator (issue #3): a layout applied to a fresh conduit, idempotence (a second run makes
 * no Helix writes), and a per-shard error inside Update Conduit Shards' 202 surfaced as a failure, never as success.
 */
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simControl, writes } from '../support/sim-control.ts';
import { waitFor } from '../support/wait.ts';

const sim = simControl(env.SIM_BASE);
const controller = () => env.CONDUIT_CONTROLLER.getByName(`conduit:auto#${crypto.randomUUID()}`);

beforeEach(async () => {
  await sim.reset();
});
afterEach(async () => {
  await sim.setConfig({ strictCallbacks: false });
});

async function allEnabled(n: number): Promise<void> {
  await waitFor(`${n} shards enabled`, async () => {
    const shards = (await sim.state()).conduits[0]?.shards ?? [];
    return shards.length === n && shards.every((s) => s.status === 'enabled');
  });
}

describe('reconcile', () => {
  it('applies a layout over two built-in endpoints on a fresh conduit, then a second run writes nothing', async () => {
    const c = controller();
    const blue = await c.addEndpoint({ name: 'blue', kind: 'webhook', base_url: `${env.PUBLIC_URL}/` });
    expect(blue.ok && blue.value).toMatchObject({
      name: 'blue',
      source: 'builtin',
      callback: `${env.PUBLIC_URL}/webhooks/blue`,
    });
    const r = await c.putLayout(['default', 'blue', 'default', 'blue']);
    expect(r.ok).toBe(true);
    await allEnabled(4);
    const shards = (await sim.state()).conduits[0]!.shards;
    expect(shards.map((s) => s.transport.callback)).toEqual(
      ['default', 'blue', 'default', 'blue'].map((n) => `${env.PUBLIC_URL}/webhooks/${n}`),
    );

    await sim.clearCalls();
    const again = await c.reconcile();
    expect(again.ok && again.value.plan.steps).toEqual([]);
    expect(again.ok && again.value.plan.unchanged).toBe(4);
    expect(writes(await sim.calls())).toEqual([]);
  });

  it('reports a per-shard refusal inside the 202 with the shard id and message, and retries it next time', async () => {
    await sim.setConfig({ strictCallbacks: true });
    const c = controller();
    await c.addEndpoint({
      name: 'ext',
      kind: 'webhook',
      callback: 'http://127.0.0.1:9/not-https',
      secret: 'an-external-secret-123',
    });
    const r = await c.putLayout(['ext']);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.progress.last_error).toMatch(/^shard 0: .*HTTPS/);
    const actions = await c.actions({ limit: 10 });
    const failed = actions.ok ? actions.value.filter((a) => a.result === 'failed') : [];
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toMatch(/Twitch refused shard 0: The URL in the transport's callback field is not valid/);
    expect(failed[0]!.detail).toEqual({ shard: 0, code: 'invalid_parameter' });
    // Not recorded as applied: the next reconcile tries again.
    await sim.clearCalls();
    await c.reconcile();
    expect(writes(await sim.calls())).toEqual(['PATCH /helix/eventsub/conduits/shards']);
  });

  it('never returns a secret in any response', async () => {
    const c = controller();
    await c.addEndpoint({
      name: 'ext',
      kind: 'webhook',
      callback: `${env.PUBLIC_URL}/elsewhere`,
      secret: 'top-secret-value-42',
    });
    await c.putLayout(['ext']);
    const everything = JSON.stringify([await c.status(), await c.listEndpoints(), await c.actions({ limit: 100 })]);
    expect(everything).not.toContain('top-secret-value-42');
    expect(everything).not.toContain(env.EVENTSUB_SECRET);
    const log = await sim.calls();
    const patch = log.find((x) => x.method === 'PATCH');
    expect(JSON.stringify(patch?.body)).toContain('(redacted)');
  });
});
