/**
 * @module `GET|POST|DELETE maintenance` (design.md §5, §6): windows in which an endpoint is unavailable; the planner
 * moves its shards away before `starts_at` and back after `ends_at`.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, json, jsonBody, type AdminApp } from './openapi-parts.ts';
import { controller, respond } from './respond.ts';
import { endpointName, intText, rfc3339 } from './schemas.ts';
import { RemovedId, WindowView } from './views.ts';

const tags = ['maintenance'];

const WindowInput = z
  .strictObject({
    endpoint: endpointName,
    starts_at: rfc3339.openapi({ example: '2030-01-01T10:00:00Z' }),
    ends_at: rfc3339.openapi({ example: '2030-01-01T11:00:00Z' }),
    note: z.string().max(500).optional(),
    compact: z.boolean().optional().openapi({ description: 'shrink around the gap instead of substituting' }),
  })
  // Zod 4 still runs this when a date failed its own check; only compare two real instants.
  .refine(
    (w) => {
      const [starts, ends] = [Date.parse(w.starts_at), Date.parse(w.ends_at)];
      return !Number.isFinite(starts) || !Number.isFinite(ends) || ends > starts;
    },
    { path: ['ends_at'], message: 'must be after starts_at' },
  )
  .openapi('MaintenanceWindowInput');

export function maintenanceRoutes(app: AdminApp): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/maintenance',
      tags,
      summary: 'Maintenance windows',
      responses: { 200: json(z.array(WindowView), 'the windows'), ...errorResponses },
    }),
    async (c) => respond(c, await controller(c).listWindows(), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/maintenance',
      tags,
      summary: 'Add a maintenance window',
      request: { body: jsonBody(WindowInput) },
      responses: { 201: json(WindowView, 'the window as added'), ...errorResponses },
    }),
    async (c) => respond(c, await controller(c).addWindow(c.req.valid('json')), 201),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/maintenance/{id}',
      tags,
      summary: 'Remove a maintenance window',
      request: { params: z.object({ id: intText(0, 2 ** 31 - 1) }) },
      responses: { 200: json(RemovedId, 'removed'), ...errorResponses },
    }),
    async (c) => respond(c, await controller(c).removeWindow(c.req.valid('param').id), 200),
  );
}
