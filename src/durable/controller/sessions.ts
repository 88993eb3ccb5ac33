/**
 * @module WebSocket sessions on the controller side (design.md §6 "fast path", §7). A WebSocketShard reports each
 * welcomed session here; the controller stores it in `ws_sessions` (reconcile reads it from there, per step) and
 * PATCHes every shard the layout puts on the endpoint in one Update Conduit Shards call, within Twitch's 10 s
 * (twitch-eventsub.md §5.3). This path is not queued behind `exclusive`, which a bulk reconcile can hold for seconds;
 * calls for one endpoint run one after another instead, so an older session's PATCH never lands after a newer one's.
 */
import { chunk } from '../../core/chunk.ts';
import { log, logError } from '../../log.ts';
import type { ShardAssignment } from '../../twitch/types.ts';
import type { ConduitController, Invocation } from '../conduit-controller.ts';
import { claimSlot } from './claim.ts';
import { ControllerFailure } from './failure.ts';
import { ControllerOps } from './ops.ts';
import { MaintenanceOps } from './maintenance-ops.ts';
import type { AssignResult, ClaimResult } from './session-types.ts';
import type { EndpointRow } from './store.ts';

/** Update Conduit Shards takes a bounded body; the planner uses the same batch size (core/planner.ts). */
const PATCH_BATCH = 500;

/** `ws_sessions`: the live session each websocket endpoint last reported (schema.ts, migration 2). */
export class WsSessionTable {
  constructor(private readonly sql: SqlStorage) {}

  get(endpoint: string): string | null {
    return (
      this.sql
        .exec<{ session_id: string }>('SELECT session_id FROM ws_sessions WHERE endpoint = ?', endpoint)
        .toArray()[0]?.session_id ?? null
    );
  }

  all(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const r of this.sql.exec<{ endpoint: string; session_id: string }>('SELECT * FROM ws_sessions')) {
      out[r.endpoint] = r.session_id;
    }
    return out;
  }

  put(endpoint: string, sessionId: string, now: number): void {
    this.sql.exec(
      'INSERT OR REPLACE INTO ws_sessions (endpoint, session_id, updated_at) VALUES (?, ?, ?)',
      endpoint,
      sessionId,
      new Date(now).toISOString(),
    );
  }

  remove(endpoint: string): void {
    this.sql.exec('DELETE FROM ws_sessions WHERE endpoint = ?', endpoint);
  }
}

/** Runs calls with the same key one after another, calls with different keys side by side. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.tails.get(key) ?? Promise.resolve()).then(fn, fn);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }
}

export const layoutShardsOf = (layout: string[], endpoint: string): number[] =>
  layout.flatMap((name, id) => (name === endpoint ? [id] : []));

/**
 * The shards a session goes on: those the effective layout puts on the endpoint (issue #6) — its own minus any moved
 * to substitutes for a window, plus other endpoints' shards it substitutes for — once a plan has stored one.
 */
export const effectiveShardsOf = (c: ConduitController, endpoint: string, layoutShards: number[]): number[] =>
  c.maintenance.effectiveShardsOf(endpoint) ?? layoutShards;

export function websocketRow(c: ConduitController, endpoint: string): EndpointRow {
  const row = c.store.endpoint(endpoint);
  if (!row || row.kind !== 'websocket') throw new ControllerFailure(404, `no websocket endpoint '${endpoint}'`);
  return row;
}

/**
 * PATCH `entries` (shard → session) in as few calls as possible. Everything Twitch accepted is recorded (actual,
 * and applied for shards the layout still puts on `endpoint`); a per-shard error is a failure (design.md §6): it is
 * recorded by shard and thrown as a 502 naming each shard and Twitch's message.
 */
