/**
 * The example handlers' event schemas (src/handlers/events.wire.ts) accept what the simulator sends for each type
 * (sim/payloads.ts follows Twitch's EventSub reference), keep unknown fields, and name the field that is wrong.
 */
import { describe, expect, it } from 'vitest';
import * as wire from '../../src/handlers/events.wire.ts';
import { SimClock } from '../../sim/clock.ts';
import { buildEvent } from '../../sim/payloads.ts';

const CASES = [
  ['stream.online', '1', wire.StreamOnline, { broadcaster_user_id: '141981764' }],
  ['stream.offline', '1', wire.StreamOffline, { broadcaster_user_id: '141981764' }],
  ['channel.follow', '2', wire.ChannelFollowV2, { broadcaster_user_id: '141981764', moderator_user_id: '141981764' }],
  ['channel.chat.message', '1', wire.ChannelChatMessage, { broadcaster_user_id: '141981764', user_id: '1' }],
  ['channel.subscribe', '1', wire.ChannelSubscribe, { broadcaster_user_id: '141981764' }],
  ['channel.cheer', '1', wire.ChannelCheer, { broadcaster_user_id: '141981764' }],
  ['channel.raid', '1', wire.ChannelRaid, { to_broadcaster_user_id: '141981764' }],
  [
    'channel.channel_points_custom_reward_redemption.add',
    '1',
    wire.ChannelPointsRedemptionAdd,
    { broadcaster_user_id: '141981764' },
  ],
  ['conduit.shard.disabled', '1', wire.ConduitShardDisabled, { client_id: 'sim-client-id' }],
] as const;

describe('handler event schemas', () => {
  it.each(CASES)('%s v%s accepts the simulator’s event', (type, version, schema, condition) => {
    const event = buildEvent(type, version, { ...condition }, new SimClock());
    const parsed = schema.safeParse(event);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('keeps fields Twitch adds later', () => {
    const event = { ...buildEvent('channel.follow', '2', { broadcaster_user_id: '1' }, new SimClock()), extra: 1 };
    expect(wire.ChannelFollowV2.parse(event)).toMatchObject({ extra: 1 });
  });

  it('accepts an anonymous cheer (null user fields)', () => {
    const event = { ...buildEvent('channel.cheer', '1', { broadcaster_user_id: '1' }, new SimClock()) };
    Object.assign(event, { is_anonymous: true, user_id: null, user_login: null, user_name: null });
    expect(wire.ChannelCheer.safeParse(event).success).toBe(true);
  });

  it('names the missing or mistyped field', () => {
    const event = buildEvent('channel.raid', '1', { to_broadcaster_user_id: '1' }, new SimClock());
    const bad = wire.ChannelRaid.safeParse({ ...event, viewers: '42' });
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['viewers']);
  });
});
