/**
 * @module The admin API's JSON views as TypeScript types, inferred from the very schemas the Worker's OpenAPI
 * document is generated from (src/routes/admin/views.ts), so the CLI's reading of a response cannot drift from it.
 * Type-only imports: nothing of the Worker is loaded at run time.
 */
import type { z } from '@hono/zod-openapi';
import type {
  ActionView,
  EndpointView,
  HandoverView,
  ReconcileResult,
  RemovedId,
  RemovedName,
  ShardView,
  StatusView,
  SubscriptionList,
  SubscriptionView,
  WindowView,
} from '../src/routes/admin/views.ts';

export type Status = z.infer<typeof StatusView>;
export type Shard = z.infer<typeof ShardView>;
export type Endpoint = z.infer<typeof EndpointView>;
export type Action = z.infer<typeof ActionView>;
export type Window = z.infer<typeof WindowView>;
export type Subscription = z.infer<typeof SubscriptionView>;
export type Subscriptions = z.infer<typeof SubscriptionList>;
export type Reconcile = z.infer<typeof ReconcileResult>;
export type Handover = z.infer<typeof HandoverView>;
export type Removed = z.infer<typeof RemovedName>;
export type RemovedWindow = z.infer<typeof RemovedId>;
