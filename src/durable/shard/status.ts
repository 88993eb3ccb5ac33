/** @module The status of a WebSocketShard whose machine cannot be built (never started, or bad configuration). */
import type { SocketStatus } from '../../core/socket-machine-state.ts';
import type { Persisted } from '../../core/socket-machine-types.ts';

export function stoppedStatus(record: Persisted | null): SocketStatus {
  return {
    desired: record?.desired ?? 'stopped',
    phase: record?.desired === 'connected' ? 'waiting' : 'stopped',
    sessionId: null,
    assigned: false,
    connectedSince: null,
    lastFrameAt: record?.lastFrameAt ?? null,
    reconnectCount: record?.reconnectCount ?? 0,
    eventsReceived: record?.eventsReceived ?? 0,
    attempt: record?.attempt ?? 0,
    retryAt: record?.retryAt ?? null,
  };
}
