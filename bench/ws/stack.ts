/**
 * @module The WebSocket-path bench stack (issue #8): the Twitch simulator in this process and the production bundle
 * on its own workerd (Miniflare, direct socket, never `wrangler dev`: design.md §9), with the acknowledging Queue
 * consumer of bench/ingest/targets.ts `startOurs` set up the same way, all on 127.0.0.1. Twitch URLs point at the
 * simulator as scripts/stack.ts does. Provisioned through the admin API only: one websocket endpoint owning the only
 * shard (no webhook endpoint in the layout, so no PUBLIC_URL challenge is needed), and one subscription per
 * broadcaster, authorized in the simulator so each costs 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V4WorkerOptions } from 'miniflare';
import { startSimulator, type RunningSim } from '../../sim/server.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../sim/state.ts';
import { waitFor } from '../../test/support/wait.ts';
import {
  drainedCount,
  drainWorker,
  productionWorker,
  SHARED,
  startWorkerd,
  type BuildResult,
} from '../ingest/targets.ts';
import { adminClient, simBindings } from '../sim-worker.ts';

/** The endpoint (and so the WebSocketShard object `ws:<name>`) that carries every event of the bench. */
export const WS_ENDPOINT = 'bench-ws';
export const EVENT_TYPE = 'channel.chat.message';

export interface WsStack {
  sim: RunningSim;
  workerUrl: string;
  /** The workerd process: the Worker, every Durable Object, the Queue and its drain consumer. */
  pid: number;
  consumerToken: string;
  broadcasters: readonly string[];
  /** Notifications sent through the stack so far, warm-ups included: what the Queue must deliver in the end. */
  sent: number;
  /** Messages the Queue delivered to the acknowledging consumer so far. */
  drained(): Promise<number>;
  close(): Promise<void>;
}

export async function startWsStack(
  bundle: BuildResult,
  broadcasterCount: number,
  log: (line: string) => void,
  /** Where workerd keeps Durable Object and Queue storage: the OS temp dir (disk) by default, or tmpfs. */
  persistRoot = tmpdir(),
): Promise<WsStack> {
  const cleanup: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const fn of cleanup.splice(0).reverse()) await Promise.resolve(fn()).catch(() => undefined);
  };
  try {
    const sim = await startSimulator({ port: 0 });
    cleanup.push(() => sim.close());
    const persist = mkdtempSync(join(persistRoot, 'bench-ws-'));
    cleanup.push(() => rmSync(persist, { recursive: true, force: true }));

    // Fresh per run and never printed; CONSUMER_TOKEN must be ≥ 16 characters (src/config.ts).
    const adminToken = `bench-admin-${crypto.randomUUID()}`;
    const consumerToken = `bench-consumer-${crypto.randomUUID()}`;
    const base = productionWorker(bundle);
    const worker: V4WorkerOptions = {
      ...base,
      bindings: {
        ...base.bindings,
        TWITCH_CLIENT_ID: DEFAULT_CLIENT_ID,
        TWITCH_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
        EVENTSUB_SECRET: `bench-master-${crypto.randomUUID()}`,
        ADMIN_TOKEN: adminToken,
        CONSUMER_TOKEN: consumerToken,
        ...simBindings(sim.url),
      },
      unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
    };
    const { mf, url, pid } = await startWorkerd(
      {
        ...SHARED,
        resourcePersistencePath: persist,
        // The Worker's info lines (one per shard step) would land in the bench's stdout; warnings and errors are
        // what can explain a figure, so they go to the log.
        handleStructuredLogs: ({ level, message }) => {
          if (level === 'warn' || level === 'error') log(`ws [workerd ${level}] ${message}`);
        },
        workers: [worker, drainWorker(base.compatibilityDate)],
      },
      'conduit-worker',
    );
    // Disposed before the persistence folder is removed (cleanup runs in reverse).
    cleanup.push(() => mf.dispose());

    const broadcasters = Array.from({ length: broadcasterCount }, (_, i) => String(95_000_001 + i));
    sim.sim.state.authorize(DEFAULT_CLIENT_ID, [...broadcasters]);
    const admin = adminClient(url, adminToken, 15_000);
    await admin('POST', '/endpoints', { name: WS_ENDPOINT, kind: 'websocket' });
    await admin('PUT', '/layout', { shards: [WS_ENDPOINT] });
    await waitFor(
      'the websocket shard to be enabled in the simulator',
      () => {
        const shard = [...sim.sim.state.conduits.values()][0]?.shards[0];
        return shard?.status === 'enabled' && shard.transport.method === 'websocket';
      },
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    for (const b of broadcasters) {
      await admin('POST', '/subscriptions', {
        type: EVENT_TYPE,
        version: '1',
        condition: { broadcaster_user_id: b, user_id: b },
      });
    }
    const enabled = [...sim.sim.state.subscriptions.values()].filter(
      (s) => s.status === 'enabled' && s.type === EVENT_TYPE,
    );
    if (enabled.length !== broadcasters.length) {
      throw new Error(
        `expected ${broadcasters.length} enabled subscriptions in the simulator, found ${enabled.length}`,
      );
    }
    return {
      sim,
      workerUrl: url,
      pid,
      consumerToken,
      broadcasters,
      sent: 0,
      drained: () => drainedCount(mf),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
