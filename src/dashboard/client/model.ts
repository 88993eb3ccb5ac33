/**
 * @module The dashboard's pure logic (no DOM): status colour groups, drift between desired and actual, the search
 * syntax, event rates from a sample of recent events, and the maintenance timeline's scale. Tested in the node project.
 */
import type { Endpoint, RecentEvent, Shard, Window } from './types.ts';

/** Colour groups of Twitch's shard statuses (twitch-eventsub.md §1.8); `unknown`: not (yet) in Twitch's listing. */
export type Group = 'enabled' | 'pending' | 'failed' | 'disconnected' | 'unknown';
export const GROUPS: readonly Group[] = ['enabled', 'pending', 'failed', 'disconnected', 'unknown'];

export function groupOf(status: string | undefined | null): Group {
  if (!status) return 'unknown';
  if (status === 'enabled') return 'enabled';
  if (status === 'webhook_callback_verification_pending') return 'pending';
  if (status.startsWith('websocket_')) return 'disconnected';
  return 'failed';
}

/**
 * Whether Twitch's transport for the shard is not the one its effective endpoint would give it (a reconcile is due).
 * Effective, not desired: a shard maintenance moved to a substitute is where it should be.
 */
export function drifted(shard: Shard, endpoints: ReadonlyMap<string, Endpoint>): boolean {
  const a = shard.actual;
  const target = shard.effective_endpoint ?? shard.desired_endpoint;
  const want = target === null ? undefined : endpoints.get(target);
  if (!a || !want) return false;
  if (want.kind === 'webhook') return a.method !== 'webhook' || (!!want.callback && a.callback !== want.callback);
  const session = want.socket?.session_id;
  return a.method !== 'websocket' || (!!session && a.session_id !== session);
}

type Term = (s: Shard) => boolean;

function term(word: string): Term {
  const [key, value] = word.includes(':') ? [word.slice(0, word.indexOf(':')), word.slice(word.indexOf(':') + 1)] : [];
  if (key === 'id' || (key === undefined && /^\d+$/.test(word))) {
    const id = Number(key === undefined ? word : value);
    return (s) => s.id === id;
  }
  const range = /^(\d+)-(\d+)$/.exec(word);
  if (range) return (s) => s.id >= Number(range[1]) && s.id <= Number(range[2]);
  if (key === 'status')
    return (s) => (s.actual?.status ?? 'unknown').includes(value!) || groupOf(s.actual?.status) === value;
  if (key === 'endpoint') return (s) => s.desired_endpoint === value;
  return (s) =>
    [
      s.desired_endpoint,
      s.actual?.status ?? 'unknown',
      groupOf(s.actual?.status),
      s.actual?.callback,
      s.actual?.session_id,
    ]
      .filter((f): f is string => typeof f === 'string')
      .some((f) => f.toLowerCase().includes(word));
}

/**
 * Search syntax: words are ANDed; `42` or `id:42` a shard id, `10-20` a range, `status:X` a status or group,
 * `endpoint:NAME` the desired endpoint, anything else a substring of endpoint, status, callback or session id.
 * An empty query matches nothing (nothing is highlighted).
 */
export function shardMatcher(query: string): Term | null {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return null;
  const terms = words.map(term);
  return (s) => terms.every((t) => t(s));
}

export interface Rates {
  /** Length of the sample window in ms, and whether the sample was full (older events were cut off). */
  windowMs: number;
  saturated: boolean;
  total: number;
  perHub: Map<string, number>;
  perEndpoint: Map<string, number>;
}

/** Events counted are those of the last 5 minutes; a full sample shortens the window to the span it covers. */
export const RATE_WINDOW_MS = 5 * 60_000;

