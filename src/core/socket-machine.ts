/**
 * @module The EventSub WebSocket shard protocol as a pure state machine (design.md §7, twitch-eventsub.md §5.3, §6,
 * style-anchors.md §7.1): `step(state, input, now) → {state, effects}`. The WebSocketShard DO decodes socket events,
 * alarms and controller answers into inputs, and carries out the effects; it never decides anything itself.
 *
 * Persistence: the machine emits `persist` with the `Persisted` record whenever a lifecycle field changes, and on a
 * `tick` when only the per-frame counters did (so not one storage write per notification). The DO saves that record
 * and, after an eviction, rebuilds with `initialState(config, record)`; see socket-machine-types.ts for the fields.
 */
import { CLIENT_CLOSE, closeVerdict } from './socket-close-policy.ts';
import { onFrame } from './socket-machine-frames.ts';
import { onHandover, onHandoverAssigned } from './socket-machine-handover.ts';
import {
  abandonHandover,
  assignEffect,
  beginAssign,
  clip,
  log,
  lose,
  openFresh,
  retire,
  type Ctx,
} from './socket-machine-ops.ts';
import type { Input, SocketId, SocketState, StepResult } from './socket-machine-types.ts';
import { keepaliveDeadline, nextDeadline } from './socket-machine-state.ts';

export { initialState, nextDeadline, statusOf } from './socket-machine-state.ts';
export { handoverRefusal } from './socket-machine-handover.ts';

function onOpened(c: Ctx, socket: SocketId): void {
  const conn = [c.s.run.primary, c.s.run.successor].find((x) => x?.socket === socket);
  if (conn) {
    if (conn.stage === 'opening') conn.stage = 'welcoming';
    return;
  }
  // Given up on (connect timeout, stop) before it opened: close it so it does not linger unwatched.
  c.fx.push({ type: 'close', socket, code: CLIENT_CLOSE.done, reason: 'socket no longer wanted' });
  log(c, 'debug', `socket ${socket} opened after it was given up: closing it`);
}

function onGone(c: Ctx, socket: SocketId, what: string, closeCode: number | null): void {
  const { run } = c.s;
  if (run.primary?.socket === socket) {
    run.primary = null;
    if (closeCode === null) return lose(c, 'backoff', 'warn', `socket ${socket} ${what}`);
    const v = closeVerdict(closeCode);
    lose(c, v.wait, v.level, `socket ${socket} ${what}: ${v.meaning}`);
  } else if (run.successor?.socket === socket) {
    // The old socket still delivers; if it goes too, that is the loss (Twitch closes it with 4004 after 30 s, §6.3).
    run.successor = null;
    if (run.handover) return abandonHandover(c, `its socket ${socket} ${what}`);
    log(c, 'warn', `reconnect socket ${socket} ${what} before its welcome; keeping the old socket`);
  } else {
    // A socket we retired (the old one after a switch, or after stop): expected.
    run.draining = run.draining.filter((d) => d.socket !== socket);
    log(c, 'debug', `retired socket ${socket} ${what}`);
  }
}

function onTick(c: Ctx): void {
  const { run, config } = c.s;
  const t = config.timings;
  const succ = run.successor;
  if (run.handover && succ) {
    if (succ.stage !== 'live' && c.now >= succ.openedAt + t.connectTimeoutMs) {
      abandonHandover(c, `socket ${succ.socket} got no welcome within ${t.connectTimeoutMs} ms`);
    } else if (succ.lastFrameAt != null && succ.keepaliveMs !== null) {
      if (c.now >= keepaliveDeadline(succ.lastFrameAt, succ.keepaliveMs)) {
        abandonHandover(c, `keepalive timeout on socket ${succ.socket}`);
      }
    }
  } else if (run.successor && c.now >= run.successor.openedAt + t.connectTimeoutMs) {
    retire(c, run.successor, CLIENT_CLOSE.failed, 'no welcome');
    log(
      c,
      'warn',
      `reconnect socket ${run.successor.socket} got no welcome in ${t.connectTimeoutMs} ms; keeping the old`,
    );
    run.successor = null;
  }
  const p = run.primary;
  if (p && p.stage !== 'live' && c.now >= p.openedAt + t.connectTimeoutMs) {
    lose(c, 'backoff', 'warn', `socket ${p.socket} got no welcome within ${t.connectTimeoutMs} ms`, 'no welcome');
  } else if (
    p?.lastFrameAt != null &&
    p.keepaliveMs !== null &&
    c.now >= keepaliveDeadline(p.lastFrameAt, p.keepaliveMs)
  ) {
    // §6.3: silence past 1.2 × keepalive means dead; reconnect to the base URL with a new session.
    lose(
      c,
      'backoff',
      'warn',
      `keepalive timeout: socket ${p.socket} silent for ${c.now - p.lastFrameAt} ms`,
      'keepalive timeout',
    );
  }
  const a = run.assign;
  if (a && !a.inFlight && a.retryAt !== null && c.now >= a.retryAt) {
    a.attempts++;
    a.inFlight = true;
    a.retryAt = null;
    c.fx.push(assignEffect(a.sessionId, a.handover));
  }
}

