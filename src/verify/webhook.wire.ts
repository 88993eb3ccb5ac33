/**
 * @module Webhook message bodies (twitch-eventsub.md §3.4), snake_case as Twitch sends them. Tolerant by design:
 * unknown fields pass and enum-like fields (status, type, method) stay plain strings, because Twitch adds fields
 * and values without notice (§0); only what the Worker reads is required.
 */
import { z } from 'zod';

const jsonObject = z.record(z.string(), z.unknown());

/** `{method: "conduit", conduit_id}` for conduit deliveries, `{method: "webhook", callback}` otherwise (§3.4). */
export const webhookTransportWire = z.looseObject({ method: z.string() });

export const eventSubSubscriptionWire = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  version: z.string().min(1),
  status: z.string(),
  condition: jsonObject,
  transport: webhookTransportWire,
  created_at: z.string(),
  cost: z.number().optional(),
});

/** The shard id is a string in the docs (§3.4); a number is accepted so a shard is never left unverified over it. */
export const conduitShardWire = z.looseObject({
  conduit_id: z.string().min(1),
  shard: z.union([z.string(), z.number()]),
});

/** `{challenge, subscription}` for a subscription, `{challenge, conduit_shard}` for a conduit shard (§3.4). */
export const challengeWire = z
  .looseObject({
    challenge: z.string().min(1),
    subscription: eventSubSubscriptionWire.optional(),
    conduit_shard: conduitShardWire.optional(),
  })
  .refine((b) => b.subscription !== undefined || b.conduit_shard !== undefined, {
    message: 'needs subscription or conduit_shard',
    path: ['subscription'],
  });

/** One entry of a batched notification: `events: [{id, data}]` (§3.4, observed in twurple). */
export const batchedEventWire = z.looseObject({ id: z.string(), data: jsonObject });

export const notificationWire = z
  .looseObject({
    subscription: eventSubSubscriptionWire,
    event: jsonObject.optional(),
    events: z.array(batchedEventWire).optional(),
  })
  .refine((b) => b.event !== undefined || b.events !== undefined, {
    message: 'needs event or events',
    path: ['event'],
  });

/** The reason is `subscription.status` (§3.4); there is no event. */
export const revocationWire = z.looseObject({ subscription: eventSubSubscriptionWire });

export type EventSubSubscriptionWire = z.infer<typeof eventSubSubscriptionWire>;
export type ChallengeWire = z.infer<typeof challengeWire>;
export type NotificationWire = z.infer<typeof notificationWire>;
export type RevocationWire = z.infer<typeof revocationWire>;
