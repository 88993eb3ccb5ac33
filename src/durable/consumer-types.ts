/**
 * @module The ConsumerHub's names and RPC surface (consumer-hub.ts): what an EventHub publishes to it, and what the
 * `/events` route hands it with an upgrade, once the Worker has authenticated and validated the request.
 */
import type { ConsumerFilter } from '../core/consumer-filter.ts';
import type { RecordedEvent } from '../core/event-envelope.ts';

/** The one ConsumerHub instance; tests add a `#suffix`, like hub and shard names (hub/publisher.ts). */
export const CONSUMER_HUB_NAME = 'consumers';

/** Header carrying the validated session to the object; set only by the Worker (the object is not routable). */
export const SESSION_HEADER = 'X-Conduit-Consumer';

export interface ConsumerSession {
  filter: ConsumerFilter;
  /** Decoded `?since=` positions (one per hub when the hub count has not changed), or null: live from now. */
  since: number[] | null;
}

export interface PublishAnswer {
  /** Open consumer sockets. */
  sockets: number;
}

export interface ConsumerRpc {
  /** Events a hub has just recorded, oldest first, all from that hub. */
  publish(hub: number, events: RecordedEvent[]): Promise<PublishAnswer>;
}

/** `hub:<n>` with an optional `#suffix`; null for any other name. */
export function parseHubName(name: string): { index: number; suffix: string } | null {
  const m = /^hub:(\d{1,3})(#.*)?$/.exec(name);
  return m ? { index: Number(m[1]), suffix: m[2] ?? '' } : null;
}

/** The suffix of a ConsumerHub's name (`consumers#x` → `#x`), so it reads back from the hubs of the same scope. */
export function consumerSuffix(name: string): string {
  const i = name.indexOf('#');
  return i < 0 ? '' : name.slice(i);
}
