/**
 * @module A small typed client for `GET /events` (design.md §5), for browsers and Node 22+ (global `WebSocket`). It
 * opens the socket with filters, authenticates with the consumer token (Node: an `Authorization` header, which
 * browsers cannot send on a WebSocket) or with a ticket fetched from your backend before every attempt (browsers),
 * acknowledges frames so the server does not drop it as too slow, and after any close reconnects with full-jitter
 * backoff (src/core/backoff.ts) resuming after the last cursor it saw: no gap and no duplicate, within retention.
 */
import { delay, type BackoffOptions } from '../src/core/backoff.ts';
import type { ClientStatus, ClosingFrame, ConsumerFrame, EventFrame, TypedEvent, WelcomeFrame } from './types.ts';
import { eventsUrl } from './url.ts';

export type * from './types.ts';

/** The part of a WebSocket the client uses; the global `WebSocket` of browsers and Node 22 fits. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type SocketFactory = (url: string, headers: Record<string, string> | undefined) => SocketLike;

export interface EventsClientOptions {
  /** The Worker's URL (`https://conduit.example.workers.dev`) or its `/events` URL. */
  url: string;
  /** CONSUMER_TOKEN, sent as `Authorization: Bearer`. Node only: never ship it to a browser. */
  token?: string;
  /** Browsers: returns a fresh ticket (your backend calls `POST /admin/api/tickets`); called before every attempt. */
  ticket?: () => string | Promise<string>;
  types?: readonly string[];
  broadcasters?: readonly string[];
  /** Start after this cursor (one saved from a previous run); otherwise live from now. */
  since?: string;
  /** Reconnect delays; default 500 ms doubling up to 30 s, with full jitter. */
  backoff?: BackoffOptions;
  /** Frames per acknowledgement (the server allows 2,000 outstanding); default 50. */
  ackEvery?: number;
  onEvent?: (event: EventFrame) => void;
  onStatus?: (status: ClientStatus) => void;
  /** The welcome frame (says whether a replay was truncated) and the server's reason before it closes a socket. */
  onNotice?: (frame: WelcomeFrame | ClosingFrame) => void;
  /** A handler threw, a frame was not JSON, or a ticket could not be fetched; the stream goes on. */
  onError?: (err: unknown) => void;
  /** Tests and non-standard runtimes. */
  socket?: SocketFactory;
  random?: () => number;
}

const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000 };

/** The global WebSocket; Node's (undici) takes headers in a second argument, browsers never get any here. */
const globalSocket: SocketFactory = (url, headers) => {
  const Ctor = globalThis.WebSocket as unknown as new (
    url: string,
    init?: { headers: Record<string, string> },
  ) => SocketLike;
  return headers ? new Ctor(url, { headers }) : new Ctor(url);
};

export class EventsClient {
  private socket: SocketLike | null = null;
  private attempt = 0;
  private unacked = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private handlers = new Map<string, Set<(e: EventFrame) => void>>();
  private _cursor: string | undefined;
  private _status: ClientStatus = 'connecting';

  constructor(private readonly o: EventsClientOptions) {
    this._cursor = o.since;
    void this.open();
  }

  /** The resume position: everything up to here was delivered to your handlers. */
  get cursor(): string | undefined {
    return this._cursor;
  }

  get status(): ClientStatus {
    return this._status;
  }

  /** Handle events of one type, with Twitch's `event` typed for the types in `KnownEvents`. Returns an unsubscribe. */
  on<T extends string>(type: T, handler: (event: TypedEvent<T>) => void): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    const h = handler as unknown as (e: EventFrame) => void;
    set.add(h);
    return () => set.delete(h);
  }

  close(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.socket?.close(1000, 'client closed');
    this.socket = null;
    this.setStatus('closed');
  }

  private setStatus(s: ClientStatus): void {
    if (this._status === s) return;
    this._status = s;
    this.guard(() => this.o.onStatus?.(s));
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.o.onError?.(err);
    }
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    let ticket: string | undefined;
    try {
      ticket = this.o.ticket ? await this.o.ticket() : undefined;
    } catch (err) {
      this.o.onError?.(err);
      this.retry();
      return;
    }
    if (this.stopped) return;
    const url = eventsUrl(this.o.url, {
      types: this.o.types,
      broadcasters: this.o.broadcasters,
      since: this._cursor,
      ticket,
    });
    const headers = this.o.token ? { Authorization: `Bearer ${this.o.token}` } : undefined;
    const ws = (this.o.socket ?? globalSocket)(url, headers);
    this.socket = ws;
    this.unacked = 0;
    ws.onmessage = (m) => this.receive(ws, m.data);
    ws.onerror = () => undefined; // a close event follows; that is where the retry happens
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.retry();
    };
  }

  private retry(): void {
    if (this.stopped) return;
    this.setStatus('reconnecting');
    const wait = delay(Math.min(this.attempt, 30), this.o.random ?? Math.random, this.o.backoff ?? DEFAULT_BACKOFF);
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.open();
    }, wait);
  }

  private receive(ws: SocketLike, data: unknown): void {
    let frame: ConsumerFrame;
    try {
      frame = JSON.parse(String(data)) as ConsumerFrame;
    } catch (err) {
      this.o.onError?.(err);
      return;
    }
    switch (frame.frame) {
      case 'welcome':
        this.setStatus(frame.replay ? 'replaying' : 'connecting');
        this.guard(() => this.o.onNotice?.(frame));
        break;
      case 'live':
        this.attempt = 0; // connected and caught up: the next outage starts from the shortest delay again
        this.setStatus('live');
        break;
      case 'event':
        this.guard(() => this.o.onEvent?.(frame));
        for (const h of this.handlers.get(frame.type) ?? []) this.guard(() => h(frame));
        break;
      case 'closing':
        this.guard(() => this.o.onNotice?.(frame));
        break;
    }
    // After the handlers: a cursor is only ever one whose event was delivered.
    this._cursor = frame.cursor;
    if (++this.unacked >= (this.o.ackEvery ?? 50) && ws.readyState === 1) {
      ws.send(`ack ${this.unacked}`);
      this.unacked = 0;
    }
  }
}

/** Open a consumer stream; see EventsClientOptions. */
export function connectEvents(options: EventsClientOptions): EventsClient {
  return new EventsClient(options);
}
