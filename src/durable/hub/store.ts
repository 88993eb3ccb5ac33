/**
 * @module Typed access to the EventHub's SQLite tables: seen message ids, the event log (also the Queue outbox),
 * revocations and dead letters. Synchronous like the SQL API; several writes with no await between them commit
 * together (cloudflare.md §1.7). Lists of cursors travel as one JSON parameter (`json_each`), because a Durable
 * Object query takes at most 100 bound parameters.
 */
import type { RecordedEvent } from '../../core/event-envelope.ts';
import type { InboundMessage } from '../../core/ingest-types.ts';
import type { DeadLetterInput, HubEvent, HubPolicy, HubStats } from '../hub-types.ts';

/** Revocation and dead-letter rows kept per hub: small, and only for inspection. */
export const SIDE_TABLE_LIMIT = 1_000;

/** One row of the `events` table, as every reader selects it. */
export type RecordedRow = {
  cursor: number;
  message_id: string;
  kind: RecordedEvent['kind'];
  type: string;
  version: string;
  subscription_id: string;
  routing_key: string;
  via_transport: RecordedEvent['via']['transport'];
  via_endpoint: string;
  sent_at: string;
  received_at: number;
  body: string;
};

type EventRow = RecordedRow & { routed: number; handled: number; dead_letters: number };

export function toRecorded(r: RecordedRow): RecordedEvent {
  return {
    cursor: r.cursor,
    messageId: r.message_id,
    kind: r.kind,
    type: r.type,
    version: r.version,
    subscriptionId: r.subscription_id,
    routingKey: r.routing_key,
    via: { transport: r.via_transport, endpoint: r.via_endpoint },
    sentAt: r.sent_at,
    receivedAt: r.received_at,
    body: r.body,
  };
}

const SELECT_EVENTS = `SELECT e.*, (SELECT COUNT(*) FROM dead_letters d WHERE d.cursor = e.cursor) AS dead_letters
  FROM events e`;

function toEvent(r: EventRow): HubEvent {
  return { ...toRecorded(r), routed: r.routed === 1, handled: r.handled, deadLetters: r.dead_letters };
}

export class HubStore {
  constructor(private readonly sql: SqlStorage) {}

  /** Seen and not yet expired: a duplicate. */
  isSeen(messageId: string, now: number): boolean {
    return (
      this.sql.exec('SELECT 1 FROM seen WHERE message_id = ? AND expires_at > ?', messageId, now).toArray().length > 0
    );
  }

  remember(messageId: string, expiresAt: number): void {
    this.sql.exec('INSERT OR REPLACE INTO seen (message_id, expires_at) VALUES (?, ?)', messageId, expiresAt);
  }

  append(m: InboundMessage, receivedAt: number): RecordedEvent {
    const { cursor } = this.sql
      .exec<{ cursor: number }>(
        `INSERT INTO events (message_id, kind, type, version, subscription_id, routing_key, via_transport, via_endpoint,
           sent_at, received_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING cursor`,
        m.messageId,
        m.kind,
        m.subscriptionType,
        m.subscriptionVersion,
        m.subscriptionId,
        m.routingKey,
        m.via.transport,
        m.via.endpoint,
        m.sentAt,
        receivedAt,
        m.body,
      )
      .one();
    return {
      cursor,
      messageId: m.messageId,
      kind: m.kind,
      type: m.subscriptionType,
      version: m.subscriptionVersion,
      subscriptionId: m.subscriptionId,
      routingKey: m.routingKey,
      via: { transport: m.via.transport, endpoint: m.via.endpoint },
      sentAt: m.sentAt,
      receivedAt,
      body: m.body,
    };
  }

  recordRevocation(e: RecordedEvent, status: string): void {
    this.sql.exec(
      'INSERT INTO revocations (cursor, subscription_id, type, version, status, received_at) VALUES (?, ?, ?, ?, ?, ?)',
      e.cursor,
      e.subscriptionId,
      e.type,
      e.version,
      status,
      e.receivedAt,
    );
  }

  /** The outbox, oldest first. */
  unrouted(limit: number): RecordedEvent[] {
    return this.sql
      .exec<EventRow>(`${SELECT_EVENTS} WHERE e.routed = 0 ORDER BY e.cursor LIMIT ?`, limit)
      .toArray()
      .map(toEvent);
  }

