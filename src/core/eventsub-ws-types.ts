/**
 * @module EventSub WebSocket frames in domain form (twitch-eventsub.md §6.2–6.3), what `parseFrame` in
 * `eventsub-ws.wire.ts` turns Twitch's text frames into. camelCase, only what the socket machine reads.
 */

export interface FrameMeta {
  /** `metadata.message_id`: the de-duplication key (a resend keeps it, §6.2). */
  messageId: string;
  /** `metadata.message_timestamp` as sent (RFC3339, up to 9 fractional digits, §6.1). */
  sentAt: string;
}

export interface WsSession {
  id: string;
  /** `connected`, `reconnecting`, … kept as a string: Twitch adds values without notice (§0). */
  status: string;
  /** Null on `session_reconnect` (§6.3). */
  keepaliveTimeoutSeconds: number | null;
  reconnectUrl: string | null;
  connectedAt: string | null;
}

export interface WsMessage {
  subscriptionType: string;
  subscriptionVersion: string;
  subscriptionId: string;
  /** Computed with `routingKeyOf` from the payload, like the webhook path (design.md §2). */
  routingKey: string;
  /** `{subscription, event}` / `{subscription, events}` / `{subscription}` re-serialized from the frame's payload. */
  payload: string;
}

export type WsFrame =
  | { kind: 'welcome'; meta: FrameMeta; session: WsSession }
  | { kind: 'keepalive'; meta: FrameMeta }
  | { kind: 'reconnect'; meta: FrameMeta; session: WsSession & { reconnectUrl: string } }
  | ({ kind: 'notification' | 'revocation'; meta: FrameMeta } & WsMessage)
  /** A well-formed frame of a `message_type` this code does not know: Twitch may add some (§0). */
  | { kind: 'other'; meta: FrameMeta; messageType: string }
  | { kind: 'invalid'; reason: string };
