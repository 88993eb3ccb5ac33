/**
 * @module Typed access to the ConduitController's SQLite tables: conduit identity, endpoints, the desired layout,
 * what was last applied per shard, the latest shard snapshot, and the in-progress plan. Synchronous, like the
 * SQL API it wraps; several writes with no await between them commit together (cloudflare.md §1.7).
 */
import type { ActualShard, PlanStep } from '../../core/plan-types.ts';
import type { StoredToken } from '../../twitch/app-token.ts';
import type { EndpointKind, EndpointMode, ReconcileProgress } from '../controller-types.ts';

export type EndpointRow = {
  name: string;
  kind: EndpointKind;
  base_url: string | null;
  callback: string | null;
  secret: string | null;
  created_at: string;
  /** Websocket endpoints only (issue #5): `fixed` (the layout places it) or `auto` (it claims a shard). */
  mode?: EndpointMode | null;
};

export const IDLE_PROGRESS: ReconcileProgress = {
  phase: 'idle',
  started_at: null,
  pages_listed: 0,
  steps_done: 0,
  steps_total: 0,
  helix_calls: 0,
  invocations: 0,
  last_error: null,
};

export class ControllerStore {
  constructor(private readonly sql: SqlStorage) {}

  getMeta<T>(key: string): T | null {
    const row = this.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray()[0];
    return row ? (JSON.parse(row.value) as T) : null;
  }

  setMeta(key: string, value: unknown): void {
    if (value === null || value === undefined) this.sql.exec('DELETE FROM meta WHERE key = ?', key);
    else this.sql.exec('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', key, JSON.stringify(value));
  }

  get conduit(): { id: string; shardCount: number } | null {
    return this.getMeta('conduit');
  }
  set conduit(value: { id: string; shardCount: number } | null) {
    this.setMeta('conduit', value);
  }

  get token(): StoredToken | null {
    return this.getMeta('token');
  }
  set token(value: StoredToken | null) {
    this.setMeta('token', value);
  }

  get progress(): ReconcileProgress {
    return this.getMeta('progress') ?? IDLE_PROGRESS;
  }
  set progress(value: ReconcileProgress) {
    this.setMeta('progress', value);
  }

  // Endpoints

  endpoints(): EndpointRow[] {
    return this.sql.exec<EndpointRow>('SELECT * FROM endpoints ORDER BY created_at, name').toArray();
  }

  endpoint(name: string): EndpointRow | null {
    return this.sql.exec<EndpointRow>('SELECT * FROM endpoints WHERE name = ?', name).toArray()[0] ?? null;
  }

  putEndpoint(row: EndpointRow): void {
    this.sql.exec(
      'INSERT INTO endpoints (name, kind, base_url, callback, secret, created_at, mode) VALUES (?, ?, ?, ?, ?, ?, ?)',
      row.name,
      row.kind,
      row.base_url,
      row.callback,
      row.secret,
      row.created_at,
      row.mode ?? null,
    );
  }

  deleteEndpoint(name: string): void {
    this.sql.exec('DELETE FROM endpoints WHERE name = ?', name);
  }

  // Desired layout

  layout(): string[] {
    return this.sql
      .exec<{ endpoint: string }>('SELECT endpoint FROM layout ORDER BY shard_id')
      .toArray()
      .map((r) => r.endpoint);
  }

  setLayout(shards: string[]): void {
    this.setMeta('layout_is_default', false);
    this.sql.exec('DELETE FROM layout');
    shards.forEach((endpoint, id) =>
      this.sql.exec('INSERT INTO layout (shard_id, endpoint) VALUES (?, ?)', id, endpoint),
    );
  }

  shardsPerEndpoint(): Map<string, number> {
    const rows = this.sql.exec<{ endpoint: string; n: number }>(
      'SELECT endpoint, COUNT(*) AS n FROM layout GROUP BY endpoint',
    );
    return new Map(rows.toArray().map((r) => [r.endpoint, r.n]));
  }

