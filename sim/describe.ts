/**
 * @module Read-only views of the simulator for `/_sim/state` and `/_sim/stats`. Secrets (client secrets, webhook
 * secrets, tokens) are never included.
 */
import type { Sim } from './context.ts';
import type { ShardStats } from './state.ts';
import { shardWire, subscriptionWire } from './wire.ts';

export function describeState(sim: Sim): Record<string, unknown> {
  const { state } = sim;
  return {
    now: new Date(sim.clock.now()).toISOString(),
    clients: [...state.clients.keys()].map((client_id) => ({ client_id })),
    conduits: [...state.conduits.values()].map((c) => ({
      id: c.id,
      client_id: c.clientId,
      shard_count: c.shardCount,
      shards: c.shards.flatMap((s) => (s ? [shardWire(s)] : [])),
    })),
    sessions: [...state.sessions.values()].map((s) => ({
      id: s.id,
      status: s.status,
      connected_at: s.connectedAt,
      keepalive_timeout_seconds: s.keepaliveSeconds,
      used: s.used,
    })),
    subscriptions: [...state.subscriptions.values()].map((s) => ({
      ...subscriptionWire(s, 'api'),
      client_id: s.clientId,
    })),
  };
}

export function describeStats(sim: Sim): { totals: ShardStats; shards: Record<string, ShardStats> } {
  const totals: ShardStats = { sent: 0, delivered: 0, retried: 0, dropped: 0, failed: 0 };
  const shards: Record<string, ShardStats> = {};
  for (const [key, s] of sim.state.stats) {
    shards[key] = { ...s };
    for (const k of Object.keys(totals) as (keyof ShardStats)[]) totals[k] += s[k];
  }
  return { totals, shards };
}
