/** @module EventSub WebSocket frames for notifications and revocations (twitch-eventsub.md §6.2, §6.3). */
import type { Subscription } from './state.ts';

export interface MessageFrame {
  metadata: {
    message_id: string;
    message_type: 'notification' | 'revocation';
    message_timestamp: string;
    subscription_type: string;
    subscription_version: string;
  };
  payload: Record<string, unknown>;
}

/** `payload` is the same `{subscription, event}` / `{subscription, events}` / `{subscription}` a webhook gets. */
export function messageFrame(
  type: MessageFrame['metadata']['message_type'],
  messageId: string,
  timestamp: string,
  sub: Subscription,
  payload: Record<string, unknown>,
): MessageFrame {
  return {
    metadata: {
      message_id: messageId,
      message_type: type,
      message_timestamp: timestamp,
      subscription_type: sub.type,
      subscription_version: sub.version,
    },
    payload,
  };
}
