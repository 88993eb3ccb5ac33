/**
 * @module Conduit deletion, by the API or by the 72-hour rule (twitch-eventsub.md §1.5, §2.4, §8.6): the conduit
 * goes away and its subscriptions turn `conduit_deleted`.
 */
import type { Sim } from './context.ts';
import type { Conduit } from './state.ts';

export function deleteConduit(sim: Sim, conduit: Conduit): void {
  if (!sim.state.conduits.delete(conduit.id)) return;
  for (const sub of sim.state.subscriptions.values()) {
    if (sub.transport.method === 'conduit' && sub.transport.conduit_id === conduit.id) sub.status = 'conduit_deleted';
  }
  sim.state.emit('conduitDeleted', conduit);
}

/**
 * Delete every conduit whose shards have all been out of `enabled` (or never assigned) for at least
 * `conduitOrphanMs`. A never-assigned shard counts from the conduit's creation. Returns the deleted ids.
 */
export function sweepOrphanConduits(sim: Sim): string[] {
  const cutoff = sim.clock.now() - sim.config.conduitOrphanMs;
  const deleted: string[] = [];
  for (const conduit of [...sim.state.conduits.values()]) {
    if (isOrphan(conduit, cutoff)) {
      deleteConduit(sim, conduit);
      deleted.push(conduit.id);
    }
  }
  return deleted;
}

function isOrphan(conduit: Conduit, cutoff: number): boolean {
  for (let i = 0; i < conduit.shardCount; i++) {
    const shard = conduit.shards[i];
    if (shard?.status === 'enabled') return false;
    if ((shard?.disabledSince ?? conduit.createdAt) > cutoff) return false;
  }
  return true;
}