  markRouted(cursors: number[]): void {
    this.sql.exec(
      'UPDATE events SET routed = 1 WHERE cursor IN (SELECT value FROM json_each(?))',
      JSON.stringify(cursors),
    );
  }

  events(cursors: number[]): HubEvent[] {
    return this.sql
      .exec<EventRow>(
        `${SELECT_EVENTS} WHERE e.cursor IN (SELECT value FROM json_each(?)) ORDER BY e.cursor`,
        JSON.stringify(cursors),
      )
      .toArray()
      .map(toEvent);
  }

  recent(limit: number, type?: string): HubEvent[] {
    const rows =
      type === undefined
        ? this.sql.exec<EventRow>(`${SELECT_EVENTS} ORDER BY e.cursor DESC LIMIT ?`, limit)
        : this.sql.exec<EventRow>(`${SELECT_EVENTS} WHERE e.type = ? ORDER BY e.cursor DESC LIMIT ?`, type, limit);
    return rows.toArray().map(toEvent);
  }

  since(cursor: number, limit: number): HubEvent[] {
    return this.sql
      .exec<EventRow>(`${SELECT_EVENTS} WHERE e.cursor > ? ORDER BY e.cursor LIMIT ?`, cursor, limit)
      .toArray()
      .map(toEvent);
  }

  /** One handler run per listed cursor (a cursor listed twice ran twice). */
  markHandled(cursors: number[]): void {
    for (const cursor of cursors) this.sql.exec('UPDATE events SET handled = handled + 1 WHERE cursor = ?', cursor);
  }

  handledCounts(cursors: number[]): Record<number, number> {
    const out: Record<number, number> = {};
    const rows = this.sql.exec<{ cursor: number; handled: number }>(
      'SELECT cursor, handled FROM events WHERE cursor IN (SELECT value FROM json_each(?))',
      JSON.stringify(cursors),
    );
    for (const r of rows) out[r.cursor] = r.handled;
    return out;
  }

  addDeadLetters(entries: DeadLetterInput[], now: number): void {
    for (const d of entries) {
      this.sql.exec(
        'INSERT INTO dead_letters (cursor, queue_message_id, dead_at) VALUES (?, ?, ?)',
        d.cursor,
        d.queueMessageId,
        now,
      );
    }
  }

  /**
   * Drop expired message ids, and routed events beyond the newest `maxEvents` or older than `maxAgeMs`. Unrouted
   * events stay whatever their age: the outbox must not lose what Twitch was told we have.
   */
  prune(now: number, policy: Pick<HubPolicy, 'maxEvents' | 'maxAgeMs'>): void {
    this.sql.exec('DELETE FROM seen WHERE expires_at <= ?', now);
    this.sql.exec(
      'DELETE FROM events WHERE routed = 1 AND cursor <= (SELECT MAX(cursor) FROM events) - ?',
      policy.maxEvents,
    );
    this.sql.exec('DELETE FROM events WHERE routed = 1 AND received_at < ?', now - policy.maxAgeMs);
    this.sql.exec(
      'DELETE FROM revocations WHERE cursor <= (SELECT MAX(cursor) FROM revocations) - ?',
      SIDE_TABLE_LIMIT,
    );
    this.sql.exec('DELETE FROM dead_letters WHERE id <= (SELECT MAX(id) FROM dead_letters) - ?', SIDE_TABLE_LIMIT);
  }

  stats(): HubStats {
    const one = <T>(query: string) => this.sql.exec<T & Record<string, SqlStorageValue>>(query).one();
    const events = one<{ n: number; unrouted: number | null; oldest: number | null; newest: number | null }>(
      'SELECT COUNT(*) AS n, SUM(routed = 0) AS unrouted, MIN(cursor) AS oldest, MAX(cursor) AS newest FROM events',
    );
    return {
      events: events.n,
      unrouted: events.unrouted ?? 0,
      seen: one<{ n: number }>('SELECT COUNT(*) AS n FROM seen').n,
      revocations: one<{ n: number }>('SELECT COUNT(*) AS n FROM revocations').n,
      deadLetters: one<{ n: number }>('SELECT COUNT(*) AS n FROM dead_letters').n,
      oldestCursor: events.oldest,
      newestCursor: events.newest,
    };
  }
}
