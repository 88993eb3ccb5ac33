/**
 * @module The admin API's JSON as the dashboard reads it: inferred from the response schemas in
 * src/routes/admin/views.ts (type-only, erased when the page is built), so a changed view breaks the typecheck here.
 */
import type { z } from '@hono/zod-openapi';
import type {
  ActionView,
  EndpointView,
  PlanView,
  ReconcileResult,
  ShardView,
  StatusView,
  WindowView,
} from '../../routes/admin/views.ts';

export type Status = z.infer<typeof StatusView>;
export type Shard = z.infer<typeof ShardView>;
export type Endpoint = z.infer<typeof EndpointView>;
export type Window = z.infer<typeof WindowView>;
export type Action = z.infer<typeof ActionView>;
export type Plan = z.infer<typeof PlanView>;
/** `note`: how the plan was made (e.g. from a snapshot while a reconcile runs), when the controller says. */
export type Reconcile = z.infer<typeof ReconcileResult> & { note?: string };

/** One entry of `GET events/recent` (src/routes/admin/events.ts), the fields the rates need. */
export interface RecentEvent {
  hub: string;
  type: string;
  routing_key: string;
  via: { transport: 'webhook' | 'websocket'; endpoint: string };
  received_at: string;
}

export interface RecentEvents {
  events: RecentEvent[];
  hubs: number;
  unavailable: string[];
}
