/**
 * @module Admin request bodies must be UTF-8 (RFC 8259 §8.1). Hono decodes bodies leniently, turning invalid bytes
 * into U+FFFD, so a corrupted body could pass its schema and reach Twitch with keys nobody sent (the admin fuzz,
 * test/workers/fuzz-admin.test.ts, found a subscription condition sent that way). Refused with the usual 400 first.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../app.ts';
import type { ErrorBody } from './schemas.ts';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export const requireUtf8Body: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.raw.body !== null) {
    // Cached by Hono: the validator's later `json()` reads these same bytes.
    const bytes = await c.req.arrayBuffer();
    try {
      strict.decode(bytes);
    } catch {
      const body: ErrorBody = { error: 'body: not UTF-8' };
      return c.json(body, 400);
    }
  }
  await next();
};
