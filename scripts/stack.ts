/**
 * @module The dev stack: the Twitch simulator (in this process) and `wrangler dev` (a child process) wired together,
 * then provisioned through the admin API only. `npm run dev` and the end-to-end tests both use it, so the README's
 * quick start is exactly what the tests exercise.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { SimConfigInput } from '../sim/config.ts';
import { startSimulator, type RunningSim } from '../sim/server.ts';

export interface StackSecrets {
  TWITCH_CLIENT_SECRET: string;
  EVENTSUB_SECRET: string;
  ADMIN_TOKEN: string;
  CONSUMER_TOKEN?: string;
}

export interface StackOptions {
  simPort?: number;
  workerPort?: number;
  secrets: StackSecrets;
  /** Where wrangler keeps Durable Object and Queue state (a temp dir for tests). */
  persistTo: string;
  simConfig?: SimConfigInput;
  extraVars?: Record<string, string>;
  log?: (line: string) => void;
  /** How long to wait for the Worker to answer /healthz. */
  startTimeoutMs?: number;
}

export interface Stack {
  sim: RunningSim;
  workerUrl: string;
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Run the Worker's cron once, as Cloudflare would every minute (wrangler dev never fires it by itself). */
  cron(): Promise<void>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}

function pipeLines(stream: NodeJS.ReadableStream | null, log: (line: string) => void): void {
  let buf = '';
  stream?.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) log(line);
  });
}

async function waitHealthy(url: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
      last = `HTTP ${res.status}: ${await res.text()}`;
    } catch (err) {
      last = String((err as Error).cause ?? err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the Worker did not answer ${url}/healthz within ${timeoutMs / 1000} s (${last})`);
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const log = opts.log ?? (() => {});
  const sim = await startSimulator({ port: opts.simPort ?? 0, config: opts.simConfig });
  const workerPort = opts.workerPort ?? (await freePort());
  const workerUrl = `http://127.0.0.1:${workerPort}`;
  const vars: Record<string, string> = {
    TWITCH_API_BASE: `${sim.url}/helix`,
    TWITCH_AUTH_BASE: `${sim.url}/oauth2`,
    TWITCH_EVENTSUB_WS_URL: `${sim.url.replace('http', 'ws')}/ws`,
    PUBLIC_URL: workerUrl,
    ...opts.extraVars,
    ...Object.fromEntries(Object.entries(opts.secrets).filter(([, v]) => v !== undefined)),
  };
  const wrangler = resolve('node_modules/wrangler/bin/wrangler.js');
  const args = [wrangler, 'dev', '--ip', '127.0.0.1', '--port', String(workerPort), '--persist-to', opts.persistTo];
  args.push('--show-interactive-dev-session=false', '--inspector-port', String(await freePort()));
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`);
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_D1_WARNING: 'true' },
  });
  pipeLines(child.stdout, (l) => log(`[worker] ${l}`));
  pipeLines(child.stderr, (l) => log(`[worker] ${l}`));
  const close = async (): Promise<void> => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await sim.close();
  };
  try {
    await waitHealthy(workerUrl, opts.startTimeoutMs ?? 90_000, child);
  } catch (err) {
    await close();
    throw err;
  }
  return {
    sim,
    workerUrl,
    async admin<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(`${workerUrl}/admin/api${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${opts.secrets.ADMIN_TOKEN}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
    },
    async cron() {
      const res = await fetch(`${workerUrl}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*`);
      if (!res.ok) throw new Error(`cron trigger answered ${res.status}`);
    },
    close,
  };
}
