/**
 * @module The Worker's HTTP surface (design.md §5): one Hono app, config parsed once per isolate, errors mapped to
 * JSON in one place.
 */
import { Hono } from 'hono';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { HttpError } from './http-error.ts';
import { logError } from './log.ts';
import { ADMIN_BASE, createAdminApi } from './routes/admin/index.ts';
import { createDashboardRoutes } from './routes/dashboard.ts';
import { createEventRoutes } from './routes/events.ts';
import { createShardEventRoutes } from './routes/shard-events.ts';
import { createWebhookRoutes } from './routes/webhooks.ts';

export interface AppEnv {
  Bindings: Env;
  Variables: { config: Config };
}

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/healthz', (c) => {
    try {
      loadConfig(c.env);
    } catch (err) {
      if (err instanceof ConfigError)
        return c.json({ ok: false, service: 'conduit-worker', problems: err.problems }, 503);
      throw err;
    }
    return c.json({ ok: true, service: 'conduit-worker' });
  });

  app.use('*', async (c, next) => {
    c.set('config', loadConfig(c.env));
    await next();
  });

  // Before `/webhooks/:endpoint`: `/webhooks/_shard-events` is the Worker's own, not an endpoint (issue #6).
  app.route('/', createShardEventRoutes());
  app.route('/', createWebhookRoutes());
  app.route('/', createEventRoutes());
  app.route(ADMIN_BASE, createAdminApi());
  app.route('/admin', createDashboardRoutes());

  app.notFound((c) => c.json({ error: 'not found' }, 404));

  app.onError((err, c) => {
    if (err instanceof HttpError) return c.json({ error: err.message, ...err.details }, err.status);
    if (err instanceof ConfigError) {
      logError('worker:config', err);
      return c.json({ error: 'invalid configuration', problems: err.problems }, 500);
    }
    logError('worker:fetch', err, { method: c.req.method, path: new URL(c.req.url).pathname });
    return c.json({ error: 'internal error' }, 500);
  });

  return app;
}
