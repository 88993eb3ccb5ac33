/**
 * @module A recording webhook receiver on 127.0.0.1 for simulator tests, with an independent signature check
 * (node:crypto only, never the simulator's own signer).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WireSubscription {
  id: string;
  status: string;
  type: string;
  version: string;
  condition: Record<string, string>;
  transport: Record<string, string>;
  created_at: string;
  cost: number;
}

export interface WebhookBody {
  challenge?: string;
  subscription?: WireSubscription;
  conduit_shard?: { conduit_id: string; shard: string };
  event?: Record<string, unknown>;
  events?: { id: string; data: Record<string, unknown> }[];
}

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: WebhookBody;
  /** Header value by (case-insensitive) name; '' when absent. */
  header(name: string): string;
}

/** `hang` never answers (the simulator's timeout must fire). */
export type Reply = { status: number; body?: string; contentType?: string } | 'hang';
/** A promise lets a test hold the answer back until it has changed the simulator's state. */
export type Replier = (r: Received) => Reply | Promise<Reply>;

/** The correct answers: the raw challenge as text/plain with 200, and 204 for everything else (§3.4). */
export const correctly: Replier = (r) =>
  r.body.challenge !== undefined ? { status: 200, body: r.body.challenge, contentType: 'text/plain' } : { status: 204 };

export interface Receiver {
  url: string;
  received: Received[];
  /** Swap how later requests are answered. */
  reply: Replier;
  ofType(type: string): Received[];
  close(): Promise<void>;
}

export async function startReceiver(reply: Replier = correctly): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const headers = req.headers;
      const header = (name: string): string => {
        const v = headers[name.toLowerCase()];
        return Array.isArray(v) ? v.join(',') : (v ?? '');
      };
      const r: Received = {
        path: req.url ?? '/',
        headers,
        raw,
        body: JSON.parse(raw.toString('utf8')) as WebhookBody,
        header,
      };
      received.push(r);
      void Promise.resolve(receiver.reply(r)).then((answer) => {
        if (answer === 'hang') return;
        res.writeHead(answer.status, answer.contentType ? { 'Content-Type': answer.contentType } : {});
        res.end(answer.body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/eventsub`,
    received,
    reply,
    ofType: (type) => received.filter((r) => r.header('Twitch-Eventsub-Message-Type') === type),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return receiver;
}

/** The receiving side's check (§3.3): HMAC over id + timestamp header strings + raw body, constant-time compare. */
export function signatureValid(secret: string, r: Received): boolean {
  const id = r.header('Twitch-Eventsub-Message-Id');
  const ts = r.header('Twitch-Eventsub-Message-Timestamp');
  const mac = createHmac('sha256', secret)
    .update(Buffer.concat([Buffer.from(id + ts, 'utf8'), r.raw]))
    .digest('hex');
  const a = Buffer.from(`sha256=${mac}`);
  const b = Buffer.from(r.header('Twitch-Eventsub-Message-Signature'));
  return a.length === b.length && timingSafeEqual(a, b);
}
