/**
 * @module The scale benchmark's stack (issue #8): the Twitch simulator in this process and the production bundle on
 * its own workerd (Miniflare, direct socket, never `wrangler dev`), wired like the dev stack. PUBLIC_URL is the
 * Worker's own direct socket, so the simulator's webhook challenges and the controller's signed test challenges reach
 * `POST /webhooks/:endpoint` of the same Worker. Everything is on 127.0.0.1; nothing is driven from inside the
 * Worker: the admin API starts each change and the Durable Object's real alarms continue it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V4WorkerOptions } from 'miniflare';
import { freePort } from '../../scripts/stack.ts';
import { startSimulator, type RunningSim } from '../../sim/server.ts';
import type { Conduit } from '../../sim/state.ts';
import { productionWorker, SHARED, startWorkerd, type BuildResult } from '../ingest/targets.ts';
import type { ReconcileProgress } from '../../src/durable/controller-types.ts';
import { adminClient, simBindings } from '../sim-worker.ts';

const SECRETS = {
  EVENTSUB_SECRET: 'bench-scale-eventsub-master-0123456789',
  ADMIN_TOKEN: 'bench-scale-admin-token-0123456789',
  // The simulator's default app (sim/state.ts); TWITCH_CLIENT_ID comes from wrangler.toml.
  TWITCH_CLIENT_SECRET: 'sim-client-secret',
};

/**
 * The simulator's Helix bucket, raised from Twitch's 800 points a minute as the project's own 20,000-shard tests do:
 * the benchmark measures the controller's calls and pacing, not the wait for a bucket (the report says so).
 */
export const RATE_LIMIT_PER_MINUTE = 1_000_000;

/** The subset of `GET /admin/api/status` the benchmark reads (design.md §5). */
export interface StatusLite {
  conduit: { id: string; shard_count: number } | null;
  reconcile: ReconcileProgress;
  maintenance?: { lead_seconds: number; substituted: number; restoring: number };
}

export interface ScaleStack {
  sim: RunningSim;
  workerUrl: string;
  /** One admin API call; throws unless the answer is 2xx. */
  admin<T>(method: string, path: string, body?: unknown): Promise<T>;
  status(): Promise<StatusLite>;
  /** The managed conduit as the simulator holds it (in-process: no 20,000-shard JSON on the wire). */
  conduit(): Conduit | undefined;
  close(): Promise<void>;
}

export async function startScaleStack(bundle: BuildResult, opts: { persistRoot?: string } = {}): Promise<ScaleStack> {
  const sim = await startSimulator({ port: 0, config: { rateLimitPerMinute: RATE_LIMIT_PER_MINUTE } });
  const persist = mkdtempSync(join(opts.persistRoot ?? tmpdir(), 'bench-scale-'));
  const cleanup = async (mf?: { dispose(): Promise<void> }) => {
    await mf?.dispose().catch(() => undefined);
    await sim.close().catch(() => undefined);
    rmSync(persist, { recursive: true, force: true });
  };
  let started: Awaited<ReturnType<typeof startWorkerd>> | undefined;
  try {
    // The socket's port is fixed up front: PUBLIC_URL must name it before workerd starts.
    const port = await freePort();
    const workerUrl = `http://127.0.0.1:${port}`;
    const base = productionWorker(bundle);
    const worker: V4WorkerOptions = {
      ...base,
      bindings: {
        ...base.bindings,
        ...SECRETS,
        PUBLIC_URL: workerUrl,
        ...simBindings(sim.url),
      },
      unsafeDirectSockets: [{ host: '127.0.0.1', port }],
    };
    started = await startWorkerd({ ...SHARED, resourcePersistencePath: persist, workers: [worker] }, worker.name!);
    if (started.url !== workerUrl) throw new Error(`workerd listens on ${started.url}, not ${workerUrl}`);
  } catch (err) {
    await cleanup(started?.mf);
    throw err;
  }
  const { mf, url } = started;

  // Long enough for a 20,000-shard change the admin call starts in its own invocation.
  const admin = adminClient(url, SECRETS.ADMIN_TOKEN, 120_000);

  return {
    sim,
    workerUrl: url,
    admin,
    status: () => admin<StatusLite>('GET', '/status?shard_limit=0'),
    conduit: () => [...sim.sim.state.conduits.values()][0],
    close: () => cleanup(mf),
  };
}
