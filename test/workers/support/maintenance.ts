/**
 * @module Harness for maintenance tests (issue #6): an isolated controller whose maintenance clock the test moves
 * (the controller's `now`, set on the live instance with `runInDurableObject` — re-set before every call, so an
 * evicted and rebuilt instance keeps it), a driver that runs alarm invocations until a pass is finished and counts
 * them and their Helix calls, the challenge responder's switch for taking endpoints down, and event triggers whose
 * broadcasters hash to chosen shards (the simulator's routing, twitch-eventsub.md §5.1).
 */
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { createApp } from '../../../src/app.ts';
import { bucketOf } from '../../../src/core/hash.ts';
import type { ConduitController } from '../../../src/durable/conduit-controller.ts';
import type { ControllerRpc } from '../../../src/durable/controller-types.ts';
import { simControl, type CallLogEntry } from '../../support/sim-control.ts';
import { waitFor } from '../../support/wait.ts';
import { adminRequest } from './admin-api.ts';

export const sim = simControl(env.SIM_BASE);
export const MIN = 60_000;
export const SHARDS = 'PATCH /helix/eventsub/conduits/shards';
export const CONDUITS = 'PATCH /helix/eventsub/conduits';

export interface SimState {
  conduits: {
    id: string;
    shard_count: number;
    shards: { id: string; status: string; transport: Record<string, string> }[];
  }[];
  subscriptions: {
    id: string;
    type: string;
    status: string;
    condition: Record<string, string>;
    transport: Record<string, string>;
  }[];
}
export const simState = () => sim.call<SimState>('GET', '/state');

/** The challenge responder standing in for the Worker's public URL (test/support/challenge-responder.ts). */
export const responder = {
  async down(names: string[]): Promise<void> {
    const res = await fetch(`${env.PUBLIC_URL}/_responder/down`, { method: 'POST', body: JSON.stringify({ names }) });
    if (!res.ok) throw new Error(`responder down → ${res.status}`);
  },
  async reset(): Promise<void> {
    await fetch(`${env.PUBLIC_URL}/_responder/reset`, { method: 'POST' });
  },
  async stats() {
    const res = await fetch(`${env.PUBLIC_URL}/_responder/stats`);
    return res.json<{
      notifications: number;
      down: number;
      byEndpoint: Record<string, { challenges: number; notifications: number; down: number }>;
    }>();
  },
};

/** Which endpoint each shard is on in the simulator, by callback (`/webhooks/NAME`) or `ws`. */
export async function placement(): Promise<string[]> {
  const conduit = (await simState()).conduits[0]!;
  const out: string[] = Array.from({ length: conduit.shard_count }, () => '?');
  for (const s of conduit.shards) {
    const t = s.transport;
    out[Number(s.id)] = t.method === 'webhook' ? (t.callback ?? '').split('/').pop()! : `ws:${t.session_id}`;
  }
  return out;
}

export async function allEnabled(): Promise<boolean> {
  const c = (await simState()).conduits[0];
  return !!c && c.shards.length === c.shard_count && c.shards.every((s) => s.status === 'enabled');
}

/** A broadcaster id whose events the simulator routes to shard `shard` of `count` (first hash, §5.1). */
export function broadcasterFor(shard: number, count: number, salt = ''): string {
  for (let i = 0; i < 2_000_000; i++) {
    const id = `${salt}${1000 + i}`;
    if (bucketOf(id, count) === shard) return id;
  }
  throw new Error(`no broadcaster found for shard ${shard} of ${count}`);
}

