/**
 * @module The frames a `GET /events` socket carries (design.md §5: "each frame is one JSON event with its cursor"),
 * in the snake_case of the JSON surface, shared by the ConsumerHub that writes them and the client in `client/`.
 * Every frame has `cursor`, the composite resume position (consumer-cursor.ts): pass the last one received as
 * `?since=` and the stream continues after it, with no gap and no duplicate.
 */
import type { ConsumerFilter } from './consumer-filter.ts';
import type { RecordedEvent } from './event-envelope.ts';

export interface EventFrame {
  frame: 'event';
  cursor: string;
  /** The event's own position: hub index and sequence in that hub (increasing per broadcaster). */
  hub: number;
  seq: number;
  message_id: string;
  kind: 'notification' | 'revocation';
  type: string;
  version: string;
  subscription_id: string;
  /** The routing key: the broadcaster the event is about (or the fallback of routing-key.ts). */
  broadcaster: string;
  sent_at: string;
  received_at: string;
  /** Sent by a replay (`?since=`) rather than live. */
  replayed: boolean;
  /** Twitch's `{subscription, event}` (or `{subscription}` for a revocation). */
  payload: unknown;
}

/** Why a replay could not start exactly at the requested cursor. */
export type ReplayGap = 'retention' | 'hub_count' | 'cursor_ahead';

/** Always the first frame. */
export interface WelcomeFrame {
  frame: 'welcome';
  cursor: string;
  filters: ConsumerFilter;
  /** null without `?since=`. */
  replay: {
    /** Some events after the requested cursor are gone: the replay starts at the oldest kept (hubs listed). */
    truncated: boolean;
    reason: ReplayGap | null;
    hubs: number[];
  } | null;
}

/** Replay done (or nothing to replay): live events follow. */
export interface LiveFrame {
  frame: 'live';
  cursor: string;
  replayed: number;
}

/** Sent just before the server closes the socket itself (for example 4008, too slow). */
export interface ClosingFrame {
  frame: 'closing';
  cursor: string;
  code: number;
  reason: string;
}

export type ConsumerFrame = EventFrame | WelcomeFrame | LiveFrame | ClosingFrame;

/** Application close code: the consumer fell too far behind (4000–4999 are the application's, RFC 6455 §7.4.2). */
export const CLOSE_TOO_SLOW = 4008;
/** The replay in progress was lost (the object restarted); resume from the last cursor. */
export const CLOSE_RESTART = 1012;
/** RFC 6455 §5.5: a control frame's payload is at most 125 bytes, 2 of them the code. */
export const MAX_CLOSE_REASON_BYTES = 123;

/** "consumer too slow; resume with ?since=<cursor>", or a pointer to the last frame when the cursor is too long. */
export function tooSlowReason(cursor: string): string {
  const full = `consumer too slow; resume with ?since=${cursor}`;
  return new TextEncoder().encode(full).length <= MAX_CLOSE_REASON_BYTES
    ? full
    : 'consumer too slow; resume with ?since=<cursor of the last frame>';
}

/**
 * The event part of a frame, serialized once per event and shared by every socket it goes to; `eventFrameText`
 * puts each socket's cursor in front. The payload is parsed so that the frame is one JSON document.
 */
export function eventTail(hub: number, e: RecordedEvent, replayed: boolean): string {
  let payload: unknown;
  try {
    payload = JSON.parse(e.body);
  } catch {
    payload = null;
  }
  const rest: Omit<EventFrame, 'frame' | 'cursor'> = {
    hub,
    seq: e.cursor,
    message_id: e.messageId,
    kind: e.kind,
    type: e.type,
    version: e.version,
    subscription_id: e.subscriptionId,
    broadcaster: e.routingKey,
    sent_at: e.sentAt,
    received_at: new Date(e.receivedAt).toISOString(),
    replayed,
    payload,
  };
  return JSON.stringify(rest);
}

export function eventFrameText(cursor: string, tail: string): string {
  return `{"frame":"event","cursor":${JSON.stringify(cursor)},${tail.slice(1)}`;
}

export function frameText(frame: WelcomeFrame | LiveFrame | ClosingFrame): string {
  return JSON.stringify(frame);
}
