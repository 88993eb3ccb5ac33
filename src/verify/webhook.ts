/**
 * @module The checks of `POST /webhooks/:endpoint` (design.md §5, contract) as one pure function: size, headers,
 * signature over the raw bytes, freshness, then JSON and the message schema (twitch-eventsub.md §3.2–3.5). The
 * route only reads the request, calls it and answers with the verdict.
 */
import type { z } from 'zod';
import type { InboundMessage } from '../core/ingest-types.ts';
import { routingKeyOf } from '../core/routing-key.ts';
import { verify } from './signature.ts';
import { parseTwitchTime } from './twitch-time.ts';
import { challengeWire, notificationWire, revocationWire } from './webhook.wire.ts';

export { parseTwitchTime };

export const MAX_BODY_BYTES = 1024 * 1024;
/** Replay window (§3.5, design.md §5): older than this is refused. */
export const MAX_MESSAGE_AGE_MS = 10 * 60_000;
/** Allowed clock skew the other way (design.md §5). */
export const MAX_FUTURE_SKEW_MS = 60_000;

/** Lower-case: `Headers.get` ignores case, and plain header maps (Node) are lower-case. */
export const WEBHOOK_HEADERS = {
  id: 'twitch-eventsub-message-id',
  timestamp: 'twitch-eventsub-message-timestamp',
  signature: 'twitch-eventsub-message-signature',
  type: 'twitch-eventsub-message-type',
} as const;

export interface WebhookInput {
  headers: { get(name: string): string | null };
  body: Uint8Array;
  now: number;
  /** The endpoint's secret first, then the one derived from EVENTSUB_SECRET_PREVIOUS during a rotation (§4). */
  secrets: readonly string[];
  endpoint: string;
}

export type WebhookRejection = { ok: false; status: 400 | 403 | 413; reason: string };
export type WebhookVerdict =
  | WebhookRejection
  | { ok: true; kind: 'challenge'; challenge: string }
  | { ok: true; kind: 'notification' | 'revocation'; message: InboundMessage };

const reject = (status: WebhookRejection['status'], reason: string): WebhookRejection => ({
  ok: false,
  status,
  reason,
});

/** Names the first offending field; zod's messages state types, never values, so no payload leaks into logs. */
function schemaReason(label: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.join('.') : '(body)';
  return `${label} body: ${path}: ${issue?.message ?? 'invalid'}`;
}

/** Reasons never include header values or the body: the signature is secret-derived and bodies are user data. */
export async function checkWebhook(input: WebhookInput): Promise<WebhookVerdict> {
  const { headers, body, now, secrets, endpoint } = input;
  if (body.byteLength > MAX_BODY_BYTES) return reject(413, `body over ${MAX_BODY_BYTES} bytes`);

  const messageId = headers.get(WEBHOOK_HEADERS.id);
  const timestamp = headers.get(WEBHOOK_HEADERS.timestamp);
  const signature = headers.get(WEBHOOK_HEADERS.signature);
  const type = headers.get(WEBHOOK_HEADERS.type);
  // Subscription-Type/-Version are never required: a conduit shard challenge may come without them (§3.2).
  if (!messageId) return reject(403, `missing header ${WEBHOOK_HEADERS.id}`);
  if (!timestamp) return reject(403, `missing header ${WEBHOOK_HEADERS.timestamp}`);
  if (!signature) return reject(403, `missing header ${WEBHOOK_HEADERS.signature}`);
  if (!type) return reject(403, `missing header ${WEBHOOK_HEADERS.type}`);

  // Over the raw header strings and raw bytes, before parsing anything (§3.3, design.md §5).
  let signed = false;
  for (const secret of secrets) {
    if (await verify(secret, messageId, timestamp, body, signature)) {
      signed = true;
      break;
    }
  }
  if (!signed) return reject(403, 'signature does not match');

  const sentAtMs = parseTwitchTime(timestamp);
  if (sentAtMs === null) return reject(403, 'timestamp is not RFC3339');
  if (now - sentAtMs > MAX_MESSAGE_AGE_MS) return reject(403, 'timestamp older than 10 minutes');
  if (sentAtMs - now > MAX_FUTURE_SKEW_MS) return reject(403, 'timestamp more than 1 minute in the future');

  let text: string;
  let json: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body);
    json = JSON.parse(text);
  } catch {
    return reject(400, 'body is not UTF-8 JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return reject(400, 'body is not a JSON object');

  if (type === 'webhook_callback_verification') {
    const parsed = challengeWire.safeParse(json);
    if (!parsed.success) return reject(400, schemaReason('challenge', parsed.error));
    return { ok: true, kind: 'challenge', challenge: parsed.data.challenge };
  }
  if (type !== 'notification' && type !== 'revocation') return reject(400, 'unknown message type');

  const parsed = (type === 'notification' ? notificationWire : revocationWire).safeParse(json);
  if (!parsed.success) return reject(400, schemaReason(type, parsed.error));
  const { subscription } = parsed.data;
  return {
    ok: true,
    kind: type,
    message: {
      messageId,
      kind: type,
      subscriptionId: subscription.id,
      subscriptionType: subscription.type,
      subscriptionVersion: subscription.version,
      sentAt: timestamp,
      routingKey: routingKeyOf(parsed.data),
      via: { transport: 'webhook', endpoint },
      body: text,
    },
  };
}
