/**
 * @module Handover of the shard machine (socket-machine.ts) to a new socket without a gap (design.md §7,
 * conduit-notes.md "HandOver a socket"): open a second socket on the base URL, have the controller move the shards
 * to its session (`reassign` or `swap`), and retire the old socket only once that succeeded. Both sockets are
 * ingested meanwhile; the hub de-duplicates.
 */
import { CLIENT_CLOSE } from './socket-close-policy.ts';
import { abandonHandover, allocate, beginAssign, clip, log, newConn, retire, type Ctx } from './socket-machine-ops.ts';
import type { HandoverMethod, Input, SocketState } from './socket-machine-types.ts';
import { freshUrl } from './socket-machine-state.ts';

/** Why a handover cannot start now, or null when it can. */
export function handoverRefusal(state: SocketState): string | null {
  const { saved, run } = state;
  if (saved.desired !== 'connected') return 'the shard is stopped';
  if (run.primary?.stage !== 'live' || saved.sessionId === null) return 'no live session';
  if (saved.assignedSessionId !== saved.sessionId) return 'the session is not assigned yet';
  if (run.successor || run.handover) return 'a reconnect or handover is already under way';
  if (run.assign) return 'an assignment is in flight';
  return null;
}

export function onHandover(c: Ctx, method: HandoverMethod): void {
  const why = handoverRefusal(c.s);
  if (why !== null) {
    log(c, 'warn', `handover (${method}) refused: ${why}`);
    return;
  }
  const socket = allocate(c);
  c.s.run.successor = newConn(socket, c.now);
  c.s.run.handover = { method, from: c.s.saved.sessionId! };
  // A fresh session on the base URL: a reconnect_url would hand back the same session id (§5.3), useless here.
  c.fx.push({ type: 'open', socket, url: freshUrl(c.s.config) });
  log(c, 'info', `handover (${method}): opening socket ${socket}, socket ${c.s.run.primary!.socket} stays open`);
}

/**
 * The controller's answer about the successor's session. Success promotes the successor and retires the old
 * socket; failure is not retried (the operator asks again) and re-asserts the old session, in case a partial
 * PATCH moved some shards before failing.
 */
export function onHandoverAssigned(c: Ctx, input: Extract<Input, { type: 'assigned' | 'assign_failed' }>): void {
  const { saved, run } = c.s;
  const handover = run.handover!;
  if (input.type === 'assign_failed') {
    abandonHandover(c, `assign failed: ${clip(input.error)}`);
    beginAssign(c, saved.sessionId!);
    return;
  }
  const next = run.successor!;
  if (run.primary) retire(c, run.primary, CLIENT_CLOSE.done, 'handed over');
  run.primary = next;
  run.successor = null;
  run.handover = null;
  run.assign = null;
  saved.sessionId = input.sessionId;
  saved.assignedSessionId = input.sessionId;
  saved.connectedSince = c.now;
  saved.attempt = 0;
  log(c, 'info', `handover (${handover.method}) done: session ${handover.from} → ${input.sessionId}`);
}
