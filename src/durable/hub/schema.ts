/**
 * @module The EventHub's SQLite schema, migrated inside the constructor's blockConcurrencyWhile (cloudflare.md §1.7).
 * Migrations only ever append; the version lives in a table of its own because Durable Object SQLite refuses
 * `PRAGMA user_version` (controller/schema.ts).
 */
import { runMigrations } from '../sqlite-migrate.ts';

export const MIGRATIONS: string[][] = [
  [
    // Message ids seen recently (twitch-eventsub.md §3.5: a resend keeps its id; dedupe for longer than the 10-minute
    // freshness window, so anything still accepted by the webhook check is still remembered here).
    `CREATE TABLE IF NOT EXISTS seen (message_id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID`,
    `CREATE INDEX IF NOT EXISTS seen_expiry ON seen (expires_at)`,
    // The event log: the outbox of the Queue (routed = 0 until a send succeeded) and the replay window.
    `CREATE TABLE IF NOT EXISTS events (
       cursor INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL, kind TEXT NOT NULL, type TEXT NOT NULL,
       version TEXT NOT NULL, subscription_id TEXT NOT NULL, routing_key TEXT NOT NULL, via_transport TEXT NOT NULL,
       via_endpoint TEXT NOT NULL, sent_at TEXT NOT NULL, received_at INTEGER NOT NULL, body TEXT NOT NULL,
       routed INTEGER NOT NULL DEFAULT 0, handled INTEGER NOT NULL DEFAULT 0)`,
    `CREATE INDEX IF NOT EXISTS events_unrouted ON events (cursor) WHERE routed = 0`,
    `CREATE INDEX IF NOT EXISTS events_type ON events (type, cursor)`,
    `CREATE INDEX IF NOT EXISTS events_received ON events (received_at)`,
    `CREATE TABLE IF NOT EXISTS revocations (
       cursor INTEGER PRIMARY KEY, subscription_id TEXT NOT NULL, type TEXT NOT NULL, version TEXT NOT NULL,
       status TEXT NOT NULL, received_at INTEGER NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS dead_letters (
       id INTEGER PRIMARY KEY AUTOINCREMENT, cursor INTEGER NOT NULL, queue_message_id TEXT NOT NULL,
       dead_at INTEGER NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS dead_letters_cursor ON dead_letters (cursor)`,
  ],
];

export function migrate(sql: SqlStorage): number {
  return runMigrations(sql, MIGRATIONS);
}
