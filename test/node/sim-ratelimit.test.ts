/**
 * @module Helix's token bucket (twitch-eventsub.md §7.3, §8.3): `Ratelimit-*` headers on every authenticated
 * response, a real 429 when the bucket is empty, continuous refill on the sim clock, and separate buckets per
 * client and per user token.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setBucket } from '../../sim/helix/ratelimit.ts';
import { mintUserToken, registerClient } from '../../sim/oauth.ts';
import { startSimulator } from '../../sim/server.ts';
import { DEFAULT_CLIENT_ID } from '../../sim/state.ts';
import {
  appToken,
  type Helix,
  type HelixHarness,
  type HelixResponse,
  helixClient,
  startHelixSim,
} from '../support/sim-harness.ts';

const LIMIT = 6;
let h: HelixHarness;
let helix: Helix;

beforeEach(async () => {
  h = await startHelixSim({ rateLimitPerMinute: LIMIT });
  helix = helixClient(h.url, await appToken(h.url));
});
afterEach(() => h.close());

const limits = (r: HelixResponse) => ({
  limit: Number(r.headers.get('Ratelimit-Limit')),
  remaining: Number(r.headers.get('Ratelimit-Remaining')),
  reset: Number(r.headers.get('Ratelimit-Reset')),
});

describe('Helix rate limit', () => {
  it('sends the headers on every response and counts down one point per request', async () => {
    const first = await helix('GET', '/eventsub/conduits');
    expect(limits(first)).toMatchObject({ limit: LIMIT, remaining: LIMIT - 1 });
    const created = await helix('POST', '/eventsub/conduits', { shard_count: 1 });
    expect(created.status).toBe(200);
    expect(limits(created).remaining).toBe(LIMIT - 2);
    const bad = await helix('POST', '/eventsub/conduits', { shard_count: 0 });
    expect(bad.status).toBe(400);
    expect(limits(bad).remaining).toBe(LIMIT - 3);
    const deleted = await helix('DELETE', `/eventsub/conduits?id=${(created.body?.data as { id: string }[])[0]!.id}`);
    expect(deleted.status).toBe(204);
    expect(limits(deleted).remaining).toBe(LIMIT - 4);
  });

  it('answers a real 429 with remaining 0 and a reset in Unix seconds once the bucket is empty', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await helix('GET', '/eventsub/subscriptions')).status).toBe(200);
    const before = Date.now();
    const res = await helix('GET', '/eventsub/subscriptions');
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ error: 'Too Many Requests', status: 429 });
    const l = limits(res);
    expect(l.limit).toBe(LIMIT);
    expect(l.remaining).toBe(0);
    // Six points per minute: refilling the whole bucket takes about 60 s from now.
    expect(l.reset).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 55);
    expect(l.reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 61);
    expect(h.sim.state.conduits.size).toBe(0);
    const blocked = await helix('POST', '/eventsub/conduits', { shard_count: 1 });
    expect(blocked.status).toBe(429);
    expect(h.sim.state.conduits.size).toBe(0);
  });

  it('refills continuously with the sim clock', async () => {
    setBucket(h.sim, DEFAULT_CLIENT_ID, 0);
    expect((await helix('GET', '/eventsub/conduits')).status).toBe(429);
    h.sim.clock.advance(10_000); // one point at six per minute
    const one = await helix('GET', '/eventsub/conduits');
    expect(one.status).toBe(200);
    expect(limits(one).remaining).toBe(0);
    expect((await helix('GET', '/eventsub/conduits')).status).toBe(429);
    h.sim.clock.advance(10 * 60_000);
    expect(limits(await helix('GET', '/eventsub/conduits')).remaining).toBe(LIMIT - 1);
  });

  it('keeps separate buckets per client and per user token', async () => {
    setBucket(h.sim, DEFAULT_CLIENT_ID, 0);
    expect((await helix('GET', '/eventsub/subscriptions')).status).toBe(429);

    registerClient(h.sim, 'other-app', 'other-secret-123');
    const other = helixClient(h.url, await appToken(h.url, 'other-app', 'other-secret-123'), 'other-app');
    expect(limits(await other('GET', '/eventsub/subscriptions')).remaining).toBe(LIMIT - 1);

    const user = helixClient(h.url, mintUserToken(h.sim, DEFAULT_CLIENT_ID, '7'));
    const asUser = await user('GET', '/eventsub/subscriptions');
    expect(asUser.status).toBe(200);
    expect(limits(asUser).remaining).toBe(LIMIT - 1);
    setBucket(h.sim, DEFAULT_CLIENT_ID, 0, '7');
    expect((await user('GET', '/eventsub/subscriptions')).status).toBe(429);
  });

  it('charges and labels the app-token 401 a user token gets on conduit endpoints', async () => {
    const user = helixClient(h.url, mintUserToken(h.sim, DEFAULT_CLIENT_ID, '7'));
    const res = await user('GET', '/eventsub/conduits');
    expect(res.status).toBe(401);
    expect(limits(res)).toMatchObject({ limit: LIMIT, remaining: LIMIT - 1 });
  });

  it('setBucket clamps to the bucket size', async () => {
    setBucket(h.sim, DEFAULT_CLIENT_ID, 1_000);
    expect(limits(await helix('GET', '/eventsub/conduits')).remaining).toBe(LIMIT - 1);
  });
});

describe('through the full simulator and its control API', () => {
  it('drains the bucket via POST /_sim/ratelimit into a real 429', async () => {
    const running = await startSimulator({ port: 0, config: { rateLimitPerMinute: 800 } });
    try {
      const call = helixClient(running.url, await appToken(running.url));
      expect(limits(await call('GET', '/eventsub/subscriptions'))).toMatchObject({ limit: 800, remaining: 799 });
      const drained = await fetch(`${running.url}/_sim/ratelimit`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ remaining: 1 }),
      });
      expect(drained.status).toBe(200);
      expect(limits(await call('GET', '/eventsub/conduits')).remaining).toBe(0);
      const res = await call('GET', '/eventsub/conduits');
      expect(res.status).toBe(429);
      expect(limits(res)).toMatchObject({ limit: 800, remaining: 0 });
    } finally {
      await running.close();
    }
  });
});
