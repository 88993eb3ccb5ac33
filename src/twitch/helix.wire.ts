/**
 * @module Helix and OAuth wire schemas (twitch-eventsub.md §0–2, §7), snake_case as Twitch sends them. Tolerant by
 * design: unknown fields pass through and enum-like fields are plain strings, because Twitch adds fields and enum
 * values without notice (§0).
 */
import { z } from 'zod';

export const helixErrorWire = z.looseObject({
  error: z.string().optional(),
  status: z.number().optional(),
  message: z.string().optional(),
});

export const conduitWire = z.looseObject({ id: z.string(), shard_count: z.number().int() });
export const conduitListWire = z.looseObject({ data: z.array(conduitWire) });

export const transportWire = z.looseObject({
  method: z.string(),
  callback: z.string().nullish(),
  session_id: z.string().nullish(),
  connected_at: z.string().nullish(),
  disconnected_at: z.string().nullish(),
  conduit_id: z.string().nullish(),
});

export const paginationWire = z.looseObject({ cursor: z.string().optional() }).optional();

export const shardWire = z.looseObject({ id: z.string(), status: z.string(), transport: transportWire });
export const shardPageWire = z.looseObject({ data: z.array(shardWire), pagination: paginationWire });

export const shardErrorWire = z.looseObject({ id: z.string(), message: z.string(), code: z.string().optional() });
/** Update Conduit Shards answers 202 with partial success: `errors` must be read shard by shard (§1.7). */
export const updateShardsWire = z.looseObject({
  data: z.array(shardWire),
  errors: z.array(shardErrorWire).default([]),
});

export const subscriptionWire = z.looseObject({
  id: z.string(),
  status: z.string(),
  type: z.string(),
  version: z.string(),
  condition: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  transport: transportWire,
  cost: z.number(),
});

export const subscriptionPageWire = z.looseObject({
  data: z.array(subscriptionWire),
  total: z.number(),
  total_cost: z.number(),
  max_total_cost: z.number(),
  pagination: paginationWire,
});

export const tokenWire = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number(),
  token_type: z.string().optional(),
});

export const validateWire = z.looseObject({
  client_id: z.string(),
  expires_in: z.number(),
  user_id: z.string().optional(),
  scopes: z.array(z.string()).nullish(),
});

export type ShardWire = z.infer<typeof shardWire>;
export type SubscriptionWire = z.infer<typeof subscriptionWire>;
export type TransportWire = z.infer<typeof transportWire>;