/** Events per minute from the newest events of every hub (`GET events/recent?limit`), per hub and per endpoint. */
export function eventRates(events: readonly RecentEvent[], limit: number, now: number, hubs: number): Rates {
  const times = events.map((e) => Date.parse(e.received_at)).filter((t) => Number.isFinite(t));
  const saturated = events.length >= limit && times.length > 0;
  const from = saturated ? Math.max(now - RATE_WINDOW_MS, Math.min(...times)) : now - RATE_WINDOW_MS;
  const windowMs = Math.max(1_000, now - from);
  const perHub = new Map<string, number>(Array.from({ length: hubs }, (_, i) => [`hub:${i}`, 0]));
  const perEndpoint = new Map<string, number>();
  let total = 0;
  for (const e of events) {
    if (Date.parse(e.received_at) < from) continue;
    total++;
    perHub.set(e.hub, (perHub.get(e.hub) ?? 0) + 1);
    perEndpoint.set(e.via.endpoint, (perEndpoint.get(e.via.endpoint) ?? 0) + 1);
  }
  const perMinute = (n: number) => (n * 60_000) / windowMs;
  for (const m of [perHub, perEndpoint]) for (const [k, v] of m) m.set(k, perMinute(v));
  return { windowMs, saturated, total: perMinute(total), perHub, perEndpoint };
}

/**
 * Twitch spreads an endpoint's traffic over its enabled shards (by broadcaster hash, twitch-eventsub.md §2.4), so a
 * shard's rate is estimated as its endpoint's rate divided by that endpoint's enabled shards.
 */
export function shardRate(shard: Shard, rates: Rates, enabledOn: ReadonlyMap<string, number>): number {
  const ep = shard.desired_endpoint;
  if (ep === null || shard.actual?.status !== 'enabled') return 0;
  return (rates.perEndpoint.get(ep) ?? 0) / Math.max(1, enabledOn.get(ep) ?? 0);
}

export interface EndpointHealth {
  desired: number;
  enabled: number;
  drifted: number;
}

export function endpointHealth(shards: readonly Shard[], endpoints: ReadonlyMap<string, Endpoint>) {
  const health = new Map<string, EndpointHealth>();
  for (const name of endpoints.keys()) health.set(name, { desired: 0, enabled: 0, drifted: 0 });
  for (const s of shards) {
    const h = s.desired_endpoint === null ? undefined : health.get(s.desired_endpoint);
    if (!h) continue;
    h.desired++;
    if (s.actual?.status === 'enabled') h.enabled++;
    if (drifted(s, endpoints)) h.drifted++;
  }
  return health;
}

const HOUR = 3_600_000;
const TICKS = [HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 2 * 24 * HOUR, 7 * 24 * HOUR, 30 * 24 * HOUR];

export interface Scale {
  start: number;
  end: number;
  ticks: number[];
  /** Position of an instant as a percentage of the width, clamped to the axis. */
  at(t: number): number;
}

/** From 2 h ago (or the earliest window) to 24 h ahead (or the latest window), with at most ~8 round ticks. */
export function timelineScale(windows: readonly Window[], now: number): Scale {
  const starts = windows.map((w) => Date.parse(w.starts_at));
  const ends = windows.map((w) => Date.parse(w.ends_at));
  const start = Math.min(now - 2 * HOUR, ...starts);
  const end = Math.max(now + 24 * HOUR, ...ends);
  const step = TICKS.find((t) => (end - start) / t <= 8) ?? TICKS[TICKS.length - 1]!;
  const ticks: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end && ticks.length < 40; t += step) ticks.push(t);
  const at = (t: number) => Math.min(100, Math.max(0, ((t - start) / (end - start)) * 100));
  return { start, end, ticks, at };
}

export function windowState(w: Window, now: number): 'active' | 'upcoming' | 'past' {
  if (Date.parse(w.ends_at) <= now) return 'past';
  return Date.parse(w.starts_at) <= now ? 'active' : 'upcoming';
}

/** "3 min ago" / "in 2 h": coarse on purpose, the exact time is shown beside it. */
export function relative(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  const [n, unit] =
    abs < 60_000
      ? [Math.round(abs / 1000), 's']
      : abs < HOUR
        ? [Math.round(abs / 60_000), 'min']
        : abs < 48 * HOUR
          ? [Math.round(abs / HOUR), 'h']
          : [Math.round(abs / (24 * HOUR)), 'd'];
  return ms < 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
}

/** The shard a search opens in the detail view: a query that is exactly one existing shard id. */
export function searchedShard(query: string, count: number): number | null {
  const m = /^\s*(?:id:)?(\d{1,5})\s*$/.exec(query);
  const id = m ? Number(m[1]) : NaN;
  return Number.isInteger(id) && id < count ? id : null;
}
