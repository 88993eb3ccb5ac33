/**
 * @module Realistic event bodies per subscription type, with the field names of Twitch's EventSub reference
 * (dev.twitch.tv/docs/eventsub/eventsub-reference), and the demo broadcasters used by `--demo`.
 */
import type { SimClock } from './clock.ts';
import { uuid } from './ids.ts';

export interface DemoUser {
  id: string;
  login: string;
  name: string;
}

export const DEMO_BROADCASTERS: readonly DemoUser[] = [
  { id: '141981764', login: 'twitchdev', name: 'TwitchDev' },
  { id: '12826', login: 'twitch', name: 'Twitch' },
  { id: '90000001', login: 'sim_aurora', name: 'Sim_Aurora' },
  { id: '90000002', login: 'sim_basalt', name: 'Sim_Basalt' },
];

const VIEWERS: readonly DemoUser[] = [
  { id: '90100001', login: 'cool_viewer', name: 'Cool_Viewer' },
  { id: '90100002', login: 'lurker_supreme', name: 'Lurker_Supreme' },
  { id: '90100003', login: 'pog_enjoyer', name: 'Pog_Enjoyer' },
];

/** A known demo user for the id, else a plausible login and display name derived from it. */
export function userFor(id: string): DemoUser {
  return [...DEMO_BROADCASTERS, ...VIEWERS].find((u) => u.id === id) ?? { id, login: `user_${id}`, name: `User_${id}` };
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;

/** `{prefix}_id`, `{prefix}_login`, `{prefix}_name`, e.g. broadcaster_user_id/_login/_name. */
function named(prefix: string, u: DemoUser): Record<string, string> {
  return { [`${prefix}_id`]: u.id, [`${prefix}_login`]: u.login, [`${prefix}_name`]: u.name };
}

interface Ctx {
  condition: Record<string, string>;
  version: string;
  now: string;
  broadcaster: Record<string, string>;
  viewer: DemoUser;
}

const BUILDERS: Record<string, (c: Ctx) => Record<string, unknown>> = {
  'stream.online': (c) => ({
    id: String(40_000_000_000 + Math.floor(Math.random() * 1e9)),
    ...c.broadcaster,
    type: 'live',
    started_at: c.now,
  }),
  'stream.offline': (c) => ({ ...c.broadcaster }),
  'channel.update': (c) => ({
    ...c.broadcaster,
    title: 'Building an EventSub conduit, live',
    language: 'en',
    category_id: '509670',
    category_name: 'Science & Technology',
    ...(c.version === '1' ? { is_mature: false } : { content_classification_labels: [] }),
  }),
  'channel.follow': (c) => ({ ...named('user', c.viewer), ...c.broadcaster, followed_at: c.now }),
  'channel.chat.message': (c) => {
    const text = 'hello from the simulator';
    return {
      ...c.broadcaster,
      ...named('chatter_user', c.viewer),
      message_id: uuid(),
      message: { text, fragments: [{ type: 'text', text, cheermote: null, emote: null, mention: null }] },
      color: '#1E90FF',
      badges: [{ set_id: 'subscriber', id: '12', info: '16' }],
      message_type: 'text',
      cheer: null,
      reply: null,
      channel_points_custom_reward_id: null,
      source_broadcaster_user_id: null,
      source_broadcaster_user_login: null,
      source_broadcaster_user_name: null,
      source_message_id: null,
      source_badges: null,
    };
  },
  'channel.subscribe': (c) => ({ ...named('user', c.viewer), ...c.broadcaster, tier: '1000', is_gift: false }),
  'channel.cheer': (c) => ({
    is_anonymous: false,
    ...named('user', c.viewer),
    ...c.broadcaster,
    message: 'Cheer100 great stream!',
    bits: 100,
  }),
  'channel.raid': (c) => {
    const from = userFor(c.condition.from_broadcaster_user_id ?? pick(VIEWERS).id);
    const to = userFor(c.condition.to_broadcaster_user_id ?? (DEMO_BROADCASTERS[0] as DemoUser).id);
    return { ...named('from_broadcaster_user', from), ...named('to_broadcaster_user', to), viewers: 42 };
  },
  'channel.channel_points_custom_reward_redemption.add': (c) => ({
    id: uuid(),
    ...c.broadcaster,
    ...named('user', c.viewer),
    user_input: '',
    status: 'unfulfilled',
    reward: {
      id: c.condition.reward_id ?? uuid(),
      title: 'Hydrate!',
      cost: 100,
      prompt: 'Make the streamer drink water',
    },
    redeemed_at: c.now,
  }),
  'user.update': (c) => {
    const u = userFor(c.condition.user_id ?? c.viewer.id);
    return { ...named('user', u), email: `${u.login}@example.com`, email_verified: true, description: 'Just vibing.' };
  },
  'conduit.shard.disabled': (c) => ({
    conduit_id: c.condition.conduit_id ?? uuid(),
    shard_id: '0',
    status: 'websocket_disconnected',
    transport: { method: 'websocket', session_id: 'AQoQexample', connected_at: c.now, disconnected_at: c.now },
  }),
};

/** Fallback for other types: the condition's ids, with login and name next to every `*_user_id`. */
function generic(condition: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(condition)) {
    if (key.endsWith('_user_id')) Object.assign(out, named(key.slice(0, -3), userFor(value)));
    else out[key] = value;
  }
  return out;
}

/** An event for a subscription of `type`/`version` whose condition is `condition` (empty values are ignored). */
export function buildEvent(
  type: string,
  version: string,
  condition: Record<string, string>,
  clock: SimClock,
): Record<string, unknown> {
  const cond = Object.fromEntries(Object.entries(condition).filter(([, v]) => v !== ''));
  const builder = BUILDERS[type];
  if (!builder) return generic(cond);
  const broadcasterId =
    cond.broadcaster_user_id ?? cond.to_broadcaster_user_id ?? (DEMO_BROADCASTERS[0] as DemoUser).id;
  return builder({
    condition: cond,
    version,
    now: clock.rfc3339(),
    broadcaster: named('broadcaster_user', userFor(broadcasterId)),
    viewer: pick(VIEWERS),
  });
}
