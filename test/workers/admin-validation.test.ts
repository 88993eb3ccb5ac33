/**
 * Request validation of the admin API (design.md §5): every bad body field, path parameter or query parameter is a
 * 400 whose `error` starts with the field's name, and the controller is never reached. Bodies that are not JSON are
 * refused as JSON errors too, never as a 500.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { adminRequest, fakeController } from './support/admin-api.ts';

/** `[METHOD path, field the error must name, body]`: one bad value per case. */
type Case = [route: string, field: string, body?: unknown];

const endpoint = { name: 'blue', kind: 'webhook' };
const external = { name: 'ext', kind: 'webhook', callback: 'https://example.test/hook', secret: 'abcdefghij' };
const websocket = { name: 'ws', kind: 'websocket' };
const window = { endpoint: 'blue', starts_at: '2030-01-01T10:00:00Z', ends_at: '2030-01-01T11:00:00Z' };
const sub = { type: 'channel.follow', version: '2', condition: { broadcaster_user_id: '1' } };

const CASES: Case[] = [
  ['GET /status?shard_offset=abc', 'shard_offset'],
  ['GET /status?shard_offset=-1', 'shard_offset'],
  ['GET /status?shard_limit=20001', 'shard_limit'],
  ['GET /status?shard_limit=1e3', 'shard_limit'],
  ['POST /conduits', 'shard_count', { shard_count: 0 }],
  ['POST /conduits', 'shard_count', { shard_count: 20001 }],
  ['POST /conduits', 'shard_count', { shard_count: 1.5 }],
  ['POST /conduits', 'shard_count', { shard_count: '2' }],
  ['POST /conduits', 'shard_count', {}],
  ['POST /conduits', 'shards', { shard_count: 1, shards: 2 }],
  ['PATCH /conduits', 'id', { shard_count: 2 }],
  ['PATCH /conduits', 'id', { id: 'a/b', shard_count: 2 }],
  ['PATCH /conduits', 'shard_count', { id: 'c-1', shard_count: 0 }],
  ['DELETE /conduits?confirm=c-1', 'id'],
  ['DELETE /conduits?id=c-1', 'confirm'],
  ['DELETE /conduits?id=c-1&confirm=c-2', 'confirm'],
  ['PUT /layout', 'shards', { shards: [] }],
  ['PUT /layout', 'shards', { shards: 'default' }],
  ['PUT /layout', 'shards.1', { shards: ['default', 'Bad'] }],
  ['PUT /layout', 'shards', { shards: Array<string>(20001).fill('a') }],
  ['POST /endpoints', 'name', { ...endpoint, name: 'Blue' }],
  ['POST /endpoints', 'name', { ...endpoint, name: '-a' }],
  ['POST /endpoints', 'name', { ...endpoint, name: 'a'.repeat(33) }],
  ['POST /endpoints', 'kind', { ...endpoint, kind: 'email' }],
  ['POST /endpoints', 'base_url', { ...endpoint, base_url: 'ftp://x.test' }],
  ['POST /endpoints', 'base_url', { ...endpoint, base_url: 'nope' }],
  ['POST /endpoints', 'callback', { ...external, callback: 'x' }],
  ['POST /endpoints', 'secret', { ...external, secret: 'short' }],
  ['POST /endpoints', 'secret', { ...external, secret: 's'.repeat(101) }],
  ['POST /endpoints', 'secret', { ...external, secret: 'ééééééééééé' }],
  ['POST /endpoints', 'secret', { ...external, secret: 'with spaces in it' }],
  ['POST /endpoints', 'secret', { ...external, secret: undefined }],
  ['POST /endpoints', 'callback', { ...external, callback: undefined }],
  ['POST /endpoints', 'base_url', { ...external, base_url: 'https://b.test' }],
  ['POST /endpoints', 'callback', { ...websocket, callback: 'https://b.test' }],
  ['POST /endpoints', 'base_url', { ...websocket, base_url: 'https://b.test' }],
  ['POST /endpoints', 'secret', { ...websocket, secret: 'abcdefghij' }],
  ['POST /endpoints', 'mode', { ...websocket, mode: 'sometimes' }],
  ['POST /endpoints', 'mode', { ...endpoint, mode: 'auto' }],
  ['DELETE /endpoints/Bad_Name', 'name'],
  ['POST /scale', 'shard_count', { shard_count: 0 }],
  ['POST /scale', 'endpoint', { shard_count: 2, endpoint: 'B' }],
  ['POST /shards/x/remove', 'id'],
  ['POST /shards/-1/remove', 'id'],
  ['POST /shards/20000/remove', 'id'],
  ['POST /handover', 'method', { endpoint: 'ws', method: 'move' }],
  ['POST /handover', 'endpoint', { method: 'swap' }],
  ['POST /maintenance', 'endpoint', { ...window, endpoint: 'X' }],
  ['POST /maintenance', 'starts_at', { ...window, starts_at: 'tomorrow' }],
  ['POST /maintenance', 'starts_at', { ...window, starts_at: '2030-01-01T10:00:00' }],
  ['POST /maintenance', 'ends_at', { ...window, ends_at: 5 }],
  ['POST /maintenance', 'ends_at', { ...window, ends_at: '2030-01-01T09:00:00Z' }],
  ['POST /maintenance', 'ends_at', { ...window, ends_at: '2030-01-01T11:00:00+01:00' }],
  ['POST /maintenance', 'note', { ...window, note: 1 }],
  ['POST /maintenance', 'compact', { ...window, compact: 'yes' }],
  ['DELETE /maintenance/abc', 'id'],
  ['POST /reconcile?dry_run=maybe', 'dry_run'],
  ['GET /actions?limit=0', 'limit'],
  ['GET /actions?before=x', 'before'],
  ['POST /subscriptions', 'type', { ...sub, type: undefined }],
  ['POST /subscriptions', 'type', { ...sub, type: 'follow' }],
  ['POST /subscriptions', 'version', { ...sub, version: 2 }],
  ['POST /subscriptions', 'condition.broadcaster_user_id', { ...sub, condition: { broadcaster_user_id: 1 } }],
  ['POST /subscriptions', 'condition', { ...sub, condition: ['1'] }],
  [`DELETE /subscriptions/${'k'.repeat(513)}`, 'key'],
];

