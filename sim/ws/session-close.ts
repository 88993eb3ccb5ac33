/**
 * @module What a session's end does to the state (twitch-eventsub.md §6.5–6.6, §8.5): its shards are disabled with
 * `disconnected_at` stamped, and direct WebSocket subscriptions on it take the same status.
 */
import type { Sim } from '../context.ts';
import type { Session } from '../state.ts';
import { shardStatusForClose, subscriptionStatusForClose, type CloseCause } from './close-codes.ts';

export function markSessionClosed(sim: Sim, session: Session, cause: CloseCause): void {
  session.status = 'closed';
  const at = sim.clock.rfc3339();
  const shardStatus = shardStatusForClose(cause);
  for (const { conduit, shard } of sim.state.shardsOnSession(session.id)) {
    if (shard.transport.method !== 'websocket') continue;
    // Stamped before the status change, so the `shardDisabled` listener sees it in the transport.
    shard.transport.disconnected_at = at;
    if (shard.status === 'enabled') sim.state.setShardStatus(conduit, shard, shardStatus);
  }
  const subStatus = subscriptionStatusForClose(cause);
  for (const sub of sim.state.subscriptions.values()) {
    const t = sub.transport;
    if (t.method !== 'websocket' || t.session_id !== session.id || sub.status !== 'enabled') continue;
    t.disconnected_at = at;
    sub.status = subStatus;
  }
}
