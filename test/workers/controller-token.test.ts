/**
 * The controller under Twitch's auth and rate-limit rules (issue #3, twitch-eventsub.md §7): an expired token is
 * renewed and the call retried once; a rate-limit 429 is waited out when the next point is near and reported with
 * `retry_at` when it is not; the token's validity is visible without the token.
 */
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simControl } from '../support/sim-control.ts';

const sim = simControl(env.SIM_BASE);
const controller = () => env.CONDUIT_CONTROLLER.getByName(`conduit:auto#${crypto.randomUUID()}`);
const trace = async () =>
  (await sim.calls()).map((c) => `${c.method} ${c.path.replace('/helix/eventsub', '')} ${c.status}`);

beforeEach(async () => {
  await sim.reset();
});
afterEach(async () => {
  await sim.setConfig({ rateLimitPerMinute: 800 });
});

describe('app token and rate limits', () => {
  it('renews an expired token on the 401 and retries the call once', async () => {
    const c = controller();
    expect((await c.reconcile()).ok).toBe(true);
    const before = await c.status();
    expect(before.ok && before.value.token.valid).toBe(true);
    await sim.expireTokens();
    await sim.clearCalls();
    const r = await c.reconcile();
    expect(r.ok).toBe(true);
    expect((await trace()).slice(0, 2)).toEqual(['GET /conduits 401', 'GET /conduits 200']);
    const after = await c.status();
    expect(JSON.stringify(after)).not.toMatch(/access_token|sim-client-secret/);
  });

  it('backs off on a rate-limit 429 and succeeds', async () => {
    const c = controller();
    expect((await c.reconcile()).ok).toBe(true);
    await sim.drainBucket(0);
    await sim.clearCalls();
    const r = await c.scale(2);
    expect(r.ok).toBe(true);
    const t = await trace();
    expect(t[0]).toBe('GET /conduits 429');
    expect(t[1]).toBe('GET /conduits 200');
    expect((await sim.state()).conduits[0]!.shard_count).toBe(2);
  });

  it('answers 429 with retry_at when the bucket will not refill soon; the new layout waits for the next run', async () => {
    const c = controller();
    expect((await c.reconcile()).ok).toBe(true);
    await sim.setConfig({ rateLimitPerMinute: 1 });
    await sim.drainBucket(0);
    const r = await c.scale(3);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(429);
    expect(r.details).toMatchObject({ kind: 'rate_limited' });
    expect((r.details as { retry_at: number }).retry_at).toBeGreaterThan(Date.now() + 30_000);
    expect((await sim.state()).conduits[0]!.shard_count).toBe(1);
    const layout = await c.getLayout();
    expect(layout.ok && layout.value.shard_count).toBe(3);
    await sim.setConfig({ rateLimitPerMinute: 800 });
    await sim.drainBucket(800);
    expect((await c.reconcile()).ok).toBe(true);
    expect((await sim.state()).conduits[0]!.shard_count).toBe(3);
  });
});
