/**
 * @module The WebSocketShard's RPC surface and the plain data it returns (what the controller and, through it, the
 * admin API read). Camel case inside; the admin API maps to snake_case JSON.
 */
import type { SocketStatus } from '../core/socket-machine-state.ts';
import type { HandoverMethod, Timings } from '../core/socket-machine-types.ts';

export interface ShardStartOptions {
  /** The ConduitController's object name: where `assignSession` and `swapSession` go. */
  controller: string;
  /** `?keepalive_timeout_seconds=N` on fresh connects (10..600, twitch-eventsub.md §6.1); null: Twitch's 10. */
  keepaliveTimeoutSeconds?: number | null;
  /** Overrides of the machine's timings (tests shrink them); kept until replaced. */
  timings?: Partial<Timings>;
}

export interface ShardStatusView extends SocketStatus {
  endpoint: string | null;
  /** The handover in progress, if any. */
  handover: HandoverMethod | null;
  /** Why the object cannot run (bad configuration, never started), or null. */
  problem: string | null;
}

export type HandoverResult =
  { ok: true; method: HandoverMethod; from: string; to: string; ms: number } | { ok: false; error: string };

export interface ShardRpc {
  start(opts: ShardStartOptions): Promise<ShardStatusView>;
  stop(): Promise<ShardStatusView>;
  status(): Promise<ShardStatusView>;
  handover(method: HandoverMethod): Promise<HandoverResult>;
}
