/**
 * @module The three ingest targets (issue #8), each a server process of its own so that its CPU time is its own:
 * - `ours`: the production bundle (`wrangler deploy --dry-run --outdir`) on workerd through Miniflare, with the
 *   bindings of wrangler.toml, served on a direct socket (never `wrangler dev`'s proxy, design.md §9). The Queue has
 *   a consumer that only acknowledges, so ingest (verify, de-duplicate, record, enqueue) is what is measured;
 * - `bare`: bare-verify.worker.ts bundled the same way, on its own workerd: the runtime's floor;
 * - `twurple`: twurple-server.ts on Node: the peer.
 * Every socket is on 127.0.0.1; Twitch URLs point at a closed local port (the webhook route never calls Twitch).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  convertV4MiniflareOptions,
  Log,
  LogLevel,
  Miniflare,
  type V4MiniflareOptions,
  type V4WorkerOptions,
} from 'miniflare';
import { unstable_readConfig } from 'wrangler';
import { withTimeout } from '../../test/support/wait.ts';
import { childrenNamed } from './proc.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const WRANGLER = join(ROOT, 'node_modules/wrangler/bin/wrangler.js');

export interface Target {
  /** ours, bare, twurple, or an attribution stage. */
  name: string;
  /** Where to POST the signed notifications. */
  url: string;
  /** The server process whose CPU time is counted. */
  pid: number;
  /** The status a valid notification gets. */
  okStatus: number;
  close(): Promise<void>;
}

export interface BuildResult {
  dir: string;
  /** The bundled entry module, relative to `dir`. */
  script: string;
  /** The config's folder: esbuild's `// path` comments in the bundle are relative to it. */
  configDir: string;
  command: string;
}

/** `wrangler deploy --dry-run --outdir`: the exact bundle `wrangler deploy` would upload. */
export function build(config: string, outdir: string): BuildResult {
  const args = ['deploy', '--dry-run', '--outdir', outdir, '--config', config];
  const run = spawnSync(process.execPath, [WRANGLER, ...args], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`wrangler ${args.join(' ')} failed:\n${run.stderr}`);
  const scripts = readdirSync(outdir).filter((f) => f.endsWith('.js'));
  if (scripts.length !== 1) throw new Error(`expected one bundled module in ${outdir}, found ${scripts.join(', ')}`);
  return {
    dir: outdir,
    script: scripts[0] as string,
    configDir: dirname(resolve(ROOT, config)),
    command: `wrangler ${args.join(' ')}`,
  };
}

/**
 * The attribution build (ablation.worker.ts): wrangler.toml with only `main` changed, written next to the bundle,
 * so it has exactly the production bindings.
 */
export function buildAblation(outdir: string, entry = 'bench/ingest/ablation.worker.ts'): BuildResult {
  const toml = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8');
  const main = join(ROOT, entry);
  if (!/^main = ".*"$/m.test(toml)) throw new Error('wrangler.toml has no `main = "…"` line to replace');
  const config = join(outdir, 'wrangler.ablation.toml');
  writeFileSync(config, toml.replace(/^main = ".*"$/m, `main = ${JSON.stringify(main)}`));
  return build(config, join(outdir, 'bundle'));
}

/** Start a Miniflare instance and find the workerd process it spawned (a direct child of this process). */
export async function startWorkerd(opts: V4MiniflareOptions, worker: string) {
  const before = new Set(childrenNamed(process.pid, 'workerd'));
  const mf = new Miniflare(convertV4MiniflareOptions(opts));
  const url = await withTimeout('workerd to start', mf.unsafeGetDirectURL(worker), 60_000);
  const pids = childrenNamed(process.pid, 'workerd').filter((p) => !before.has(p));
  if (pids.length !== 1) throw new Error(`expected one new workerd process, found ${pids.length}`);
  return { mf, url: url.href.replace(/\/$/, ''), pid: pids[0] as number };
}

/** Loopback only; `cf: false` keeps Miniflare from fetching Request.cf data from Cloudflare. */
export const SHARED = { host: '127.0.0.1', port: 0, cf: false, log: new Log(LogLevel.WARN) } as const;

/** The acknowledging consumer of `conduit-events`, counting what it drained (read with `drainedCount`). */
const DRAIN_WORKER = `let drained = 0;
export default {
  async queue(batch) { drained += batch.messages.length; batch.ackAll(); },
  async fetch() { return Response.json({ drained }); },
};`;

/** A second Worker beside ours that drains the Queue: it acknowledges and counts, so enqueueing is what's measured. */
export function drainWorker(compatibilityDate: string | undefined): V4WorkerOptions {
  return {
    name: 'bench-queue-drain',
    modules: true,
    script: DRAIN_WORKER,
    compatibilityDate,
    queueConsumers: { 'conduit-events': { maxBatchSize: 100, maxBatchTimeout: 1 } },
  };
}

/** Messages the drain Worker has acknowledged so far. */
export async function drainedCount(mf: Miniflare): Promise<number> {
  const drainer = await mf.getWorker('bench-queue-drain');
  return ((await (await drainer.fetch('http://drain/')).json()) as { drained: number }).drained;
}

