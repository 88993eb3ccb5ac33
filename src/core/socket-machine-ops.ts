/**
 * @module Shared steps of the shard machine (socket-machine.ts): the per-step context, and the moves several inputs
 * make: open a fresh socket, retire one, lose the session, ask for the assignment.
 */
import { delay } from './backoff.ts';
import { CLIENT_CLOSE } from './socket-close-policy.ts';
import type { Conn, Effect, HandoverMethod, LogLevel, SocketId, SocketState } from './socket-machine-types.ts';
import { freshUrl } from './socket-machine-state.ts';

/** One step in progress: a private copy of the state to change, and the effects so far. */
export interface Ctx {
  s: SocketState;
  fx: Effect[];
  now: number;
  random: () => number;
}

/** Peer-supplied text (close reasons, errors) is cut short before it reaches a log line. */
export const clip = (text: string): string => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

export const log = (c: Ctx, level: LogLevel, message: string): void => {
  c.fx.push({ type: 'log', level, message });
};

export const newConn = (socket: SocketId, now: number): Conn => ({
  socket,
  stage: 'opening',
  openedAt: now,
  lastFrameAt: null,
  keepaliveMs: null,
  sessionId: null,
});

/** Close a socket we are done with; notifications already in flight on it are still ingested for a while. */
export function retire(c: Ctx, conn: Conn, code: number, reason: string): void {
  c.fx.push({ type: 'close', socket: conn.socket, code, reason });
  c.s.run.draining.push({ socket: conn.socket, until: c.now + c.s.config.timings.drainMs });
}

export function allocate(c: Ctx): SocketId {
  return c.s.saved.nextSocket++;
}

/** Fresh connections always go to the base URL: a `reconnect_url` is single-use (§6.3, 4007). */
export function openFresh(c: Ctx): void {
  const { saved, run } = c.s;
  if (saved.sessionId !== null || saved.attempt > 0) saved.reconnectCount++;
  saved.retryAt = null;
  const socket = allocate(c);
  run.primary = newConn(socket, c.now);
  c.fx.push({ type: 'open', socket, url: freshUrl(c.s.config) });
}

/**
 * The session is lost (§5.3 "unexpected disconnect"): drop every socket still held, forget the session and wait
 * before a fresh connect, which gets a new session id and so a new assign.
 */
export function lose(c: Ctx, wait: 'backoff' | 'unused', level: LogLevel, why: string, closeReason = why): void {
  const { saved, run, config } = c.s;
  if (run.primary) retire(c, run.primary, CLIENT_CLOSE.failed, closeReason);
  if (run.successor) retire(c, run.successor, CLIENT_CLOSE.failed, closeReason);
  run.primary = null;
  run.successor = null;
  run.handover = null;
  run.assign = null;
  saved.sessionId = null;
  saved.connectedSince = null;
  const ms = wait === 'unused' ? config.timings.unusedPauseMs : delay(saved.attempt, c.random, config.timings.backoff);
  saved.attempt++;
  saved.retryAt = c.now + ms;
  log(c, level, `${why}; reconnecting to the base URL in ${ms} ms`);
}

/** §5.3: ask at once, Twitch closes an unassigned session with 4003 after 10 s. */
export function beginAssign(c: Ctx, sessionId: string, handover?: HandoverMethod): void {
  c.s.run.assign = { sessionId, attempts: 1, inFlight: true, retryAt: null, ...(handover ? { handover } : {}) };
  c.fx.push(assignEffect(sessionId, handover));
}

export const assignEffect = (sessionId: string, handover?: HandoverMethod): Effect =>
  handover ? { type: 'assign', sessionId, handover } : { type: 'assign', sessionId };

/**
 * A handover that cannot finish: close its socket and keep the primary, which never stopped delivering (design.md
 * §7: no gap, so nothing is lost by giving up).
 */
export function abandonHandover(c: Ctx, why: string): void {
  const { run } = c.s;
  if (!run.handover) return;
  if (run.successor) retire(c, run.successor, CLIENT_CLOSE.failed, 'handover abandoned');
  if (run.assign?.handover) run.assign = null;
  log(c, 'warn', `handover (${run.handover.method}) abandoned: ${why}; the old socket stays`);
  run.successor = null;
  run.handover = null;
}
