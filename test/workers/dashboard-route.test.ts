/**
 * `GET /admin` (design.md §5): the page and its assets are public, hold no secret, and are served under a strict
 * CSP; the API behind them still needs the token. Revalidation with the ETag answers 304.
 */
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

const get = (path: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(new Request(`http://worker.test${path}`, { headers }));

const SECRETS = () => [env.ADMIN_TOKEN, env.EVENTSUB_SECRET, env.TWITCH_CLIENT_SECRET];

describe('dashboard route', () => {
  it('serves the page as HTML under a CSP without inline script or style', async () => {
    const res = await get('/admin');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/admin/assets/main.js"></script>');
    for (const secret of SECRETS()) expect(html).not.toContain(secret);
  });

  it.each([
    ['main.js', 'text/javascript; charset=utf-8'],
    ['api.js', 'text/javascript; charset=utf-8'],
    ['style.css', 'text/css; charset=utf-8'],
  ])('serves %s as %s, with no secret in it', async (file, type) => {
    const res = await get(`/admin/assets/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe(type);
    const body = await res.text();
    expect(body.length).toBeGreaterThan(100);
    for (const secret of SECRETS()) expect(body).not.toContain(secret);
  });

  it.each(['nope.js', 'types.js', '..%2Fapp.ts', 'constructor', '__proto__'])(
    'answers 404 for asset %s',
    async (file) => {
      const res = await get(`/admin/assets/${file}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'not found' });
    },
  );

  it('answers 304 to a revalidation with the current ETag, 200 to a stale one', async () => {
    const first = await get('/admin');
    const etag = first.headers.get('ETag');
    expect(etag).toMatch(/^"[0-9a-f]{16}"$/);
    expect(first.headers.get('Cache-Control')).toBe('no-cache');
    expect((await get('/admin', { 'If-None-Match': etag! })).status).toBe(304);
    expect((await get('/admin', { 'If-None-Match': '"0000000000000000"' })).status).toBe(200);
  });

  it('leaves the admin API behind its token', async () => {
    const res = await get('/admin/api/status');
    expect(res.status).toBe(401);
  });
});
