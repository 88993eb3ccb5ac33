/**
 * @module The `/events` URL a client opens: http(s) becomes ws(s), `/events` is appended unless given, filters are
 * repeated parameters (design.md §5), and `since` / `ticket` are added per connection attempt.
 */

export interface EventsQuery {
  types?: readonly string[];
  broadcasters?: readonly string[];
  since?: string;
  ticket?: string;
}

export function eventsUrl(base: string, query: EventsQuery): string {
  const url = new URL(base);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new Error(`events URL must be http(s) or ws(s), got ${url.protocol}`);
  }
  if (!url.pathname.endsWith('/events')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/events`;
  for (const t of query.types ?? []) url.searchParams.append('type', t);
  for (const b of query.broadcasters ?? []) url.searchParams.append('broadcaster', b);
  if (query.since) url.searchParams.set('since', query.since);
  if (query.ticket) url.searchParams.set('ticket', query.ticket);
  return url.toString();
}
