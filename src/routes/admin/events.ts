/**
 * @module `GET events/recent` (design.md §5): the newest events across every EventHub, merged newest first, with
 * what became of each (routed to the Queue, handler runs, dead letters) and Twitch's payload parsed. Payloads never
 * hold a secret: Twitch does not send the transport secret back, and nothing else is added.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../app.ts';
import { hubName } from '../../core/ingest-types.ts';
import type { HubEvent, HubRpc } from '../../durable/hub-types.ts';
import { errorResponses, json, type AdminApp } from './openapi-parts.ts';
import { intText } from './schemas.ts';

const RecentQuery = z.object({
  limit: intText(1, 1_000).optional().openapi({ description: 'default 50' }),
  type: z
    .string()
    .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, 'must be an EventSub type like channel.follow')
    .max(100)
    .optional()
    .openapi({ example: 'channel.follow' }),
});

const EventView = z
  .object({
    hub: z.string().openapi({ example: 'hub:3' }),
    cursor: z.number().int().openapi({ description: 'position in its hub’s log' }),
    message_id: z.string(),
    kind: z.enum(['notification', 'revocation']),
    type: z.string(),
    version: z.string(),
    subscription_id: z.string(),
    routing_key: z.string(),
    via: z.object({ transport: z.enum(['webhook', 'websocket']), endpoint: z.string() }),
    sent_at: z.string(),
    received_at: z.string(),
    routed: z.boolean().openapi({ description: 'on the Queue (false while the outbox retries)' }),
    handled: z.number().int().openapi({ description: 'handler runs (1: exactly once)' }),
    dead_letters: z.number().int(),
    payload: z.unknown().openapi({ description: 'Twitch’s `{subscription, event}` or `{subscription}`' }),
  })
  .openapi('Event');

const RecentEvents = z.object({
  events: z.array(EventView),
  hubs: z.number().int(),
  /** Hubs that did not answer: the list is then partial rather than failing as a whole. */
  unavailable: z.array(z.string()),
});

type EventViewT = z.infer<typeof EventView>;

function view(hub: string, e: HubEvent): EventViewT {
  let payload: unknown;
  try {
    payload = JSON.parse(e.body);
  } catch {
    payload = null;
  }
  return {
    hub,
    cursor: e.cursor,
    message_id: e.messageId,
    kind: e.kind,
    type: e.type,
    version: e.version,
    subscription_id: e.subscriptionId,
    routing_key: e.routingKey,
    via: e.via,
    sent_at: e.sentAt,
    received_at: new Date(e.receivedAt).toISOString(),
    routed: e.routed,
    handled: e.handled,
    dead_letters: e.deadLetters,
    payload,
  };
}

async function recentAcrossHubs(c: Context<AppEnv>, limit: number, type: string | undefined) {
  const count = c.get('config').HUB_COUNT;
  const names = Array.from({ length: count }, (_, i) => hubName(i));
  const answers = await Promise.allSettled(
    names.map((name) =>
      (c.env.EVENT_HUB.getByName(name) as unknown as HubRpc).recent(type === undefined ? { limit } : { limit, type }),
    ),
  );
  const merged: { hub: string; event: HubEvent }[] = [];
  const unavailable: string[] = [];
  answers.forEach((a, i) => {
    if (a.status === 'fulfilled') for (const event of a.value) merged.push({ hub: names[i]!, event });
    else unavailable.push(names[i]!);
  });
  // Newest first by arrival; cursors only order events within one hub, so they break ties there.
  merged.sort((a, b) => b.event.receivedAt - a.event.receivedAt || b.event.cursor - a.event.cursor);
  return {
    events: merged.slice(0, limit).map((m) => view(m.hub, m.event)),
    hubs: count,
    unavailable,
  };
}

export function eventRoutes(app: AdminApp): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/events/recent',
      tags: ['events'],
      summary: 'The newest events across all hubs, newest first',
      request: { query: RecentQuery },
      responses: { 200: json(RecentEvents, 'recent events'), ...errorResponses },
    }),
    async (c) => {
      const { limit = 50, type } = c.req.valid('query');
      return c.json(await recentAcrossHubs(c, limit, type), 200);
    },
  );
}
