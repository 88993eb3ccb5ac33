/**
 * @module What a live consumer of `GET /events` receives (design.md §5): filters by subscription type and by
 * broadcaster (the event's routing key, routing-key.ts: the broadcaster it is about), validated at the edge,
 * intersected with a ticket's scope, and matched against each event. `null` means "any".
 */
import { bucketOf } from './hash.ts';

export interface ConsumerFilter {
  types: string[] | null;
  broadcasters: string[] | null;
}

export type FilterParam = 'type' | 'broadcaster';

export type FilterResult = { ok: true; filter: ConsumerFilter } | { ok: false; param: FilterParam; message: string };

export const ANY: ConsumerFilter = { types: null, broadcasters: null };

/**
 * At most this many values per filter. With the limits on each value it keeps a socket's attachment (filters plus
 * one position per hub) well under the Hibernation API's 16 KB (cloudflare.md §2).
 */
export const MAX_FILTER_VALUES = 50;

/** An EventSub type, as the admin API's `events/recent?type=` accepts it. */
export const TYPE_PATTERN = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;
const TYPE_MAX = 100;
/** Broadcaster ids are digits; routing keys of broadcaster-less types are user, client or subscription ids. */
export const BROADCASTER_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

const RULES: Record<FilterParam, { pattern: RegExp; max: number; hint: string }> = {
  type: { pattern: TYPE_PATTERN, max: TYPE_MAX, hint: 'must be an EventSub type like channel.follow' },
  broadcaster: { pattern: BROADCASTER_PATTERN, max: 64, hint: 'must be a broadcaster id ([A-Za-z0-9_.:-], ≤ 64)' },
};

/** Check and normalize one filter's values (deduplicated, sorted); an empty list means "any" (`null`). */
export function checkValues(
  param: FilterParam,
  values: readonly string[],
): { ok: true; values: string[] | null } | { ok: false; param: FilterParam; message: string } {
  const rule = RULES[param];
  if (values.length > MAX_FILTER_VALUES) {
    return { ok: false, param, message: `at most ${MAX_FILTER_VALUES} values` };
  }
  for (const v of values) {
    if (v.length > rule.max || !rule.pattern.test(v)) return { ok: false, param, message: rule.hint };
  }
  return { ok: true, values: values.length === 0 ? null : [...new Set(values)].sort() };
}

/** `?type=` and `?broadcaster=`, each repeatable. */
export function parseFilter(params: URLSearchParams): FilterResult {
  const types = checkValues('type', params.getAll('type'));
  if (!types.ok) return types;
  const broadcasters = checkValues('broadcaster', params.getAll('broadcaster'));
  if (!broadcasters.ok) return broadcasters;
  return { ok: true, filter: { types: types.values, broadcasters: broadcasters.values } };
}

function meet(asked: string[] | null, allowed: string[] | null): string[] | null | 'empty' {
  if (allowed === null) return asked;
  if (asked === null) return allowed;
  const both = asked.filter((v) => allowed.includes(v));
  return both.length === 0 ? 'empty' : both;
}

/**
 * What a ticket holder gets: the query narrowed to the ticket's scope. Asking only for things outside the scope is
 * an error naming the filter, rather than a socket that silently never receives anything.
 */
export function intersect(asked: ConsumerFilter, scope: ConsumerFilter): FilterResult {
  const types = meet(asked.types, scope.types);
  if (types === 'empty') return { ok: false, param: 'type', message: "outside the ticket's scope" };
  const broadcasters = meet(asked.broadcasters, scope.broadcasters);
  if (broadcasters === 'empty') return { ok: false, param: 'broadcaster', message: "outside the ticket's scope" };
  return { ok: true, filter: { types, broadcasters } };
}

export function matches(filter: ConsumerFilter, event: { type: string; routingKey: string }): boolean {
  return (
    (filter.types === null || filter.types.includes(event.type)) &&
    (filter.broadcasters === null || filter.broadcasters.includes(event.routingKey))
  );
}

/** The hubs that can hold matching events (one broadcaster lives on one hub, design.md §2); null: every hub. */
export function hubsOf(filter: ConsumerFilter, hubCount: number): number[] | null {
  if (filter.broadcasters === null) return null;
  return [...new Set(filter.broadcasters.map((b) => bucketOf(b, hubCount)))].sort((a, b) => a - b);
}
