/**
 * `GET|POST|DELETE /admin/api/maintenance` through the real ConduitController (a fresh object per test): windows are
 * stored as given and listed, an unknown endpoint is refused by the controller, and removal is by id, once.
 */
import { describe, expect, it } from 'vitest';
import { isolatedAdmin } from './support/admin-api.ts';

interface Window {
  id: number;
  endpoint: string;
  starts_at: string;
  ends_at: string;
  note?: string;
  compact?: boolean;
  created_at: string;
}

const window = {
  endpoint: 'default',
  starts_at: '2030-01-01T10:00:00Z',
  ends_at: '2030-01-01T11:00:00Z',
  note: 'blue/green deploy',
};

describe('admin maintenance over the real controller', () => {
  it('adds windows (201), lists them, and removes one by id', async () => {
    const admin = isolatedAdmin();
    // Another endpoint to carry default's shards during the window: without one it is refused (issue #6).
    await admin('POST', '/endpoints', { body: { name: 'green', kind: 'webhook' } });
    expect(await (await admin('GET', '/maintenance')).json()).toEqual([]);

    const first = await admin('POST', '/maintenance', { body: window });
    expect(first.status).toBe(201);
    const a = await first.json<Window>();
    expect(a).toMatchObject(window);
    expect(Number.isInteger(a.id)).toBe(true);
    expect(Number.isNaN(Date.parse(a.created_at))).toBe(false);

    const second = await admin('POST', '/maintenance', {
      body: {
        endpoint: 'green',
        starts_at: '2030-02-01T10:00:00+02:00',
        ends_at: '2030-02-01T10:30:00+02:00',
        compact: true,
      },
    });
    expect(second.status).toBe(201);
    const b = await second.json<Window>();
    expect(b.compact).toBe(true);

    const listed = await (await admin('GET', '/maintenance')).json<Window[]>();
    expect(listed.map((w) => w.id).sort()).toEqual([a.id, b.id].sort());

    const removed = await admin('DELETE', `/maintenance/${a.id}`);
    expect(removed.status).toBe(200);
    expect(await removed.json()).toEqual({ removed: a.id });
    expect((await (await admin('GET', '/maintenance')).json<Window[]>()).map((w) => w.id)).toEqual([b.id]);
    expect((await admin('DELETE', `/maintenance/${a.id}`)).status).toBe(404);
  });

  it('refuses a window on an unknown endpoint with 400 naming the field', async () => {
    const admin = isolatedAdmin();
    const res = await admin('POST', '/maintenance', { body: { ...window, endpoint: 'nobody' } });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: string }>()).error).toMatch(/^endpoint: /);
    expect(await (await admin('GET', '/maintenance')).json()).toEqual([]);
  });

  it('an endpoint with a window cannot be removed until the window is', async () => {
    const admin = isolatedAdmin();
    await admin('POST', '/endpoints', { body: { name: 'green', kind: 'webhook' } });
    const w = await (await admin('POST', '/maintenance', { body: { ...window, endpoint: 'green' } })).json<Window>();
    expect((await admin('DELETE', '/endpoints/green')).status).toBe(409);
    expect((await admin('DELETE', `/maintenance/${w.id}`)).status).toBe(200);
    expect((await admin('DELETE', '/endpoints/green')).status).toBe(200);
  });
});
