/**
 * @module A consumer socket's state and how frames reach it. Filters and position live in the socket's attachment
 * (≤ 16 KB, survives hibernation, cloudflare.md §2); its tags name the broadcasters it filters on (at most 9 of the
 * 10 tags a socket may carry, else the catch-all tag), so a batch is offered only to sockets that can want it.
 *
 * Flow control: workerd does not implement `WebSocket.bufferedAmount` (workerd#988; it reads `undefined` here), so
 * the object cannot see a reader falling behind. Consumers acknowledge instead: the text `ack <n>` says n more frames
 * were handled. Live sending never waits; a socket with more than `maxUnacked` frames unacknowledged (or, where the
 * runtime reports it, `maxBufferedBytes` unsent) is closed with 4008 and a resume cursor, so one slow reader neither
 * holds up the others nor grows the object's memory without bound. A replay, which has only its own socket to
 * serve, waits for acknowledgements instead of overrunning the window.
 */
import {
  CLOSE_RESTART,
  CLOSE_TOO_SLOW,
  frameText,
  MAX_CLOSE_REASON_BYTES,
  tooSlowReason,
} from '../../core/consumer-frames.ts';
import { checkValues, type ConsumerFilter } from '../../core/consumer-filter.ts';
import { errorMessage, log } from '../../log.ts';
import type { ConsumerSession } from '../consumer-types.ts';

export interface SocketState {
  v: 1;
  filter: ConsumerFilter;
  /** Positions the socket holds beyond the heads (set when its replay ends). */
  floor: number[];
  /** False while replaying: live events are buffered in memory meanwhile. */
  live: boolean;
}

export interface ConsumerPolicy {
  /** Close a socket once this many frames it was sent are unacknowledged. */
  maxUnacked: number;
  /** How long a replay waits for acknowledgements before giving up on the socket. */
  ackTimeoutMs: number;
  /** Close a socket once this many bytes it was sent are still waiting to go out (where the runtime tells). */
  maxBufferedBytes: number;
  /** Live events held for one socket while its replay runs. */
  maxReplayBuffer: number;
  /** Rows and bytes per replay page read from a hub. */
  replayPage: number;
  replayBytes: number;
}

export const DEFAULT_CONSUMER_POLICY: ConsumerPolicy = {
  maxUnacked: 2_000,
  ackTimeoutMs: 15_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxReplayBuffer: 10_000,
  replayPage: 500,
  replayBytes: 2 * 1024 * 1024,
};

export const ANY_TAG = 'any';
const MAX_BROADCASTER_TAGS = 9;
export const broadcasterTag = (b: string): string => `b:${b}`;

export function tagsFor(filter: ConsumerFilter): string[] {
  const b = filter.broadcasters;
  return b !== null && b.length <= MAX_BROADCASTER_TAGS ? b.map(broadcasterTag) : [ANY_TAG];
}

