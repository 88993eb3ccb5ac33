/**
 * @module The ConsumerHub's SQLite schema: only the fan-out position per hub ("heads"). Sockets' own state lives in
 * their attachments (cloudflare.md §2), so it survives hibernation with no table of its own.
 */
import { runMigrations } from '../sqlite-migrate.ts';

export const MIGRATIONS: string[][] = [
  [`CREATE TABLE IF NOT EXISTS heads (hub INTEGER PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID`],
];

export function migrate(sql: SqlStorage): number {
  return runMigrations(sql, MIGRATIONS);
}
