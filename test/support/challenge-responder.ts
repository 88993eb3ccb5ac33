/**
 * @module A stand-in for the Worker's public URL in Workers-runtime tests, which expose no port for the simulator
 * to call. It answers signed webhook challenges for built-in endpoints the way the real route will (signature
 * checked with the per-endpoint secret derived from EVENTSUB_SECRET, design.md §4), so shard verification passes.
 * Notifications get 204 and are counted, per endpoint too; it never routes them anywhere. `POST /_responder/down`
 * `{names}` takes endpoints down (503 to everything, challenges included) to stand for a deploy or an outage, and
 * `POST /_responder/reset` brings them back and zeroes the counts. `_shard-events` (the Worker's own
 * `conduit.shard.disabled` callback, src/verify/shard-events.ts) is answered like an endpoint.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Responder {
  port: number;
  close(): Promise<void>;
}

export async function startChallengeResponder(masterSecret: string): Promise<Responder> {
  const fresh = () => ({
    challenges: 0,
    rejected: 0,
    notifications: 0,
    down: 0,
    byEndpoint: {} as Record<string, { challenges: number; notifications: number; down: number }>,
  });
  let counts = fresh();
  const down = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && url.pathname === '/_responder/stats') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ...counts, downNow: [...down] }));
        return;
      }
      if (req.method === 'POST' && url.pathname === '/_responder/down') {
        const names = (JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { names?: string[] }).names ?? [];
        down.clear();
        for (const n of names) down.add(n);
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ down: names }));
      }
      if (req.method === 'POST' && url.pathname === '/_responder/reset') {
        down.clear();
        counts = fresh();
        return void res.writeHead(200).end('{}');
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
      const body = Buffer.concat(chunks);
      const secret = createHmac('sha256', masterSecret).update(`conduit-webhook:${m[1]}`).digest('hex');
      const id = String(req.headers['twitch-eventsub-message-id'] ?? '');
      const ts = String(req.headers['twitch-eventsub-message-timestamp'] ?? '');
      const sig = Buffer.from(String(req.headers['twitch-eventsub-message-signature'] ?? ''));
      const want = Buffer.from(
        'sha256=' +
          createHmac('sha256', secret)
            .update(id + ts)
            .update(body)
            .digest('hex'),
      );
      if (sig.length !== want.length || !timingSafeEqual(sig, want)) {
        counts.rejected++;
        return void res.writeHead(403).end();
      }
      if (req.headers['twitch-eventsub-message-type'] === 'webhook_callback_verification') {
        counts.challenges++;
        per.challenges++;
        const challenge = (JSON.parse(body.toString('utf8')) as { challenge: string }).challenge;
        res.writeHead(200, { 'content-type': 'text/plain' }).end(challenge);
        return;
      }
      counts.notifications++;
      per.notifications++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
