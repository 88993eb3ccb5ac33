/**
 * @module Get, Create and Delete EventSub Subscriptions (twitch-eventsub.md §2.1–2.3, §2.5). An app token sees
 * the client's webhook and conduit subscriptions; a user token sees the WebSocket subscriptions that user made.
 */
import { Hono } from 'hono';
import { isKnownType } from '../catalog.ts';
import type { Sim } from '../context.ts';
import { decodeCursor, encodeCursor } from '../ids.ts';
import type { Subscription } from '../state.ts';
import { subscriptionWire } from '../wire.ts';
import type { HelixEnv } from './auth.ts';
import { fail, param, readBody } from './params.ts';
import { callerSubscriptions, totals } from './scope.ts';
import { createSubscription } from './subscription-create.ts';

export const SUBSCRIPTION_STATUSES: readonly string[] = [
  'enabled',
  'webhook_callback_verification_pending',
  'webhook_callback_verification_failed',
  'notification_failures_exceeded',
  'authorization_revoked',
  'moderator_removed',
  'guest_star_moderator_removed',
  'user_removed',
  'chat_user_banned',
  'version_removed',
  'beta_maintenance',
  'websocket_disconnected',
  'websocket_failed_ping_pong',
  'websocket_received_inbound_traffic',
  'websocket_connection_unused',
  'websocket_internal_error',
  'websocket_network_timeout',
  'websocket_network_error',
  'websocket_failed_to_reconnect',
  'conduit_deleted',
];

const FILTERS = ['status', 'type', 'user_id', 'subscription_id'] as const;

export function createSubscriptionRoutes(sim: Sim): Hono<HelixEnv> {
  const app = new Hono<HelixEnv>();

  app.get('/', (c) => {
    const auth = c.get('auth');
    const given = FILTERS.filter((f) => c.req.query(f) !== undefined);
    if (given.length > 1)
      return fail(c, 400, 'The status, type, user_id and subscription_id filters are mutually exclusive.');
    const q = (name: string): string => c.req.query(name) ?? '';
    if (given[0] === 'status' && !SUBSCRIPTION_STATUSES.includes(q('status'))) {
      return fail(c, 400, 'The status query parameter is not valid.');
    }
    if (given[0] === 'type' && !isKnownType(q('type'))) return fail(c, 400, 'The type query parameter is not valid.');
    const after = c.req.query('after');
    const start = after === undefined ? 0 : decodeCursor(after);
    if (start === null) return fail(c, 400, 'The after query parameter is not valid.');

    const matches: Record<(typeof FILTERS)[number], (s: Subscription) => boolean> = {
      status: (s) => s.status === q('status'),
      type: (s) => s.type === q('type'),
      user_id: (s) => Object.entries(s.condition).some(([k, v]) => k.endsWith('user_id') && v === q('user_id')),
      subscription_id: (s) => s.id === q('subscription_id'),
    };
    const filter = given[0] === undefined ? () => true : matches[given[0]];
    const list = callerSubscriptions(sim, auth).filter(filter);
    const end = start + sim.config.subscriptionPageSize;
    return c.json(
      {
        data: list.slice(start, end).map((s) => subscriptionWire(s, 'api')),
        ...totals(sim, auth),
        pagination: end < list.length ? { cursor: encodeCursor(end) } : {},
      },
      200,
    );
  });

  app.post('/', (c) => createSubscription(sim, c));

  app.delete('/', async (c) => {
    // §2.3: `id` is a query parameter; a JSON body is accepted too (sim choice, §10.5).
    const id = param(c, (await readBody(c)) ?? {}, 'id');
    if (!id) return fail(c, 400, 'The id query parameter is required.');
    const sub = callerSubscriptions(sim, c.get('auth')).find((s) => s.id === id);
    if (!sub) return fail(c, 404, 'The subscription was not found.');
    sim.state.subscriptions.delete(sub.id);
    return c.body(null, 204);
  });

  return app;
}
