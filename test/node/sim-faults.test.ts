/**
 * @module The simulator's Helix fault hook (`POST/GET/DELETE /_sim/faults`, used by the fault-injection scenarios):
 * the next `count` matching requests get the scripted status with Twitch's error body, before auth and the rate
 * limit; other paths and methods pass; faults are used in order, logged with their status, and cleared by reset.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../sim/server.ts';
import { appToken, type Helix, helixClient } from '../support/sim-harness.ts';

let s: RunningSim;
let helix: Helix;

beforeAll(async () => {
  s = await startSimulator({ port: 0 });
});
afterAll(() => s.close());
beforeEach(async () => {
  await fetch(`${s.url}/_sim/reset`, { method: 'POST' });
  helix = helixClient(s.url, await appToken(s.url));
});

async function control(method: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${s.url}/_sim/faults`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const SHARDS = '/helix/eventsub/conduits/shards';

describe('Helix fault hook', () => {
  it('answers the next `count` matching requests with the status and Twitch’s error body, then recovers', async () => {
    const created = await control('POST', { status: 503, count: 2, path_prefix: '/helix/eventsub/conduits' });
    expect(created).toEqual({
      status: 201,
      body: { faults: [{ status: 503, remaining: 2, path_prefix: '/helix/eventsub/conduits' }] },
    });
    for (let i = 0; i < 2; i++) {
      const r = await helix('GET', '/eventsub/conduits');
      expect(r.status).toBe(503);
      expect(r.body).toEqual({ error: 'Service Unavailable', status: 503, message: 'Service Unavailable' });
      // Answered before the rate limiter: no bucket headers, no point charged.
      expect(r.headers.get('Ratelimit-Remaining')).toBeNull();
    }
    const ok = await helix('GET', '/eventsub/conduits');
    expect(ok.status).toBe(200);
    expect(Number(ok.headers.get('Ratelimit-Remaining'))).toBe(799);
    expect((await control('GET')).body).toEqual({ faults: [] });

    const log = (await (await fetch(`${s.url}/_sim/calls`)).json()) as { data: { path: string; status: number }[] };
    expect(log.data.map((c) => c.status)).toEqual([503, 503, 200]);
  });

  it('leaves other paths and methods alone, and uses faults in the order they were added', async () => {
    await control('POST', { status: 500, count: 1, path_prefix: SHARDS, method: 'PATCH' });
    await control('POST', { status: 502, count: 1, path_prefix: SHARDS });
    // Another path is untouched; a GET of the shards skips the PATCH-only fault and takes the second one.
    expect((await helix('GET', '/eventsub/subscriptions')).status).toBe(200);
    const conduit = await helix('POST', '/eventsub/conduits', { shard_count: 1 });
    const id = (conduit.body?.data as { id: string }[])[0]!.id;
    const listed = await helix('GET', `/eventsub/conduits/shards?conduit_id=${id}`);
    expect(listed.status).toBe(502);
    expect(listed.body).toMatchObject({ error: 'Error', status: 502 });
    expect((await control('GET')).body).toEqual({
      faults: [{ status: 500, remaining: 1, path_prefix: SHARDS, method: 'PATCH' }],
    });
    const patch = await helix('PATCH', '/eventsub/conduits/shards', { conduit_id: id, shards: [] });
    expect(patch.status).toBe(500);
    expect(patch.body).toMatchObject({ error: 'Internal Server Error', status: 500 });
    expect((await helix('GET', `/eventsub/conduits/shards?conduit_id=${id}`)).status).toBe(200);
  });

  it('answers a faulted request before authentication', async () => {
    await control('POST', { status: 429, count: 1 });
    const res = await fetch(`${s.url}/helix/eventsub/conduits`);
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ error: 'Too Many Requests', status: 429 });
    expect((await fetch(`${s.url}/helix/eventsub/conduits`)).status).toBe(401);
  });

  it('refuses a bad fault naming the field, and is cleared by DELETE and by reset', async () => {
    expect(await control('POST', { status: 200, count: 1 })).toMatchObject({
      status: 400,
      body: { error: /^status:/ },
    });
    expect(await control('POST', { status: 503, count: 0 })).toMatchObject({ status: 400, body: { error: /^count:/ } });
    expect(await control('POST', { status: 503, count: 1, path_prefix: '/oauth2/token' })).toMatchObject({
      status: 400,
      body: { error: /^path_prefix:/ },
    });
    expect((await control('GET')).body).toEqual({ faults: [] });

    await control('POST', { status: 503, count: 5 });
    expect(await control('DELETE')).toEqual({ status: 200, body: { faults: [] } });
    expect((await helix('GET', '/eventsub/conduits')).status).toBe(200);

    await control('POST', { status: 503, count: 5 });
    await fetch(`${s.url}/_sim/reset`, { method: 'POST' });
    expect((await control('GET')).body).toEqual({ faults: [] });
  });
});
