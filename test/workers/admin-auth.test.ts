/**
 * Bearer auth on every `/admin/api/*` route (design.md §5): every kind of bad credential gets the same 401 JSON with
 * `WWW-Authenticate: Bearer`, before validation and before the controller is reached.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ADMIN_ROUTES, adminFetch, adminRequest, fakeController } from './support/admin-api.ts';

const token = env.ADMIN_TOKEN;

const BAD_CREDENTIALS: { name: string; auth: string | null }[] = [
  { name: 'no Authorization header', auth: null },
  { name: 'a wrong token of the same length', auth: `Bearer ${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}` },
  { name: 'a prefix of the token', auth: `Bearer ${token.slice(0, 8)}` },
  { name: 'the token with extra characters', auth: `Bearer ${token}0` },
  { name: 'the Basic scheme', auth: `Basic ${btoa(`admin:${token}`)}` },
  { name: 'the token without a scheme', auth: token },
  { name: 'the scheme without a token', auth: 'Bearer ' },
  { name: 'two tokens', auth: `Bearer ${token} ${token}` },
  { name: 'a different case of the token', auth: `Bearer ${token.toUpperCase()}` },
];

describe('admin API auth', () => {
  describe.each(ADMIN_ROUTES)('$method $path', (route) => {
    it.each(BAD_CREDENTIALS)('rejects $name with 401 and does not touch the controller', async ({ auth }) => {
      const fake = fakeController();
      const res = await fake.fetch(adminRequest(route.method, route.path, { body: route.body, auth }));
      expect(res.status).toBe(401);
      expect(res.headers.get('WWW-Authenticate')).toMatch(/^Bearer\b/);
      expect(await res.json()).toEqual({ error: 'unauthorized' });
      expect(fake.names).toEqual([]);
      expect(fake.calls).toEqual([]);
    });

    it('rejects a bad token through the deployed entry point as well', async () => {
      const res = await adminFetch(route.method, route.path, { body: route.body, auth: 'Bearer nope' });
      expect(res.status).toBe(401);
      const text = await res.text();
      expect(text).not.toContain(env.ADMIN_TOKEN);
      expect(text).not.toContain(env.EVENTSUB_SECRET);
    });
  });

  it('accepts the token with the scheme in any case, as Hono bearerAuth does (RFC 9110 §11.1)', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const fake = fakeController();
      const res = await fake.fetch(adminRequest('GET', '/endpoints', { auth: `${scheme} ${token}` }));
      expect(res.status, scheme).toBe(200);
      expect(fake.calls.map((c) => c.method)).toEqual(['listEndpoints']);
    }
  });

  it('checks auth before validation: a bad body without a token is 401, not 400', async () => {
    const fake = fakeController();
    const res = await fake.fetch(adminRequest('POST', '/conduits', { body: { shard_count: 0 }, auth: null }));
    expect(res.status).toBe(401);
  });

  it('answers an unknown admin path 401 without a token and JSON 404 with one', async () => {
    expect((await adminFetch('GET', '/nope', { auth: null })).status).toBe(401);
    const res = await adminFetch('GET', '/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not found' });
  });

  it('never logs the token or the header', async () => {
    const lines: string[] = [];
    const original = { log: console.log, warn: console.warn, error: console.error };
    for (const level of ['log', 'warn', 'error'] as const)
      console[level] = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
    try {
      await adminFetch('GET', '/status', { auth: `Bearer ${token}x` });
      await adminFetch('POST', '/endpoints', { auth: `Bearer ${token}`, body: { name: 'Bad!', kind: 'webhook' } });
    } finally {
      Object.assign(console, original);
    }
    expect(lines.join('\n')).not.toContain(token);
  });
});
