/**
 * @module `GET|POST|PATCH|DELETE conduits` (design.md §5): the app's conduits and the 5-conduit limit. Deleting a
 * conduit makes Twitch drop every subscription on it, so DELETE asks for the id twice (`confirm`) rather than
 * trusting one query parameter (peers.md).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, json, jsonBody, type AdminApp } from './openapi-parts.ts';
import { controller, respond } from './respond.ts';
import { conduitId, shardCount } from './schemas.ts';
import { ConduitList, ConduitView, DeletedConduit } from './views.ts';

const tags = ['conduits'];

const DeleteQuery = z
  .object({
    id: conduitId,
    confirm: z.string().openapi({ description: 'the same id again: deleting drops all its subscriptions' }),
  })
  .refine((q) => q.confirm === q.id, { path: ['confirm'], message: 'must repeat the id being deleted' });

export function conduitRoutes(app: AdminApp): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/conduits',
      tags,
      summary: "The app's conduits (Twitch allows 5)",
      responses: { 200: json(ConduitList, 'conduits, marked `managed` when this Worker runs it'), ...errorResponses },
    }),
    async (c) => respond(c, await controller(c).listConduits(), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/conduits',
      tags,
      summary: 'Create a conduit',
      request: { body: jsonBody(z.strictObject({ shard_count: shardCount })) },
      responses: { 201: json(ConduitView, 'the new conduit'), ...errorResponses },
    }),
    async (c) => respond(c, await controller(c).createConduit(c.req.valid('json').shard_count), 201),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/conduits',
      tags,
      summary: "Change a conduit's shard count",
      request: { body: jsonBody(z.strictObject({ id: conduitId, shard_count: shardCount })) },
      responses: { 200: json(ConduitView, 'the conduit as updated'), ...errorResponses },
    }),
    async (c) => {
      const { id, shard_count } = c.req.valid('json');
      return respond(c, await controller(c).updateConduit(id, shard_count), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/conduits',
      tags,
      summary: 'Delete a conduit and, with it, all its subscriptions',
      request: { query: DeleteQuery },
      responses: { 200: json(DeletedConduit, 'deleted'), ...errorResponses },
    }),
    async (c) => respond(c, await controller(c).deleteConduit(c.req.valid('query').id), 200),
  );
}
