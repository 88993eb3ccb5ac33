/**
 * @module The one ingest call both transports feed (design.md §2): a verified Twitch message, transport-neutral,
 * and what the EventHub answers for it.
 */

export interface InboundMessage {
  /** Twitch-Eventsub-Message-Id or metadata.message_id: the de-duplication key (a resend keeps it, §3.5). */
  messageId: string;
  kind: 'notification' | 'revocation';
  subscriptionId: string;
  subscriptionType: string;
  subscriptionVersion: string;
  /** Twitch's message timestamp, as sent (RFC3339, up to nanoseconds). */
  sentAt: string;
  /** Broadcaster id (or a fallback, see routing-key.ts): picks the hub and keeps per-broadcaster order. */
  routingKey: string;
  via: { transport: 'webhook' | 'websocket'; endpoint: string };
  /** The payload exactly as Twitch sent it: `{subscription, event}`, `{subscription, events}` or `{subscription}`. */
  body: string;
}

export interface IngestOutcome {
  messageId: string;
  status: 'accepted' | 'duplicate';
  /** Position in the hub's event log (null for a duplicate). */
  cursor: string | null;
}

/** Hub instance names: `hub:<index>` with index = bucketOf(routingKey, HUB_COUNT). */
export const hubName = (index: number): string => `hub:${index}`;
