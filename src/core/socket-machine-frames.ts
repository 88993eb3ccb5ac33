/**
 * @module How the shard machine (socket-machine.ts) takes a text frame: liveness, ingest of notifications and
 * revocations from every socket still held (twitch-eventsub.md §6.3), welcome → assign, session_reconnect → successor.
 */
import { parseFrame } from './eventsub-ws.wire.ts';
import type { WsFrame } from './eventsub-ws-types.ts';
import { CLIENT_CLOSE } from './socket-close-policy.ts';
import { allocate, beginAssign, clip, log, newConn, retire, type Ctx } from './socket-machine-ops.ts';
import type { Conn, SocketId } from './socket-machine-types.ts';
import { DEFAULT_KEEPALIVE_SECONDS } from './socket-machine-state.ts';

function keepaliveMs(c: Ctx, seconds: number | null): number {
  return (seconds ?? c.s.config.keepaliveTimeoutSeconds ?? DEFAULT_KEEPALIVE_SECONDS) * 1000;
}

function onWelcome(c: Ctx, conn: Conn, frame: Extract<WsFrame, { kind: 'welcome' }>): void {
  const { saved, run } = c.s;
  if (conn.stage === 'live') {
    log(c, 'warn', `second welcome on socket ${conn.socket} ignored`);
    return;
  }
  const id = frame.session.id;
  conn.stage = 'live';
  conn.sessionId = id;
  conn.keepaliveMs = keepaliveMs(c, frame.session.keepaliveTimeoutSeconds);
  if (run.successor === conn && run.handover) {
    // design.md §7: the old socket keeps delivering until the shards are on the new session; only then is it retired.
    log(c, 'info', `handover (${run.handover.method}): session ${id} welcomed on socket ${conn.socket}: assigning`);
    beginAssign(c, id, run.handover.method);
    return;
  }
  if (run.successor === conn) {
    // §6.3: the reconnect_url socket is welcomed, so the old one may close now (closing it earlier gets 4007).
    if (run.primary) retire(c, run.primary, CLIENT_CLOSE.done, 'reconnected');
    run.primary = conn;
    run.successor = null;
    if (id === saved.sessionId) {
      log(c, 'info', `reconnected on socket ${conn.socket}, same session ${id}: no assign needed`);
      return;
    }
    // Production keeps the id (§5.3); twitch-cli's mock does not. A new id must be assigned like any new session.
    log(c, 'warn', `reconnect gave a new session ${id} (was ${saved.sessionId ?? 'none'}): assigning`);
  } else {
    log(c, 'info', `session ${id} welcomed on socket ${conn.socket}: assigning`);
  }
  saved.sessionId = id;
  saved.connectedSince = c.now;
  beginAssign(c, id);
}

function onSessionReconnect(c: Ctx, conn: Conn, frame: Extract<WsFrame, { kind: 'reconnect' }>): void {
  const { run } = c.s;
  if (run.primary !== conn || conn.stage !== 'live' || run.successor) {
    log(c, 'warn', `session_reconnect on socket ${conn.socket} ignored (no live session or one already pending)`);
    return;
  }
  const socket = allocate(c);
  run.successor = newConn(socket, c.now);
  c.fx.push({ type: 'open', socket, url: frame.session.reconnectUrl });
  // The URL carries a single-use challenge: not logged.
  log(c, 'info', `session_reconnect: opening socket ${socket} on reconnect_url, socket ${conn.socket} stays open`);
}

export function onFrame(c: Ctx, socket: SocketId, text: string): void {
  const { saved, run } = c.s;
  const conn = run.primary?.socket === socket ? run.primary : run.successor?.socket === socket ? run.successor : null;
  const draining = conn === null && run.draining.some((d) => d.socket === socket);
  if (conn === null && !draining) {
    log(c, 'warn', `frame from unknown socket ${socket} ignored`);
    return;
  }
  if (conn) {
    // §6.3: a frame of any type proves the socket alive, even one we cannot parse.
    if (conn.stage === 'opening') conn.stage = 'welcoming';
    conn.lastFrameAt = c.now;
    saved.lastFrameAt = c.now;
  }
  const frame = parseFrame(text);
  switch (frame.kind) {
    case 'invalid':
      log(c, 'warn', `invalid frame on socket ${socket} ignored: ${frame.reason}`);
      return;
    case 'notification':
    case 'revocation':
      // From every socket around a switch, none dropped: the hub de-duplicates by message id (design.md §2).
      saved.eventsReceived++;
      c.fx.push({
        type: 'ingest',
        messages: [
          {
            messageId: frame.meta.messageId,
            kind: frame.kind,
            subscriptionId: frame.subscriptionId,
            subscriptionType: frame.subscriptionType,
            subscriptionVersion: frame.subscriptionVersion,
            sentAt: frame.meta.sentAt,
            routingKey: frame.routingKey,
            via: { transport: 'websocket', endpoint: c.s.config.endpoint },
            body: frame.payload,
          },
        ],
      });
      return;
    case 'keepalive':
      return;
    case 'other':
      log(c, 'debug', `message_type '${clip(frame.messageType)}' on socket ${socket} ignored`);
      return;
  }
  if (!conn) return;
  if (frame.kind === 'welcome') onWelcome(c, conn, frame);
  else onSessionReconnect(c, conn, frame);
}