export interface OursTarget extends Target {
  mf: Miniflare;
  /** Messages the Queue delivered to the acknowledging consumer so far. */
  drained(): Promise<number>;
}

/** The Worker's bindings as wrangler.toml declares them (vars, SQLite Durable Objects, Queue producers). */
export function productionWorker(bundle: BuildResult): V4WorkerOptions {
  const config = unstable_readConfig({ config: join(ROOT, 'wrangler.toml') });
  const sqlite = new Set(
    config.migrations.flatMap((m: { new_sqlite_classes?: string[] }) => m.new_sqlite_classes ?? []),
  );
  return {
    name: 'conduit-worker',
    modules: true,
    scriptPath: join(bundle.dir, bundle.script),
    modulesRoot: bundle.dir,
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags,
    bindings: Object.fromEntries(Object.entries(config.vars).map(([k, v]) => [k, String(v)])),
    durableObjects: Object.fromEntries(
      config.durable_objects.bindings.map((b: { name: string; class_name: string }) => [
        b.name,
        { className: b.class_name, useSQLite: sqlite.has(b.class_name) },
      ]),
    ),
    queueProducers: Object.fromEntries(
      (config.queues.producers ?? []).map((p: { binding: string; queue: string }) => [
        p.binding,
        { queueName: p.queue },
      ]),
    ) as Record<string, { queueName: string }>,
  };
}

export interface OursOptions {
  /** Where workerd keeps Durable Object storage: a disk folder (default: the OS temp dir) or tmpfs (`/dev/shm`). */
  persistRoot?: string;
  /** Open workerd's inspector (profile.ts); 0 picks a free port. */
  inspectorPort?: number;
  name?: string;
}

export async function startOurs(
  bundle: BuildResult,
  secrets: Record<string, string>,
  opts: OursOptions = {},
): Promise<OursTarget> {
  const { inspectorPort } = opts;
  const base = productionWorker(bundle);
  const closed = 'http://127.0.0.1:9';
  const persist = mkdtempSync(join(opts.persistRoot ?? tmpdir(), 'bench-ours-'));
  const worker: V4WorkerOptions = {
    ...base,
    bindings: {
      ...base.bindings,
      ...secrets,
      TWITCH_API_BASE: `${closed}/helix`,
      TWITCH_AUTH_BASE: `${closed}/oauth2`,
      TWITCH_EVENTSUB_WS_URL: 'ws://127.0.0.1:9/ws',
    },
    unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
  };
  const { mf, url, pid } = await startWorkerd(
    {
      ...SHARED,
      ...(inspectorPort === undefined ? {} : { inspectorPort }),
      resourcePersistencePath: persist,
      workers: [worker, drainWorker(base.compatibilityDate)],
    },
    'conduit-worker',
  );
  return {
    name: opts.name ?? 'ours',
    url: `${url}/webhooks/default`,
    pid,
    okStatus: 204,
    mf,
    drained: () => drainedCount(mf),
    close: async () => {
      await mf.dispose();
      rmSync(persist, { recursive: true, force: true });
    },
  };
}

export async function startBare(bundle: BuildResult, secret: string): Promise<Target> {
  const { mf, url, pid } = await startWorkerd(
    {
      ...SHARED,
      workers: [
        {
          name: 'bench-bare-verify',
          modules: true,
          scriptPath: join(bundle.dir, bundle.script),
          modulesRoot: bundle.dir,
          compatibilityDate: '2026-11-01',
          bindings: { SECRET: secret },
          unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
        },
      ],
    },
    'bench-bare-verify',
  );
  return { name: 'bare', url: `${url}/`, pid, okStatus: 204, close: () => mf.dispose() };
}

export interface TwurpleTarget extends Target {
  /** Notifications twurple's handler received so far. */
  events(): Promise<number>;
}

export async function startTwurple(secret: string): Promise<TwurpleTarget> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/ingest/twurple-server.ts')], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_WEBHOOK_SECRET: secret, NODE_NO_WARNINGS: '1' },
  });
  const lines = createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const nextLine = (what: string) =>
    withTimeout(what, new Promise<string>((r) => waiting.push(r)), 20_000) as Promise<string>;
  const { port, path } = JSON.parse(await nextLine('twurple listener to start')) as { port: number; path: string };
  if (child.pid === undefined) throw new Error('twurple server did not start');
  return {
    name: 'twurple',
    url: `http://127.0.0.1:${port}${path}`,
    pid: child.pid,
    okStatus: 202,
    events: async () => {
      const answer = nextLine('twurple stats');
      child.stdin.write('stats\n');
      return (JSON.parse(await answer) as { events: number }).events;
    },
    close: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin.end();
      await withTimeout('twurple server to exit', exited, 10_000).catch(() => child.kill('SIGKILL'));
    },
  };
}

const made: string[] = [];

/** A fresh folder under the OS temp dir, removed by `removeTempDirs`. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
