/**
 * @module Inputs, state and outputs of the maintenance layer (design.md §6): the part of the planner that rewrites the
 * desired layout into the effective one (substitutes for endpoints in or entering a window, compaction, repairs) and
 * paces the resulting Helix calls so that at most one shard is not enabled at a time whenever that can be sequenced
 * (twitch-eventsub.md §5.2: an event whose shard is not enabled gets one retry on one other shard, then is dropped).
 * Plain JSON data throughout, so the state can be stored and the result shown in a dry run.
 */
import type { ActualShard, EndpointState, Plan } from './plan-types.ts';

/** A maintenance window, times in ms since the epoch. */
export interface MaintenanceWindow {
  id: number;
  endpoint: string;
  startsAt: number;
  endsAt: number;
  /** Follow conduit-notes.md "Maintenance": copy the last shard into the gap and lower the count, instead of substituting. */
  compact: boolean;
}

/** What the controller knows about an endpoint's health (it probes; the planner only reads). */
export interface EndpointHealth {
  /** Fit to carry shards now: a webhook that answered a signed test challenge, a websocket with a live session. */
  healthy: boolean;
  /** When it last proved itself (a test challenge answered, a live session seen); null: never. */
  verifiedAt: number | null;
  /** Why it is not healthy, in words fit for the audit log. */
  reason?: string;
}

/** Why a shard was given a substitute: an endpoint in (or entering) a window, or a broken endpoint being repaired. */
export type SubstitutionCause = 'window' | 'repair';

/** A shard carried by another endpoint than the one its layout names, until it can go home. */
export interface Substitution {
  shard: number;
  /** The endpoint the shard belongs on (the layout's, or a compaction's copy). */
  home: string;
  substitute: string;
  cause: SubstitutionCause;
  /** The window that caused it (cause `window`). */
  windowId: number | null;
  since: number;
  /** Only a test challenge (or a live session) at or after this instant lets the shard go home. */
  clearAfter: number;
  /** `restoring`: on its way home; kept until Twitch lists the shard home and enabled. */
  phase: 'substituted' | 'restoring';
}

/** A compact window under way (conduit-notes.md "Maintenance"; one at a time). */
export interface Compaction {
  windowId: number;
  endpoint: string;
  /** The layout's shard count when the compaction began: a different layout abandons it. */
  shardCount: number;
  clearAfter: number;
  since: number;
  /** `active`: shrunk (or shrinking) around the endpoint's shards; `restoring`: growing back one shard at a time. */
  phase: 'active' | 'restoring';
}

/** What the controller stores between passes. */
export interface MaintenanceState {
  substitutions: Substitution[];
  compaction: Compaction | null;
  /** Websocket endpoints that carry shards but had no live session, since when (the repair grace, below). */
  sessionlessSince: Record<string, number>;
}

export const EMPTY_MAINTENANCE: MaintenanceState = { substitutions: [], compaction: null, sessionlessSince: {} };

export interface MaintenanceInput {
  /** shard_count on Twitch now. */
  shardCount: number;
  /** The operator's layout. */
  desired: string[];
  endpoints: Record<string, EndpointState>;
  actual: ActualShard[];
  applied: Record<number, string>;
  windows: MaintenanceWindow[];
  now: number;
  /** Substitutes are in place this long before a window starts (default 5 minutes, design.md §6). */
  leadMs?: number;
  /** Endpoints missing here count as unknown: never a substitute, never a restore target. */
  health: Record<string, EndpointHealth>;
  state: MaintenanceState;
  /** Shards per Update Conduit Shards call (default 500). */
  batchSize?: number;
  /** How long one paced wave takes (a PATCH, then a check that nothing is pending), for deadline arithmetic. */
  waveMs?: number;
  /** A websocket endpoint without a live session this long has its shards substituted (reconnect is asked at once). */
  repairGraceMs?: number;
}

export type DecisionKind =
  | 'substitute'
  | 'restore'
  | 'restored'
  | 'compact'
  | 'expand'
  | 'refuse'
  | 'hold'
  | 'wait'
  | 'repair'
  | 'reconnect'
  | 'overlap'
  | 'pace'
  | 'ignore';

/** One decision with its reason, for the audit log and the dry run. */
export interface Decision {
  kind: DecisionKind;
  reason: string;
  windowId?: number;
  endpoint?: string;
  /** The shards concerned (at most 50 listed; `count` has the total). */
  shards?: number[];
  count?: number;
}

export interface MaintenanceResult {
  /** The layout reconcile converges to now (its length is the shard count wanted now). */
  effective: string[];
  /** The Helix calls, paced: a step with `settle` waits until Twitch lists no shard still pending. */
  plan: Plan;
  /** The state to store for the next pass. */
  state: MaintenanceState;
  decisions: Decision[];
  /** Websocket endpoints whose shard object should open a fresh socket. */
  reconnect: { endpoint: string; reason: string }[];
  /** Endpoints a signed test challenge would unblock (restores, repairs, substitute candidates of unknown health). */
  probes: { endpoint: string; reason: string }[];
}
