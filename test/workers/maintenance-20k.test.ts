/**
 * Maintenance at Twitch's scale (issue #6): a 20,000-shard conduit with a window on an endpoint serving 5,000 of
 * them. The substitutes go in waves sized to finish before the window, the restore one shard at a time afterwards;
 * both span many invocations, none over the Free plan's 50 subrequests, with progress in storage, and the
 * substitution resumes after the object is evicted mid-way. The clock moves one second per invocation (the alarm's
 * delay), so the simulated time below is what production would take; the log line gives calls, invocations and time.
 */
import { evictDurableObject } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.ts';
import {
  allEnabled,
  broadcasterFor,
  maintenanceHarness,
  MIN,
  placement,
  responder,
  sim,
  trigger,
} from './support/maintenance.ts';

const N = 20_000;
const BLUE = 5_000;
const layout = Array.from({ length: N }, (_, i) => (i % 4 === 0 ? 'blue' : i % 4 === 1 ? 'red' : 'green'));
const h = maintenanceHarness();
const T = h.clock.t;
const report: string[] = [];

/** Shards PATCHed by the calls in the log since `seq`, and how many PATCH calls that took. */
async function patched(seq: number): Promise<{ shards: number[]; patches: number[] }> {
  const log = await sim.calls(seq);
  const shardPatches = log.filter((c) => c.method === 'PATCH' && c.path.endsWith('/shards'));
  const shards = shardPatches.flatMap((c) => (c.body as { shards: { id: string }[] }).shards.map((s) => Number(s.id)));
  return { shards, patches: shardPatches.map((c) => (c.body as { shards: unknown[] }).shards.length) };
}

beforeAll(async () => {
  await sim.reset();
  // The run makes thousands of calls in a minute of test time; production's pace is the alarm's, not the test's.
  await sim.setConfig({ rateLimitPerMinute: 1_000_000 });
  await responder.reset();
  for (const name of ['blue', 'red', 'green']) await h.rpc().addEndpoint({ name, kind: 'webhook' });
  expect((await h.rpc().putLayout(layout)).ok).toBe(true);
  await h.drive();
  await waitFor('20,000 shards enabled', allEnabled, { timeoutMs: 90_000, intervalMs: 500 });
}, 180_000);

afterAll(async () => {
  // The simulator keeps its settings across resets: give the next file Twitch's default bucket back.
  await sim.setConfig({ rateLimitPerMinute: 800 });
  await responder.reset();
});

describe('a window on 5,000 of 20,000 shards', () => {
  it(
    'moves them before the window in waves, within the budget, resuming after an eviction',
    { timeout: 240_000 },
    async () => {
      const res = await h.admin('POST', '/maintenance', {
        endpoint: 'blue',
        starts_at: new Date(T + 10 * MIN).toISOString(),
        ends_at: new Date(T + 70 * MIN).toISOString(),
      });
      expect(res.status).toBe(201);
      h.advance(5 * MIN);
      const seq = (await sim.calls()).at(-1)?.seq ?? 0;
      const started = h.clock.t;
      const run = await h.tick({
        limit: 400,
        stepMs: 1_000,
        // An interruption mid-way: the object is evicted, a new instance picks the run up from storage.
        between: async (i) => {
          if (i === 8) await evictDurableObject(h.stub);
        },
      });
      const calls = [run.firstCalls, ...run.calls];
      expect(Math.max(...calls)).toBeLessThanOrEqual(46);
      const { shards, patches } = await patched(seq);
      // Every blue shard moved exactly once, in waves no bigger than the plan's (5,000 in ~150 s: waves of 34).
      expect(shards).toHaveLength(BLUE);
      expect(new Set(shards).size).toBe(BLUE);
      expect(Math.max(...patches)).toBe(34);
      expect(patches).toHaveLength(148);
      const where = await placement();
      expect(where.filter((e) => e === 'blue')).toHaveLength(0);
      // Spread round robin over the three other endpoints: 1,667 / 1,667 / 1,666.
      const extra = [
        where.filter((e) => e === 'default').length,
        where.filter((e) => e === 'red').length - N / 4,
        where.filter((e) => e === 'green').length - N / 2,
      ];
      expect(extra.reduce((a, b) => a + b, 0)).toBe(BLUE);
      expect(Math.max(...extra) - Math.min(...extra)).toBeLessThanOrEqual(1);
      const seconds = (h.clock.t - started) / 1000;
      expect(seconds).toBeLessThan(5 * 60);
      report.push(
        `substitution: ${calls.reduce((a, b) => a + b, 0)} Helix calls in ${calls.length} invocations (max ${Math.max(...calls)}), ` +
          `${patches.length} PATCHes, ~${seconds} s simulated before a ${5 * 60} s lead ran out`,
      );
      await waitFor('all enabled', allEnabled, { timeoutMs: 30_000, intervalMs: 200 });
    },
  );

  it('loses no event while blue is down', { timeout: 60_000 }, async () => {
    await responder.down(['blue']);
    h.advance(10 * MIN);
    await h.tick({ limit: 50, stepMs: 1_000 });
    const results = await trigger([0, 4, 8, 12, 16].map((s) => broadcasterFor(s, N, 'z')));
    expect(results.every((r) => r.status === 'delivered')).toBe(true);
    const stats = await sim.call<{ totals: { dropped: number } }>('GET', '/stats');
    expect(stats.totals.dropped).toBe(0);
  });

  it('brings the 5,000 home one at a time after the window, within the budget', { timeout: 600_000 }, async () => {
    await responder.down([]);
    h.clock.t = T + 71 * MIN;
    const seq = (await sim.calls()).at(-1)?.seq ?? 0;
    const started = h.clock.t;
    const run = await h.tick({ limit: 3_000, stepMs: 1_000 });
    const calls = [run.firstCalls, ...run.calls];
    expect(Math.max(...calls)).toBeLessThanOrEqual(46);
    const { shards, patches } = await patched(seq);
    expect(shards).toHaveLength(BLUE);
    expect(patches.every((n) => n === 1)).toBe(true);
    await waitFor('all enabled', allEnabled, { timeoutMs: 30_000, intervalMs: 200 });
    expect(await placement()).toEqual(layout);
    const seconds = (h.clock.t - started) / 1000;
    report.push(
      `restore: ${calls.reduce((a, b) => a + b, 0)} Helix calls in ${calls.length} invocations (max ${Math.max(...calls)}), ` +
        `${patches.length} single-shard PATCHes, ~${Math.round(seconds / 60)} min simulated`,
    );
    console.log(`[maintenance-20k] ${report.join('; ')}`);
  });
});
