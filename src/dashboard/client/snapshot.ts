/**
 * @module One refresh's data: `GET status` page by page (design.md §5, `shard_offset`/`shard_limit`, so a
 * 20,000-shard conduit arrives in 8 answers rather than one), the audit log and a sample of recent events, with
 * what the panels derive from them.
 */
import { api } from './api.ts';
import { endpointHealth, eventRates, type EndpointHealth, type Rates } from './model.ts';
import type { Action, Endpoint, RecentEvents, Shard, Status } from './types.ts';

export const PAGE = 2_500;
/** Twitch's limit; bounds the paging loop whatever `shards_total` says. */
const MAX_SHARDS = 20_000;
export const EVENT_SAMPLE = 500;

export interface Snapshot {
  at: number;
  status: Status;
  shards: Shard[];
  endpoints: Map<string, Endpoint>;
  health: Map<string, EndpointHealth>;
  actions: Action[];
  events: RecentEvents | null;
  eventsError: unknown;
  rates: Rates;
}

export async function loadSnapshot(): Promise<Snapshot> {
  const status = await api<Status>('GET', `/status?shard_offset=0&shard_limit=${PAGE}`);
  const offsets: number[] = [];
  for (let o = PAGE; o < Math.min(status.shards_total, MAX_SHARDS); o += PAGE) offsets.push(o);
  // Two pages in flight at a time: quicker than one by one, gentler on the controller than all at once.
  const pages: Shard[][] = [];
  for (let i = 0; i < offsets.length; i += 2) {
    const batch = offsets
      .slice(i, i + 2)
      .map((o) => api<Status>('GET', `/status?shard_offset=${o}&shard_limit=${PAGE}`));
    for (const page of await Promise.all(batch)) pages.push(page.shards);
  }
  const shards = [...status.shards, ...pages.flat()];
  const [actions, events] = await Promise.all([
    api<Action[]>('GET', '/actions?limit=50'),
    api<RecentEvents>('GET', `/events/recent?limit=${EVENT_SAMPLE}`).then(
      (value) => ({ value, error: null }),
      (error: unknown) => ({ value: null, error }),
    ),
  ]);
  const at = Date.now();
  const endpoints = new Map(status.endpoints.map((e) => [e.name, e]));
  return {
    at,
    status,
    shards,
    endpoints,
    health: endpointHealth(shards, endpoints),
    actions,
    events: events.value,
    eventsError: events.error,
    rates: eventRates(events.value?.events ?? [], EVENT_SAMPLE, at, events.value?.hubs ?? 0),
  };
}
