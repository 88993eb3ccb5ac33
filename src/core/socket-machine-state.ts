/**
 * @module Building and reading a shard machine state (socket-machine.ts): `initialState` from config and what was
 * persisted, the earliest pending deadline (for the glue's in-memory timer), the status view, the fresh-connect URL.
 */
import { DEFAULT_BACKOFF, validateBackoff } from './backoff.ts';
import type { Persisted, SocketConfig, SocketState, Timings } from './socket-machine-types.ts';

/** twurple waits 1.2 × the server's keepalive before calling a socket dead (twitch-eventsub.md §6.3). */
export const KEEPALIVE_FACTOR = 1.2;
/** Twitch's default and minimum keepalive (§6.1). */
export const DEFAULT_KEEPALIVE_SECONDS = 10;
export const MAX_KEEPALIVE_SECONDS = 600;

export const DEFAULT_TIMINGS: Readonly<Timings> = {
  // Agents' keepAlive() interval: an idle DO is evicted after 70–140 s, an outbound socket pins it ≤ 15 min
  // (cloudflare.md §1.2), so the alarm beats every 30 s whatever the socket does.
  heartbeatMs: 30_000,
  connectTimeoutMs: 15_000,
  // 4 requests 1 s apart fit in the 10 s assign window with room for the PATCH itself (§5.3).
  assignRetryMs: 1_000,
  maxAssignAttempts: 4,
  unusedPauseMs: 60_000,
  drainMs: 10_000,
  backoff: DEFAULT_BACKOFF,
};

export const EMPTY_PERSISTED: Readonly<Persisted> = {
  desired: 'stopped',
  sessionId: null,
  assignedSessionId: null,
  connectedSince: null,
  lastFrameAt: null,
  reconnectCount: 0,
  eventsReceived: 0,
  attempt: 0,
  retryAt: null,
  nextSocket: 1,
};

function positive(name: string, v: number, integer = false): void {
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new Error(`socket machine ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${v}`);
  }
}

function resolveConfig(config: SocketConfig): SocketState['config'] {
  let url: URL;
  try {
    url = new URL(config.baseUrl);
  } catch {
    throw new Error('socket machine baseUrl is not a URL');
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error('socket machine baseUrl must be ws: or wss:');
  if (config.endpoint === '') throw new Error('socket machine endpoint must not be empty');
  const ka = config.keepaliveTimeoutSeconds ?? null;
  if (ka !== null && (!Number.isInteger(ka) || ka < DEFAULT_KEEPALIVE_SECONDS || ka > MAX_KEEPALIVE_SECONDS)) {
    throw new Error(`keepaliveTimeoutSeconds must be an integer in 10..600 (§6.1), got ${ka}`);
  }
  const timings: Timings = { ...DEFAULT_TIMINGS, ...config.timings };
  for (const key of ['heartbeatMs', 'connectTimeoutMs', 'assignRetryMs', 'unusedPauseMs', 'drainMs'] as const) {
    positive(key, timings[key]);
  }
  positive('maxAssignAttempts', timings.maxAssignAttempts, true);
  validateBackoff(timings.backoff);
  return { baseUrl: config.baseUrl, endpoint: config.endpoint, keepaliveTimeoutSeconds: ka, timings };
}

/**
 * A state with no socket. `persisted` is what the last `persist` effect carried (absent for a brand-new shard,
 * which starts stopped). After an eviction, crash or deploy every socket is gone (cloudflare.md §1.3), so with
 * `desired: 'connected'` the next `tick` opens a fresh connection and the welcome re-assigns the shard.
 */
export function initialState(config: SocketConfig, persisted?: Partial<Persisted> | null): SocketState {
  return {
    config: resolveConfig(config),
    saved: { ...EMPTY_PERSISTED, ...persisted },
    run: { primary: null, successor: null, handover: null, draining: [], assign: null, alarmAt: null, dirty: false },
  };
}

/** The base URL, with the configured keepalive (§6.1). A `reconnect_url` is never built here: it is used unchanged. */
export function freshUrl(config: SocketState['config']): string {
  if (config.keepaliveTimeoutSeconds === null) return config.baseUrl;
  const url = new URL(config.baseUrl);
  url.searchParams.set('keepalive_timeout_seconds', String(config.keepaliveTimeoutSeconds));
  return url.toString();
}

export function keepaliveDeadline(lastFrameAt: number, keepaliveMs: number): number {
  return lastFrameAt + Math.ceil(keepaliveMs * KEEPALIVE_FACTOR);
}

/**
 * The earliest time a `tick` has work to do, or null when stopped. The glue runs an in-memory timer to it (the fast
 * watchdog); the alarm is the backstop (cloudflare.md §1.6).
 */
export function nextDeadline(state: SocketState): number | null {
  const { saved, run, config } = state;
  if (saved.desired !== 'connected') return null;
  const connectTimeout = config.timings.connectTimeoutMs;
  const times: number[] = [];
  const p = run.primary;
  if (!p && saved.retryAt !== null) times.push(saved.retryAt);
  if (p && p.stage !== 'live') times.push(p.openedAt + connectTimeout);
  if (p && p.stage === 'live' && p.lastFrameAt !== null && p.keepaliveMs !== null) {
    times.push(keepaliveDeadline(p.lastFrameAt, p.keepaliveMs));
  }
  const succ = run.successor;
  if (succ && succ.stage !== 'live') times.push(succ.openedAt + connectTimeout);
  // A handover's successor stays live beside the primary until its assign is answered: watch it too.
  if (succ?.stage === 'live' && succ.lastFrameAt !== null && succ.keepaliveMs !== null) {
    times.push(keepaliveDeadline(succ.lastFrameAt, succ.keepaliveMs));
  }
  if (run.assign?.retryAt != null) times.push(run.assign.retryAt);
  return times.length === 0 ? null : Math.min(...times);
}

export interface SocketStatus {
  desired: Persisted['desired'];
  phase: 'stopped' | 'waiting' | 'connecting' | 'connected' | 'reconnecting' | 'handing-over';
  sessionId: string | null;
  /** The controller confirmed the shard is on the live session. */
  assigned: boolean;
  connectedSince: number | null;
  lastFrameAt: number | null;
  reconnectCount: number;
  eventsReceived: number;
  attempt: number;
  retryAt: number | null;
}

export function statusOf(state: SocketState): SocketStatus {
  const { saved, run } = state;
  const live = run.primary?.stage === 'live';
  let phase: SocketStatus['phase'] = 'connected';
  if (saved.desired === 'stopped') phase = 'stopped';
  else if (!run.primary) phase = 'waiting';
  else if (!live) phase = 'connecting';
  else if (run.handover) phase = 'handing-over';
  else if (run.successor) phase = 'reconnecting';
  return {
    desired: saved.desired,
    phase,
    sessionId: live ? saved.sessionId : null,
    assigned: live && saved.sessionId !== null && saved.assignedSessionId === saved.sessionId,
    connectedSince: live ? saved.connectedSince : null,
    lastFrameAt: saved.lastFrameAt,
    reconnectCount: saved.reconnectCount,
    eventsReceived: saved.eventsReceived,
    attempt: saved.attempt,
    retryAt: saved.retryAt,
  };
}
