/**
 * @module Signed webhook requests for `checkWebhook` tests, built with node:crypto independently of src/verify
 * (twitch-eventsub.md §3.3: HMAC-SHA256 over message id + timestamp + raw body).
 */
import { createHmac } from 'node:crypto';
import type { WebhookInput } from '../../src/verify/webhook.ts';

export const encode = (s: string): Uint8Array => new TextEncoder().encode(s);

export function twitchSignature(secret: string, messageId: string, timestamp: string, body: Uint8Array): string {
  const mac = createHmac('sha256', secret)
    .update(messageId + timestamp)
    .update(body)
    .digest('hex');
  return `sha256=${mac}`;
}

export interface RequestSpec {
  /** Signs with this secret unless `signature` is given. */
  secret: string;
  messageId: string;
  timestamp: string;
  type: string;
  body: string | Uint8Array;
  signature?: string;
  /** Extra headers (e.g. Twitch-Eventsub-Subscription-Type) or overrides; `null` removes a header. */
  headers?: Record<string, string | null>;
  now: number;
  /** Defaults to `[secret]`. */
  secrets?: string[];
  endpoint?: string;
}

export function webhookInput(spec: RequestSpec): WebhookInput {
  const body = typeof spec.body === 'string' ? encode(spec.body) : spec.body;
  const headers = new Headers({
    'Content-Type': 'application/json',
    'Twitch-Eventsub-Message-Id': spec.messageId,
    'Twitch-Eventsub-Message-Retry': '0',
    'Twitch-Eventsub-Message-Type': spec.type,
    'Twitch-Eventsub-Message-Signature':
      spec.signature ?? twitchSignature(spec.secret, spec.messageId, spec.timestamp, body),
    'Twitch-Eventsub-Message-Timestamp': spec.timestamp,
  });
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  return { headers, body, now: spec.now, secrets: spec.secrets ?? [spec.secret], endpoint: spec.endpoint ?? 'default' };
}

/** Epoch ms of an RFC3339 timestamp, fraction truncated to ms, via `Date.parse` on a 3-digit form. */
export function epochMs(timestamp: string): number {
  const ms = Date.parse(timestamp.replace(/(\.\d{1,3})\d*/, '$1'));
  if (Number.isNaN(ms)) throw new Error(`not a timestamp: ${timestamp}`);
  return ms;
}
