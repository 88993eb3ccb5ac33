/**
 * @module Records every request that reaches the Helix routes in `SimState.calls` (method, path, query, body
 * with secrets redacted, status, sim time), including the ones auth or the rate limiter turn away.
 */
import type { MiddlewareHandler } from 'hono';
import type { Sim } from '../context.ts';

export const REDACTED = '(redacted)';

/** Webhook secrets travel in Update Conduit Shards and Create Subscription bodies; none may reach the log. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, /secret/i.test(k) ? REDACTED : redactSecrets(v)]),
  );
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return redactSecrets(JSON.parse(text));
  } catch {
    return '(not JSON)';
  }
}

export function callLog(sim: Sim): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    // Hono caches the text, so the routes can still read the body after this.
    const text = c.req.method === 'GET' || c.req.method === 'HEAD' ? '' : await c.req.text();
    const at = sim.clock.now();
    await next();
    sim.state.calls.record({
      at,
      method: c.req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      client_id: c.req.header('Client-Id') ?? null,
      body: parseBody(text),
      status: c.res.status,
    });
  };
}
