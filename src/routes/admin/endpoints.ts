/**
 * @module `GET|POST|DELETE endpoints` (design.md §5, §6): named transports. A built-in webhook may name its own base
 * URL (blue/green), an external webhook brings its callback and write-only secret, a websocket endpoint takes neither
 * (it is a WebSocketShard object, placed by the layout or, in `auto` mode, claiming its own shard: design.md §7).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, json, jsonBody, type AdminApp } from './openapi-parts.ts';
import { controller, respond } from './respond.ts';
import { endpointName, httpUrl } from './schemas.ts';
import { EndpointView, RemovedName } from './views.ts';

/**
 * Twitch's rule for a webhook secret is 10 to 100 ASCII characters (twitch-eventsub.md §1.7); spaces and control
 * characters are refused too, as the controller does (controller/endpoints.ts).
 */
const webhookSecret = z
  .string()
  .regex(/^[\x21-\x7e]{10,100}$/, 'must be 10 to 100 printable ASCII characters, no spaces')
  .openapi({ writeOnly: true });

export const EndpointInput = z
  .strictObject({
    name: endpointName,
    kind: z.enum(['webhook', 'websocket']),
    base_url: httpUrl.optional().openapi({ description: 'built-in webhook only: served by another deployment' }),
    callback: httpUrl.optional().openapi({ description: 'external webhook only, with `secret`' }),
    secret: webhookSecret.optional(),
    mode: z
      .enum(['fixed', 'auto'])
      .optional()
      .openapi({
        description:
          'websocket only (default fixed): `fixed` takes the shards the layout gives it; `auto` claims the first ' +
          'unassigned or disabled shard, or grows the conduit by one',
      }),
  })
  .superRefine((v, ctx) => {
    const fail = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: [field], message });
    if (v.kind === 'websocket') {
      for (const field of ['base_url', 'callback', 'secret'] as const)
        if (v[field] !== undefined) fail(field, 'not allowed for a websocket endpoint');
      return;
    }
    if (v.mode !== undefined) fail('mode', 'only for a websocket endpoint');
    if (v.callback !== undefined && v.secret === undefined) fail('secret', 'required with callback');
    if (v.secret !== undefined && v.callback === undefined) fail('callback', 'required with secret');
    if (v.base_url !== undefined && (v.callback !== undefined || v.secret !== undefined))
      fail('base_url', 'only for a built-in webhook, not with callback and secret');
  })
  .openapi('EndpointInput');

const tags = ['endpoints'];

export function endpointRoutes(app: AdminApp): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/endpoints',
      tags,
      summary: 'List endpoints (never their secrets)',
      responses: { 200: json(z.array(EndpointView), 'the endpoints'), ...errorResponses },
    }),
    async (c) => respond(c, await controller(c).listEndpoints(), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/endpoints',
      tags,
      summary: 'Add an endpoint',
      request: { body: jsonBody(EndpointInput) },
      responses: { 201: json(EndpointView, 'the endpoint as added'), ...errorResponses },
    }),
    async (c) => respond(c, await controller(c).addEndpoint(c.req.valid('json')), 201),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/endpoints/{name}',
      tags,
      summary: 'Remove an endpoint no shard is laid out on',
      request: { params: z.object({ name: endpointName }) },
      responses: { 200: json(RemovedName, 'removed'), ...errorResponses },
    }),
    async (c) => respond(c, await controller(c).removeEndpoint(c.req.valid('param').name), 200),
  );
}