/** The session the Worker validated (routes/events.ts), checked again: a header is text, whoever set it. */
export function parseSession(text: string | null): ConsumerSession | null {
  let v: unknown;
  try {
    v = JSON.parse(text ?? '');
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const s = v as { filter?: { types?: unknown; broadcasters?: unknown }; since?: unknown };
  const list = (x: unknown): string[] | null | undefined =>
    x === null ? null : Array.isArray(x) && x.every((e) => typeof e === 'string') ? x : undefined;
  const types = list(s.filter?.types);
  const broadcasters = list(s.filter?.broadcasters);
  if (types === undefined || broadcasters === undefined) return null;
  const t = checkValues('type', types ?? []);
  const b = checkValues('broadcaster', broadcasters ?? []);
  if (!t.ok || !b.ok) return null;
  const since = s.since;
  if (since !== null && !(Array.isArray(since) && since.every((n) => Number.isSafeInteger(n) && n >= 0))) return null;
  return { filter: { types: t.values, broadcasters: b.values }, since: since as number[] | null };
}

/** `ack <n>`: n more frames handled. */
const ACK = /^ack (\d{1,7})$/;

export class Sockets {
  private readonly states = new WeakMap<WebSocket, SocketState>();
  private readonly closed = new WeakSet<WebSocket>();
  /** Frames sent and not yet acknowledged. In memory only: after hibernation a socket starts with a clean slate. */
  private readonly unacked = new WeakMap<WebSocket, number>();
  private readonly waiting = new Map<WebSocket, () => void>();

  constructor(
    private readonly policy: () => ConsumerPolicy,
    private readonly tag: string,
  ) {}

  state(ws: WebSocket): SocketState | null {
    let s = this.states.get(ws);
    if (!s) {
      s = (ws.deserializeAttachment() as SocketState | null) ?? undefined;
      if (s?.v !== 1) return null;
      this.states.set(ws, s);
    }
    return s;
  }

  save(ws: WebSocket, state: SocketState): void {
    ws.serializeAttachment(state);
    this.states.set(ws, state);
  }

  isClosed(ws: WebSocket): boolean {
    return this.closed.has(ws) || ws.readyState !== WebSocket.OPEN;
  }

  /** Send one frame; false if the socket is gone or has just been closed for falling behind. */
  send(ws: WebSocket, text: string, cursor: string): boolean {
    if (this.isClosed(ws)) return false;
    try {
      ws.send(text);
    } catch (err) {
      log('warn', `${this.tag} send`, errorMessage(err));
      this.closed.add(ws);
      return false;
    }
    const unacked = (this.unacked.get(ws) ?? 0) + 1;
    this.unacked.set(ws, unacked);
    const policy = this.policy();
    const buffered: unknown = ws.bufferedAmount;
    if (unacked > policy.maxUnacked || (typeof buffered === 'number' && buffered > policy.maxBufferedBytes)) {
      this.tooSlow(ws, cursor);
      return false;
    }
    return true;
  }

  /** A message from the consumer: an acknowledgement moves its window; anything else is ignored. */
  received(ws: WebSocket, message: string | ArrayBuffer): void {
    const m = typeof message === 'string' ? ACK.exec(message) : null;
    if (!m) return;
    this.unacked.set(ws, Math.max(0, (this.unacked.get(ws) ?? 0) - Number(m[1])));
    this.waiting.get(ws)?.();
  }

  /**
   * Resolve true once at most `limit` frames are unacknowledged, false if the socket closes or `ackTimeoutMs`
   * passes first (a replay then gives up on it as too slow).
   */
  async drained(ws: WebSocket, limit: number): Promise<boolean> {
    const ready = () => this.isClosed(ws) || (this.unacked.get(ws) ?? 0) <= limit;
    if (!ready()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.policy().ackTimeoutMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiting.set(ws, () => {
          if (ready()) done();
        });
      });
      this.waiting.delete(ws);
    }
    return !this.isClosed(ws) && (this.unacked.get(ws) ?? 0) <= limit;
  }

  /** Wait, if the window is full, until half of it is acknowledged (replays only: live sending never waits). */
  room(ws: WebSocket): Promise<boolean> {
    const max = this.policy().maxUnacked;
    if ((this.unacked.get(ws) ?? 0) < max) return Promise.resolve(!this.isClosed(ws));
    return this.drained(ws, Math.floor(max / 2));
  }

  forget(ws: WebSocket): void {
    this.waiting.get(ws)?.();
    this.waiting.delete(ws);
  }

  /** A last frame saying why, with the cursor to resume from, then the close. */
  close(ws: WebSocket, code: number, reason: string, cursor: string): void {
    if (this.isClosed(ws)) return;
    this.closed.add(ws);
    try {
      ws.send(frameText({ frame: 'closing', cursor, code, reason }));
      ws.close(code, truncateReason(reason));
    } catch (err) {
      log('warn', `${this.tag} close`, errorMessage(err));
    }
    log('info', `${this.tag} close`, reason.split(';')[0]!, { code });
  }

  tooSlow(ws: WebSocket, cursor: string): void {
    this.close(ws, CLOSE_TOO_SLOW, tooSlowReason(cursor), cursor);
  }

  restart(ws: WebSocket, cursor: string): void {
    this.close(ws, CLOSE_RESTART, 'replay interrupted; resume with ?since from the last frame', cursor);
  }
}

function truncateReason(reason: string): string {
  const bytes = new TextEncoder().encode(reason);
  return bytes.length <= MAX_CLOSE_REASON_BYTES ? reason : reason.slice(0, MAX_CLOSE_REASON_BYTES);
}
