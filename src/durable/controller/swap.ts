/**
 * @module The `swap` handover on the controller side (design.md §7, conduit-notes.md "HandOver a socket", second
 * recipe): grow the conduit by as many shards as the endpoint has, put the new session on the new shards, swap old and
 * new in one PATCH, shrink back. The old socket is closed by the shard object only after this returns, i.e. after
 * the shrink, so no shard is ever left on a closed socket (conduit-notes.md allows either order for WebSockets).
 */
import type { ConduitController } from '../conduit-controller.ts';
import { ControllerFailure } from './failure.ts';
import type { AssignResult } from './session-types.ts';
import { effectiveShardsOf, layoutShardsOf, patchSessions, websocketRow } from './sessions.ts';

export async function swapSession(c: ConduitController, endpoint: string, sessionId: string): Promise<AssignResult> {
  const started = Date.now();
  return c.endpointQueue.run(endpoint, async () => {
    websocketRow(c, endpoint);
    const conduit = c.store.conduit;
    if (!conduit) throw new ControllerFailure(409, 'no conduit yet: nothing to hand over');
    const inv = c.invocation();
    const old = c.wsSessions.get(endpoint);
    const own = effectiveShardsOf(c, endpoint, layoutShardsOf(c.store.layout(), endpoint));
    const result = { endpoint, session_id: sessionId, shards: own };
    if (own.length === 0 || old === null || old === sessionId) {
      throw new ControllerFailure(409, `endpoint '${endpoint}' has no assigned shard and session to swap`);
    }
    // The count Twitch has now: the temporary shards go after the real last one.
    const found = (await inv.helix.getConduits()).find((x) => x.id === conduit.id);
    if (!found) throw new ControllerFailure(409, `conduit ${conduit.id} no longer exists on Twitch`);
    const n = found.shardCount;
    const extra = own.map((_, i) => n + i);
    const grown = await inv.helix.updateConduit(conduit.id, n + own.length);
    c.store.conduit = { id: grown.id, shardCount: grown.shardCount };
    c.records.record('grow', `handover (swap) of '${endpoint}': temporary shard(s) ${extra.join(', ')}`, 'ok');
    try {
      // 1. The new session on the new shards: it must work before anything of the endpoint's moves.
      await patchSessions(
        c,
        inv,
        endpoint,
        extra.map((id) => ({ id, sessionId })),
        'handover (swap): new session on the temporary shards',
      );
      // 2. One PATCH swaps them: the endpoint's shards take the new session, the temporary ones the old.
      c.wsSessions.put(endpoint, sessionId, Date.now());
      try {
        await patchSessions(
          c,
          inv,
          endpoint,
          [...own.map((id) => ({ id, sessionId })), ...extra.map((id) => ({ id, sessionId: old }))],
          'handover (swap): sessions swapped',
        );
      } catch (err) {
        // The shard object re-asserts the old session when a handover fails; the table must agree meanwhile.
        c.wsSessions.put(endpoint, old, Date.now());
        throw err;
      }
    } finally {
      // 3. Back to the size before, whatever happened (reconcile shrinks later if this fails too).
      try {
        const shrunk = await inv.helix.updateConduit(conduit.id, n);
        c.store.conduit = { id: shrunk.id, shardCount: shrunk.shardCount };
        c.store.dropShardsFrom(n);
        c.records.record('shrink', `handover (swap) of '${endpoint}': temporary shard(s) removed`, 'ok');
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        c.records.record('shrink', `handover (swap) of '${endpoint}': shrink failed: ${message}`, 'failed');
      }
    }
    return { ...result, ms: Date.now() - started };
  });
}