function onAssignResult(c: Ctx, input: Extract<Input, { type: 'assigned' | 'assign_failed' }>): void {
  const { saved, run, config } = c.s;
  const a = run.assign;
  if (run.handover && a?.handover && a.sessionId === input.sessionId) return onHandoverAssigned(c, input);
  const current = saved.sessionId === input.sessionId && run.primary !== null;
  if (!current || (input.type === 'assign_failed' && a?.sessionId !== input.sessionId)) {
    if (!current && run.primary?.stage === 'live' && saved.assignedSessionId === saved.sessionId && !run.assign) {
      // A late answer about a session we no longer hold (an abandoned handover): the controller may have moved
      // shards onto it. Re-assert the live session so none is left on a closed socket.
      log(c, 'warn', `${input.type} for session ${input.sessionId}, which is gone: re-assigning ${saved.sessionId}`);
      beginAssign(c, saved.sessionId!);
      return;
    }
    log(c, 'debug', `${input.type} for stale session ${input.sessionId} ignored`);
    return;
  }
  if (input.type === 'assigned') {
    run.assign = null;
    saved.assignedSessionId = input.sessionId;
    saved.attempt = 0;
    log(c, 'info', `shard assigned to session ${input.sessionId}`);
    return;
  }
  if (!a) return;
  a.inFlight = false;
  const error = clip(input.error);
  if (a.attempts < config.timings.maxAssignAttempts) {
    a.retryAt = c.now + config.timings.assignRetryMs;
    log(c, 'warn', `assign attempt ${a.attempts} failed: ${error}; retrying in ${config.timings.assignRetryMs} ms`);
    return;
  }
  lose(c, 'backoff', 'error', `assign failed ${a.attempts} times (${error})`, 'shard assignment failed');
}

function onStop(c: Ctx): void {
  const { saved, run } = c.s;
  if (saved.desired === 'stopped') return;
  for (const conn of [run.primary, run.successor]) if (conn) retire(c, conn, CLIENT_CLOSE.done, 'stopped');
  run.primary = run.successor = run.assign = run.handover = null;
  run.alarmAt = null;
  saved.desired = 'stopped';
  saved.sessionId = saved.connectedSince = saved.retryAt = null;
  saved.attempt = 0;
  c.fx.push({ type: 'clearAlarm' });
  log(c, 'info', 'stopped');
}

function dispatch(c: Ctx, input: Input): void {
  switch (input.type) {
    case 'start':
      if (c.s.saved.desired === 'connected') return;
      c.s.saved.desired = 'connected';
      c.s.saved.attempt = 0;
      c.s.saved.retryAt = null;
      log(c, 'info', 'started');
      return;
    case 'stop':
      return onStop(c);
    case 'opened':
      return onOpened(c, input.socket);
    case 'frame':
      return onFrame(c, input.socket, input.text);
    case 'closed':
      return onGone(
        c,
        input.socket,
        `closed ${input.code}${input.reason ? ` (${clip(input.reason)})` : ''}`,
        input.code,
      );
    case 'open_failed':
      return onGone(c, input.socket, `failed to open: ${clip(input.error)}`, null);
    case 'tick':
      // A fired alarm is gone even if the platform's clock reads a hair before the time it was set for.
      if (input.alarm) c.s.run.alarmAt = null;
      if (c.s.saved.desired === 'connected') onTick(c);
      return;
    case 'assigned':
    case 'assign_failed':
      return onAssignResult(c, input);
    case 'handover':
      return onHandover(c, input.method);
  }
}

const COUNTERS = new Set(['lastFrameAt', 'eventsReceived']);
const lifecycle = (s: SocketState): string => JSON.stringify(Object.entries(s.saved).filter(([k]) => !COUNTERS.has(k)));

/** Persist (see the module doc) and keep the alarm armed at the earliest deadline, never later than a heartbeat. */
function finish(c: Ctx, before: SocketState, input: Input): void {
  const { s, now } = c;
  const countersChanged =
    before.saved.lastFrameAt !== s.saved.lastFrameAt || before.saved.eventsReceived !== s.saved.eventsReceived;
  if (lifecycle(before) !== lifecycle(s) || (input.type === 'tick' && (s.run.dirty || countersChanged))) {
    c.fx.push({ type: 'persist', data: { ...s.saved } });
    s.run.dirty = false;
  } else if (countersChanged) {
    s.run.dirty = true;
  }
  if (s.saved.desired !== 'connected') return;
  const at = Math.min(nextDeadline(s) ?? Infinity, now + s.config.timings.heartbeatMs);
  const armed = s.run.alarmAt;
  if (armed === null || armed <= now || at < armed) {
    c.fx.push({ type: 'setAlarm', at });
    s.run.alarmAt = at;
  }
}

/**
 * Advance the machine. `now` is ms since the epoch; `random` ([0, 1), like Math.random) only jitters the
 * reconnect backoff, so tests inject it and everything else is a function of the arguments. `state` is not mutated.
 */
export function step(state: SocketState, input: Input, now: number, random: () => number = Math.random): StepResult {
  const c: Ctx = { s: structuredClone(state), fx: [], now, random };
  c.s.run.draining = c.s.run.draining.filter((d) => d.until > now);
  dispatch(c, input);
  if (c.s.saved.desired === 'connected' && !c.s.run.primary) {
    const retryAt = c.s.saved.retryAt;
    if (retryAt === null || now >= retryAt) openFresh(c);
  }
  finish(c, state, input);
  return { state: c.s, effects: c.fx };
}
