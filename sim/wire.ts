/**
 * @module Twitch's JSON shapes for the simulator's objects (twitch-eventsub.md §1.9): secrets never leave, and
 * the transport shape depends on where the object is shown.
 */
import type { Shard, Subscription, SubscriptionTransport } from './state.ts';

/** Transport as shown in Helix responses: webhook without secret; websocket with connected/disconnected. */
export function transportForApi(t: SubscriptionTransport): Record<string, string> {
  switch (t.method) {
    case 'webhook':
      return { method: 'webhook', callback: t.callback };
    case 'websocket': {
      const out: Record<string, string> = {
        method: 'websocket',
        session_id: t.session_id,
        connected_at: t.connected_at,
      };
      if (t.disconnected_at) out.disconnected_at = t.disconnected_at;
      return out;
    }
    case 'conduit':
      return { method: 'conduit', conduit_id: t.conduit_id };
  }
}

/** Transport as shown inside notification payloads: no timestamps, no secret. */
export function transportForPayload(t: SubscriptionTransport): Record<string, string> {
  switch (t.method) {
    case 'webhook':
      return { method: 'webhook', callback: t.callback };
    case 'websocket':
      return { method: 'websocket', session_id: t.session_id };
    case 'conduit':
      return { method: 'conduit', conduit_id: t.conduit_id };
  }
}

export function subscriptionWire(sub: Subscription, where: 'api' | 'payload'): Record<string, unknown> {
  return {
    id: sub.id,
    status: sub.status,
    type: sub.type,
    version: sub.version,
    condition: sub.condition,
    created_at: sub.createdAt,
    transport: where === 'api' ? transportForApi(sub.transport) : transportForPayload(sub.transport),
    cost: sub.cost,
  };
}

export function shardWire(shard: Shard): Record<string, unknown> {
  return { id: shard.id, status: shard.status, transport: transportForApi(shard.transport) };
}

/** Helix error body shape (twitch-eventsub.md §0). */
export function helixError(status: number, message: string): { error: string; status: number; message: string } {
  return { error: REASONS[status] ?? 'Error', status, message };
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
