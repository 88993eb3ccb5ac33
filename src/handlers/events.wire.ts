/**
 * @module Zod schemas for the `event` object of the EventSub types the example handlers cover, in Twitch's
 * snake_case (dev.twitch.tv/docs/eventsub/eventsub-reference). Tolerant on purpose: `looseObject` keeps fields
 * Twitch adds later, and only the fields a handler is likely to rely on are required; nullable where Twitch sends
 * null (anonymous cheers, chat replies).
 */
import { z } from 'zod';

const id = z.string().min(1);
const text = z.string();

/** `{prefix}_id`, `{prefix}_login`, `{prefix}_name`: how every user appears in an event. */
function user<P extends string>(prefix: P) {
  return {
    [`${prefix}_id`]: id,
    [`${prefix}_login`]: text,
    [`${prefix}_name`]: text,
  } as Record<`${P}_id` | `${P}_login` | `${P}_name`, z.ZodString>;
}

function nullableUser<P extends string>(prefix: P) {
  return {
    [`${prefix}_id`]: id.nullable(),
    [`${prefix}_login`]: text.nullable(),
    [`${prefix}_name`]: text.nullable(),
  } as Record<`${P}_id` | `${P}_login` | `${P}_name`, z.ZodNullable<z.ZodString>>;
}

export const StreamOnline = z.looseObject({
  id,
  ...user('broadcaster_user'),
  type: text,
  started_at: text,
});

export const StreamOffline = z.looseObject({ ...user('broadcaster_user') });

export const ChannelFollowV2 = z.looseObject({
  ...user('user'),
  ...user('broadcaster_user'),
  followed_at: text,
});

export const ChannelChatMessage = z.looseObject({
  ...user('broadcaster_user'),
  ...user('chatter_user'),
  message_id: id,
  message: z.looseObject({
    text,
    fragments: z.array(z.looseObject({ type: text, text })),
  }),
  message_type: text,
  color: text.optional(),
  badges: z.array(z.looseObject({ set_id: text, id: text, info: text })).optional(),
  cheer: z.looseObject({ bits: z.number() }).nullable().optional(),
  reply: z.looseObject({ parent_message_id: text, thread_message_id: text }).nullable().optional(),
  channel_points_custom_reward_id: text.nullable().optional(),
});

export const ChannelSubscribe = z.looseObject({
  ...user('user'),
  ...user('broadcaster_user'),
  tier: text,
  is_gift: z.boolean(),
});

export const ChannelCheer = z.looseObject({
  is_anonymous: z.boolean(),
  ...nullableUser('user'),
  ...user('broadcaster_user'),
  message: text,
  bits: z.number().int(),
});

export const ChannelRaid = z.looseObject({
  ...user('from_broadcaster_user'),
  ...user('to_broadcaster_user'),
  viewers: z.number().int(),
});

export const ChannelPointsRedemptionAdd = z.looseObject({
  id,
  ...user('broadcaster_user'),
  ...user('user'),
  user_input: text,
  status: text,
  reward: z.looseObject({ id, title: text, cost: z.number().int(), prompt: text }),
  redeemed_at: text,
});

export const ConduitShardDisabled = z.looseObject({
  conduit_id: id,
  shard_id: id,
  status: text,
  transport: z.looseObject({
    method: z.enum(['webhook', 'websocket']),
    callback: text.nullable().optional(),
    session_id: text.nullable().optional(),
    connected_at: text.nullable().optional(),
    disconnected_at: text.nullable().optional(),
  }),
});

/** The subscription object every notification and revocation carries (twitch-eventsub.md §3.4). */
export const SubscriptionWire = z.looseObject({
  id,
  type: text,
  version: text,
  status: text,
  condition: z.record(z.string(), z.unknown()),
});

/** A notification or revocation body: `{subscription, event?}`; batched types carry `events` instead. */
export const PayloadWire = z.looseObject({
  subscription: SubscriptionWire,
  event: z.unknown().optional(),
});
