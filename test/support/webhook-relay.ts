/**
 * @module The Worker's public URL in the fault-injection runs (test/chaos). Workers-runtime tests expose no port,
 * so the simulator's webhook POSTs land here and are held until the test pulls them (`GET /_relay/next`), runs each
 * through the Worker's real route, and posts the answer back (`POST /_relay/answer/:id`); the simulator then sees
 * the route's own status and body, and Twitch's retry rules act on them. A request nobody answers within 10 s gets a
 * 504, as a hung Worker would. Endpoints are taken down and counted with the same control API as
 * challenge-responder.ts (`/_responder/down` `{names}`: 503 to everything; `/_responder/reset`; `/_responder/stats`),
 * so the maintenance harness drives either one.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One held request as the test pulls it; the body is base64, since signatures cover the exact bytes. */
export interface RelayedRequest {
  id: number;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface RelayAnswer {
  status: number;
  body: string;
  content_type?: string;
}

export interface WebhookRelay {
  port: number;
  close(): Promise<void>;
}

const HOLD_MS = 10_000;
/** Longest a pull may wait for a request before answering 204. */
const MAX_PULL_WAIT_MS = 5_000;

interface Held {
  request: RelayedRequest;
  respond(answer: RelayAnswer): void;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const json = (res: ServerResponse, status: number, value: unknown) =>
  void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));

export async function startWebhookRelay(): Promise<WebhookRelay> {
  const fresh = () => ({
    challenges: 0,
    notifications: 0,
    down: 0,
    relayed: 0,
    timeouts: 0,
    byEndpoint: {} as Record<string, { challenges: number; notifications: number; down: number }>,
  });
  let counts = fresh();
  const down = new Set<string>();
  let nextId = 1;
  /** Requests waiting for a puller, oldest first; pullers waiting for a request. */
  const queue: Held[] = [];
  const waiting: ((held: Held) => void)[] = [];
  /** Requests handed to the test and not yet answered. */
  const inFlight = new Map<number, Held>();

  function hold(request: RelayedRequest, res: ServerResponse): void {
    let done = false;
    const timer = setTimeout(() => finish({ status: 504, body: '' }, true), HOLD_MS);
    const finish = (answer: RelayAnswer, timedOut = false) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      inFlight.delete(request.id);
      const i = queue.indexOf(held);
      if (i >= 0) queue.splice(i, 1);
      if (timedOut) counts.timeouts++;
      res.writeHead(answer.status, answer.content_type ? { 'content-type': answer.content_type } : {}).end(answer.body);
    };
    const held: Held = { request, respond: (a) => finish(a) };
    const puller = waiting.shift();
    if (puller) puller(held);
    else queue.push(held);
  }

  function pull(res: ServerResponse, waitMs: number): void {
    const give = (held: Held) => {
      inFlight.set(held.request.id, held);
      json(res, 200, held.request);
    };
    const first = queue.shift();
    if (first) return give(first);
    const timer = setTimeout(() => {
      const i = waiting.indexOf(take);
      if (i >= 0) waiting.splice(i, 1);
      res.writeHead(204).end();
    }, waitMs);
    const take = (held: Held) => {
      clearTimeout(timer);
      give(held);
    };
    waiting.push(take);
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://relay.invalid');
      const body = await readBody(req);
      if (req.method === 'GET' && url.pathname === '/_relay/next') {
        const wait = Math.min(MAX_PULL_WAIT_MS, Math.max(0, Number(url.searchParams.get('wait_ms') ?? '0') || 0));
        return pull(res, wait);
      }
      const answer = /^\/_relay\/answer\/(\d+)$/.exec(url.pathname);
      if (req.method === 'POST' && answer) {
        const held = inFlight.get(Number(answer[1]));
        if (!held) return json(res, 404, { error: 'no such request (answered or timed out)' });
        held.respond(JSON.parse(body.toString('utf8')) as RelayAnswer);
        return json(res, 200, { ok: true });
      }
      if (req.method === 'GET' && url.pathname === '/_responder/stats') {
        return json(res, 200, { ...counts, downNow: [...down] });
      }
      if (req.method === 'POST' && url.pathname === '/_responder/down') {
        const names = (JSON.parse(body.toString('utf8') || '{}') as { names?: string[] }).names ?? [];
        down.clear();
        for (const n of names) down.add(n);
        return json(res, 200, { down: names });
      }
      if (req.method === 'POST' && url.pathname === '/_responder/reset') {
        down.clear();
        counts = fresh();
        return json(res, 200, {});
      }
      const m = /^\/webhooks\/(_shard-events|[a-z0-9][a-z0-9-]{0,31})$/.exec(url.pathname);
      if (req.method !== 'POST' || !m) return void res.writeHead(404).end();
      const name = m[1]!;
      const per = (counts.byEndpoint[name] ??= { challenges: 0, notifications: 0, down: 0 });
      if (down.has(name)) {
        counts.down++;
        per.down++;
        return void res.writeHead(503).end();
      }
      if (req.headers['twitch-eventsub-message-type'] === 'webhook_callback_verification') {
        counts.challenges++;
        per.challenges++;
      } else {
        counts.notifications++;
        per.notifications++;
      }
      counts.relayed++;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
      }
      hold({ id: nextId++, path: url.pathname, headers, body: body.toString('base64') }, res);
    })().catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: String(err) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const held of [...queue, ...inFlight.values()]) held.respond({ status: 503, body: '' });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
