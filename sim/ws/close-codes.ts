/**
 * @module EventSub WebSocket close codes (twitch-eventsub.md §6.4) and the status a shard or direct subscription
 * takes when its session ends that way (§6.6).
 */
import type { ShardStatus, SubscriptionStatus } from '../state.ts';

/** How a session's socket ended: a close frame the simulator sent, an abrupt drop, or the client's own close. */
export type CloseCause = { by: 'server'; code: number } | { by: 'drop' } | { by: 'client' };

export const CLOSE_REASONS: Readonly<Record<number, string>> = {
  4000: 'Internal server error',
  4001: 'Client sent inbound traffic',
  4002: 'Client failed ping-pong',
  4003: 'Connection unused',
  4004: 'Reconnect grace time expired',
  4005: 'Network timeout',
  4006: 'Network error',
  4007: 'Invalid reconnect',
};

const SHARD_STATUS: Readonly<Record<number, ShardStatus>> = {
  4000: 'websocket_internal_error',
  4001: 'websocket_received_inbound_traffic',
  4002: 'websocket_failed_ping_pong',
  4004: 'websocket_failed_to_reconnect',
  4005: 'websocket_network_timeout',
  4006: 'websocket_network_error',
};

/**
 * §6.6. A client close or TCP drop is `websocket_disconnected`; so is any server code the table does not name
 * (sim choice, e.g. 1000, or 4003/4007 forced on a shard's session through the control API).
 */
export function shardStatusForClose(cause: CloseCause): ShardStatus {
  if (cause.by !== 'server') return 'websocket_disconnected';
  return SHARD_STATUS[cause.code] ?? 'websocket_disconnected';
}

/** Direct WebSocket subscriptions take the shard status, except 4003, which only subscriptions can carry. */
export function subscriptionStatusForClose(cause: CloseCause): SubscriptionStatus {
  if (cause.by === 'server' && cause.code === 4003) return 'websocket_connection_unused';
  return shardStatusForClose(cause);
}

/** Codes a close frame may carry (RFC 6455 §7.4 as `ws` enforces it); anything else would make `ws` throw. */
export function isValidCloseCode(code: number): boolean {
  return (
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
      (code >= 3000 && code <= 4999))
  );
}
