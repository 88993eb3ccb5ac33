/**
 * @module `POST /webhooks/:endpoint`: a built-in webhook shard (design.md §5, contract). Verifies before parsing,
 * answers challenges with the bare challenge, and acknowledges a notification or revocation only after the EventHub
 * has recorded it durably, so a crash costs a retry from Twitch, never an event. Never calls Twitch.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../app.ts';
import { bucketOf } from '../core/hash.ts';
import { hubName } from '../core/ingest-types.ts';
import { ENDPOINT_NAME, endpointSecret } from '../verify/derive.ts';
import { checkWebhook, MAX_BODY_BYTES } from '../verify/webhook.ts';
import { isWebhookEndpoint } from './endpoint-registry.ts';

/**
 * Read at most `limit` bytes; null when the body is longer. With a Content-Length within the limit the runtime
 * frames the body by it, so one `arrayBuffer()` is safe and ~25 µs cheaper per event than reading chunk by chunk
 * (docs/performance.md); without one (chunked), the stream is read and cut off past the limit.
 */
async function readLimited(req: Request, limit: number): Promise<Uint8Array | null> {
  if (!req.body) return new Uint8Array();
  const declared = req.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) <= limit) {
    const body = new Uint8Array(await req.arrayBuffer());
    return body.byteLength <= limit ? body : null;
  }
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

export function createWebhookRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/webhooks/:endpoint', async (c) => {
    const name = c.req.param('endpoint');
    const config = c.get('config');
    if (!ENDPOINT_NAME.test(name) || !(await isWebhookEndpoint(c.env, config, name))) {
      return c.json({ error: 'unknown endpoint' }, 404);
    }
    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > MAX_BODY_BYTES) return c.json({ error: 'body too large' }, 413);
    const body = await readLimited(c.req.raw, MAX_BODY_BYTES);
    if (!body) return c.json({ error: 'body too large' }, 413);

    // The endpoint's secret, then the one derived from the previous master secret while a rotation is under way.
    const secrets = [await endpointSecret(config.EVENTSUB_SECRET, name)];
    if (config.EVENTSUB_SECRET_PREVIOUS) secrets.push(await endpointSecret(config.EVENTSUB_SECRET_PREVIOUS, name));

    const verdict = await checkWebhook({ headers: c.req.raw.headers, body, now: Date.now(), secrets, endpoint: name });
    if (!verdict.ok) return c.json({ error: verdict.reason }, verdict.status);
    if (verdict.kind === 'challenge') {
      // Exactly the challenge: 200, text/plain, no quotes or newline (twitch-eventsub.md §3.4).
      return c.body(verdict.challenge, 200, { 'Content-Type': 'text/plain' });
    }
    const hub = c.env.EVENT_HUB.getByName(hubName(bucketOf(verdict.message.routingKey, config.HUB_COUNT)));
    await hub.ingest([verdict.message]);
    return c.body(null, 204);
  });

  return app;
}
