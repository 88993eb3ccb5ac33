/**
 * @module Helix's token bucket (twitch-eventsub.md §7.3): one bucket per client id for app tokens and one per
 * client id and user for user tokens, refilling continuously on the simulator clock, with `Ratelimit-*` headers
 * on every authenticated response and a real 429 when empty.
 */
import type { MiddlewareHandler } from 'hono';
import type { Sim } from '../context.ts';
import type { SimState, TokenInfo } from '../state.ts';
import type { HelixEnv } from './auth.ts';
import { fail } from './params.ts';

interface Bucket {
  points: number;
  at: number;
}

/** Keyed by state so that separate simulators in one process never share buckets. */
const buckets = new WeakMap<SimState, Map<string, Bucket>>();

function bucketsOf(sim: Sim): Map<string, Bucket> {
  let m = buckets.get(sim.state);
  if (!m) {
    m = new Map();
    buckets.set(sim.state, m);
  }
  return m;
}

function keyOf(clientId: string, userId?: string): string {
  return userId === undefined ? `app:${clientId}` : `user:${clientId}:${userId}`;
}

/** The bucket, refilled up to now. Elapsed time is clamped at 0 because a clock reset can move time backwards. */
function current(sim: Sim, key: string): Bucket {
  const cap = sim.config.rateLimitPerMinute;
  const now = sim.clock.now();
  const m = bucketsOf(sim);
  let b = m.get(key);
  if (!b) {
    b = { points: cap, at: now };
    m.set(key, b);
  }
  b.points = Math.min(cap, b.points + (Math.max(0, now - b.at) * cap) / 60_000);
  b.at = now;
  return b;
}

function headers(sim: Sim, b: Bucket): Record<string, string> {
  const cap = sim.config.rateLimitPerMinute;
  const fullAt = b.at + ((cap - b.points) * 60_000) / cap;
  return {
    'Ratelimit-Limit': String(cap),
    'Ratelimit-Remaining': String(Math.max(0, Math.floor(b.points))),
    'Ratelimit-Reset': String(Math.ceil(fullAt / 1000)),
  };
}

/** Test hook: set the points left in a bucket (the app bucket, or a user's when `userId` is given). */
export function setBucket(sim: Sim, clientId: string, remaining: number, userId?: string): void {
  const b = current(sim, keyOf(clientId, userId));
  b.points = Math.max(0, Math.min(sim.config.rateLimitPerMinute, remaining));
}

/** Forget every bucket (for the control API's reset). */
export function resetBuckets(sim: Sim): void {
  bucketsOf(sim).clear();
}

export function rateLimit(sim: Sim): MiddlewareHandler<HelixEnv> {
  return async (c, next) => {
    const auth: TokenInfo = c.get('auth');
    const b = current(sim, keyOf(auth.clientId, auth.kind === 'user' ? auth.userId : undefined));
    if (b.points < 1) {
      const res = fail(c, 429, 'Too Many Requests');
      for (const [k, v] of Object.entries(headers(sim, b))) res.headers.set(k, v);
      return res;
    }
    b.points -= 1;
    const h = headers(sim, b);
    await next();
    for (const [k, v] of Object.entries(h)) c.res.headers.set(k, v);
  };
}