export async function patchSessions(
  c: ConduitController,
  inv: Invocation,
  endpoint: string,
  entries: { id: number; sessionId: string }[],
  reason: string,
): Promise<void> {
  const conduitId = c.store.conduit!.id;
  const failures: { shard: number; message: string }[] = [];
  for (const batch of chunk(entries, PATCH_BATCH)) {
    const shards = batch.map((e) => ({
      id: e.id,
      transport: { method: 'websocket', sessionId: e.sessionId } as const,
    }));
    const result = await inv.helix.updateShards(conduitId, shards satisfies { transport: ShardAssignment }[]);
    // Re-read after the await: the layout may have moved a shard elsewhere meanwhile (reconcile repairs that).
    const layout = c.store.layout();
    const sent = new Map(batch.map((e) => [e.id, e.sessionId]));
    for (const s of result.updated) {
      c.store.setActual(s);
      if (layout[s.id] === endpoint) c.store.setApplied(s.id, sent.get(s.id) ?? null);
    }
    for (const f of result.failures) {
      c.store.setApplied(f.id, null);
      c.records.record('assign', `Twitch refused shard ${f.id}: ${f.message}`, 'failed', {
        shard: f.id,
        endpoint,
        ...(f.code ? { code: f.code } : {}),
      });
      failures.push({ shard: f.id, message: f.message });
    }
  }
  const ok = entries.filter((e) => !failures.some((f) => f.shard === e.id));
  if (ok.length > 0) {
    const list = ok.slice(0, 20).map((e) => `${e.id} → ${e.sessionId}`);
    c.records.record('assign', `websocket '${endpoint}': ${reason} (shard ${list.join(', ')})`, 'ok', {
      endpoint,
      shards: ok.slice(0, 50).map((e) => e.id),
      count: ok.length,
    });
  }
  if (failures.length > 0) {
    const first = failures[0]!;
    throw new ControllerFailure(
      502,
      `Twitch refused ${failures.length} of ${entries.length} shard(s); shard ${first.shard}: ${first.message}`,
      { failures },
    );
  }
}

/** After a claim changed the layout: reconcile from scratch, in the background, behind any queued change. */
function reconcileSoon(c: ConduitController): void {
  void c
    .exclusive(() => new ControllerOps(c).reconcile({ fresh: true }))
    .catch((err) => {
      logError(`ConduitController:${c.name} claim-reconcile`, err);
    });
}

/** The fast path: store the session, claim a shard first in `auto` mode if the layout has none, PATCH. */
export async function assignSession(c: ConduitController, endpoint: string, sessionId: string): Promise<AssignResult> {
  const started = Date.now();
  return c.endpointQueue.run(endpoint, async () => {
    const row = websocketRow(c, endpoint);
    const inv = c.invocation();
    const previous = c.wsSessions.get(endpoint);
    c.wsSessions.put(endpoint, sessionId, Date.now());
    let shards = c.store.conduit ? layoutShardsOf(c.store.layout(), endpoint) : [];
    let claimed: ClaimResult | undefined;
    if (shards.length === 0 && row.mode === 'auto') {
      // Claiming may bootstrap (adopt or create the conduit) and grow it: layout changes, so the single writer's.
      claimed = await c.exclusive(() => claimSlot(c, inv, endpoint));
      shards = [claimed.shard];
    }
    if (c.store.conduit && !claimed?.changed) {
      shards = effectiveShardsOf(c, endpoint, shards);
      await new MaintenanceOps(c).sessionWelcomed(endpoint);
    }
    if (shards.length === 0) {
      // Kept for reconcile, which bootstraps the conduit and assigns the layout's shards from this table. Not an
      // audit action: with no shard, Twitch closes the session after 10 s (4003) and this repeats every reconnect.
      const why = c.store.conduit ? 'the layout puts no shard on it' : 'no conduit yet';
      log('info', `ConduitController:${c.name} assignSession`, `session stored; ${why}`, {
        endpoint,
        session_id: sessionId,
      });
      return { endpoint, session_id: sessionId, shards, ms: Date.now() - started };
    }
    const entries = shards.map((id) => ({ id, sessionId }));
    const why = claimed?.changed ? `claimed shard ${claimed.shard}, session welcomed` : 'session welcomed';
    try {
      await patchSessions(c, inv, endpoint, entries, why);
    } catch (err) {
      // Not a session to plan with: reconcile keeps the one before (the shard object retries or reconnects).
      if (c.wsSessions.get(endpoint) === sessionId) {
        if (previous === null) c.wsSessions.remove(endpoint);
        else c.wsSessions.put(endpoint, previous, Date.now());
      }
      throw err;
    }
    if (claimed?.changed) reconcileSoon(c);
    return {
      endpoint,
      session_id: sessionId,
      shards,
      ...(claimed ? { claimed: { shard: claimed.shard, grew: claimed.grew } } : {}),
      ms: Date.now() - started,
    };
  });
}

/** `claimShard` RPC: claim (exclusive), then reconcile like any layout change. */
export async function claimShard(c: ConduitController, endpoint: string): Promise<ClaimResult> {
  const row = websocketRow(c, endpoint);
  if (row.mode !== 'auto') throw new ControllerFailure(409, `endpoint '${endpoint}' is not in auto mode`);
  const claimed = await claimSlot(c, c.invocation(), endpoint);
  if (claimed.changed) await new ControllerOps(c).reconcile({ fresh: true });
  return claimed;
}
