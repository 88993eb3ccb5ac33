/**
 * @module Inputs, effects, configuration and state of the EventSub WebSocket shard machine (socket-machine.ts;
 * design.md §7, twitch-eventsub.md §5.3, §6). Everything here is plain JSON data, so a state survives
 * `JSON.parse(JSON.stringify(state))` and a fresh instance can be rebuilt from the persisted part.
 */
import type { BackoffOptions } from './backoff.ts';
import type { InboundMessage } from './ingest-types.ts';

/** Names one connection. The machine allocates it in the `open` effect; the glue tags that socket's events with it. */
export type SocketId = number;

export type Input =
  /** Desired state becomes "connected" (idempotent). */
  | { type: 'start' }
  /** Desired state becomes "stopped": close everything, no more alarms. */
  | { type: 'stop' }
  | { type: 'opened'; socket: SocketId }
  /** A text frame. Binary frames never reach the machine: the glue decodes or drops them. */
  | { type: 'frame'; socket: SocketId; text: string }
  | { type: 'closed'; socket: SocketId; code: number; reason: string }
  | { type: 'open_failed'; socket: SocketId; error: string }
  /**
   * An in-memory timer (`alarm` absent) or the DO alarm (`alarm: true`) fired: every deadline is checked here and
   * only here. `alarm: true` tells the machine the armed alarm is spent, so it always arms the next one.
   */
  | { type: 'tick'; alarm?: boolean }
  /** The controller PATCHed the shard to this session (answer to an `assign` effect). */
  | { type: 'assigned'; sessionId: string }
  | { type: 'assign_failed'; sessionId: string; error: string }
  /**
   * Move the shard to a new socket without a gap (design.md §7, conduit-notes.md "HandOver a socket"): a successor
   * opened on the base URL gets a new session, whose assign (carrying `method`) must succeed before the primary is
   * retired. Refused (logged, no effect) unless the primary is live and assigned and nothing else is pending.
   */
  | { type: 'handover'; method: HandoverMethod };

/** `reassign`: PATCH the shards to the new session; `swap`: grow, swap old and new in one PATCH, shrink. */
export type HandoverMethod = 'reassign' | 'swap';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Carry them out in order. */
export type Effect =
  /** Open a WebSocket to `url` (fresh: the base URL; Twitch-requested: `reconnect_url` unchanged, §6.3). */
  | { type: 'open'; socket: SocketId; url: string }
  /** Client close codes are 1000 or 3000-range: 4000–4999 are what Twitch sends (§6.4). */
  | { type: 'close'; socket: SocketId; code: number; reason: string }
  /**
   * Ask the controller to PATCH the shard to this session, now: Twitch closes with 4003 after 10 s (§5.3). With
   * `handover`, the session is a handover successor's and the controller moves the shards with that method.
   */
  | { type: 'assign'; sessionId: string; handover?: HandoverMethod }
  | { type: 'ingest'; messages: InboundMessage[] }
  /** Arm the DO alarm (replaces any earlier one: one alarm per DO, cloudflare.md §1.6). */
  | { type: 'setAlarm'; at: number }
  | { type: 'clearAlarm' }
  /** Save `data`; a fresh instance is rebuilt with `initialState(config, data)`. */
  | { type: 'persist'; data: Persisted }
  | { type: 'log'; level: LogLevel; message: string };

export interface SocketConfig {
  /** TWITCH_EVENTSUB_WS_URL: where fresh connections go (never a stale `reconnect_url`, §6.3). */
  baseUrl: string;
  /** The websocket endpoint's name: `InboundMessage.via.endpoint`. */
  endpoint: string;
  /** Sent as `?keepalive_timeout_seconds=N` (10..600, §6.1); omitted means Twitch's default of 10. */
  keepaliveTimeoutSeconds?: number | null;
  timings?: Partial<Timings>;
}

export interface Timings {
  /** The alarm is never further away than this while connected is desired (cloudflare.md §1.2, §1.6). */
  heartbeatMs: number;
  /** From the `open` effect to the welcome; the glue may hang in the handshake. */
  connectTimeoutMs: number;
  /** After `assign_failed`: the whole retry run must fit Twitch's 10 s window (§5.3). */
  assignRetryMs: number;
  /** Assign requests per session, the first included; past this the socket is dropped and reopened. */
  maxAssignAttempts: number;
  /** Wait after 4003 (connection unused) instead of the backoff. */
  unusedPauseMs: number;
  /** How long a closed-by-us socket's late notifications are still ingested. */
  drainMs: number;
  backoff: BackoffOptions;
}

/**
 * Must be persisted (the `persist` effect carries it) and handed back to `initialState` after an eviction, crash or
 * deploy: without `desired` a restarted shard would not know to reconnect, without `retryAt`/`attempt` a crash loop
 * would skip the backoff. The rest feeds the status view.
 */
export interface Persisted {
  desired: 'connected' | 'stopped';
  /** The session of the last welcome. A rebuilt instance has no socket, so it connects fresh and re-assigns. */
  sessionId: string | null;
  /** The session the controller last confirmed on the shard. */
  assignedSessionId: string | null;
  /** When `sessionId` was first welcomed (ms epoch); a Twitch-requested reconnect keeps it. */
  connectedSince: number | null;
  lastFrameAt: number | null;
  /** Fresh connections opened after a session or an attempt was lost. */
  reconnectCount: number;
  /** Notifications and revocations passed to ingest. */
  eventsReceived: number;
  /** Failed connection attempts since the last welcome that was assigned (the backoff exponent). */
  attempt: number;
  /** No fresh connection before this (backoff or the 4003 pause); null = now. */
  retryAt: number | null;
  /** Next SocketId, so ids stay unique across restarts of the instance. */
  nextSocket: SocketId;
}

export interface Conn {
  socket: SocketId;
  /** `opening` until the glue reports it open, `welcoming` until the welcome, then `live`. */
  stage: 'opening' | 'welcoming' | 'live';
  /** When the `open` effect went out: the connect deadline counts from here. */
  openedAt: number;
  lastFrameAt: number | null;
  /** The welcome's `keepalive_timeout_seconds` in ms. */
  keepaliveMs: number | null;
  sessionId: string | null;
}

/** In-memory only: sockets die with the instance (cloudflare.md §1.3), so none of this is persisted. */
export interface Runtime {
  /** The socket carrying the session (or on its way to). */
  primary: Conn | null;
  /** The `reconnect_url` socket during a Twitch-requested reconnect (§6.3), or a handover's new socket. */
  successor: Conn | null;
  /** A handover in progress: `successor` is its socket (a fresh session on the base URL, not a reconnect). */
  handover: { method: HandoverMethod; from: string } | null;
  /** Sockets we closed, whose in-flight notifications are still ingested until `until` or their close. */
  draining: { socket: SocketId; until: number }[];
  /** An assignment asked for and not yet confirmed. */
  assign: {
    sessionId: string;
    attempts: number;
    inFlight: boolean;
    retryAt: number | null;
    handover?: HandoverMethod;
  } | null;
  /** The alarm last armed by a `setAlarm` effect. */
  alarmAt: number | null;
  /** Counters changed since the last `persist`; saved on the next tick, not per frame. */
  dirty: boolean;
}

export interface SocketState {
  /** Rebuilt from env on every construction; never persisted. */
  config: { baseUrl: string; endpoint: string; keepaliveTimeoutSeconds: number | null; timings: Timings };
  saved: Persisted;
  run: Runtime;
}

export interface StepResult {
  state: SocketState;
  effects: Effect[];
}
