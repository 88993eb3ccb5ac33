/** @module EventSub WebSocket text frames as Twitch sends them (twitch-eventsub.md §6.3), for the pure-core tests. */

let seq = 0;
const nextId = (): string => `msg-${++seq}`;

/** RFC3339 with 9 fractional digits, like Twitch (§6.1). */
export const twitchTimestamp = (ms = Date.UTC(2026, 0, 2, 3, 4, 5, 678)): string =>
  new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1123456Z');

const meta = (type: string, extra: Record<string, string> = {}, messageId = nextId()) => ({
  message_id: messageId,
  message_type: type,
  message_timestamp: twitchTimestamp(),
  ...extra,
});

export function welcomeText(sessionId: string, keepalive: number | null = 10): string {
  return JSON.stringify({
    metadata: meta('session_welcome'),
    payload: {
      session: {
        id: sessionId,
        status: 'connected',
        connected_at: twitchTimestamp(),
        keepalive_timeout_seconds: keepalive,
        reconnect_url: null,
        recovery_url: null,
      },
    },
  });
}

export function keepaliveText(): string {
  return JSON.stringify({ metadata: meta('session_keepalive'), payload: {} });
}

export function reconnectText(sessionId: string, url: string): string {
  return JSON.stringify({
    metadata: meta('session_reconnect'),
    payload: {
      session: {
        id: sessionId,
        status: 'reconnecting',
        keepalive_timeout_seconds: null,
        reconnect_url: url,
        connected_at: twitchTimestamp(),
        recovery_url: null,
      },
    },
  });
}

export interface MessageOptions {
  messageId?: string;
  broadcaster?: string;
  subscriptionId?: string;
  type?: string;
  version?: string;
}

function subscription(o: MessageOptions, status: string) {
  return {
    id: o.subscriptionId ?? 'sub-1',
    status,
    type: o.type ?? 'channel.follow',
    version: o.version ?? '2',
    condition: { broadcaster_user_id: o.broadcaster ?? '1001', moderator_user_id: o.broadcaster ?? '1001' },
    transport: { method: 'conduit', conduit_id: 'conduit-1' },
    created_at: twitchTimestamp(),
    cost: 0,
  };
}

export function notificationText(o: MessageOptions = {}): string {
  return JSON.stringify({
    metadata: meta(
      'notification',
      { subscription_type: o.type ?? 'channel.follow', subscription_version: o.version ?? '2' },
      o.messageId,
    ),
    payload: {
      subscription: subscription(o, 'enabled'),
      event: { user_id: '42', user_login: 'viewer', broadcaster_user_id: o.broadcaster ?? '1001' },
    },
  });
}

export function revocationText(o: MessageOptions = {}): string {
  return JSON.stringify({
    metadata: meta(
      'revocation',
      { subscription_type: o.type ?? 'channel.follow', subscription_version: o.version ?? '2' },
      o.messageId,
    ),
    payload: { subscription: subscription(o, 'authorization_revoked') },
  });
}
