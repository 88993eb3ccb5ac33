/**
 * `GET /admin/api/events/recent` (design.md §5): admin auth (401), validated query (400 naming the field), and the
 * newest events of every hub merged newest first, each with its handler count and Twitch's payload parsed. Hubs are
 * this test's own (the namespace adds a unique suffix); their clocks are set so arrival order is known.
 */
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { EventHub } from '../../src/durable/event-hub.ts';
import { adminRequest } from './support/admin-api.ts';
import { FOLLOW, inbound, isolatedHubs, notificationBody, recordingSink } from './support/hub.ts';

const T0 = Date.now();

/** An app over fresh hubs, and a way to ingest into hub `index` at time `at`. */
function setUp(extraEnv: Partial<Env> = {}) {
  const hubs = isolatedHubs();
  const testEnv = { ...env, EVENT_HUB: hubs.namespace, ...extraEnv };
  const app = createApp();
  const get = (path: string, auth?: string | null) =>
    app.fetch(adminRequest('GET', path, auth === undefined ? {} : { auth }), testEnv);
  const ingestAt = async (index: number, at: number, overrides: Parameters<typeof inbound>[0] = {}) => {
    const stub = hubs.namespace.getByName(`hub:${index}`);
    await runInDurableObject(stub, (hub: EventHub) => {
      hub.sink = recordingSink();
      hub.now = () => at;
    });
    const m = inbound(overrides);
    await stub.ingest([m]);
    return { stub, m };
  };
  return { get, ingestAt, hubs };
}

interface View {
  hub: string;
  cursor: number;
  message_id: string;
  type: string;
  received_at: string;
  handled: number;
  payload: unknown;
}

describe('GET /admin/api/events/recent', () => {
  it('needs the admin token', async () => {
    const { get } = setUp();
    expect((await get('/events/recent', null)).status).toBe(401);
    expect((await get('/events/recent', 'Bearer wrong-token-0123456789')).status).toBe(401);
  });

  it.each([
    ['limit=0', /^limit: /],
    ['limit=1001', /^limit: /],
    ['limit=ten', /^limit: must be a non-negative integer/],
    ['type=Channel Follow', /^type: must be an EventSub type/],
  ])('answers 400 naming the field for %s', async (query, message) => {
    const { get } = setUp();
    const res = await get(`/events/recent?${query}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
  });

  it('merges every hub newest first, with payloads parsed and handler counts', async () => {
    const { get, ingestAt, hubs } = setUp();
    const a = await ingestAt(0, T0 + 1_000);
    const b = await ingestAt(3, T0 + 3_000);
    const c = await ingestAt(5, T0 + 2_000);
    const d = await ingestAt(0, T0 + 4_000);
    await a.stub.markHandled([1]);
    const res = await get('/events/recent');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { events: View[]; hubs: number; unavailable: string[] };
    expect(body.hubs).toBe(8);
    expect(body.unavailable).toEqual([]);
    expect(body.events.map((e) => e.message_id)).toEqual([d.m, b.m, c.m, a.m].map((m) => m.messageId));
    expect(body.events.map((e) => [e.hub, e.cursor])).toEqual([
      ['hub:0', 2],
      ['hub:3', 1],
      ['hub:5', 1],
      ['hub:0', 1],
    ]);
    const oldest = body.events[3]!;
    expect(oldest).toMatchObject({
      kind: 'notification',
      type: 'channel.follow',
      version: '2',
      subscription_id: 'sub-1',
      routing_key: '141981764',
      via: { transport: 'webhook', endpoint: 'default' },
      sent_at: a.m.sentAt,
      received_at: new Date(T0 + 1_000).toISOString(),
      routed: true,
      handled: 1,
      dead_letters: 0,
    });
    expect(oldest.payload).toEqual(JSON.parse(a.m.body));
    expect(body.events[0]!.handled).toBe(0);
    expect(hubs.name(0)).toMatch(/^hub:0#/);
  });

  it('filters by type and honours the limit across hubs', async () => {
    const { get, ingestAt } = setUp();
    const online = { subscriptionType: 'stream.online', subscriptionVersion: '1' };
    const body = notificationBody('stream.online', '1', { ...FOLLOW, type: 'live' });
    await ingestAt(1, T0 + 1_000, { ...online, body });
    await ingestAt(2, T0 + 2_000);
    await ingestAt(4, T0 + 3_000, { ...online, body });
    await ingestAt(6, T0 + 4_000, { ...online, body });
    const typed = (await (await get('/events/recent?type=stream.online')).json()) as { events: View[] };
    expect(typed.events.map((e) => [e.hub, e.type])).toEqual([
      ['hub:6', 'stream.online'],
      ['hub:4', 'stream.online'],
      ['hub:1', 'stream.online'],
    ]);
    const limited = (await (await get('/events/recent?limit=2')).json()) as { events: View[] };
    expect(limited.events.map((e) => e.hub)).toEqual(['hub:6', 'hub:4']);
  });

  it('lists a hub that does not answer as unavailable instead of failing the view', async () => {
    const hubs = isolatedHubs();
    const flaky = {
      getByName: (name: string) =>
        name === 'hub:2'
          ? {
              recent: async () => {
                throw new Error('hub down (test)');
              },
            }
          : hubs.namespace.getByName(name),
    } as unknown as Env['EVENT_HUB'];
    const { get } = setUp({ EVENT_HUB: flaky });
    const res = await get('/events/recent');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ events: [], unavailable: ['hub:2'] });
  });

  it('puts no secret in the answer', async () => {
    const { get, ingestAt } = setUp();
    await ingestAt(0, T0);
    const text = await (await get('/events/recent')).text();
    expect(text).not.toContain(env.ADMIN_TOKEN);
    expect(text).not.toContain(env.EVENTSUB_SECRET);
  });
});
