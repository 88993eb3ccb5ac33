/**
 * @module The ConduitController's RPC surface and the JSON views it returns (what the admin API serves). Results
 * are plain data: failures come back as `{ ok: false, status, error }` rather than thrown, because custom error
 * classes do not survive a Durable Object RPC boundary.
 */
import type { Plan } from '../core/plan-types.ts';
import type { SessionRpc } from './controller/session-types.ts';

/**
 * JSON-safe data, three levels deep: `unknown` does not survive the typed RPC boundary (workers-types'
 * Rpc.Serializable), and a recursive type makes that mapping too deep for the compiler.
 */
type JsonLeaf = string | number | boolean | null;
type Json1 = JsonLeaf | JsonLeaf[] | { [key: string]: JsonLeaf | undefined };
export type Json = Json1 | Json1[] | { [key: string]: Json1 | Json1[] | undefined };

export type Outcome<T> = { ok: true; value: T } | { ok: false; status: FailureStatus; error: string; details?: Json };
export type FailureStatus = 400 | 404 | 409 | 422 | 429 | 501 | 502 | 503;

export type EndpointKind = 'webhook' | 'websocket';
/** A websocket endpoint's shards: placed by the layout (`fixed`), or claimed by the endpoint itself (`auto`). */
export type EndpointMode = 'fixed' | 'auto';

export interface EndpointInput {
  name: string;
  kind: EndpointKind;
  /** Built-in webhook on another deployment or route of this Worker (blue/green, design.md §6). */
  base_url?: string;
  /** External webhook: the owner's own callback, with its write-only secret. */
  callback?: string;
  secret?: string;
  /** Websocket endpoints only (default `fixed`, design.md §7). */
  mode?: EndpointMode;
}

/** A websocket endpoint's socket as its WebSocketShard reports it (issue #5); `GET status` only. */
export interface SocketView {
  phase: string;
  session_id?: string | null;
  /** The controller confirmed the layout's shards are on this session. */
  assigned?: boolean;
  connected_since?: string | null;
  last_frame_at?: string | null;
  reconnect_count?: number;
  events_received?: number;
  handover?: string | null;
  problem?: string | null;
}

export interface EndpointView {
  name: string;
  kind: EndpointKind;
  /** built-in webhook (derived secret), external webhook (secret given), or websocket. */
  source: 'builtin' | 'external' | 'websocket';
  callback?: string;
  base_url?: string;
  /** Shards the desired layout puts on this endpoint. */
  shards: number;
  created_at: string;
  /** Websocket endpoints only. */
  mode?: EndpointMode;
  socket?: SocketView;
}

export interface ShardView {
  id: number;
  desired_endpoint: string | null;
  /** Where the shard is meant to be now: the desired endpoint, or its substitute while maintenance moves it. */
  effective_endpoint: string | null;
  actual: {
    status: string;
    method: string;
    callback?: string;
    session_id?: string;
    connected_at?: string;
    disconnected_at?: string;
  } | null;
}

export interface ActionView {
  id: number;
  at: string;
  kind: string;
  reason: string;
  result: 'ok' | 'failed' | 'planned';
  detail?: Json;
}

export interface WindowInput {
  endpoint: string;
  starts_at: string;
  ends_at: string;
  note?: string;
  /** Follow the compact recipe instead of substituting (design.md §6). */
  compact?: boolean;
}

export interface WindowView extends WindowInput {
  id: number;
  created_at: string;
  /** On creation only: what will happen (overlaps, already under way, substitutes not yet proven; issue #6). */
  notes?: string[];
}

/** A `conduit.shard.disabled` notice as the shard-events route passes it on (twitch-eventsub.md §4). */
export interface ShardDisabledNote {
  conduit_id: string;
  shard_id: number;
  status: string;
  method: string;
  callback?: string;
  session_id?: string;
}

/** What the maintenance layer decided in a pass (design.md §6, core/maintenance.ts), as the dry run shows it. */
export interface MaintenanceView {
  decisions: { kind: string; reason: string; window?: number; endpoint?: string; shards?: number[]; count?: number }[];
  /** Signed test challenges the pass sends (a dry run sends none). */
  probes: { endpoint: string; reason: string }[];
  /** Websocket endpoints asked for a fresh socket. */
  reconnect: { endpoint: string; reason: string }[];
  substituted: number;
  restoring: number;
  compaction: { window: number; endpoint: string; phase: string; shard_count: number } | null;
  /** The shard count the effective layout wants now (below the layout's during a compaction). */
  effective_shards: number;
  /** How a dry run planned what it could not know (it sends no test challenge). */
  note?: string;
}

