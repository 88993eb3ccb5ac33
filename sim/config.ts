/**
 * @module Simulator settings. Every timing rule Twitch leaves unknown is a knob here, so tests can shrink it.
 */
import { z } from 'zod';

export const simConfigSchema = z.object({
  /** `expires_in` of app tokens. Twitch's docs example is 5011271 s (about 58 days). */
  tokenTtlSeconds: z.number().int().positive().default(5_011_271),
  /** Helix token bucket: points per minute (Twitch's documented example is 800). */
  rateLimitPerMinute: z.number().int().positive().default(800),
  /** Get Conduit Shards page size (unknown at Twitch; sim choice: 100). */
  shardPageSize: z.number().int().positive().default(100),
  /** Get EventSub Subscriptions page size (Twitch: "undetermined"; sim choice: 100). */
  subscriptionPageSize: z.number().int().positive().default(100),
  /** Enforce Twitch's https-on-443 callback rule. Off by default so local http:// callbacks work (design.md §8). */
  strictCallbacks: z.boolean().default(false),
  /** List never-assigned shards in Get Conduit Shards (sim choice: leave them out, twitch-eventsub.md §1.3). */
  listUnassignedShards: z.boolean().default(false),
  conduitLimit: z.number().int().positive().default(5),
  maxTotalCost: z.number().int().positive().default(10_000),
  /** Close an unassigned session with 4003 after this long (Twitch: 10 s). */
  unusedTimeoutMs: z.number().int().positive().default(10_000),
  /** Sim choice: the unused window is max(10 s, keepalive) unless pinned to `unusedTimeoutMs`. */
  pinUnusedTimeout: z.boolean().default(false),
  /** WebSocket ping interval (twitch-cli: 5 s) and how long a pong may take before 4002. */
  pingIntervalMs: z.number().int().positive().default(5_000),
  pongTimeoutMs: z.number().int().positive().default(10_000),
  /** Grace after session_reconnect before the old socket is closed with 4004 (Twitch: 30 s). */
  reconnectGraceMs: z.number().int().positive().default(30_000),
  /** How long the simulator waits for a challenge or notification response (sim choice: 10 s). */
  webhookTimeoutMs: z.number().int().positive().default(10_000),
  /** Delays before each re-send of a failed webhook notification (sim choice: 5 attempts over ~2.5 min). */
  webhookRetryDelaysMs: z.array(z.number().int().nonnegative()).default([5_000, 15_000, 45_000, 90_000]),
  /** Consecutive failed messages before a webhook shard becomes notification_failures_exceeded. */
  webhookFailuresBeforeDisable: z.number().int().positive().default(3),
  /** A conduit whose shards are all disabled this long is deleted (Twitch: 72 h). */
  conduitOrphanMs: z
    .number()
    .int()
    .positive()
    .default(72 * 3600 * 1000),
});

export type SimConfig = z.infer<typeof simConfigSchema>;
export type SimConfigInput = z.input<typeof simConfigSchema>;

export function makeConfig(input: SimConfigInput = {}): SimConfig {
  return simConfigSchema.parse(input);
}
