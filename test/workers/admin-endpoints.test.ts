/**
 * `GET|POST|DELETE /admin/api/endpoints` through the real ConduitController (one fresh object per test): the
 * default endpoint exists, each kind can be added and listed without its secret, and the controller's refusals
 * (duplicate, unknown) come back with their status. Removing an endpoint the layout uses: admin-layout.test.ts.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { adminFetch, isolatedAdmin } from './support/admin-api.ts';

interface Endpoint {
  name: string;
  kind: string;
  source: string;
  callback?: string;
  base_url?: string;
  shards: number;
  created_at: string;
}

describe('admin endpoints over the real controller', () => {
  it('the deployed entry point lists the default built-in webhook endpoint', async () => {
    const res = await adminFetch('GET', '/endpoints');
    expect(res.status).toBe(200);
    const list = await res.json<Endpoint[]>();
    expect(list.find((e) => e.name === 'default')).toMatchObject({
      kind: 'webhook',
      source: 'builtin',
      callback: `${env.PUBLIC_URL}/webhooks/default`,
    });
  });

  it('adds a built-in, a blue/green, an external and a websocket endpoint, and lists them without secrets', async () => {
    const admin = isolatedAdmin();
    const secret = 'external-secret-0123';
    const added = [
      await admin('POST', '/endpoints', { body: { name: 'green', kind: 'webhook' } }),
      await admin('POST', '/endpoints', { body: { name: 'blue', kind: 'webhook', base_url: 'https://blue.test/' } }),
      await admin('POST', '/endpoints', {
        body: { name: 'ext', kind: 'webhook', callback: 'https://hooks.test/twitch', secret },
      }),
      await admin('POST', '/endpoints', { body: { name: 'ws-1', kind: 'websocket' } }),
    ];
    expect(added.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(await added[1]!.json()).toMatchObject({
      name: 'blue',
      source: 'builtin',
      base_url: 'https://blue.test',
      callback: 'https://blue.test/webhooks/blue',
      shards: 0,
    });

    const res = await admin('GET', '/endpoints');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(secret);
    expect(text).not.toContain(env.EVENTSUB_SECRET);
    const list = JSON.parse(text) as Endpoint[];
    expect(list.map((e) => [e.name, e.kind, e.source]).sort()).toEqual([
      ['blue', 'webhook', 'builtin'],
      ['default', 'webhook', 'builtin'],
      ['ext', 'webhook', 'external'],
      ['green', 'webhook', 'builtin'],
      ['ws-1', 'websocket', 'websocket'],
    ]);
    expect(list.find((e) => e.name === 'ext')?.callback).toBe('https://hooks.test/twitch');
    for (const e of list) expect(Object.keys(e)).not.toContain('secret');
  });

  it('refuses a duplicate name with 409 and an unknown one on delete with 404', async () => {
    const admin = isolatedAdmin();
    expect((await admin('POST', '/endpoints', { body: { name: 'green', kind: 'webhook' } })).status).toBe(201);
    const dup = await admin('POST', '/endpoints', { body: { name: 'green', kind: 'websocket' } });
    expect(dup.status).toBe(409);
    expect((await dup.json<{ error: string }>()).error).toContain('green');
    const missing = await admin('DELETE', '/endpoints/nobody');
    expect(missing.status).toBe(404);
  });

  it('removes an unused endpoint', async () => {
    const admin = isolatedAdmin();
    await admin('POST', '/endpoints', { body: { name: 'green', kind: 'webhook' } });
    const removed = await admin('DELETE', '/endpoints/green');
    expect(removed.status).toBe(200);
    expect(await removed.json()).toEqual({ removed: 'green' });
    const names = (await (await admin('GET', '/endpoints')).json<Endpoint[]>()).map((e) => e.name);
    expect(names).toEqual(['default']);
  });
});
