/** @module Webhook message signing and headers (twitch-eventsub.md §3.2, §3.3). */
import { createHmac } from 'node:crypto';
import type { WebhookMessageType } from '../context.ts';

/** `sha256=` + lowercase hex HMAC-SHA256(secret, messageId + timestamp + rawBody), with no separators (§3.3). */
export function signMessage(
  secret: string,
  messageId: string,
  timestamp: string,
  rawBody: string | Uint8Array,
): string {
  const mac = createHmac('sha256', secret)
    .update(messageId + timestamp)
    .update(rawBody)
    .digest('hex');
  return `sha256=${mac}`;
}

export interface SignedHeaderInput {
  secret: string;
  messageId: string;
  type: WebhookMessageType;
  /** The exact string that is signed; it goes into the header unchanged (§3.3: never re-format it). */
  timestamp: string;
  retry: number;
  body: string;
  /** Omitted for conduit-shard challenges, which have no subscription. */
  subscription?: { type: string; version: string };
}

export function signedHeaders(input: SignedHeaderInput): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Twitch-Eventsub-Message-Id': input.messageId,
    'Twitch-Eventsub-Message-Retry': String(input.retry),
    'Twitch-Eventsub-Message-Type': input.type,
    'Twitch-Eventsub-Message-Signature': signMessage(input.secret, input.messageId, input.timestamp, input.body),
    'Twitch-Eventsub-Message-Timestamp': input.timestamp,
  };
  if (input.subscription) {
    headers['Twitch-Eventsub-Subscription-Type'] = input.subscription.type;
    headers['Twitch-Eventsub-Subscription-Version'] = input.subscription.version;
  }
  return headers;
}
