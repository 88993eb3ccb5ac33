/**
 * @module Request plumbing shared by the Helix routes: Twitch-shaped error responses and reading a parameter from
 * the JSON body or the query string, since client libraries disagree on which they use (twitch-eventsub.md §1.3–1.5).
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { helixError } from '../wire.ts';

export function fail(c: Context, status: ContentfulStatusCode, message: string): Response {
  return c.json(helixError(status, message), status);
}

/**
 * The JSON body as an object: `{}` when there is none, `null` when it is present but not a JSON object.
 */
export async function readBody(c: Context): Promise<Record<string, unknown> | null> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** A string parameter from the body, else the query. Numbers in the body are accepted as their decimal form. */
export function param(c: Context, body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  // a present but mistyped body value must fail validation rather than fall back to the query
  if (v !== undefined && v !== null && v !== '') return JSON.stringify(v);
  const q = c.req.query(name);
  return q === undefined || q === '' ? undefined : q;
}

/** A shard count within Twitch's documented range 1..20000 (§1.1), or null. */
export function parseShardCount(raw: string | undefined): number | null {
  if (raw === undefined || !/^\d+$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 && n <= 20_000 ? n : null;
}
