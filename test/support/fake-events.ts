/**
 * @module A stand-in for the Worker's `GET /events` (design.md §5) and `POST /admin/api/tickets` on 127.0.0.1, for
 * the CLI's tail: it records each upgrade (query and Authorization), refuses it with a scripted status, or accepts it
 * and hands the socket to the test, which sends welcome, live and event frames as the ConsumerHub would.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { waitFor } from './wait.ts';

export interface Upgrade {
  query: URLSearchParams;
  authorization: string | undefined;
}

export type Decide = (u: Upgrade) => { status: number; body: unknown } | 'accept';

export class FakeEvents {
  readonly upgrades: Upgrade[] = [];
  readonly sockets: WebSocket[] = [];
  readonly ticketRequests: unknown[] = [];
  decide: Decide = () => 'accept';
  ticketAnswer: { status: number; body: unknown } = { status: 201, body: { ticket: 'tkt-1', expires_at: 'x' } };
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private taken = 0;

  constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/admin/api/tickets') this.ticketRequests.push(JSON.parse(body));
        const a = req.url === '/admin/api/tickets' ? this.ticketAnswer : { status: 404, body: { error: 'not found' } };
        res.writeHead(a.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(a.body));
      });
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async listen(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return this;
  }

  /** The next accepted socket (open), in arrival order. */
  nextSocket(timeoutMs = 5_000): Promise<WebSocket> {
    const i = this.taken++;
    return waitFor(`accepted /events socket #${i + 1}`, () => this.sockets[i], { timeoutMs });
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const u: Upgrade = { query: url.searchParams, authorization: req.headers.authorization };
    this.upgrades.push(u);
    const verdict = url.pathname === '/events' ? this.decide(u) : { status: 404, body: { error: 'not found' } };
    if (verdict !== 'accept') {
      const text = JSON.stringify(verdict.body);
      socket.end(
        `HTTP/1.1 ${verdict.status} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.push(ws);
    });
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

let seq = 0;

/** An event frame as the ConsumerHub writes it (src/core/consumer-frames.ts), with a cursor per event. */
export function eventFrame(type: string, broadcaster: string, event: Record<string, unknown> = {}) {
  seq++;
  return {
    frame: 'event',
    cursor: `c${seq}`,
    hub: 0,
    seq,
    message_id: `m${seq}`,
    kind: 'notification',
    type,
    version: '1',
    subscription_id: 's',
    broadcaster,
    sent_at: '2030-01-01T10:00:00Z',
    received_at: '2030-01-01T10:00:01Z',
    replayed: false,
    payload: { subscription: { type }, event },
  };
}

export function welcome(cursor = 'c0') {
  return { frame: 'welcome', cursor, filters: { types: null, broadcasters: null }, replay: null };
}
