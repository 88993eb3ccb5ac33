/**
 * @module `GET status` (design.md §5): the conduit, its shards (desired and actual), endpoints, windows and health
 * in one view. Shards are paged so a 20,000-shard conduit does not have to be drawn in one answer.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, json, type AdminApp } from './openapi-parts.ts';
import { controller, respond } from './respond.ts';
import { intText, MAX_SHARDS } from './schemas.ts';
import { StatusView } from './views.ts';

const StatusQuery = z.object({
  shard_offset: intText(0, MAX_SHARDS).optional().openapi({ description: 'first shard id listed (default 0)' }),
  shard_limit: intText(0, MAX_SHARDS).optional().openapi({ description: 'shards listed (default 1000)' }),
});

export function statusRoutes(app: AdminApp): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/status',
      tags: ['status'],
      summary: 'Everything about the conduit at once',
      request: { query: StatusQuery },
      responses: { 200: json(StatusView, 'the status'), ...errorResponses },
    }),
    async (c) => {
      const { shard_offset = 0, shard_limit = 1000 } = c.req.valid('query');
      return respond(c, await controller(c).status({ shard_offset, shard_limit }), 200);
    },
  );
}
