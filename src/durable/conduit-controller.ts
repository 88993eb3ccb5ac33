/**
 * @module ConduitController: the single writer that owns the conduit (design.md §2, §6). This file holds its
 * storage schema so far; bootstrap, reconcile and the admin operations are issue #3 and are not built yet.
 */
import { DurableObject } from 'cloudflare:workers';
import { logError } from '../log.ts';

const SCHEMA_VERSION = 1;

const MIGRATIONS: string[] = [`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`];

export class ConduitController extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Errors must not escape blockConcurrencyWhile, or the object is reset (cloudflare.md §1.7): capture, rethrow.
    let failure: unknown;
    void ctx.blockConcurrencyWhile(async () => {
      try {
        this.migrate();
      } catch (err) {
        failure = err;
        logError(`ConduitController:${ctx.id.name ?? ctx.id.toString()} migrate`, err);
      }
    });
    if (failure) throw failure;
  }

  private migrate(): void {
    const sql = this.ctx.storage.sql;
    const current = sql.exec<{ user_version: number }>('PRAGMA user_version').one().user_version;
    for (let v = current; v < SCHEMA_VERSION; v++) sql.exec(MIGRATIONS[v]!);
    if (current < SCHEMA_VERSION) sql.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  }

  /** Storage schema version, so tests and the status route can tell the object is alive and migrated. */
  schemaVersion(): number {
    return this.ctx.storage.sql.exec<{ user_version: number }>('PRAGMA user_version').one().user_version;
  }
}