export interface SubscriptionInput {
  type: string;
  version: string;
  condition: Record<string, string>;
}

export interface DesiredSubscriptionView extends SubscriptionInput {
  key: string;
  /** The live Twitch subscription id once created. */
  subscription_id: string | null;
  status: string;
  last_error: string | null;
}

export interface ReconcileProgress {
  phase: 'idle' | 'listing' | 'applying' | 'subscriptions' | 'done' | 'failed';
  started_at: string | null;
  pages_listed: number;
  steps_done: number;
  steps_total: number;
  helix_calls: number;
  invocations: number;
  last_error: string | null;
}

export interface ReconcileResult {
  dry_run: boolean;
  plan: Plan;
  progress: ReconcileProgress;
  /** True when the work did not fit one invocation's subrequest budget and continues in the next. */
  continues: boolean;
  /** Anything the caller should know about how the plan was made (e.g. planned from a snapshot). */
  note?: string;
  /** The maintenance layer's decisions behind the plan (issue #6). */
  maintenance?: MaintenanceView;
}

export interface StatusView {
  conduit: { id: string; shard_count: number } | null;
  bootstrap: { ok: boolean; error: string | null };
  token: { valid: boolean; expires_at: string | null; validated_at: string | null };
  endpoints: EndpointView[];
  shards: ShardView[];
  shards_total: number;
  windows: WindowView[];
  reconcile: ReconcileProgress;
  subscriptions: { desired: number; total_cost: number | null; max_total_cost: number | null };
  actions: ActionView[];
  /** Maintenance now (issue #6). */
  maintenance?: {
    lead_seconds: number;
    substituted: number;
    restoring: number;
    compaction: { window: number; endpoint: string; phase: string; shard_count: number } | null;
    /** The last signed test challenge per webhook endpoint. */
    probes: { endpoint: string; healthy: boolean; checked_at: string; verified_at: string | null; reason?: string }[];
  };
}

/** RPC methods the admin API and the cron call. Every mutation is serialized inside the object. */
export interface ControllerRpc extends SessionRpc {
  status(opts?: { shard_offset?: number; shard_limit?: number }): Promise<Outcome<StatusView>>;
  listConduits(): Promise<Outcome<{ data: { id: string; shard_count: number; managed: boolean }[]; limit: number }>>;
  createConduit(shardCount: number): Promise<Outcome<{ id: string; shard_count: number }>>;
  updateConduit(id: string, shardCount: number): Promise<Outcome<{ id: string; shard_count: number }>>;
  deleteConduit(id: string): Promise<Outcome<{ deleted: string }>>;
  getLayout(): Promise<Outcome<{ shard_count: number; shards: string[] }>>;
  putLayout(shards: string[]): Promise<Outcome<ReconcileResult>>;
  listEndpoints(): Promise<Outcome<EndpointView[]>>;
  addEndpoint(input: EndpointInput): Promise<Outcome<EndpointView>>;
  removeEndpoint(name: string): Promise<Outcome<{ removed: string }>>;
  scale(shardCount: number, endpoint?: string): Promise<Outcome<ReconcileResult>>;
  removeShard(id: number): Promise<Outcome<ReconcileResult>>;
  reconcile(opts?: { dryRun?: boolean }): Promise<Outcome<ReconcileResult>>;
  actions(opts?: { limit?: number; before?: number }): Promise<Outcome<ActionView[]>>;
  listWindows(): Promise<Outcome<WindowView[]>>;
  addWindow(input: WindowInput): Promise<Outcome<WindowView>>;
  removeWindow(id: number): Promise<Outcome<{ removed: number }>>;
  listSubscriptions(): Promise<
    Outcome<{ desired: DesiredSubscriptionView[]; total_cost: number | null; max_total_cost: number | null }>
  >;
  addSubscription(input: SubscriptionInput): Promise<Outcome<DesiredSubscriptionView>>;
  removeSubscription(key: string): Promise<Outcome<{ removed: string }>>;
  noteRevocation(subscriptionId: string, status: string): Promise<Outcome<{ matched: number }>>;
  /** From `POST /webhooks/_shard-events` (issue #6): repair the shard now. */
  shardDisabled(note: ShardDisabledNote): Promise<Outcome<{ matched: boolean; repair: boolean }>>;
  /** The `conduit.shard.disabled` subscription itself was revoked: recreate it on the next pass. */
  shardEventsRevoked(subscriptionId: string): Promise<Outcome<{ matched: boolean }>>;
}
