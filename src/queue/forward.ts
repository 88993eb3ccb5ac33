/**
 * @module HTTP forwards (design.md §2): every event POSTed as JSON to each of FORWARD_URLS, signed
 * (src/verify/forward-signature.ts). Any non-2xx or network error fails the whole message, which the Queue retries;
 * receivers dedupe on `message_id`, since a URL that already accepted it gets it again on that retry. Failures name
 * the URL by its position in the list only: the URLs are configuration and may carry credentials.
 */
import type { RecordedEvent } from '../core/event-envelope.ts';
import { forwardHeaders } from '../verify/forward-signature.ts';

/** How a forward leaves: `fetch` in production; tests pass a recording function instead. */
export type ForwardSender = (url: string, init: RequestInit) => Promise<Response>;

export function forwardBody(hub: string, event: RecordedEvent, payload: unknown): string {
  return JSON.stringify({
    hub,
    cursor: event.cursor,
    message_id: event.messageId,
    kind: event.kind,
    type: event.type,
    version: event.version,
    subscription_id: event.subscriptionId,
    routing_key: event.routingKey,
    sent_at: event.sentAt,
    received_at: new Date(event.receivedAt).toISOString(),
    payload,
  });
}

export class ForwardError extends Error {
  constructor(failures: string[]) {
    super(`forward failed: ${failures.join(', ')}`);
    this.name = 'ForwardError';
  }
}

export async function forward(opts: {
  urls: readonly string[];
  secret: string;
  body: string;
  now: number;
  send: ForwardSender;
}): Promise<void> {
  const headers = { 'Content-Type': 'application/json', ...(await forwardHeaders(opts.secret, opts.body, opts.now)) };
  const results = await Promise.all(
    opts.urls.map(async (url, i): Promise<string | null> => {
      try {
        const res = await opts.send(url, { method: 'POST', headers, body: opts.body });
        // Drain the body so the connection is released (Workers allow 6 open connections at a time).
        await res.body?.cancel();
        return res.ok ? null : `FORWARD_URLS[${i}] answered ${res.status}`;
      } catch (err) {
        return `FORWARD_URLS[${i}] unreachable (${err instanceof Error ? err.name : 'error'})`;
      }
    }),
  );
  const failures = results.filter((r): r is string => r !== null);
  if (failures.length > 0) throw new ForwardError(failures);
}
