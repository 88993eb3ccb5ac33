/**
 * @module The EventHub's RPC surface and the plain data it returns (what the Queue consumer, the admin API and the
 * live consumers' ConsumerHub read). Camel case inside; the admin API maps to snake_case JSON.
 */
import type { RecordedEvent } from '../core/event-envelope.ts';
import type { InboundMessage, IngestOutcome } from '../core/ingest-types.ts';

/** A logged event with what happened to it since. */
export interface HubEvent extends RecordedEvent {
  /** On the Queue (false while the outbox still holds it). */
  routed: boolean;
  /** Handler runs the consumer reported (1 = reached a handler exactly once). */
  handled: number;
  /** Times it reached the dead-letter queue. */
  deadLetters: number;
}

/** An event the Queue gave up on after `max_retries` (its message id on the queue, for correlating logs). */
export interface DeadLetterInput {
  cursor: number;
  queueMessageId: string;
}

export interface HubStats {
  events: number;
  unrouted: number;
  seen: number;
  revocations: number;
  deadLetters: number;
  oldestCursor: number | null;
  newestCursor: number | null;
}

/** Retention and retry settings. Defaults in event-hub.ts; tests shrink them on one instance. */
export interface HubPolicy {
  /** How long a message id is remembered: longer than the 10-minute freshness window (twitch-eventsub.md §3.5). */
  seenTtlMs: number;
  /** Newest events kept per hub, and the oldest age kept; unrouted events are never pruned (they are the outbox). */
  maxEvents: number;
  maxAgeMs: number;
  /** Prune on insert every this many accepted events (and in every alarm). */
  pruneEvery: number;
  /** Outbox retry: first delay, doubled per failed attempt up to the cap. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long a Queue send may take before its events are left to the alarm (they are durable in the log). */
  sendTimeoutMs: number;
  /** Queue sends per hub start at least this far apart; events arriving meanwhile go in one batch. */
  sendIntervalMs: number;
  /**
   * Ingest arms the alarm this far ahead, so events recorded but not yet sent (the object died first) are re-sent
   * from the log; longer than the batching delay plus `sendTimeoutMs`, so a healthy send finishes first.
   */
  outboxGuardMs: number;
}

/** A page of `replay`: events after a position, for live consumers (hub/replay.ts). */
export interface ReplayQuery {
  limit: number;
  /** Summed body bytes per page; the first event always fits. */
  maxBytes: number;
  /** Only these types / routing keys; null: any. */
  types: string[] | null;
  keys: string[] | null;
}

export interface ReplayPage {
  /** Matching events, oldest first. */
  events: RecordedEvent[];
  /** Every event up to here was looked at: the next page starts after it. */
  scannedTo: number;
  more: boolean;
  /** The oldest sequence still kept (last + 1 when the log is empty): anything older was pruned. */
  firstKept: number;
  /** The last sequence ever assigned (0: none). */
  last: number;
}

export interface HubRpc {
  ingest(messages: InboundMessage[]): Promise<IngestOutcome[]>;
  recent(opts: { limit: number; type?: string }): Promise<HubEvent[]>;
  since(cursor: number, limit: number): Promise<HubEvent[]>;
  events(cursors: number[]): Promise<HubEvent[]>;
  markHandled(cursors: number[]): Promise<void>;
  handledCounts(cursors: number[]): Promise<Record<number, number>>;
  recordDeadLetters(entries: DeadLetterInput[]): Promise<void>;
  stats(): Promise<HubStats>;
  replay(after: number, query: ReplayQuery): Promise<ReplayPage>;
  head(): Promise<number>;
}
