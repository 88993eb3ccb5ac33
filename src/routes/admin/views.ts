/**
 * @module Response schemas of the admin API: the controller's JSON views (src/durable/controller-types.ts) as zod,
 * for the OpenAPI document. The route types check every handler's value against these, so a change to a view that
 * is not mirrored here fails the typecheck.
 */
import { z } from '@hono/zod-openapi';

const nullableText = z.string().nullable();

/** A websocket endpoint's socket, as its WebSocketShard reports it (design.md §7). */
export const SocketView = z
  .object({
    phase: z.string(),
    session_id: nullableText.optional(),
    assigned: z.boolean().optional(),
    connected_since: nullableText.optional(),
    last_frame_at: nullableText.optional(),
    reconnect_count: z.number().int().optional(),
    events_received: z.number().int().optional(),
    handover: nullableText.optional(),
    problem: nullableText.optional(),
  })
  .openapi('Socket');

export const HandoverView = z
  .object({
    endpoint: z.string(),
    method: z.enum(['reassign', 'swap']),
    from_session: z.string(),
    to_session: z.string(),
    ms: z.number().int().openapi({ description: 'from the request to the old socket being retired' }),
  })
  .openapi('Handover');

export const EndpointView = z
  .object({
    name: z.string(),
    kind: z.enum(['webhook', 'websocket']),
    source: z.enum(['builtin', 'external', 'websocket']),
    callback: z.string().optional(),
    base_url: z.string().optional(),
    shards: z.number().int(),
    created_at: z.string(),
    mode: z.enum(['fixed', 'auto']).optional().openapi({ description: 'websocket endpoints only' }),
    socket: SocketView.optional().openapi({ description: 'websocket endpoints, in `GET status` only' }),
  })
  .openapi('Endpoint', { description: 'Never carries a secret (design.md §5).' });

export const ShardView = z
  .object({
    id: z.number().int(),
    desired_endpoint: nullableText,
    effective_endpoint: nullableText.openapi({
      description: 'where the shard is meant to be now: the desired endpoint, or its substitute during maintenance',
    }),
    actual: z
      .object({
        status: z.string(),
        method: z.string(),
        callback: z.string().optional(),
        session_id: z.string().optional(),
        connected_at: z.string().optional(),
        disconnected_at: z.string().optional(),
      })
      .nullable(),
  })
  .openapi('Shard');

export const ActionView = z
  .object({
    id: z.number().int(),
    at: z.string(),
    kind: z.string(),
    reason: z.string(),
    result: z.enum(['ok', 'failed', 'planned']),
    detail: z.unknown().optional(),
  })
  .openapi('Action');

export const WindowView = z
  .object({
    id: z.number().int(),
    endpoint: z.string(),
    starts_at: z.string(),
    ends_at: z.string(),
    note: z.string().optional(),
    compact: z.boolean().optional(),
    created_at: z.string(),
    notes: z
      .array(z.string())
      .optional()
      .openapi({ description: 'on creation: what will happen (overlaps, already under way, unproven substitutes)' }),
  })
  .openapi('MaintenanceWindow');

const decisionView = z.object({
  kind: z.string(),
  reason: z.string(),
  window: z.number().int().optional(),
  endpoint: z.string().optional(),
  shards: z.array(z.number().int()).optional(),
  count: z.number().int().optional(),
});

const compactionView = z
  .object({ window: z.number().int(), endpoint: z.string(), phase: z.string(), shard_count: z.number().int() })
  .nullable();

export const MaintenanceView = z
  .object({
    decisions: z.array(decisionView),
    probes: z.array(z.object({ endpoint: z.string(), reason: z.string() })).openapi({
      description: 'signed test challenges the pass sends (a dry run sends none)',
    }),
    reconnect: z.array(z.object({ endpoint: z.string(), reason: z.string() })),
    substituted: z.number().int(),
    restoring: z.number().int(),
    compaction: compactionView,
    effective_shards: z.number().int(),
    note: z.string().optional(),
  })
  .openapi('Maintenance', { description: 'what the maintenance layer decided (design.md §6), each with its reason' });

export const SubscriptionView = z
  .object({
    key: z.string(),
    type: z.string(),
    version: z.string(),
    condition: z.record(z.string(), z.string()),
    subscription_id: nullableText,
    status: z.string(),
    last_error: nullableText,
  })
  .openapi('Subscription');

export const SubscriptionList = z.object({
  desired: z.array(SubscriptionView),
  total_cost: z.number().nullable(),
  max_total_cost: z.number().nullable(),
});

const shardChange = z.object({ id: z.number().int(), endpoint: z.string(), reason: z.string() });

export const PlanView = z
  .object({
    steps: z.array(
      z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('grow'), from: z.number().int(), to: z.number().int(), reason: z.string() }),
        z.object({ kind: z.literal('assign'), shards: z.array(shardChange) }),
        z.object({ kind: z.literal('shrink'), from: z.number().int(), to: z.number().int(), reason: z.string() }),
      ]),
    ),
    waiting: z.array(shardChange),
    unchanged: z.number().int(),
  })
  .openapi('Plan');

export const ReconcileProgress = z
  .object({
    phase: z.enum(['idle', 'listing', 'applying', 'subscriptions', 'done', 'failed']),
    started_at: nullableText,
    pages_listed: z.number().int(),
    steps_done: z.number().int(),
    steps_total: z.number().int(),
    helix_calls: z.number().int(),
    invocations: z.number().int(),
    last_error: nullableText,
  })
  .openapi('ReconcileProgress');

export const ReconcileResult = z
  .object({
    dry_run: z.boolean(),
    plan: PlanView,
    progress: ReconcileProgress,
    continues: z.boolean().openapi({ description: 'the work continues in a later invocation (subrequest budget)' }),
    note: z.string().optional(),
    maintenance: MaintenanceView.optional(),
  })
  .openapi('ReconcileResult');

export const ConduitView = z.object({ id: z.string(), shard_count: z.number().int() }).openapi('Conduit');

export const ConduitList = z.object({
  data: z.array(ConduitView.extend({ managed: z.boolean() })),
  limit: z.number().int().openapi({ description: 'conduits allowed per app (5)' }),
});

export const LayoutView = z.object({ shard_count: z.number().int(), shards: z.array(z.string()) }).openapi('Layout');

export const StatusView = z
  .object({
    conduit: ConduitView.nullable(),
    bootstrap: z.object({ ok: z.boolean(), error: nullableText }),
    token: z.object({ valid: z.boolean(), expires_at: nullableText, validated_at: nullableText }),
    endpoints: z.array(EndpointView),
    shards: z.array(ShardView),
    shards_total: z.number().int(),
    windows: z.array(WindowView),
    reconcile: ReconcileProgress,
    subscriptions: z.object({
      desired: z.number().int(),
      total_cost: z.number().nullable(),
      max_total_cost: z.number().nullable(),
    }),
    actions: z.array(ActionView),
    maintenance: z
      .object({
        lead_seconds: z.number().int(),
        substituted: z.number().int(),
        restoring: z.number().int(),
        compaction: compactionView,
        probes: z.array(
          z.object({
            endpoint: z.string(),
            healthy: z.boolean(),
            checked_at: z.string(),
            verified_at: nullableText,
            reason: z.string().optional(),
          }),
        ),
      })
      .optional(),
  })
  .openapi('Status');

export const RemovedName = z.object({ removed: z.string() });
export const RemovedId = z.object({ removed: z.number().int() });
export const DeletedConduit = z.object({ deleted: z.string() });
