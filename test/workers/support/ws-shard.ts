/**
 * @module Harness for WebSocketShard tests against the simulator (real sockets): an isolated controller (`#suffix`,
 * as admin-api.ts does) whose shard objects and hubs carry the same suffix, the admin API over that controller, event
 * streams through `/_sim/events`, and readers for what the simulator and the hubs hold. Every shard object a test
 * starts is stopped by `cleanup()`, so no socket outlives its test and reconnects into the next one.
 */
import { env } from 'cloudflare:workers';
import { createApp } from '../../../src/app.ts';
import type { ControllerRpc } from '../../../src/durable/controller-types.ts';
import { shardName } from '../../../src/durable/shard-stub.ts';
import type { ShardRpc, ShardStartOptions } from '../../../src/durable/shard-types.ts';
import { simControl } from '../../support/sim-control.ts';
import { waitFor } from '../../support/wait.ts';
import { adminRequest } from './admin-api.ts';

export const sim = simControl(env.SIM_BASE);

/** Fast timings for tests: backoff and the 4003 pause in milliseconds, not seconds. */
export const FAST: NonNullable<ShardStartOptions['timings']> = {
  backoff: { baseMs: 50, capMs: 200 },
  unusedPauseMs: 300,
};

export interface SimShard {
  id: string;
  status: string;
  transport: Record<string, string>;
}

export interface SimSession {
  id: string;
  status: string;
  connected_at: string;
  keepalive_timeout_seconds: number;
}

interface SimStateFull {
  conduits: { id: string; shard_count: number; shards: SimShard[] }[];
  sessions: SimSession[];
}

export const simState = () => sim.call<SimStateFull>('GET', '/state');

export function wsHarness() {
  const suffix = `#${crypto.randomUUID()}`;
  const controllerName = `conduit:auto${suffix}`;
  const started = new Set<string>();
  const controller = () => env.CONDUIT_CONTROLLER.getByName(controllerName) as unknown as ControllerRpc;
  const shard = (endpoint: string) =>
    env.WEBSOCKET_SHARD.getByName(shardName(controllerName, endpoint)) as unknown as ShardRpc;
  const isolatedEnv = {
    ...env,
    CONDUIT_CONTROLLER: {
      getByName: (name: string) => env.CONDUIT_CONTROLLER.getByName(`${name}${suffix}`),
    } as unknown as Env['CONDUIT_CONTROLLER'],
  };
  const app = createApp();

  return {
    controllerName,
    controller,
    shard,
    /** The admin API over this test's controller. */
    admin: async (method: string, path: string, body?: unknown): Promise<Response> =>
      app.fetch(adminRequest(method, path, { body }), isolatedEnv),
    /** The cron's call (not part of ControllerRpc, which is the admin API's surface). */
    tick: () => env.CONDUIT_CONTROLLER.getByName(controllerName).tick(),

    /** Add a websocket endpoint (the controller starts its shard object), then apply test settings to it. */
    async addWebsocket(name: string, opts: { mode?: 'fixed' | 'auto'; keepalive?: number } = {}) {
      started.add(name);
      const added = await controller().addEndpoint({
        name,
        kind: 'websocket',
        ...(opts.mode ? { mode: opts.mode } : {}),
      });
      if (!added.ok) throw new Error(`addEndpoint ${name}: ${added.error}`);
      await shard(name).start({
        controller: controllerName,
        timings: FAST,
        ...(opts.keepalive ? { keepaliveTimeoutSeconds: opts.keepalive } : {}),
      });
    },

    /** A conduit subscription for `broadcaster`, so `/_sim/events` has somewhere to deliver. */
    async subscribe(broadcaster: string) {
      const r = await controller().addSubscription({
        type: 'channel.follow',
        version: '2',
        condition: { broadcaster_user_id: broadcaster, moderator_user_id: broadcaster },
      });
      if (!r.ok) throw new Error(`addSubscription: ${r.error}`);
    },

    /** Every message id recorded by this test's hubs (`hub:<n>#suffix`), with repeats if a hub held any twice. */
    async hubMessageIds(): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < Number(env.HUB_COUNT); i++) {
        const hub = env.EVENT_HUB.getByName(`hub:${i}${suffix}`);
        let cursor = 0;
        for (let page = 0; page < 100; page++) {
          const events = await hub.since(cursor, 1000);
          ids.push(...events.map((e) => e.messageId));
          if (events.length < 1000) break;
          cursor = events[events.length - 1]!.cursor;
        }
      }
      return ids;
    },

    async cleanup() {
      for (const name of started)
        await shard(name)
          .stop()
          .catch(() => undefined);
    },
  };
}

export type WsHarness = ReturnType<typeof wsHarness>;

/** The conduit's shard `id` as the simulator holds it, once it is an enabled websocket shard (optionally not `not`). */
export async function enabledSession(id: number, opts: { not?: string; timeoutMs?: number } = {}): Promise<string> {
  return waitFor(
    `shard ${id} enabled on a websocket session${opts.not ? ` other than ${opts.not}` : ''}`,
    async () => {
      const s = (await simState()).conduits[0]?.shards.find((x) => x.id === String(id));
      const session = s?.transport.session_id;
      return s?.status === 'enabled' && session && session !== opts.not ? session : null;
    },
    { timeoutMs: opts.timeoutMs ?? 15_000, intervalMs: 20 },
  );
}

/** ms from the simulator's welcome of `sessionId` (its `connected_at`) to now. */
export async function sinceWelcome(sessionId: string): Promise<number> {
  const s = (await simState()).sessions.find((x) => x.id === sessionId);
  if (!s) throw new Error(`no session ${sessionId} in the simulator`);
  return Date.now() - Date.parse(s.connected_at);
}

export interface Delivery {
  message_id: string;
  status: string;
  transport: string;
  shard_id?: string;
}

/** Trigger one channel.follow for `broadcaster`; the simulator answers where each copy went. */
export async function trigger(broadcaster: string): Promise<Delivery[]> {
  const r = await sim.call<{ data: Delivery[] }>('POST', '/events', {
    type: 'channel.follow',
    version: '2',
    condition: { broadcaster_user_id: broadcaster },
  });
  return r.data;
}

/** `count` events one after another; `during()` starts (not awaited) just before event `at`. */
export async function stream(
  broadcaster: string,
  count: number,
  at: number,
  during: () => Promise<unknown>,
): Promise<{ deliveries: Delivery[]; side: Promise<unknown> }> {
  const deliveries: Delivery[] = [];
  let side: Promise<unknown> = Promise.resolve();
  for (let i = 0; i < count; i++) {
    if (i === at) {
      side = during();
      // Awaited by the caller; marked handled here so a rejection before then is not reported as unhandled.
      side.catch(() => undefined);
    }
    deliveries.push(...(await trigger(broadcaster)));
  }
  return { deliveries, side };
}