/** The test title: the route and the body, cut short (one case sends 20,001 names). */
const title = ([route, field, body]: Case) =>
  `${route} ${body === undefined ? '' : JSON.stringify(body).slice(0, 70)} → 400 naming ${field}`;

describe('admin API validation', () => {
  it.each(CASES.map((c) => [title(c), c] as const))('%s', async (_title, [route, field, body]) => {
    const [method, path] = route.split(' ') as [string, string];
    const fake = fakeController();
    const res = await fake.fetch(adminRequest(method, path, { body }));
    const json = await res.json<{ error: string; issues: { path: string; message: string }[] }>();
    expect(res.status).toBe(400);
    expect(json.error.startsWith(`${field}: `), json.error).toBe(true);
    expect(json.issues.map((i) => i.path)).toContain(field);
    expect(fake.calls).toEqual([]);
  });

  it('reports a malformed starts_at alone, not also as ends_at being before it', async () => {
    const fake = fakeController();
    const body = { ...window, starts_at: 'soon' };
    const res = await fake.fetch(adminRequest('POST', '/maintenance', { body }));
    expect((await res.json<{ issues: { path: string }[] }>()).issues.map((i) => i.path)).toEqual(['starts_at']);
  });

  it('never echoes a rejected secret', async () => {
    const fake = fakeController();
    const secret = 'hunter2-is-not-ok-é';
    const res = await fake.fetch(adminRequest('POST', '/endpoints', { body: { ...external, secret } }));
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('hunter2');
  });

  it.each([
    ['/conduits', 'POST', '{"shard_count": 1'],
    ['/layout', 'PUT', 'not json'],
    ['/endpoints', 'POST', ''],
    ['/maintenance', 'POST', '{"endpoint": "a",}'],
  ])('malformed JSON to %s → 400 JSON naming the body', async (path, method, rawBody) => {
    const fake = fakeController();
    const res = await fake.fetch(adminRequest(method, path, { rawBody }));
    expect(res.status).toBe(400);
    expect((await res.json<{ error: string }>()).error).toMatch(/^body: /);
    expect(fake.calls).toEqual([]);
  });

  it('a JSON body that is not an object → 400 naming the body', async () => {
    const fake = fakeController();
    const res = await fake.fetch(adminRequest('POST', '/scale', { body: [1, 2] }));
    expect(res.status).toBe(400);
    expect((await res.json<{ error: string }>()).error).toMatch(/^body: /);
  });

  it('a body with no JSON content type is validated as empty (400), and a text body is 415', async () => {
    const fake = fakeController();
    const empty = await fake.fetch(
      new Request('http://worker.test/admin/api/conduits', {
        method: 'POST',
        headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}` },
      }),
    );
    expect(empty.status).toBe(400);
    expect((await empty.json<{ error: string }>()).error).toMatch(/^shard_count: /);
    const text = await fake.fetch(
      new Request('http://worker.test/admin/api/conduits', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${env.ADMIN_TOKEN}`,
          'Content-Type': 'text/plain',
        },
        body: 'shard_count=1',
      }),
    );
    expect(text.status).toBe(415);
    expect(await text.json()).toEqual({ error: 'Unsupported Media Type' });
    expect(fake.calls).toEqual([]);
  });

  it('accepts each valid boundary value and passes it on decoded', async () => {
    const fake = fakeController();
    const ok = [
      await fake.fetch(adminRequest('POST', '/conduits', { body: { shard_count: 20000 } })),
      await fake.fetch(adminRequest('POST', '/endpoints', { body: { name: 'a'.repeat(32), kind: 'websocket' } })),
      await fake.fetch(adminRequest('POST', '/endpoints', { body: { ...external, secret: '!~'.repeat(5) } })),
      await fake.fetch(adminRequest('POST', '/endpoints', { body: { ...endpoint, base_url: 'http://127.0.0.1:9' } })),
      await fake.fetch(adminRequest('GET', '/status?shard_offset=20000&shard_limit=0')),
      await fake.fetch(adminRequest('POST', '/shards/19999/remove')),
    ];
    expect(ok.map((r) => r.status)).toEqual([201, 201, 201, 201, 200, 200]);
    expect(fake.calls.map((c) => c.args)).toEqual([
      [20000],
      [{ name: 'a'.repeat(32), kind: 'websocket' }],
      [{ ...external, secret: '!~'.repeat(5) }],
      [{ ...endpoint, base_url: 'http://127.0.0.1:9' }],
      [{ shard_offset: 20000, shard_limit: 0 }],
      [19999],
    ]);
  });
});
