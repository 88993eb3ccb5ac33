/**
 * @module `auto` mode of a websocket endpoint (design.md §7, the auto-scale idea of conduit-notes.md `shard.js`): take
 * the first shard that is unassigned or disabled, from a fresh listing, else grow the conduit by one and take the new
 * shard. The claim is a layout change, so it runs inside the controller's `exclusive` queue like every other one.
 */
import type { Shard } from '../../twitch/types.ts';
import type { ConduitController, Invocation } from '../conduit-controller.ts';
import { ControllerFailure } from './failure.ts';
import type { ClaimResult } from './session-types.ts';

/** A webhook shard still being challenged is on its way to `enabled` (twitch-eventsub.md §1.8): not free. */
const BUSY = new Set(['enabled', 'webhook_callback_verification_pending']);

/**
 * Whether shard `id` may be taken: not carrying a live transport, and not laid out on another websocket endpoint
 * that holds a session (that one is only between sockets and will re-assign it).
 */
function isFree(c: ConduitController, layout: string[], id: number, listed: Shard | undefined): boolean {
  if (listed && BUSY.has(listed.status)) return false;
  const owner = layout[id];
  if (owner === undefined) return true;
  return c.store.endpoint(owner)?.kind !== 'websocket' || c.wsSessions.get(owner) === null;
}

/** Page through the shards (within the subrequest budget) until a free one turns up; unassigned ones are not listed. */
async function findFree(c: ConduitController, inv: Invocation, conduitId: string, limit: number, layout: string[]) {
  let cursor: string | null = null;
  let next = 0;
  do {
    inv.budget.guard();
    const page = await inv.helix.getShardsPage(conduitId, cursor ? { after: cursor } : {});
    for (const s of page.shards) {
      for (; next < Math.min(s.id, limit); next++) if (isFree(c, layout, next, undefined)) return next;
      if (s.id >= limit) return null;
      if (s.id === next && isFree(c, layout, next, s)) return next;
      next = Math.max(next, s.id + 1);
    }
    cursor = page.cursor;
  } while (cursor);
  for (; next < limit; next++) if (isFree(c, layout, next, undefined)) return next;
  return null;
}

/** Claim a shard for `endpoint` (idempotent: an endpoint the layout already carries keeps its shard). */
export async function claimSlot(c: ConduitController, inv: Invocation, endpoint: string): Promise<ClaimResult> {
  const layout = c.store.layout();
  const have = layout.indexOf(endpoint);
  if (have >= 0) return { endpoint, shard: have, grew: false, changed: false };
  const conduit = await c.conduitFor(inv);
  inv.budget.guard();
  const found = (await inv.helix.getConduits()).find((x) => x.id === conduit.id);
  if (!found) throw new ControllerFailure(409, `conduit ${conduit.id} no longer exists on Twitch; reconcile first`);
  c.store.conduit = { id: found.id, shardCount: found.shardCount };
  const limit = Math.min(layout.length, found.shardCount);
  let shard = await findFree(c, inv, found.id, limit, layout);
  let grew = false;
  let reason: string;
  if (shard !== null) {
    reason = `auto endpoint '${endpoint}' claimed shard ${shard} (was '${layout[shard]}', unassigned or disabled)`;
    layout[shard] = endpoint;
  } else {
    shard = layout.length;
    if (found.shardCount < shard + 1) {
      inv.budget.guard();
      const updated = await inv.helix.updateConduit(found.id, shard + 1);
      c.store.conduit = { id: updated.id, shardCount: updated.shardCount };
      grew = true;
    }
    reason = `auto endpoint '${endpoint}': no shard free, ${grew ? 'grew the conduit to' : 'took the spare shard of'} ${shard + 1}`;
    layout.push(endpoint);
  }
  c.store.setLayout(layout);
  // A reconcile in progress planned for the old layout (it could shrink the new shard away): the next one starts over.
  c.store.progress = { ...c.store.progress, phase: 'idle' };
  c.records.record('claim', reason, 'ok', { endpoint, shard, grew });
  return { endpoint, shard, grew, changed: true };
}
