/**
 * @module The key that picks a message's EventHub (design.md §2): the broadcaster it is about, with fallbacks for
 * types that have none. Both transports compute it from the same `{subscription, event|events}` payload.
 */

/** The parts of a notification or revocation payload the key is read from; everything else is ignored. */
export interface RoutablePayload {
  subscription: { id: string; condition?: Readonly<Record<string, unknown>> | null };
  event?: unknown;
  events?: readonly unknown[] | null;
}

type Source = 'event' | 'condition';

/**
 * First non-empty string wins. Why this order:
 * - the event first, because it names the channel where the thing happened even when the condition is only a filter
 *   (a `channel.raid` subscribed by `from_broadcaster_user_id` has no condition broadcaster but its event has a
 *   `to_broadcaster_user_id`), and so one happening reaches one hub whichever subscription delivered it;
 * - then the condition's broadcaster ids, which is what Twitch hashes on for conduit routing (twitch-eventsub.md
 *   §5.1), and covers revocations, which carry no event (§3.4);
 * - then the user: the condition's `user_id` for user-scoped types (`user.update`), else the event's (batched drops,
 *   `user.authorization.*`), so per-user order holds and such traffic spreads over hubs;
 * - `client_id` (`conduit.shard.disabled`, one app) and the subscription id are the last resorts: stable per
 *   subscription, so its own messages stay in order.
 * Twitch's real hash and key are unknown (§5.1); only stability per broadcaster matters here, not matching Twitch.
 */
const ORDER: readonly (readonly [Source, string])[] = [
  ['event', 'broadcaster_user_id'],
  ['event', 'to_broadcaster_user_id'],
  ['condition', 'broadcaster_user_id'],
  ['condition', 'to_broadcaster_user_id'],
  ['condition', 'user_id'],
  ['event', 'user_id'],
  ['condition', 'client_id'],
];

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The single `event`, or the first batched event's `data` (`events: [{id, data}]`, §3.4); undefined if neither. */
function eventOf(payload: RoutablePayload): Readonly<Record<string, unknown>> | undefined {
  if (isRecord(payload.event)) return payload.event;
  const first: unknown = payload.events?.[0];
  return isRecord(first) && isRecord(first.data) ? first.data : undefined;
}

export function routingKeyOf(payload: RoutablePayload): string {
  const sources: Record<Source, Readonly<Record<string, unknown>> | undefined> = {
    event: eventOf(payload),
    condition: isRecord(payload.subscription.condition) ? payload.subscription.condition : undefined,
  };
  for (const [source, field] of ORDER) {
    const value = sources[source]?.[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  return payload.subscription.id;
}
