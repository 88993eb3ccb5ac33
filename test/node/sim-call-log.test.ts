/**
 * @module The simulator's Helix call log (`GET/DELETE /_sim/calls`): every request that reaches the Helix routes,
 * in order, with query, body (secrets redacted), status and sim time; bounded; `since` for newer entries only.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CallLog, type HelixCall } from '../../sim/call-log.ts';
import { startSimulator, type RunningSim } from '../../sim/server.ts';
import { appToken, type Helix, helixClient } from '../support/sim-harness.ts';

const WEBHOOK_SECRET = 'call-log-webhook-secret-0123';
let s: RunningSim;
let helix: Helix;
let token: string;

beforeAll(async () => {
  s = await startSimulator({ port: 0 });
});
afterAll(() => s.close());
beforeEach(async () => {
  await fetch(`${s.url}/_sim/reset`, { method: 'POST' });
  token = await appToken(s.url);
  helix = helixClient(s.url, token);
});

async function calls(since?: number): Promise<{ data: HelixCall[]; last_seq: number }> {
  const res = await fetch(`${s.url}/_sim/calls${since === undefined ? '' : `?since=${since}`}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { data: HelixCall[]; last_seq: number };
}

describe('Helix call log', () => {
  it('records method, path, query, parsed body, status, client id and sim time, in order', async () => {
    const created = await helix('POST', '/eventsub/conduits', { shard_count: 2 });
    const id = (created.body?.data as { id: string }[])[0]!.id;
    await helix('GET', `/eventsub/conduits/shards?conduit_id=${id}&status=enabled`);
    await fetch(`${s.url}/_sim/clock`, { method: 'POST', body: JSON.stringify({ advance_ms: 3_600_000 }) });
    const before = Date.now() + 3_600_000;
    await helix('DELETE', `/eventsub/conduits?id=${id}`);

    const { data, last_seq } = await calls();
    expect(data.map((c) => [c.method, c.path, c.status])).toEqual([
      ['POST', '/helix/eventsub/conduits', 200],
      ['GET', '/helix/eventsub/conduits/shards', 200],
      ['DELETE', '/helix/eventsub/conduits', 204],
    ]);
    expect(data[0]).toMatchObject({ body: { shard_count: 2 }, query: {}, client_id: 'sim-client-id' });
    expect(data[1]).toMatchObject({ body: null, query: { conduit_id: id, status: 'enabled' } });
    expect(data[2]!.query).toEqual({ id });
    expect(data.map((c) => c.seq)).toEqual([last_seq - 2, last_seq - 1, last_seq]);
    // The sim clock, not the wall clock: the third call is an hour ahead.
    expect(data[2]!.at).toBeGreaterThanOrEqual(before - 1_000);
    expect(data[0]!.at).toBeLessThan(before - 3_000_000);
  });

  it('records requests that auth, the bucket or the router turn away', async () => {
    await fetch(`${s.url}/helix/eventsub/conduits`);
    await fetch(`${s.url}/_sim/ratelimit`, { method: 'POST', body: JSON.stringify({ remaining: 0 }) });
    await helix('GET', '/eventsub/subscriptions');
    const unknown = await fetch(`${s.url}/helix/eventsub/nowhere`, {
      headers: { Authorization: `Bearer ${token}`, 'Client-Id': 'sim-client-id' },
    });
    expect(unknown.status).toBe(404);
    const { data } = await calls();
    expect(data.map((c) => [c.path, c.status, c.client_id])).toEqual([
      ['/helix/eventsub/conduits', 401, null],
      ['/helix/eventsub/subscriptions', 429, 'sim-client-id'],
      ['/helix/eventsub/nowhere', 404, 'sim-client-id'],
    ]);
  });

  it('replaces every secret in a logged body and never serves one', async () => {
    const created = await helix('POST', '/eventsub/conduits', { shard_count: 1 });
    const id = (created.body?.data as { id: string }[])[0]!.id;
    const transport = { method: 'webhook', callback: 'http://127.0.0.1:9/cb', secret: WEBHOOK_SECRET };
    await helix('PATCH', '/eventsub/conduits/shards', { conduit_id: id, shards: [{ id: '0', transport }] });
    const raw = await (await fetch(`${s.url}/_sim/calls`)).text();
    expect(raw).not.toContain(WEBHOOK_SECRET);
    expect(raw).not.toContain(token);
    const patch = (JSON.parse(raw) as { data: HelixCall[] }).data.find((c) => c.method === 'PATCH');
    expect(patch?.status).toBe(202);
    expect(patch?.body).toEqual({
      conduit_id: id,
      shards: [{ id: '0', transport: { ...transport, secret: '(redacted)' } }],
    });
  });

  it('marks a body that is not JSON', async () => {
    const res = await fetch(`${s.url}/helix/eventsub/conduits`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Client-Id': 'sim-client-id', 'Content-Type': 'application/json' },
      body: '{not json',
    });
    expect(res.status).toBe(400);
    expect((await calls()).data.at(-1)).toMatchObject({ status: 400, body: '(not JSON)' });
  });

  it('answers only newer entries with ?since, and keeps seq increasing across DELETE and reset', async () => {
    await helix('GET', '/eventsub/conduits');
    const first = await calls();
    await helix('GET', '/eventsub/subscriptions');
    const newer = await calls(first.last_seq);
    expect(newer.data.map((c) => c.path)).toEqual(['/helix/eventsub/subscriptions']);
    expect(newer.data[0]!.seq).toBe(first.last_seq + 1);

    expect((await fetch(`${s.url}/_sim/calls`, { method: 'DELETE' })).status).toBe(200);
    expect((await calls()).data).toEqual([]);
    await helix('GET', '/eventsub/conduits');
    const after = await calls();
    expect(after.data).toHaveLength(1);
    expect(after.data[0]!.seq).toBe(first.last_seq + 2);

    await fetch(`${s.url}/_sim/reset`, { method: 'POST' });
    expect((await calls()).data).toEqual([]);
    expect((await calls()).last_seq).toBe(first.last_seq + 2);
  });

  it('refuses a since that is not a non-negative integer', async () => {
    const res = await fetch(`${s.url}/_sim/calls?since=-1`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'since: must be a non-negative integer' });
  });
});

describe('CallLog ring buffer', () => {
  const entry = (n: number) => ({
    at: n,
    method: 'GET',
    path: `/p${n}`,
    query: {},
    client_id: null,
    body: null,
    status: 200,
  });

  it('keeps the newest entries when full and still answers since correctly', () => {
    const log = new CallLog(3);
    for (let i = 1; i <= 5; i++) log.record(entry(i));
    expect(log.since().map((c) => c.seq)).toEqual([3, 4, 5]);
    expect(log.since(1).map((c) => c.seq)).toEqual([3, 4, 5]);
    expect(log.since(4).map((c) => c.path)).toEqual(['/p5']);
    expect(log.since(5)).toEqual([]);
    expect(log.since(99)).toEqual([]);
    log.clear();
    expect(log.since()).toEqual([]);
    expect(log.record(entry(6)).seq).toBe(6);
  });

  it('defaults to 100,000 entries', () => {
    const log = new CallLog();
    for (let i = 1; i <= 100_010; i++) log.record(entry(i));
    const all = log.since();
    expect(all).toHaveLength(100_000);
    expect(all[0]!.seq).toBe(11);
  });
});