  // Applied fingerprints

  applied(): Record<number, string> {
    const out: Record<number, string> = {};
    for (const r of this.sql.exec<{ shard_id: number; fingerprint: string }>('SELECT * FROM applied')) {
      out[r.shard_id] = r.fingerprint;
    }
    return out;
  }

  setApplied(shardId: number, fingerprint: string | null): void {
    if (fingerprint === null) this.sql.exec('DELETE FROM applied WHERE shard_id = ?', shardId);
    else this.sql.exec('INSERT OR REPLACE INTO applied (shard_id, fingerprint) VALUES (?, ?)', shardId, fingerprint);
  }

  dropShardsFrom(count: number): void {
    this.sql.exec('DELETE FROM applied WHERE shard_id >= ?', count);
    this.sql.exec('DELETE FROM actual WHERE shard_id >= ?', count);
  }

  // Shard snapshots. A listing runs page by page, over several invocations on a large conduit; `actual` changes only
  // when it completes. Meanwhile `listing` holds the shards whose status or transport differs from `actual`, and
  // `listing_pages` the ids each page saw (one row a page), so an unchanged conduit costs a few rows a pass.

  beginListing(): void {
    this.sql.exec('DELETE FROM listing');
    this.sql.exec('DELETE FROM listing_pages');
  }

  addListed(shards: ActualShard[], page: number): void {
    const ids = JSON.stringify(shards.map((s) => s.id));
    const known = new Map(
      this.sql
        .exec<{ shard_id: number; status: string; transport: string }>(
          'SELECT a.* FROM actual a JOIN json_each(?) j ON a.shard_id = j.value',
          ids,
        )
        .toArray()
        .map((r) => [r.shard_id, r]),
    );
    for (const { id, status, transport } of shards) {
      const json = JSON.stringify(transport);
      const was = known.get(id);
      if (was && was.status === status && was.transport === json) continue;
      this.sql.exec('INSERT OR REPLACE INTO listing (shard_id, status, transport) VALUES (?, ?, ?)', id, status, json);
    }
    this.sql.exec('INSERT OR REPLACE INTO listing_pages (page, ids) VALUES (?, ?)', page, ids);
  }

  /** The listing is complete: apply what changed, and forget shards no page listed (Twitch no longer has them). */
  commitListing(): void {
    this.sql.exec('INSERT OR REPLACE INTO actual SELECT * FROM listing');
    this.sql.exec(`DELETE FROM actual WHERE shard_id NOT IN (SELECT j.value FROM listing_pages p, json_each(p.ids) j)`);
    this.beginListing();
  }

  actual(opts: { offset?: number; limit?: number } = {}): ActualShard[] {
    const rows = this.sql.exec<{ shard_id: number; status: string; transport: string }>(
      'SELECT * FROM actual ORDER BY shard_id LIMIT ? OFFSET ?',
      opts.limit ?? -1,
      opts.offset ?? 0,
    );
    return rows.toArray().map((r) => ({ id: r.shard_id, status: r.status, transport: JSON.parse(r.transport) }));
  }

  setActual(shard: ActualShard): void {
    this.sql.exec(
      'INSERT OR REPLACE INTO actual (shard_id, status, transport) VALUES (?, ?, ?)',
      shard.id,
      shard.status,
      JSON.stringify(shard.transport),
    );
  }

  // The plan being applied

  setPlan(steps: PlanStep[]): void {
    this.sql.exec('DELETE FROM plan_steps');
    steps.forEach((step, idx) =>
      this.sql.exec('INSERT INTO plan_steps (idx, step) VALUES (?, ?)', idx, JSON.stringify(step)),
    );
  }

  planStep(idx: number): PlanStep | null {
    const row = this.sql.exec<{ step: string }>('SELECT step FROM plan_steps WHERE idx = ?', idx).toArray()[0];
    return row ? (JSON.parse(row.step) as PlanStep) : null;
  }
}
