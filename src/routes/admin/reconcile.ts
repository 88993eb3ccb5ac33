/**
 * @module `POST reconcile` and `GET actions` (design.md §5): run the planner now (or only show its plan with
 * `?dry_run=1`), and read the audit log newest first, paged by action id.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, json, type AdminApp } from './openapi-parts.ts';
import { controller, respond } from './respond.ts';
import { intText } from './schemas.ts';
import { ActionView, ReconcileResult } from './views.ts';

const flag = z
  .enum(['1', '0', 'true', 'false'])
  .optional()
  .transform((v) => v === '1' || v === 'true');

const ActionsQuery = z.object({
  limit: intText(1, 1000).optional().openapi({ description: 'default 100' }),
  before: intText(0, 2 ** 31 - 1)
    .optional()
    .openapi({ description: 'only actions with a smaller id (the `id` of the last one seen)' }),
});

export function reconcileRoutes(app: AdminApp): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/reconcile',
      tags: ['reconcile'],
      summary: 'Reconcile the conduit with the desired layout',
      request: { query: z.object({ dry_run: flag.openapi({ description: 'plan only, apply nothing' }) }) },
      responses: { 200: json(ReconcileResult, 'the plan and its progress'), ...errorResponses },
    }),
    async (c) => respond(c, await controller(c).reconcile({ dryRun: c.req.valid('query').dry_run }), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/actions',
      tags: ['reconcile'],
      summary: 'The audit log, newest first',
      request: { query: ActionsQuery },
      responses: { 200: json(z.array(ActionView), 'actions'), ...errorResponses },
    }),
    async (c) => {
      const { limit = 100, before } = c.req.valid('query');
      return respond(c, await controller(c).actions(before === undefined ? { limit } : { limit, before }), 200);
    },
  );
}
