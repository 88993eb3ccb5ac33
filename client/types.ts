/**
 * @module Types of what `/events` delivers, for the client: the frames (src/core/consumer-frames.ts) and, for the
 * EventSub types the example handlers cover, the shape of Twitch's `event` object, inferred from the same zod
 * schemas (src/handlers/events.wire.ts). Type-only imports: nothing of zod reaches a browser bundle. The client
 * does not validate payloads; these types describe what Twitch documents.
 */
import type { z } from 'zod';
import type {
  ChannelChatMessage,
  ChannelCheer,
  ChannelFollowV2,
  ChannelPointsRedemptionAdd,
  ChannelRaid,
  ChannelSubscribe,
  ConduitShardDisabled,
  StreamOffline,
  StreamOnline,
} from '../src/handlers/events.wire.ts';
import type { EventFrame } from '../src/core/consumer-frames.ts';

export type { ClosingFrame, ConsumerFrame, EventFrame, LiveFrame, WelcomeFrame } from '../src/core/consumer-frames.ts';

/** Twitch's `event` object per subscription type. */
export interface KnownEvents {
  'stream.online': z.infer<typeof StreamOnline>;
  'stream.offline': z.infer<typeof StreamOffline>;
  'channel.follow': z.infer<typeof ChannelFollowV2>;
  'channel.chat.message': z.infer<typeof ChannelChatMessage>;
  'channel.subscribe': z.infer<typeof ChannelSubscribe>;
  'channel.cheer': z.infer<typeof ChannelCheer>;
  'channel.raid': z.infer<typeof ChannelRaid>;
  'channel.channel_points_custom_reward_redemption.add': z.infer<typeof ChannelPointsRedemptionAdd>;
  'conduit.shard.disabled': z.infer<typeof ConduitShardDisabled>;
}

/** The subscription part of every payload (twitch-eventsub.md §3.4). */
export interface SubscriptionInfo {
  id: string;
  type: string;
  version: string;
  status: string;
  condition: Record<string, unknown>;
  [field: string]: unknown;
}

/** An event frame whose payload is typed by its subscription type (`unknown` event for types not listed). */
export type TypedEvent<T extends string> = Omit<EventFrame, 'type' | 'payload'> & {
  type: T;
  payload: {
    subscription: SubscriptionInfo;
    event: T extends keyof KnownEvents ? KnownEvents[T] : unknown;
  };
};

export type ClientStatus = 'connecting' | 'replaying' | 'live' | 'reconnecting' | 'closed';
