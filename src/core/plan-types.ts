/**
 * @module Inputs and outputs of the shard planner (design.md §6). The planner is a pure function; it works on endpoint
 * names and fingerprints, never on secrets, so a plan can be stored, shown (dry run) and logged safely.
 */

/** What an endpoint would put on a shard right now, as far as the planner needs to know. */
export type EndpointState =
  | {
      name: string;
      kind: 'webhook';
      callback: string;
      /** Identifies callback + secret (e.g. a hash): a change means the shard must be re-PATCHed (rotation). */
      fingerprint: string;
    }
  | {
      name: string;
      kind: 'websocket';
      /** The live session of the endpoint's WebSocketShard, or null while it is not connected. */
      sessionId: string | null;
    };

/** A shard as Twitch lists it (domain form of Get Conduit Shards). */
export interface ActualShard {
  id: number;
  status: string;
  transport:
    | { method: 'webhook'; callback: string }
    | { method: 'websocket'; sessionId: string; connectedAt?: string; disconnectedAt?: string }
    | { method: 'unknown'; raw: string };
}

export interface PlanInput {
  /** shard_count on Twitch now. */
  shardCount: number;
  /** desired[i] is the endpoint name for shard i; desired.length is the wanted shard count (>= 1). */
  desired: string[];
  endpoints: Record<string, EndpointState>;
  /** Shards Twitch listed; a shard id in range but absent here was never assigned (twitch-eventsub.md §1.3). */
  actual: ActualShard[];
  /** Fingerprint of what we last PATCHed successfully onto each webhook shard (absent: unknown). */
  applied: Record<number, string>;
  /** Shards per Update Conduit Shards call (default 500). */
  batchSize?: number;
}

export interface ShardChange {
  id: number;
  endpoint: string;
  reason: string;
}

export type PlanStep = (
  | { kind: 'grow'; from: number; to: number; reason: string }
  | { kind: 'assign'; shards: ShardChange[] }
  | { kind: 'shrink'; from: number; to: number; reason: string }
) & {
  /**
   * Set by the maintenance layer (maintenance-pace.ts): before this step, wait until Twitch lists no shard pending, so
   * that at most one shard is not enabled at a time (twitch-eventsub.md §5.2). The base planner never sets it.
   */
  settle?: boolean;
};

export interface Plan {
  /** In execution order: grow first, then assignments in batches, then shrink (conduit-notes.md "Scaling"). */
  steps: PlanStep[];
  /** Shards that need a change the planner cannot make yet (e.g. a WebSocket endpoint with no session). */
  waiting: ShardChange[];
  /** Shards already as desired. */
  unchanged: number;
}
