/**
 * @module The ConduitController's SQLite schema, migrated inside the constructor's blockConcurrencyWhile
 * (cloudflare.md §1.7). Migrations only ever append.
 */
import { runMigrations } from '../sqlite-migrate.ts';

export const MIGRATIONS: string[][] = [
  [
    `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS endpoints (
       name TEXT PRIMARY KEY, kind TEXT NOT NULL, base_url TEXT, callback TEXT, secret TEXT, created_at TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS layout (shard_id INTEGER PRIMARY KEY, endpoint TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS applied (shard_id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS actual (shard_id INTEGER PRIMARY KEY, status TEXT NOT NULL, transport TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS listing (shard_id INTEGER PRIMARY KEY, status TEXT NOT NULL, transport TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS plan_steps (idx INTEGER PRIMARY KEY, step TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS actions (
       id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL,
       result TEXT NOT NULL, detail TEXT)`,
    `CREATE TABLE IF NOT EXISTS windows (
       id INTEGER PRIMARY KEY AUTOINCREMENT, endpoint TEXT NOT NULL, starts_at TEXT NOT NULL, ends_at TEXT NOT NULL,
       note TEXT, compact INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS subscriptions (
       key TEXT PRIMARY KEY, type TEXT NOT NULL, version TEXT NOT NULL, condition TEXT NOT NULL,
       subscription_id TEXT, status TEXT NOT NULL, last_error TEXT, created_at TEXT NOT NULL)`,
  ],
  // Issue #5, WebSocket shards: a websocket endpoint's mode, and the live session each one last reported.
  [
    `ALTER TABLE endpoints ADD COLUMN mode TEXT`,
    `CREATE TABLE IF NOT EXISTS ws_sessions (endpoint TEXT PRIMARY KEY, session_id TEXT NOT NULL, updated_at TEXT NOT NULL)`,
  ],
  // Issue #6, maintenance: shards carried by a substitute endpoint, and the effective layout the last plan set.
  [
    `CREATE TABLE IF NOT EXISTS substitutions (
       shard_id INTEGER PRIMARY KEY, home TEXT NOT NULL, substitute TEXT NOT NULL, cause TEXT NOT NULL,
       window_id INTEGER, since INTEGER NOT NULL, clear_after INTEGER NOT NULL, phase TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS effective (shard_id INTEGER PRIMARY KEY, endpoint TEXT NOT NULL)`,
  ],
  // Issue #8, scale: a listing in progress keeps only the shards that changed (in `listing`) and, one row a page,
  // the ids it saw, so a pass over 20,000 unchanged shards writes a few hundred rows, not ~80,000 (billed per row
  // written).
  [`CREATE TABLE IF NOT EXISTS listing_pages (page INTEGER PRIMARY KEY, ids TEXT NOT NULL)`],
];

export function migrate(sql: SqlStorage): number {
  return runMigrations(sql, MIGRATIONS);
}
