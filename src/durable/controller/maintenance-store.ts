/**
 * @module The maintenance layer's storage in the ConduitController (issue #6): substitutions (a table, written as a
 * diff — a 5,000-shard window must not rewrite 5,000 rows every minute), the compaction and sessionless clocks (meta),
 * probe results per endpoint (meta), and the effective layout the last plan converged to (a table, also a diff),
 * which the websocket fast path reads so that a reconnecting endpoint never pulls back shards that are substituted.
 */
import type { EndpointHealth, MaintenanceState, Substitution } from '../../core/maintenance-types.ts';
import { EMPTY_MAINTENANCE } from '../../core/maintenance-types.ts';
import type { ControllerStore } from './store.ts';

/** A probe result: what the planner reads (EndpointHealth), plus when it was taken. */
export interface ProbeRecord extends EndpointHealth {
  checkedAt: number;
}

type SubRow = {
  shard_id: number;
  home: string;
  substitute: string;
  cause: Substitution['cause'];
  window_id: number | null;
  since: number;
  clear_after: number;
  phase: Substitution['phase'];
};

const same = (a: Substitution, b: Substitution) =>
  a.home === b.home &&
  a.substitute === b.substitute &&
  a.cause === b.cause &&
  a.windowId === b.windowId &&
  a.since === b.since &&
  a.clearAfter === b.clearAfter &&
  a.phase === b.phase;

export class MaintenanceStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly store: ControllerStore,
  ) {}

  state(): MaintenanceState {
    const substitutions = this.sql
      .exec<SubRow>('SELECT * FROM substitutions ORDER BY shard_id')
      .toArray()
      .map((r) => ({
        shard: r.shard_id,
        home: r.home,
        substitute: r.substitute,
        cause: r.cause,
        windowId: r.window_id,
        since: r.since,
        clearAfter: r.clear_after,
        phase: r.phase,
      }));
    const rest = this.store.getMeta<Omit<MaintenanceState, 'substitutions'>>('maintenance');
    return { ...EMPTY_MAINTENANCE, ...rest, substitutions };
  }

  /** Writes only what changed since `prev` (the state the plan was made from). */
  save(next: MaintenanceState, prev: MaintenanceState): void {
    const before = new Map(prev.substitutions.map((s) => [s.shard, s]));
    for (const s of next.substitutions) {
      const old = before.get(s.shard);
      before.delete(s.shard);
      if (old && same(old, s)) continue;
      this.sql.exec(
        `INSERT OR REPLACE INTO substitutions (shard_id, home, substitute, cause, window_id, since, clear_after, phase)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        s.shard,
        s.home,
        s.substitute,
        s.cause,
        s.windowId,
        s.since,
        s.clearAfter,
        s.phase,
      );
    }
    for (const shard of before.keys()) this.sql.exec('DELETE FROM substitutions WHERE shard_id = ?', shard);
    this.store.setMeta('maintenance', { compaction: next.compaction, sessionlessSince: next.sessionlessSince });
  }

  /** The compaction under way, without reading the substitutions. */
  compaction(): MaintenanceState['compaction'] {
    return this.store.getMeta<Omit<MaintenanceState, 'substitutions'>>('maintenance')?.compaction ?? null;
  }

  /** Shards whose home is `endpoint` are carried elsewhere (substituted, or on their way back). */
  awaitsHome(endpoint: string): boolean {
    return this.sql.exec('SELECT 1 FROM substitutions WHERE home = ? LIMIT 1', endpoint).toArray().length > 0;
  }

  counts(): { substituted: number; restoring: number } {
    const rows = this.sql.exec<{ phase: string; n: number }>(
      'SELECT phase, COUNT(*) AS n FROM substitutions GROUP BY phase',
    );
    const out = { substituted: 0, restoring: 0 };
    for (const r of rows) if (r.phase === 'substituted' || r.phase === 'restoring') out[r.phase] = r.n;
    return out;
  }

  probes(): Record<string, ProbeRecord> {
    return this.store.getMeta<Record<string, ProbeRecord>>('endpoint_probes') ?? {};
  }

  setProbe(endpoint: string, record: ProbeRecord): void {
    this.store.setMeta('endpoint_probes', { ...this.probes(), [endpoint]: record });
  }

  /** Webhook health as the planner reads it: only probe results younger than `ttlMs` (older ones are re-taken). */
  freshHealth(now: number, ttlMs: number, names: Set<string>): Record<string, EndpointHealth> {
    const out: Record<string, EndpointHealth> = {};
    for (const [name, p] of Object.entries(this.probes())) {
      if (!names.has(name) || now - p.checkedAt > ttlMs) continue;
      out[name] = {
        healthy: p.healthy,
        verifiedAt: p.verifiedAt,
        ...(p.reason === undefined ? {} : { reason: p.reason }),
      };
    }
    return out;
  }

  /** The shards the effective layout puts on `endpoint`, or null before any plan has stored one. */
  effectiveShardsOf(endpoint: string): number[] | null {
    if (this.sql.exec('SELECT 1 FROM effective LIMIT 1').toArray().length === 0) return null;
    return this.sql
      .exec<{ shard_id: number }>('SELECT shard_id FROM effective WHERE endpoint = ? ORDER BY shard_id', endpoint)
      .toArray()
      .map((r) => r.shard_id);
  }

  /** The effective endpoints of shards `from` ≤ id < `to` (a page of `GET status`), without reading the rest. */
  effectiveIn(from: number, to: number): Map<number, string> {
    const rows = this.sql.exec<{ shard_id: number; endpoint: string }>(
      'SELECT shard_id, endpoint FROM effective WHERE shard_id >= ? AND shard_id < ?',
      from,
      to,
    );
    return new Map(rows.toArray().map((r) => [r.shard_id, r.endpoint]));
  }

  effective(): string[] {
    return this.sql
      .exec<{ endpoint: string }>('SELECT endpoint FROM effective ORDER BY shard_id')
      .toArray()
      .map((r) => r.endpoint);
  }

  /** Writes only the shards whose endpoint changed, and drops those past the new length. */
  setEffective(next: string[]): void {
    const prev = this.effective();
    next.forEach((endpoint, id) => {
      if (prev[id] !== endpoint) {
        this.sql.exec('INSERT OR REPLACE INTO effective (shard_id, endpoint) VALUES (?, ?)', id, endpoint);
      }
    });
    if (prev.length > next.length) this.sql.exec('DELETE FROM effective WHERE shard_id >= ?', next.length);
  }
}
