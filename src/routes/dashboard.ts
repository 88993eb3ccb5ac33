/**
 * @module `GET /admin` (design.md §5): the dashboard page and its static assets. The page holds no secret and needs
 * no auth; every data call it makes goes to `/admin/api/*` with the token the operator types in. A strict CSP (no
 * inline script or style, same-origin calls only) and no framing.
 */
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app.ts';
import { DASHBOARD_ASSETS, DASHBOARD_HTML, DASHBOARD_VERSION } from '../dashboard/assets.gen.ts';

export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ETAG = `"${DASHBOARD_VERSION}"`;

function serve(c: Context<AppEnv>, type: string, body: string): Response {
  c.header('Content-Security-Policy', DASHBOARD_CSP);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', 'no-referrer');
  // Revalidate every load, so a deploy is picked up at once; the ETag makes that a 304.
  c.header('Cache-Control', 'no-cache');
  c.header('ETag', ETAG);
  if (c.req.header('If-None-Match') === ETAG) return c.body(null, 304);
  c.header('Content-Type', type);
  return c.body(body, 200);
}

export function createDashboardRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', (c) => serve(c, 'text/html; charset=utf-8', DASHBOARD_HTML));
  app.get('/assets/:file', (c) => {
    const asset = Object.hasOwn(DASHBOARD_ASSETS, c.req.param('file'))
      ? DASHBOARD_ASSETS[c.req.param('file')]
      : undefined;
    return asset ? serve(c, asset.type, asset.body) : c.json({ error: 'not found' }, 404);
  });
  return app;
}
