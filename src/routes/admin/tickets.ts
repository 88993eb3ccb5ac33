/**
 * @module `POST tickets` (design.md §5): a short-lived, signed consumer ticket for `GET /events?ticket=`, scoped to
 * the filters it allows (src/verify/ticket.ts). A backend that holds the admin token mints one per page load and
 * hands it to the browser, which cannot set an Authorization header on a WebSocket.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { MAX_FILTER_VALUES, TYPE_PATTERN, BROADCASTER_PATTERN } from '../../core/consumer-filter.ts';
import { DEFAULT_TICKET_TTL_S, issueTicket, MAX_TICKET_TTL_S } from '../../verify/ticket.ts';
import { errorResponses, json, jsonBody, type AdminApp } from './openapi-parts.ts';

const TicketInput = z
  .strictObject({
    types: z
      .array(z.string().max(100).regex(TYPE_PATTERN, 'must be an EventSub type like channel.follow'))
      .max(MAX_FILTER_VALUES)
      .optional()
      .openapi({ description: 'allowed subscription types; absent or empty: any', example: ['channel.follow'] }),
    broadcasters: z
      .array(z.string().regex(BROADCASTER_PATTERN, 'must be a broadcaster id'))
      .max(MAX_FILTER_VALUES)
      .optional()
      .openapi({ description: 'allowed broadcaster ids; absent or empty: any', example: ['141981764'] }),
    ttl_seconds: z
      .number()
      .int()
      .min(1)
      .max(MAX_TICKET_TTL_S)
      .optional()
      .openapi({ description: `lifetime, default ${DEFAULT_TICKET_TTL_S}` }),
  })
  .openapi('TicketInput');

const TicketView = z
  .object({
    ticket: z.string().openapi({ description: 'pass as `GET /events?ticket=`; reusable until it expires' }),
    expires_at: z.string().openapi({ example: '2030-01-01T10:01:00.000Z' }),
  })
  .openapi('Ticket');

const norm = (values: string[] | undefined) => (values && values.length > 0 ? [...new Set(values)].sort() : null);

export function ticketRoutes(app: AdminApp): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/tickets',
      tags: ['events'],
      summary: 'Mint a short-lived consumer ticket for GET /events',
      request: { body: jsonBody(TicketInput) },
      responses: { 201: json(TicketView, 'the ticket'), ...errorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const expiresAt = Date.now() + (input.ttl_seconds ?? DEFAULT_TICKET_TTL_S) * 1_000;
      const ticket = await issueTicket(c.get('config').EVENTSUB_SECRET, {
        scope: { types: norm(input.types), broadcasters: norm(input.broadcasters) },
        expiresAt,
      });
      return c.json({ ticket, expires_at: new Date(expiresAt).toISOString() }, 201);
    },
  );
}
