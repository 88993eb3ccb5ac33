/**
 * @module A recording EventSub WebSocket test client: every frame with its arrival time, pings, and the close.
 */
import WebSocket, { type ClientOptions } from 'ws';
import { waitFor, withTimeout } from './wait.ts';

export interface EsFrame {
  metadata: Record<string, string>;
  payload: { session?: Record<string, unknown> } & Record<string, unknown>;
}

export interface Closed {
  code: number;
  reason: string;
}

export class EsClient {
  readonly frames: { frame: EsFrame; at: number }[] = [];
  readonly pingTimes: number[] = [];
  readonly closed: Promise<Closed>;
  readonly openedAt = Date.now();
  closedWith: Closed | undefined;
  private cursor = 0;

  constructor(
    readonly ws: WebSocket,
    readonly url: string,
  ) {
    ws.on('message', (data) => this.frames.push({ frame: JSON.parse(String(data)) as EsFrame, at: Date.now() }));
    ws.on('ping', () => this.pingTimes.push(Date.now()));
    ws.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.closedWith = { code, reason: reason.toString() };
        resolve(this.closedWith);
      }),
    );
  }

  static open(url: string, options?: ClientOptions): EsClient {
    return new EsClient(new WebSocket(url, options), url);
  }

  /** The next unread frame, optionally of one message type (skipping others). */
  async next(type?: string, timeoutMs = 3_000): Promise<EsFrame> {
    return waitFor(
      `a ${type ?? 'any'} frame on ${this.url}`,
      () => {
        while (this.cursor < this.frames.length) {
          const { frame } = this.frames[this.cursor++]!;
          if (!type || frame.metadata.message_type === type) return frame;
        }
        return undefined;
      },
      { timeoutMs },
    );
  }

  /** Resolves to the welcome's session object. */
  async welcome(timeoutMs = 3_000): Promise<Record<string, unknown>> {
    const f = await this.next('session_welcome', timeoutMs);
    return f.payload.session ?? {};
  }

  async sessionId(): Promise<string> {
    return String((await this.welcome()).id);
  }

  waitClosed(timeoutMs = 3_000): Promise<Closed> {
    return withTimeout(`close of ${this.url}`, this.closed, timeoutMs);
  }

  types(): string[] {
    return this.frames.map((f) => f.frame.metadata.message_type ?? '');
  }

  terminate(): void {
    this.ws.terminate();
  }
}
