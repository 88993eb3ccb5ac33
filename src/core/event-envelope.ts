/**
 * @module What an EventHub puts on the Queue (design.md §2): a recorded event, inline when it fits, else a
 * reference `{hub, ref: cursor}` the consumer reads back through the hub's `events()` RPC. Queue limits
 * (cloudflare.md §4.2): 128 KB per message including about 100 bytes of metadata, and at most 100 messages or
 * 256 KB per `sendBatch`; KB means 1,000 bytes there.
 */

/** A message as the hub's log holds it: the ingest input plus its position and arrival time. */
export interface RecordedEvent {
  /** Position in the hub's log: an autoincrement integer, unique and increasing per hub. */
  cursor: number;
  messageId: string;
  kind: 'notification' | 'revocation';
  type: string;
  version: string;
  subscriptionId: string;
  routingKey: string;
  via: { transport: 'webhook' | 'websocket'; endpoint: string };
  sentAt: string;
  /** Unix ms when the hub recorded it. */
  receivedAt: number;
  /** Twitch's payload exactly as received. */
  body: string;
}

export type EventEnvelope = { hub: string; event: RecordedEvent } | { hub: string; ref: number };

export const QUEUE_LIMITS = {
  maxBatchMessages: 100,
  maxBatchBytes: 256_000,
  /** Per-message metadata the Queue counts against both limits. */
  metadataBytes: 100,
} as const;

/** Above this, send a reference: well under the 128 KB message limit, so a bigger envelope never needs a retry. */
export const INLINE_MAX_BYTES = 100_000;

const encoder = new TextEncoder();

/** The Queue counts UTF-8 bytes, not UTF-16 units. */
const byteLength = (text: string): number => encoder.encode(text).length;

export interface SizedEnvelope {
  envelope: EventEnvelope;
  /** Serialized size plus the Queue's per-message metadata. */
  bytes: number;
}

export function envelopeFor(hub: string, event: RecordedEvent): SizedEnvelope {
  const inline: EventEnvelope = { hub, event };
  const json = JSON.stringify(inline);
  const size = byteLength(json);
  if (size <= INLINE_MAX_BYTES) return { envelope: inline, bytes: size + QUEUE_LIMITS.metadataBytes };
  const ref: EventEnvelope = { hub, ref: event.cursor };
  return { envelope: ref, bytes: JSON.stringify(ref).length + QUEUE_LIMITS.metadataBytes };
}

/** Consecutive groups that each fit one `sendBatch`: at most `maxBatchMessages` items and `maxBatchBytes` bytes. */
export function sendBatches<T extends { bytes: number }>(items: readonly T[], limits = QUEUE_LIMITS): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (
      current.length > 0 &&
      (current.length >= limits.maxBatchMessages || bytes + item.bytes > limits.maxBatchBytes)
    ) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.bytes;
  }
  if (current.length > 0) out.push(current);
  return out;
}
