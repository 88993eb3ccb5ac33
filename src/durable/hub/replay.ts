/**
 * @module Reading an EventHub's log for live consumers (`GET /events?since=`, design.md §5): pages of events after a
 * position, optionally filtered, with what the consumer needs to resume exactly: how far the page scanned, the
 * oldest sequence still kept (to tell that retention dropped some) and the last one ever assigned (to tell a cursor
 * from the future). Pages are bounded in rows and bytes so a replay never builds one oversized RPC answer.
 */
import type { RecordedEvent } from '../../core/event-envelope.ts';
import type { ReplayPage, ReplayQuery } from '../hub-types.ts';
import { toRecorded, type RecordedRow } from './store.ts';

/** The last sequence ever assigned: AUTOINCREMENT never reuses one, even after pruning (0: none yet). */
export function lastSeq(sql: SqlStorage): number {
  const row = sql.exec<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'events'").toArray()[0];
  return row?.seq ?? 0;
}

export function replayPage(sql: SqlStorage, after: number, q: ReplayQuery): ReplayPage {
  const last = lastSeq(sql);
  const oldest = sql.exec<{ c: number | null }>('SELECT MIN(cursor) AS c FROM events').one().c;
  const rows = sql.exec<RecordedRow>(
    `SELECT cursor, message_id, kind, type, version, subscription_id, routing_key, via_transport, via_endpoint,
       sent_at, received_at, body FROM events
     WHERE cursor > ?
       AND (? IS NULL OR type IN (SELECT value FROM json_each(?)))
       AND (? IS NULL OR routing_key IN (SELECT value FROM json_each(?)))
     ORDER BY cursor LIMIT ?`,
    after,
    q.types === null ? null : 1,
    JSON.stringify(q.types ?? []),
    q.keys === null ? null : 1,
    JSON.stringify(q.keys ?? []),
    q.limit,
  );
  const events: RecordedEvent[] = [];
  let bytes = 0;
  let more = false;
  for (const row of rows) {
    if (events.length > 0 && bytes + row.body.length > q.maxBytes) {
      more = true;
      break;
    }
    events.push(toRecorded(row));
    bytes += row.body.length;
  }
  if (events.length >= q.limit) more = true;
  return {
    events,
    // Without more to read, everything up to `last` has been looked at, matching or not. (A position past `last`
    // is not echoed back: the reader must notice it is ahead, consumer-replay.ts.)
    scannedTo: more ? events[events.length - 1]!.cursor : last,
    more,
    firstKept: oldest ?? last + 1,
    last,
  };
}
