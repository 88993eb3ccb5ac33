/**
 * Consumer tickets end to end (design.md §5): `POST /admin/api/tickets` needs the admin token, validates its body
 * (400 naming the field) and mints a ticket that expires after `ttl_seconds` (default 60); `GET /events?ticket=`
 * opens a socket whose filters are the ticket's scope narrowed by the query, refuses a query outside the scope
 * (403 naming the filter), and refuses an expired, tampered, foreign-signed or repeated ticket with 401; a ticket
 * signed with the previous master secret works only while EVENTSUB_SECRET_PREVIOUS is set.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { WelcomeFrame } from '../../src/core/consumer-frames.ts';
import { issueTicket } from '../../src/verify/ticket.ts';
import { adminFetch } from './support/admin-api.ts';
import { connect, eventsRequest, ingest, published, refused } from './support/events.ts';

const PREVIOUS = 'previous-eventsub-master-secret-0123';

async function mint(body: unknown) {
  const res = await adminFetch('POST', '/tickets', { body });
  return { status: res.status, body: await res.json<{ ticket: string; expires_at: string; error?: string }>() };
}

const sign = (expiresAt: number, master = env.EVENTSUB_SECRET, broadcasters: string[] | null = null) =>
  issueTicket(master, { scope: { types: null, broadcasters }, expiresAt });

describe('POST /admin/api/tickets', () => {
  it('needs the admin token', async () => {
    const res = await adminFetch('POST', '/tickets', { body: {}, auth: `Bearer ${env.CONSUMER_TOKEN}` });
    expect(res.status).toBe(401);
  });

  it.each([
    [{ ttl_seconds: 0 }, 'ttl_seconds'],
    [{ ttl_seconds: 3_601 }, 'ttl_seconds'],
    [{ ttl_seconds: 1.5 }, 'ttl_seconds'],
    [{ types: ['Channel Follow'] }, 'types.0'],
    [{ broadcasters: ['a b'] }, 'broadcasters.0'],
    [{ scope: 'all' }, 'scope'],
  ])('refuses %j naming %s', async (body, field) => {
    const r = await mint(body);
    expect(r.status).toBe(400);
    expect(r.body.error?.split(':')[0]).toBe(field);
  });

  it('mints a ticket for 60 seconds by default, or for ttl_seconds', async () => {
    const before = Date.now();
    const a = await mint({});
    expect(a.status).toBe(201);
    expect(Date.parse(a.body.expires_at) - before).toBeGreaterThanOrEqual(59_000);
    expect(Date.parse(a.body.expires_at) - before).toBeLessThanOrEqual(61_000);
    const b = await mint({ ttl_seconds: 3_600 });
    expect(Date.parse(b.body.expires_at) - before).toBeGreaterThanOrEqual(3_599_000);
    expect(b.body.ticket).not.toContain(env.EVENTSUB_SECRET);
  });
});

describe('GET /events?ticket=', () => {
  it('opens a socket scoped to the ticket, narrowed by the query', async () => {
    const { body } = await mint({ types: ['channel.follow', 'channel.cheer'], broadcasters: ['tkt1', 'tkt2'] });
    const all = await connect(`?ticket=${body.ticket}`, {});
    const narrowed = await connect(`?ticket=${body.ticket}&type=channel.cheer&broadcaster=tkt2&broadcaster=zz`, {});
    await all.waitFrame('live');
    await narrowed.waitFrame('live');
    expect((all.frames[0] as WelcomeFrame).filters).toEqual({
      types: ['channel.cheer', 'channel.follow'],
      broadcasters: ['tkt1', 'tkt2'],
    });
    expect((narrowed.frames[0] as WelcomeFrame).filters).toEqual({ types: ['channel.cheer'], broadcasters: ['tkt2'] });
    all.close();
    narrowed.close();
  });

  it('delivers only what the scope allows', async () => {
    const { body } = await mint({ broadcasters: ['tkt3'] });
    const c = await connect(`?ticket=${body.ticket}`, {});
    await c.waitFrame('live');
    await ingest('tkt4', 2);
    await published('tkt4');
    const [allowed] = await ingest('tkt3', 1);
    await published('tkt3');
    const [e] = await c.waitEvents(1);
    expect(e!.message_id).toBe(allowed);
    // The other broadcaster's events were published first; none arrived.
    expect(c.events().map((f) => f.broadcaster)).toEqual(['tkt3']);
    c.close();
  });

  it('refuses a query outside the scope with 403 naming the filter', async () => {
    const { body } = await mint({ types: ['channel.follow'], broadcasters: ['tkt5'] });
    const b = await refused(`?ticket=${body.ticket}&broadcaster=tkt6`, {});
    expect(b.status).toBe(403);
    expect(b.body.error).toMatch(/^broadcaster: /);
    const t = await refused(`?ticket=${body.ticket}&type=stream.online`, {});
    expect(t.status).toBe(403);
    expect(t.body.error).toMatch(/^type: /);
  });

  it('refuses an expired ticket with 401', async () => {
    const r = await refused(`?ticket=${await sign(Date.now() - 1)}`, {});
    expect(r).toMatchObject({ status: 401, body: { error: 'ticket expired' }, socket: null });
  });

  it('refuses tampered, foreign, malformed and repeated tickets with 401', async () => {
    const good = await sign(Date.now() + 60_000, env.EVENTSUB_SECRET, ['tkt7']);
    const [payload, sig] = good.split('.') as [string, string];
    const widened = await sign(Date.now() + 60_000);
    const cases = [
      `${widened.split('.')[0]}.${sig}`,
      `${payload}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`,
      await sign(Date.now() + 60_000, 'some-other-master-secret-0123'),
      'not-a-ticket',
    ];
    for (const ticket of cases) {
      const r = await refused(`?ticket=${encodeURIComponent(ticket)}`, {});
      expect(r.status).toBe(401);
      expect(r.body.error).toBe('invalid ticket');
    }
    const twice = await refused(`?ticket=${good}&ticket=${good}`, {});
    expect(twice.status).toBe(401);
  });

  it('accepts a ticket of the previous master secret only during a rotation', async () => {
    const ticket = await sign(Date.now() + 60_000, PREVIOUS);
    const app = createApp();
    const without = await app.fetch(eventsRequest(`?ticket=${ticket}`), env);
    expect(without.status).toBe(401);
    const rotating = await app.fetch(eventsRequest(`?ticket=${ticket}`), {
      ...env,
      EVENTSUB_SECRET_PREVIOUS: PREVIOUS,
    });
    expect(rotating.status).toBe(101);
    rotating.webSocket?.accept();
    rotating.webSocket?.close(1000, 'done');
  });
});
