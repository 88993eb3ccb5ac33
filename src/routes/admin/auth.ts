/**
 * @module Bearer auth for `/admin/api/*` (design.md §5): `Authorization: Bearer ADMIN_TOKEN`, compared in constant
 * time. Both sides are hashed first, so neither the comparison nor an early length check leaks how much of the token
 * matched or how long it is. Every failure is the same 401, and the token is never echoed or logged.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../app.ts';

const encoder = new TextEncoder();

async function digest(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', encoder.encode(text));
}

export async function tokensEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/** The credential of an `Authorization` value; the scheme is case-insensitive (RFC 9110 §11.1), as in Hono's bearerAuth. */
export function bearerToken(header: string | undefined): string | null {
  const match = header ? /^bearer +(\S+) *$/i.exec(header) : null;
  return match ? match[1]! : null;
}

export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = bearerToken(c.req.header('Authorization'));
  if (token === null || !(await tokensEqual(token, c.get('config').ADMIN_TOKEN))) {
    c.header('WWW-Authenticate', 'Bearer realm="admin"');
    return c.json({ error: 'unauthorized' }, 401);
  }
  await next();
};
