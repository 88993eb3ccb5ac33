/**
 * @module The one load generator every ingest target gets (issue #8: same generator, same payloads): a fixed set
 * of realistic `channel.follow` v2 notifications over many broadcasters (so load spreads over the hubs), each sent
 * with a fresh message id, the current timestamp and its own signature (twitch-eventsub.md §3.3: HMAC-SHA256 over
 * id + timestamp + raw body), as Twitch would send them.
 */
import { createHmac, randomUUID } from 'node:crypto';

/** Distinct broadcasters in the payload set: many more than HUB_COUNT, so every hub gets traffic. */
export const BROADCASTERS = 64;

function body(index: number): string {
  const broadcaster = String(90_000_000 + index);
  return JSON.stringify({
    subscription: {
      id: `5d3a7b10-0000-4000-8000-${String(index).padStart(12, '0')}`,
      status: 'enabled',
      type: 'channel.follow',
      version: '2',
      cost: 0,
      condition: { broadcaster_user_id: broadcaster, moderator_user_id: broadcaster },
      transport: { method: 'conduit', conduit_id: 'bfcfc993-26b1-b876-44d9-afe75a379dac' },
      created_at: '2026-11-01T00:00:00.000000000Z',
    },
    event: {
      user_id: String(91_000_000 + index),
      user_login: `follower_${index}`,
      user_name: `Follower_${index}`,
      broadcaster_user_id: broadcaster,
      broadcaster_user_login: `streamer_${index}`,
      broadcaster_user_name: `Streamer_${index}`,
      followed_at: '2026-11-01T12:00:00.123456789Z',
    },
  });
}

export const BODIES: readonly string[] = Array.from({ length: BROADCASTERS }, (_, i) => body(i));

export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

/** Signs requests for one secret; `next()` cycles through the payload set. */
export function createSigner(secret: string): { next(): SignedRequest; sign(body: string): SignedRequest } {
  let i = 0;
  const sign = (payload: string): SignedRequest => {
    const id = randomUUID();
    const timestamp = new Date().toISOString();
    const mac = createHmac('sha256', secret)
      .update(id + timestamp)
      .update(payload)
      .digest('hex');
    return {
      body: payload,
      headers: {
        'content-type': 'application/json',
        'twitch-eventsub-message-id': id,
        'twitch-eventsub-message-retry': '0',
        'twitch-eventsub-message-type': 'notification',
        'twitch-eventsub-message-timestamp': timestamp,
        'twitch-eventsub-message-signature': `sha256=${mac}`,
        'twitch-eventsub-subscription-type': 'channel.follow',
        'twitch-eventsub-subscription-version': '2',
      },
    };
  };
  return { sign, next: () => sign(BODIES[i++ % BODIES.length] as string) };
}
