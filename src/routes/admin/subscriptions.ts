/**
 * @module `GET|POST|DELETE subscriptions` (design.md §5): the desired EventSub subscriptions, all on the conduit
 * transport; the controller creates them on Twitch and reports each one's status and cost.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, json, jsonBody, type AdminApp } from './openapi-parts.ts';
import { controller, respond } from './respond.ts';
import { RemovedName, SubscriptionList, SubscriptionView } from './views.ts';

const tags = ['subscriptions'];

const SubscriptionInput = z
  .strictObject({
    type: z
      .string()
      .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, 'must be an EventSub type like channel.follow')
      .max(100),
    version: z.string().regex(/^[a-z0-9]{1,16}$/, 'must be a version like 1, 2 or beta'),
    condition: z
      .record(z.string().min(1).max(64), z.string().max(256))
      .openapi({ example: { broadcaster_user_id: '141981764', moderator_user_id: '141981764' } }),
  })
  .openapi('SubscriptionInput');

export function subscriptionRoutes(app: AdminApp): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/subscriptions',
      tags,
      summary: 'Desired subscriptions, their live status and the cost',
      responses: { 200: json(SubscriptionList, 'subscriptions'), ...errorResponses },
    }),
    async (c) => respond(c, await controller(c).listSubscriptions(), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/subscriptions',
      tags,
      summary: 'Add a subscription on the conduit',
      request: { body: jsonBody(SubscriptionInput) },
      responses: { 201: json(SubscriptionView, 'the subscription as recorded'), ...errorResponses },
    }),
    async (c) => respond(c, await controller(c).addSubscription(c.req.valid('json')), 201),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/subscriptions/{key}',
      tags,
      summary: 'Remove a subscription (here and on Twitch)',
      request: { params: z.object({ key: z.string().min(1).max(512) }) },
      responses: { 200: json(RemovedName, 'removed'), ...errorResponses },
    }),
    async (c) => respond(c, await controller(c).removeSubscription(c.req.valid('param').key), 200),
  );
}
