/**
 * @module Append-only SQLite migrations for a Durable Object, run inside the constructor's blockConcurrencyWhile
 * (cloudflare.md §1.7). The version lives in a table of its own: Durable Object SQLite refuses `PRAGMA user_version`
 * (SQLITE_AUTH, seen on workerd 1.20261102).
 */

export function runMigrations(sql: SqlStorage, migrations: readonly (readonly string[])[]): number {
  sql.exec('CREATE TABLE IF NOT EXISTS _schema (version INTEGER NOT NULL)');
  const current = sql.exec<{ version: number }>('SELECT version FROM _schema').toArray()[0]?.version ?? 0;
  for (let v = current; v < migrations.length; v++) {
    for (const statement of migrations[v]!) sql.exec(statement);
  }
  if (current < migrations.length) {
    sql.exec('DELETE FROM _schema');
    sql.exec('INSERT INTO _schema (version) VALUES (?)', migrations.length);
  }
  return migrations.length;
}
