/**
 * @module Builders for the server-sent EventSub WebSocket messages (twitch-eventsub.md §6.2–6.3). Field order
 * follows Twitch's examples so captured frames read the same.
 */
import type { SimClock } from '../clock.ts';
import { uuid } from '../ids.ts';
import type { Session } from '../state.ts';

export interface Metadata {
  message_id: string;
  message_type: string;
  message_timestamp: string;
}

export interface Frame<P = Record<string, unknown>> {
  metadata: Metadata;
  payload: P;
}

export function metadata(clock: SimClock, type: string): Metadata {
  return { message_id: uuid(), message_type: type, message_timestamp: clock.rfc3339() };
}

export function welcomeFrame(clock: SimClock, session: Session): Frame {
  return {
    metadata: metadata(clock, 'session_welcome'),
    payload: {
      session: {
        id: session.id,
        status: 'connected',
        connected_at: session.connectedAt,
        keepalive_timeout_seconds: session.keepaliveSeconds,
        reconnect_url: null,
        // Undocumented but observed on real session objects (§0, §6.3).
        recovery_url: null,
      },
    },
  };
}

export function keepaliveFrame(clock: SimClock): Frame {
  return { metadata: metadata(clock, 'session_keepalive'), payload: {} };
}

/** §6.3: same id, `reconnecting`, no keepalive, the original `connected_at`. */
export function reconnectFrame(clock: SimClock, session: Session, reconnectUrl: string): Frame {
  return {
    metadata: metadata(clock, 'session_reconnect'),
    payload: {
      session: {
        id: session.id,
        status: 'reconnecting',
        keepalive_timeout_seconds: null,
        reconnect_url: reconnectUrl,
        connected_at: session.connectedAt,
        // Sim choice: the session object keeps the observed `recovery_url` field here too.
        recovery_url: null,
      },
    },
  };
}

/** `ws://host:port/ws?challenge=<token>&id=<session>`, the shape pyTwitchAPI logged from production (§6.3). */
export function reconnectUrl(baseUrl: string, challenge: string, sessionId: string): string {
  const params = new URLSearchParams({ challenge, id: sessionId });
  return `${baseUrl.replace(/^http/, 'ws')}/ws?${params.toString()}`;
}
