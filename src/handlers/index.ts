/**
 * @module The owner's event handlers: these are examples, yours to replace. Each typed handler gets the event
 * already validated by its schema (events.wire.ts); the catch-all gets every other notification, the revocation
 * handler every revocation (the controller has already been told, so reconcile recreates the subscription). They
 * run from the Queue at least once (retried up to `max_retries` on a throw, then dead-lettered): key side effects on
 * `ctx.messageId`. The examples only log one tagged line each, with ids and never message text.
 */
import { log } from '../log.ts';
import { defineHandler, type Handlers } from './define.ts';
import {
  ChannelChatMessage,
  ChannelCheer,
  ChannelFollowV2,
  ChannelPointsRedemptionAdd,
  ChannelRaid,
  ChannelSubscribe,
  ConduitShardDisabled,
  StreamOffline,
  StreamOnline,
} from './events.wire.ts';

const tag = (type: string) => `handlers:${type}`;

export const handlers: Handlers = {
  typed: [
    defineHandler('stream.online', '1', StreamOnline, (e, ctx) =>
      log('info', tag(ctx.type), 'stream online', { broadcaster: e.broadcaster_user_id, started_at: e.started_at }),
    ),
    defineHandler('stream.offline', '1', StreamOffline, (e, ctx) =>
      log('info', tag(ctx.type), 'stream offline', { broadcaster: e.broadcaster_user_id }),
    ),
    defineHandler('channel.follow', '2', ChannelFollowV2, (e, ctx) =>
      log('info', tag(ctx.type), 'new follower', { broadcaster: e.broadcaster_user_id, user: e.user_id }),
    ),
    defineHandler('channel.chat.message', '1', ChannelChatMessage, (e, ctx) =>
      log('info', tag(ctx.type), 'chat message', {
        broadcaster: e.broadcaster_user_id,
        chatter: e.chatter_user_id,
        chat_message_id: e.message_id,
      }),
    ),
    defineHandler('channel.subscribe', '1', ChannelSubscribe, (e, ctx) =>
      log('info', tag(ctx.type), 'new subscriber', {
        broadcaster: e.broadcaster_user_id,
        user: e.user_id,
        tier: e.tier,
      }),
    ),
    defineHandler('channel.cheer', '1', ChannelCheer, (e, ctx) =>
      log('info', tag(ctx.type), 'cheer', {
        broadcaster: e.broadcaster_user_id,
        bits: e.bits,
        anonymous: e.is_anonymous,
      }),
    ),
    defineHandler('channel.raid', '1', ChannelRaid, (e, ctx) =>
      log('info', tag(ctx.type), 'raid', {
        from: e.from_broadcaster_user_id,
        to: e.to_broadcaster_user_id,
        viewers: e.viewers,
      }),
    ),
    defineHandler('channel.channel_points_custom_reward_redemption.add', '1', ChannelPointsRedemptionAdd, (e, ctx) =>
      log('info', tag(ctx.type), 'reward redeemed', {
        broadcaster: e.broadcaster_user_id,
        user: e.user_id,
        reward: e.reward.id,
      }),
    ),
    defineHandler('conduit.shard.disabled', '1', ConduitShardDisabled, (e, ctx) =>
      log('warn', tag(ctx.type), 'conduit shard disabled', {
        conduit: e.conduit_id,
        shard: e.shard_id,
        status: e.status,
      }),
    ),
  ],
  catchAll: (_payload, ctx, reason) =>
    log(reason.kind === 'unknown_type' ? 'info' : 'warn', tag(ctx.type), `no typed handler ran (${reason.kind})`, {
      version: ctx.version,
      message_id: ctx.messageId,
    }),
  revocation: (r, ctx) =>
    log('warn', tag(ctx.type), 'subscription revoked', { subscription: r.subscriptionId, status: r.status }),
};
