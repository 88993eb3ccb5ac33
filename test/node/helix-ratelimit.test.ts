/**
 * @module HelixHttp and Twitch's 429s (twitch-eventsub.md §7.3): an empty bucket is waited out for one point (then
 * once more for the full reset) when that is near, and fails with `retryAt` when it is not; the bucket headers make the next call wait
 * instead of earning a 429; "Conduit limit reached" and subscription-limit 429s are limits, never retried.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../sim/server.ts';
import type { HelixDeps } from '../../src/twitch/helix-http.ts';
import { callTrace, clientRig, control, resetSim, twitchError } from '../support/twitch-client.ts';

const FOLLOW = {
  type: 'channel.follow',
  version: '2',
  condition: { broadcaster_user_id: '7', moderator_user_id: '7' },
};

let s: RunningSim;

beforeAll(async () => {
  s = await startSimulator({ port: 0 });
});
afterAll(() => s.close());
beforeEach(async () => {
  await resetSim(s);
  await control(s, '/config', { maxTotalCost: 10_000 });
});

/** A client on the simulator's clock whose sleeps move that clock instead of waiting. */
function simTimeRig(deps: Partial<HelixDeps> = {}) {
  const waits: number[] = [];
  const rig = clientRig(s, {
    now: () => s.sim.clock.now(),
    sleep: (ms) => {
      waits.push(ms);
      s.sim.clock.advance(ms);
      return Promise.resolve();
    },
    ...deps,
  });
  return { ...rig, waits };
}

describe('rate-limit 429', () => {
  it('waits for one point to refill, not for the full reset, then succeeds', async () => {
    const rig = simTimeRig({ maxRateLimitWaitMs: 10_000 });
    await rig.tokens.get();
    await control(s, '/ratelimit', { remaining: 0 });

    expect(await rig.client.getConduits()).toEqual([]);
    expect(await callTrace(s)).toEqual(['GET /eventsub/conduits 429', 'GET /eventsub/conduits 200']);
    // 800 points a minute: one point every 75 ms, estimated from (reset - now) / (limit - remaining).
    expect(rig.waits).toHaveLength(1);
    expect(rig.waits[0]).toBeGreaterThanOrEqual(50);
    expect(rig.waits[0]).toBeLessThanOrEqual(80);
    expect(rig.client.calls).toBe(2);
  });

  it('fails with rate_limited and retryAt when even one point is further away, then refuses without calling', async () => {
    await control(s, '/config', { rateLimitPerMinute: 1 });
    const rig = simTimeRig({ maxRateLimitWaitMs: 10_000 });
    await control(s, '/ratelimit', { remaining: 0 });
    const err = await twitchError(rig.client.createConduit(1));
    expect(err).toMatchObject({ kind: 'rate_limited', status: 429 });
    expect(await callTrace(s)).toEqual(['POST /eventsub/conduits 429']);
    // One point a minute: the next one is about 60 s away.
    expect(err.retryAt).toBeGreaterThan(s.sim.clock.now() + 50_000);
    expect(err.retryAt).toBeLessThanOrEqual(s.sim.clock.now() + 61_000);
    expect(rig.waits).toEqual([]);
    expect(rig.client.calls).toBe(1);

    // The bucket is known to be empty: the next call fails at once, without another 429.
    const again = await twitchError(rig.client.getConduits());
    expect(again).toMatchObject({ kind: 'rate_limited', status: null });
    expect(again.retryAt).toBeGreaterThan(s.sim.clock.now() + 50_000);
    expect(rig.client.calls).toBe(1);
    expect(s.sim.state.conduits.size).toBe(0);

    s.sim.clock.advance(61_000);
    expect(await rig.client.getConduits()).toEqual([]);
    expect(await callTrace(s)).toEqual(['POST /eventsub/conduits 429', 'GET /eventsub/conduits 200']);
    await control(s, '/config', { rateLimitPerMinute: 800 });
  });

  it('waits before the next call when the last response left the bucket empty, instead of earning a 429', async () => {
    const rig = simTimeRig({ maxRateLimitWaitMs: 120_000 });
    await rig.tokens.get();
    await control(s, '/ratelimit', { remaining: 1 });
    await rig.client.getConduits();
    expect(rig.waits).toEqual([]);
    await rig.client.getConduits();
    expect(rig.waits).toHaveLength(1);
    expect(await callTrace(s)).toEqual(['GET /eventsub/conduits 200', 'GET /eventsub/conduits 200']);
  });

  it('gives up after a point wait and a full-reset wait when the bucket stays empty', async () => {
    // Sleeps that do not move the sim clock: every retry meets an empty bucket again.
    const rig = clientRig(s, { maxRateLimitWaitMs: 120_000 });
    await control(s, '/ratelimit', { remaining: 0 });
    const err = await twitchError(rig.client.getConduits());
    expect(err).toMatchObject({ kind: 'rate_limited', status: 429, retryAt: expect.any(Number) });
    expect(rig.sleeps).toHaveLength(2);
    expect(rig.sleeps[0]).toBeLessThan(100);
    expect(rig.sleeps[1]).toBeGreaterThan(50_000);
    expect(await callTrace(s)).toEqual([
      'GET /eventsub/conduits 429',
      'GET /eventsub/conduits 429',
      'GET /eventsub/conduits 429',
    ]);
  });
});

