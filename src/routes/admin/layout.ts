/**
 * @module `GET|PUT layout` (design.md §5, §6): the desired map from shard id (the array index) to endpoint name.
 * Its length is the wanted shard count; putting it plans and applies the change.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, json, jsonBody, type AdminApp } from './openapi-parts.ts';
import { controller, respond } from './respond.ts';
import { endpointName, MAX_SHARDS } from './schemas.ts';
import { LayoutView, ReconcileResult } from './views.ts';

const tags = ['layout'];

const LayoutInput = z
  .strictObject({
    shards: z
      .array(endpointName)
      .min(1)
      .max(MAX_SHARDS)
      .openapi({ description: 'shards[i] is the endpoint for shard i', example: ['default', 'default'] }),
  })
  .openapi('LayoutInput');

export function layoutRoutes(app: AdminApp): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/layout',
      tags,
      summary: 'The desired layout',
      responses: { 200: json(LayoutView, 'shard count and the endpoint of each shard'), ...errorResponses },
    }),
    async (c) => respond(c, await controller(c).getLayout(), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/layout',
      tags,
      summary: 'Replace the desired layout and reconcile towards it',
      request: { body: jsonBody(LayoutInput) },
      responses: { 200: json(ReconcileResult, 'the plan and its progress'), ...errorResponses },
    }),
    async (c) => respond(c, await controller(c).putLayout(c.req.valid('json').shards), 200),
  );
}
