/**
 * @module The valid message every webhook fuzz case starts from: Twitch's header names (twitch-eventsub.md §3.2) and
 * a realistic `channel.follow` v2 notification over a few broadcasters, so accepted cases spread over the hubs.
 */
import type { Rng } from '../prng.ts';

export const header = {
  id: 'Twitch-Eventsub-Message-Id',
  timestamp: 'Twitch-Eventsub-Message-Timestamp',
  signature: 'Twitch-Eventsub-Message-Signature',
  type: 'Twitch-Eventsub-Message-Type',
} as const;

export interface Message {
  id: string;
  timestamp: string;
  type: string;
  body: Uint8Array;
}

export function validBody(rng: Rng): string {
  const broadcaster = String(rng.int(70_000_000, 70_000_015));
  return JSON.stringify({
    subscription: {
      id: `f1c2a387-161a-49f9-a165-${String(rng.int(0, 999_999)).padStart(12, '0')}`,
      status: 'enabled',
      type: 'channel.follow',
      version: '2',
      cost: 0,
      condition: { broadcaster_user_id: broadcaster, moderator_user_id: broadcaster },
      transport: { method: 'conduit', conduit_id: 'bfcfc993-26b1-b876-44d9-afe75a379dac' },
      created_at: '2026-11-01T00:00:00.000000000Z',
    },
    event: {
      user_id: String(rng.int(1, 99_999_999)),
      user_login: 'fuzz_user',
      user_name: 'Fuzz_User',
      broadcaster_user_id: broadcaster,
      broadcaster_user_login: 'fuzz_caster',
      broadcaster_user_name: 'Fuzz_Caster',
      followed_at: '2026-11-01T12:00:00.123456789Z',
    },
  });
}
