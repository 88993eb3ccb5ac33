/**
 * @module Domain types for what Twitch holds (camelCase, numeric shard ids), converted from the wire at the edge.
 */
import type { ShardWire, SubscriptionWire, TransportWire } from './helix.wire.ts';

export interface Conduit {
  id: string;
  shardCount: number;
}

export type ShardTransport =
  | { method: 'webhook'; callback: string }
  | { method: 'websocket'; sessionId: string; connectedAt?: string; disconnectedAt?: string }
  | { method: 'unknown'; raw: string };

/** What we send to assign a shard; a webhook secret travels only in this direction. */
export type ShardAssignment =
  { method: 'webhook'; callback: string; secret: string } | { method: 'websocket'; sessionId: string };

export interface Shard {
  id: number;
  /** One of twitch-eventsub.md §1.8, or a value Twitch added later. */
  status: string;
  transport: ShardTransport;
}

export interface ShardFailure {
  id: number;
  message: string;
  code?: string;
}

export interface Subscription {
  id: string;
  status: string;
  type: string;
  version: string;
  condition: Record<string, unknown>;
  createdAt: string;
  cost: number;
  transport: { method: string; conduitId?: string; callback?: string; sessionId?: string };
}

export interface SubscriptionRequest {
  type: string;
  version: string;
  condition: Record<string, string>;
}

export function transportFromWire(t: TransportWire): ShardTransport {
  if (t.method === 'webhook' && t.callback) return { method: 'webhook', callback: t.callback };
  if (t.method === 'websocket' && t.session_id) {
    return {
      method: 'websocket',
      sessionId: t.session_id,
      ...(t.connected_at ? { connectedAt: t.connected_at } : {}),
      ...(t.disconnected_at ? { disconnectedAt: t.disconnected_at } : {}),
    };
  }
  return { method: 'unknown', raw: t.method };
}

export function shardFromWire(s: ShardWire): Shard {
  return { id: Number(s.id), status: s.status, transport: transportFromWire(s.transport) };
}

export function subscriptionFromWire(s: SubscriptionWire): Subscription {
  const t = s.transport;
  return {
    id: s.id,
    status: s.status,
    type: s.type,
    version: s.version,
    condition: s.condition,
    createdAt: s.created_at,
    cost: s.cost,
    transport: {
      method: t.method,
      ...(t.conduit_id ? { conduitId: t.conduit_id } : {}),
      ...(t.callback ? { callback: t.callback } : {}),
      ...(t.session_id ? { sessionId: t.session_id } : {}),
    },
  };
}
