/**
 * @module `POST scale`, `POST shards/:id/remove` and `POST handover` (design.md §5; conduit-notes.md "Scaling").
 * Handover moves a websocket endpoint's shards to a new socket without a gap (design.md §7); the answer comes once
 * the old socket is retired, or with 409 when the handover did not happen (the old socket then still delivers).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, json, jsonBody, type AdminApp } from './openapi-parts.ts';
import { controller, respond } from './respond.ts';
import { endpointName, intText, MAX_SHARDS, shardCount } from './schemas.ts';
import { HandoverView, ReconcileResult } from './views.ts';

const tags = ['scaling'];

const ScaleInput = z
  .strictObject({
    shard_count: shardCount,
    endpoint: endpointName.optional().openapi({ description: 'endpoint for new shards (default: spread)' }),
  })
  .openapi('ScaleInput');

const HandoverInput = z
  .strictObject({ endpoint: endpointName, method: z.enum(['reassign', 'swap']) })
  .openapi('HandoverInput');

export function scaleRoutes(app: AdminApp): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/scale',
      tags,
      summary: 'Grow or shrink the conduit',
      request: { body: jsonBody(ScaleInput) },
      responses: { 200: json(ReconcileResult, 'the plan and its progress'), ...errorResponses },
    }),
    async (c) => {
      const { shard_count, endpoint } = c.req.valid('json');
      return respond(c, await controller(c).scale(shard_count, endpoint), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/shards/{id}/remove',
      tags,
      summary: 'Remove one shard from the middle: the last shard moves into its place, then the count drops',
      request: { params: z.object({ id: intText(0, MAX_SHARDS - 1) }) },
      responses: { 200: json(ReconcileResult, 'the plan and its progress'), ...errorResponses },
    }),
    async (c) => respond(c, await controller(c).removeShard(c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/handover',
      tags,
      summary: 'Move a websocket endpoint to a new socket without a gap (reassign, or swap through a spare shard)',
      request: { body: jsonBody(HandoverInput) },
      responses: { 200: json(HandoverView, 'done: the shards are on the new session'), ...errorResponses },
    }),
    async (c) => {
      const { endpoint, method } = c.req.valid('json');
      return respond(c, await controller(c).handover(endpoint, method), 200);
    },
  );
}