export function maintenanceHarness(opts: { start?: number; suffix?: string } = {}) {
  const suffix = opts.suffix ?? `#${crypto.randomUUID()}`;
  const name = `conduit:auto${suffix}`;
  const stub = env.CONDUIT_CONTROLLER.getByName(name);
  const rpc = () => stub as unknown as ControllerRpc;
  const clock = { t: opts.start ?? Date.now() };
  const isolatedEnv = {
    ...env,
    CONDUIT_CONTROLLER: {
      getByName: (n: string) => env.CONDUIT_CONTROLLER.getByName(`${n}${suffix}`),
    } as unknown as Env['CONDUIT_CONTROLLER'],
  };
  const app = createApp();

  const install = () =>
    runInDurableObject(stub, (c: ConduitController) => {
      c.now = () => clock.t;
      // drive() runs each continuation by hand: the object's own alarm must not run one first.
      c.continueSoonMs = 5_000;
    });

  /**
   * Alarm invocations until no pass is running and none is asked for; returns the Helix calls of each. `stepMs` moves
   * the clock before each, as the real alarm delay would; `between(i)` runs before invocation `i` (an interruption).
   */
  async function drive(
    limit = 200,
    opts: { stepMs?: number; between?: (i: number) => Promise<void> } = {},
  ): Promise<{ invocations: number; calls: number[] }> {
    const calls: number[] = [];
    let seq = (await sim.calls()).at(-1)?.seq ?? 0;
    for (let i = 0; i < limit; i++) {
      await opts.between?.(i);
      clock.t += opts.stepMs ?? 0;
      await install();
      const ran = await runDurableObjectAlarm(stub);
      if (!ran) return { invocations: calls.length, calls };
      const log = await sim.calls(seq);
      seq = log.at(-1)?.seq ?? seq;
      calls.push(log.length);
    }
    throw new Error(`still running after ${limit} alarm invocations`);
  }

  return {
    name,
    stub,
    rpc,
    clock,
    install,
    drive,
    advance: (ms: number) => void (clock.t += ms),
    /** The cron's call, then every continuation it asked for. */
    async tick(opts: { limit?: number; stepMs?: number; between?: (i: number) => Promise<void> } = {}) {
      await install();
      const seq = (await sim.calls()).at(-1)?.seq ?? 0;
      const r = await stub.tick();
      if (!r.ok) throw new Error(`tick: ${r.status} ${r.error}`);
      const firstCalls = (await sim.calls(seq)).length;
      const driven = await drive(opts.limit, opts);
      return { first: r.value, firstCalls, ...driven };
    },
    admin: (method: string, path: string, body?: unknown) =>
      app.fetch(adminRequest(method, path, { body }), isolatedEnv),
    /** The Worker's own routes over this controller (e.g. `/webhooks/_shard-events`). */
    fetch: (request: Request) => app.fetch(request, isolatedEnv),
    async actions(limit = 200) {
      const r = await stub.actions({ limit });
      if (!r.ok) throw new Error(r.error);
      return r.value;
    },
    /** One `stream.online` conduit subscription per broadcaster, each required to succeed. */
    async subscribeOnline(broadcasters: string[]) {
      for (const b of broadcasters) {
        const r = await rpc().addSubscription({
          type: 'stream.online',
          version: '1',
          condition: { broadcaster_user_id: b },
        });
        if (!r.ok) throw new Error(`subscribing stream.online for ${b}: ${r.error}`);
      }
    },
    async waitEnabled(what = 'every shard enabled') {
      await waitFor(what, allEnabled, { timeoutMs: 10_000 });
    },
  };
}

/** Mutating calls with the shard ids each PATCH names, for asserting an exact order. */
export function writeLog(log: CallLogEntry[]): string[] {
  return log
    .filter((c) => c.method !== 'GET')
    .map((c) => {
      const body = c.body as {
        shards?: { id: string; transport: { callback?: string; session_id?: string } }[];
        shard_count?: number;
      };
      if (c.path.endsWith('/shards') && body.shards) {
        const to = (t: { callback?: string; session_id?: string }) => (t.callback ? t.callback.split('/').pop() : 'ws');
        return `${SHARDS} ${body.shards.map((s) => `${s.id}→${to(s.transport)}`).join(',')}`;
      }
      if (c.path.endsWith('/conduits') && c.method === 'PATCH') return `${CONDUITS} ${body.shard_count}`;
      return `${c.method} ${c.path}`;
    });
}

/** Trigger one `stream.online` per broadcaster; answers where each went. */
export async function trigger(broadcasters: string[]) {
  const out: { status: string; shard_id?: string; transport?: string }[] = [];
  for (const b of broadcasters) {
    const r = await sim.call<{ data: { status: string; shard_id?: string; transport?: string }[] }>('POST', '/events', {
      type: 'stream.online',
      version: '1',
      condition: { broadcaster_user_id: b },
    });
    out.push(...r.data);
  }
  return out;
}
