/**
 * @module The EventSub WebSocket server at `/ws` (twitch-eventsub.md §6, §8.5): sessions, welcome and the
 * "unused" rule, Twitch-requested reconnects that keep the session id, and the close hooks the control API uses.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Sim, WsHub } from '../context.ts';
import { sessionId as newSessionId, uuid } from '../ids.ts';
import type { Session } from '../state.ts';
import { isValidCloseCode, type CloseCause } from './close-codes.ts';
import { WsConn } from './connection.ts';
import { reconnectFrame, reconnectUrl, welcomeFrame } from './frames.ts';
import { markSessionClosed } from './session-close.ts';
import { clampKeepalive, unusedWindowMs } from './timing.ts';

/** A session that still has a socket. `carrier` is the socket frames go to; it changes on a completed reconnect. */
interface Live {
  session: Session;
  carrier: WsConn;
  unusedTimer?: NodeJS.Timeout;
}

export interface WsHubServer extends WsHub {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export function createWsHub(sim: Sim): WsHubServer {
  const wss = new WebSocketServer({ noServer: true, clientTracking: false });
  const lives = new Map<string, Live>();
  /** Outstanding reconnect tokens → session id. A token is single-use (§8.5: a used token gets 4007). */
  const challenges = new Map<string, string>();
  /** Every socket not yet fully closed, including retired and rejected ones, so closeAll reaches them all. */
  const conns = new Set<WsConn>();

  function track(ws: WebSocket, keepaliveSeconds: number, onEnd: (conn: WsConn, cause: CloseCause) => void): WsConn {
    const conn = new WsConn(sim, ws, keepaliveSeconds, onEnd);
    conns.add(conn);
    ws.once('close', () => conns.delete(conn));
    return conn;
  }

  function endSession(live: Live, cause: CloseCause): void {
    lives.delete(live.session.id);
    sim.timers.cancel(live.unusedTimer);
    for (const [token, sid] of challenges) if (sid === live.session.id) challenges.delete(token);
    markSessionClosed(sim, live.session, cause);
  }

  /** Only the carrier's end ends the session; a socket retired by a completed reconnect changes nothing (§6.3). */
  function onCarrierEnd(sessionId: string) {
    return (conn: WsConn, cause: CloseCause): void => {
      const live = lives.get(sessionId);
      if (live?.carrier === conn) endSession(live, cause);
    };
  }

  function acceptFresh(ws: WebSocket, url: URL): void {
    const session: Session = {
      id: newSessionId(),
      connectedAt: sim.clock.rfc3339(),
      keepaliveSeconds: clampKeepalive(url.searchParams.get('keepalive_timeout_seconds')),
      status: 'connected',
      used: false,
    };
    sim.state.sessions.set(session.id, session);
    const conn = track(ws, session.keepaliveSeconds, onCarrierEnd(session.id));
    const live: Live = { session, carrier: conn };
    lives.set(session.id, live);
    conn.send(welcomeFrame(sim.clock, session));
    conn.start();
    // §1.7, §6.3: Helix sets `used` when a shard or a subscription takes the session.
    live.unusedTimer = sim.timers.after(unusedWindowMs(sim.config, session.keepaliveSeconds), () => {
      if (!session.used && lives.get(session.id) === live) live.carrier.closeWith(4003);
    });
  }

  /**
   * §6.3: the reconnect URL's connection is welcomed with the same session id, and delivery moves to it at once.
   * Sim choices: the welcome repeats the original `connected_at` and keepalive (the shard's transport does not
   * change either), and the old socket gets no more keepalives or pings while it waits for its close. A token
   * must come with the `id` it was issued for, or the connection gets 4007 like any bad token.
   */
  function acceptReconnect(ws: WebSocket, token: string, claimedId: string | null): void {
    const sid = challenges.get(token);
    const live = sid === undefined ? undefined : lives.get(sid);
    if (!live || sid !== claimedId || live.session.status !== 'reconnecting') {
      track(ws, 10, () => undefined).closeWith(4007);
      return;
    }
    challenges.delete(token);
    const conn = track(ws, live.session.keepaliveSeconds, onCarrierEnd(live.session.id));
    live.carrier.retire();
    live.carrier = conn;
    live.session.status = 'connected';
    conn.send(welcomeFrame(sim.clock, live.session));
    conn.start();
  }

  return {
    handleUpgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://sim.invalid');
      if (url.pathname !== '/ws') {
        socket.on('error', () => undefined);
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const challenge = url.searchParams.get('challenge');
        if (challenge === null) acceptFresh(ws, url);
        else acceptReconnect(ws, challenge, url.searchParams.get('id'));
      });
    },

    sendFrame(sessionId, frame) {
      return lives.get(sessionId)?.carrier.send(frame) ?? false;
    },

    /**
     * §6.3: the old socket keeps carrying frames until the new one is welcomed. It is closed with 4004 if still
     * open `reconnectGraceMs` after this message; if no new socket took over by then, that close fails the
     * session (`websocket_failed_to_reconnect`). Sim choice (pyTwitchAPI #310): a client that closes the old
     * socket before the new welcome ends the session as a normal disconnect, and its token then gets 4007.
     * The session reads `reconnecting` until the new welcome, so Helix will not assign it meanwhile (sim choice).
     * False while a reconnect is already pending.
     */
    reconnect(sessionId) {
      const live = lives.get(sessionId);
      if (!live || live.session.status !== 'connected' || !live.carrier.open) return false;
      const token = uuid();
      const old = live.carrier;
      challenges.set(token, sessionId);
      live.session.status = 'reconnecting';
      old.send(reconnectFrame(sim.clock, live.session, reconnectUrl(sim.baseUrl, token, sessionId)));
      old.setGraceTimer(
        sim.timers.after(sim.config.reconnectGraceMs, () => {
          challenges.delete(token);
          old.closeWith(4004);
        }),
      );
      return true;
    },

    close(sessionId, code, reason) {
      const live = lives.get(sessionId);
      if (!live) return false;
      if (code === 0 || code === 'drop') {
        live.carrier.drop();
        return true;
      }
      if (!isValidCloseCode(code)) return false;
      live.carrier.closeWith(code, reason);
      return true;
    },

    /**
     * Stops keepalives and pings on the session's current socket, as if its edge had hung. Sim choice:
     * notifications triggered meanwhile are still sent, so a test can tell "silent" from "dead"; a reconnect's
     * new socket is not silenced.
     */
    silence(sessionId) {
      const live = lives.get(sessionId);
      if (!live) return false;
      live.carrier.silence();
      return true;
    },

    /** Drops every socket without touching shard statuses: used by reset (which clears state) and shutdown. */
    closeAll() {
      for (const live of lives.values()) {
        sim.timers.cancel(live.unusedTimer);
        live.session.status = 'closed';
      }
      for (const conn of conns) conn.discard();
      conns.clear();
      lives.clear();
      challenges.clear();
    },
  };
}
