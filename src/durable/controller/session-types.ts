/**
 * @module The ConduitController's RPCs for WebSocket shards (design.md §7): what a WebSocketShard calls when its
 * socket is welcomed, and what the admin API calls for auto mode and handover. Plain data, like controller-types.ts.
 */
import type { HandoverMethod } from '../../core/socket-machine-types.ts';
import type { Outcome } from '../controller-types.ts';

export interface AssignResult {
  endpoint: string;
  session_id: string;
  /** The shards PATCHed to the session (the layout's shards of the endpoint; empty when it has none yet). */
  shards: number[];
  /** Set in auto mode when this call claimed the shard. */
  claimed?: { shard: number; grew: boolean };
  ms: number;
}

export interface ClaimResult {
  endpoint: string;
  shard: number;
  /** True when no shard was free and the conduit grew by one. */
  grew: boolean;
  /** False when the endpoint already had a shard in the layout. */
  changed: boolean;
}

export interface HandoverView {
  endpoint: string;
  method: HandoverMethod;
  from_session: string;
  to_session: string;
  ms: number;
}

export interface SessionRpc {
  assignSession(endpoint: string, sessionId: string): Promise<Outcome<AssignResult>>;
  swapSession(endpoint: string, sessionId: string): Promise<Outcome<AssignResult>>;
  claimShard(endpoint: string): Promise<Outcome<ClaimResult>>;
  handover(endpoint: string, method: HandoverMethod): Promise<Outcome<HandoverView>>;
}
