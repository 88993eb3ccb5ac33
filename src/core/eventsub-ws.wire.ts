/**
 * @module EventSub WebSocket frames on the wire (twitch-eventsub.md §6.2–6.3), snake_case as Twitch sends them, and
 * `parseFrame`, the one place a text frame becomes a domain `WsFrame`. Tolerant by design (§0): unknown fields pass,
 * enum-like fields stay strings, an unknown `message_type` is reported as `other`, not as invalid. Notification and
 * revocation payloads are the same objects a webhook carries (§5.1), so their schemas are shared with the webhook path.
 */
import { z } from 'zod';
import { notificationWire, revocationWire } from '../verify/webhook.wire.ts';
import { parseTwitchTime } from '../verify/twitch-time.ts';
import { routingKeyOf } from './routing-key.ts';
import type { FrameMeta, WsFrame, WsSession } from './eventsub-ws-types.ts';

/** §6.1: RFC3339 with up to nanoseconds; `Date.parse` is not trusted with more than 3 digits. */
const twitchTime = z.string().refine((s) => parseTwitchTime(s) !== null, 'not an RFC3339 timestamp');

export const metadataWire = z.looseObject({
  message_id: z.string().min(1),
  message_type: z.string().min(1),
  message_timestamp: twitchTime,
  subscription_type: z.string().min(1).optional(),
  subscription_version: z.string().min(1).optional(),
});

/** The payload is checked per message type: a keepalive's is `{}` and nothing reads it. */
export const frameWire = z.looseObject({ metadata: metadataWire, payload: z.unknown() });

/** `recovery_url` is undocumented but observed (§6.3): accepted, never required. */
export const sessionWire = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  connected_at: z.string().nullish(),
  keepalive_timeout_seconds: z.number().positive().nullish(),
  reconnect_url: z.string().nullish(),
  recovery_url: z.string().nullish(),
});

export const welcomePayloadWire = z.looseObject({ session: sessionWire });

/** §6.3: connect to `reconnect_url` unchanged, so it must at least be a WebSocket URL. */
export const reconnectPayloadWire = z.looseObject({
  session: sessionWire.extend({ reconnect_url: z.string().regex(/^wss?:\/\//i, 'not a ws:// or wss:// URL') }),
});

const invalid = (reason: string): WsFrame => ({ kind: 'invalid', reason });

/** Names the first offending field; zod's messages state types, never values, so no payload reaches a log. */
function schemaReason(label: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.join('.') : '(frame)';
  return `${label}: ${path}: ${issue?.message ?? 'invalid'}`;
}

function toSession(s: z.infer<typeof sessionWire>): WsSession {
  return {
    id: s.id,
    status: s.status,
    keepaliveTimeoutSeconds: s.keepalive_timeout_seconds ?? null,
    reconnectUrl: s.reconnect_url ?? null,
    connectedAt: s.connected_at ?? null,
  };
}

/** Never throws: anything malformed comes back as `{kind: 'invalid', reason}`. */
export function parseFrame(text: string): WsFrame {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return invalid('frame is not JSON');
  }
  const envelope = frameWire.safeParse(json);
  if (!envelope.success) return invalid(schemaReason('frame', envelope.error));
  const { metadata, payload } = envelope.data;
  const meta: FrameMeta = { messageId: metadata.message_id, sentAt: metadata.message_timestamp };
  const type = metadata.message_type;

  switch (type) {
    case 'session_keepalive':
      return { kind: 'keepalive', meta };
    case 'session_welcome': {
      const p = welcomePayloadWire.safeParse(payload);
      if (!p.success) return invalid(schemaReason(type, p.error));
      return { kind: 'welcome', meta, session: toSession(p.data.session) };
    }
    case 'session_reconnect': {
      const p = reconnectPayloadWire.safeParse(payload);
      if (!p.success) return invalid(schemaReason(type, p.error));
      return {
        kind: 'reconnect',
        meta,
        session: { ...toSession(p.data.session), reconnectUrl: p.data.session.reconnect_url },
      };
    }
    case 'notification':
    case 'revocation': {
      const p = (type === 'notification' ? notificationWire : revocationWire).safeParse(payload);
      if (!p.success) return invalid(schemaReason(type, p.error));
      const sub = p.data.subscription;
      return {
        kind: type,
        meta,
        // §6.2 puts type and version in the metadata; the payload's own copy covers a frame that omits them.
        subscriptionType: metadata.subscription_type ?? sub.type,
        subscriptionVersion: metadata.subscription_version ?? sub.version,
        subscriptionId: sub.id,
        routingKey: routingKeyOf(p.data),
        // Re-serialized from the parsed JSON (the raw frame also holds the metadata): same content, not same bytes.
        payload: JSON.stringify(payload),
      };
    }
    default:
      return { kind: 'other', meta, messageType: type };
  }
}
