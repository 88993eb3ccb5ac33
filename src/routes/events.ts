/**
 * @module `GET /events` (design.md §5, contract): a WebSocket for live consumers. Everything is checked here, in the
 * Worker, before the upgrade is forwarded to the ConsumerHub (cloudflare.md §2: the object bills per request too):
 * the upgrade header (426), the credential (401: `Authorization: Bearer CONSUMER_TOKEN` compared in constant time,
 * or a `?ticket=` from `POST /admin/api/tickets`, since browsers cannot set headers on a WebSocket), the filters and
 * the cursor (400 naming the parameter), and a ticket's scope (403). A browser cannot read the status of a refused
 * upgrade, only that it failed; the client retries with backoff and a fresh ticket.
 */
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app.ts';
import { decodeCursor } from '../core/consumer-cursor.ts';
import { ANY, intersect, parseFilter, type ConsumerFilter } from '../core/consumer-filter.ts';
import { CONSUMER_HUB_NAME, SESSION_HEADER, type ConsumerSession } from '../durable/consumer-types.ts';
import { verifyTicket } from '../verify/ticket.ts';
import { bearerToken, tokensEqual } from './admin/auth.ts';

type Access = { ok: true; scope: ConsumerFilter } | { ok: false; error: string };

async function access(c: Context<AppEnv>, params: URLSearchParams): Promise<Access> {
  const config = c.get('config');
  const header = c.req.header('Authorization');
  if (header !== undefined) {
    const token = bearerToken(header);
    // Refused whatever the token when CONSUMER_TOKEN is unset: tickets are then the only way in.
    const ok =
      token !== null && config.CONSUMER_TOKEN !== undefined && (await tokensEqual(token, config.CONSUMER_TOKEN));
    return ok ? { ok: true, scope: ANY } : { ok: false, error: 'unauthorized' };
  }
  const tickets = params.getAll('ticket');
  if (tickets.length === 0) {
    return { ok: false, error: 'unauthorized: send Authorization: Bearer <consumer token> or ?ticket=' };
  }
  if (tickets.length > 1) return { ok: false, error: 'ticket: give one' };
  const masters = [config.EVENTSUB_SECRET];
  if (config.EVENTSUB_SECRET_PREVIOUS) masters.push(config.EVENTSUB_SECRET_PREVIOUS);
  const checked = await verifyTicket(masters, tickets[0]!, Date.now());
  if (checked.ok) return { ok: true, scope: checked.scope };
  return { ok: false, error: checked.reason === 'expired' ? 'ticket expired' : 'invalid ticket' };
}

export function createEventRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/events', async (c) => {
    if (c.req.header('Upgrade')?.toLowerCase() !== 'websocket') {
      return c.json({ error: 'expected Upgrade: websocket' }, 426, { Upgrade: 'websocket' });
    }
    const params = new URL(c.req.url).searchParams;
    const granted = await access(c, params);
    if (!granted.ok) {
      c.header('WWW-Authenticate', 'Bearer realm="events"');
      return c.json({ error: granted.error }, 401);
    }
    const asked = parseFilter(params);
    if (!asked.ok) return c.json({ error: `${asked.param}: ${asked.message}` }, 400);
    const allowed = intersect(asked.filter, granted.scope);
    if (!allowed.ok) return c.json({ error: `${allowed.param}: ${allowed.message}` }, 403);
    const sinceValues = params.getAll('since');
    if (sinceValues.length > 1) return c.json({ error: 'since: give one cursor' }, 400);
    let since: number[] | null = null;
    if (sinceValues.length === 1) {
      since = decodeCursor(sinceValues[0]!);
      if (!since) return c.json({ error: 'since: not a cursor (use the cursor of a frame)' }, 400);
    }
    const session: ConsumerSession = { filter: allowed.filter, since };
    const stub = c.env.CONSUMER_HUB.getByName(CONSUMER_HUB_NAME);
    return stub.fetch('https://consumer-hub/events', {
      headers: { Upgrade: 'websocket', [SESSION_HEADER]: JSON.stringify(session) },
    });
  });

  return app;
}
