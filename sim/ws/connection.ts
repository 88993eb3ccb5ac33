/**
 * @module One EventSub WebSocket connection: keepalives, server pings and the inbound-traffic rule
 * (twitch-eventsub.md §6.1, §6.3), with exactly one "ended" report however the socket goes away.
 */
import { WebSocket } from 'ws';
import type { Sim } from '../context.ts';
import { CLOSE_REASONS, type CloseCause } from './close-codes.ts';
import { keepaliveFrame } from './frames.ts';

export class WsConn {
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private pongTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  /** No keepalives or pings: set by the silence hook, or once a reconnect has moved the session elsewhere. */
  private quiet = false;
  private ended = false;

  constructor(
    private readonly sim: Sim,
    readonly ws: WebSocket,
    private readonly keepaliveSeconds: number,
    private readonly onEnd: (conn: WsConn, cause: CloseCause) => void,
  ) {
    // §6.1: the client may only answer pings; any data frame, text or binary, ends the connection.
    ws.on('message', () => this.closeWith(4001));
    ws.on('pong', () => {
      this.sim.timers.cancel(this.pongTimer);
      this.pongTimer = undefined;
    });
    // A socket error is always followed by 'close', which reports it.
    ws.on('error', () => undefined);
    ws.on('close', () => this.end({ by: 'client' }));
  }

  get open(): boolean {
    return !this.ended && this.ws.readyState === WebSocket.OPEN;
  }

  /** Start keepalives and pings. Called after the welcome, which is the first frame the keepalive counts from. */
  start(): void {
    if (this.quiet || this.ended) return;
    this.armKeepalive();
    this.pingTimer = this.sim.timers.every(this.sim.config.pingIntervalMs, () => this.ping());
  }

  /** Any frame sent here restarts the keepalive window (§6.3); pings do not (§6.1). */
  send(frame: unknown): boolean {
    if (!this.open) return false;
    this.ws.send(JSON.stringify(frame));
    this.armKeepalive();
    return true;
  }

  /** Stop keepalives and pings; frames still go out (see WsHub.silence in hub.ts). */
  silence(): void {
    this.quiet = true;
    this.stopLiveness();
  }

  /** After a completed hand-over the old socket only waits for its close: no keepalives, no pings. */
  retire(): void {
    this.silence();
  }

  setGraceTimer(t: NodeJS.Timeout): void {
    this.sim.timers.cancel(this.graceTimer);
    this.graceTimer = t;
  }

  /** Close with a §6.4 code. The session's status changes now, not when the client answers the close frame. */
  closeWith(code: number, reason?: string): void {
    if (this.ended) return;
    this.end({ by: 'server', code });
    this.ws.close(code, reason ?? CLOSE_REASONS[code] ?? '');
  }

  /** Abrupt TCP drop: no close frame. */
  drop(): void {
    if (this.ended) return;
    this.end({ by: 'drop' });
    this.ws.terminate();
  }

  /** Tear down without reporting anything (reset and shutdown). */
  discard(): void {
    this.ended = true;
    this.stopLiveness();
    this.sim.timers.cancel(this.graceTimer);
    this.ws.terminate();
  }

  private end(cause: CloseCause): void {
    if (this.ended) return;
    this.ended = true;
    this.stopLiveness();
    this.sim.timers.cancel(this.graceTimer);
    this.onEnd(this, cause);
  }

  private armKeepalive(): void {
    this.sim.timers.cancel(this.keepaliveTimer);
    this.keepaliveTimer = undefined;
    if (this.quiet || this.ended) return;
    this.keepaliveTimer = this.sim.timers.after(this.keepaliveSeconds * 1000, () => {
      this.send(keepaliveFrame(this.sim.clock));
    });
  }

  /** One outstanding pong deadline at a time: it starts with the first unanswered ping (§6.1, sim timings). */
  private ping(): void {
    if (!this.open) return;
    this.ws.ping();
    this.pongTimer ??= this.sim.timers.after(this.sim.config.pongTimeoutMs, () => this.closeWith(4002));
  }

  private stopLiveness(): void {
    for (const t of [this.keepaliveTimer, this.pingTimer, this.pongTimer]) this.sim.timers.cancel(t);
    this.keepaliveTimer = this.pingTimer = this.pongTimer = undefined;
  }
}
