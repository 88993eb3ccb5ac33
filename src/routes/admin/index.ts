/**
 * @module The admin API (design.md §5), mounted at `/admin/api`: bearer auth on every route (the OpenAPI document
 * too), then one route file per resource. Schemas validate requests and generate `openapi.json`, so the document is
 * what the code enforces.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app.ts';
import { requireAdmin } from './auth.ts';
import { conduitRoutes } from './conduits.ts';
import { endpointRoutes } from './endpoints.ts';
import { eventRoutes } from './events.ts';
import { layoutRoutes } from './layout.ts';
import { maintenanceRoutes } from './maintenance.ts';
import type { AdminApp } from './openapi-parts.ts';
import { reconcileRoutes } from './reconcile.ts';
import { scaleRoutes } from './scale.ts';
import { statusRoutes } from './status.ts';
import { subscriptionRoutes } from './subscriptions.ts';
import { ticketRoutes } from './tickets.ts';
import { requireUtf8Body } from './utf8-body.ts';
import { adminErrorHandler, defaultHook } from './validation.ts';

export const ADMIN_BASE = '/admin/api';

export function createAdminApi(): AdminApp {
  const app = new OpenAPIHono<AppEnv>({ defaultHook });
  app.use('*', requireAdmin);
  app.use('*', requireUtf8Body);
  // Set before the parent mounts this app: Hono wraps a sub-app's handlers with its error handler at `route()` time.
  app.onError(adminErrorHandler);

  statusRoutes(app);
  conduitRoutes(app);
  layoutRoutes(app);
  endpointRoutes(app);
  scaleRoutes(app);
  maintenanceRoutes(app);
  reconcileRoutes(app);
  subscriptionRoutes(app);
  eventRoutes(app);
  ticketRoutes(app);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'ADMIN_TOKEN',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'conduit-worker admin API',
      version: '1',
      description: 'Operates the EventSub conduit through its ConduitController (design.md §5).',
    },
    servers: [{ url: ADMIN_BASE }],
    security: [{ bearer: [] }],
  });
  return app;
}