describe('429s that are limits', () => {
  it('reports the sixth conduit as conduit_limit, not retried, even when it took the last point', async () => {
    const rig = simTimeRig({ maxRateLimitWaitMs: 120_000 });
    for (let i = 0; i < 5; i++) await rig.client.createConduit(1);
    await control(s, '/ratelimit', { remaining: 1 });
    const err = await twitchError(rig.client.createConduit(1));
    expect(err).toMatchObject({ kind: 'conduit_limit', status: 429, message: 'Twitch 429: Conduit limit reached' });
    expect(err.retryAt).toBeUndefined();
    expect((await callTrace(s)).slice(5)).toEqual(['POST /eventsub/conduits 429']);
    expect(rig.waits).toEqual([]);
    expect(rig.client.calls).toBe(6);
  });

  it('reports a fourth identical subscription as subscription_limit, not retried', async () => {
    const rig = simTimeRig();
    const conduits = [];
    for (let i = 0; i < 4; i++) conduits.push(await rig.client.createConduit(1));
    for (const c of conduits.slice(0, 3)) await rig.client.createConduitSubscription(c.id, FOLLOW);
    const err = await twitchError(rig.client.createConduitSubscription(conduits[3]!.id, FOLLOW));
    expect(err).toMatchObject({ kind: 'subscription_limit', status: 429 });
    expect(err.message).toContain('the same combination of type and condition values');
    expect((await callTrace(s)).at(-1)).toBe('POST /eventsub/subscriptions 429');
    expect(rig.client.calls).toBe(8);
    expect(rig.waits).toEqual([]);
  });

  it('reports the total-cost ceiling as subscription_limit even when the bucket is empty afterwards', async () => {
    await control(s, '/config', { maxTotalCost: 1 });
    const rig = simTimeRig({ maxRateLimitWaitMs: 120_000 });
    const conduit = await rig.client.createConduit(1);
    await rig.client.createConduitSubscription(conduit.id, FOLLOW);
    await control(s, '/ratelimit', { remaining: 1 });
    const other = { ...FOLLOW, condition: { broadcaster_user_id: '8', moderator_user_id: '8' } };
    const err = await twitchError(rig.client.createConduitSubscription(conduit.id, other));
    expect(err).toMatchObject({ kind: 'subscription_limit', status: 429 });
    expect(rig.waits).toEqual([]);
    expect((await callTrace(s)).at(-1)).toBe('POST /eventsub/subscriptions 429');
  });
});
