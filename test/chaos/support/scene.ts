/**
 * @module The stage of a fault-injection scenario: the WebSocketShard harness (test/workers/support/ws-shard.ts: an
 * isolated controller, shard objects and hubs under one `#suffix`), the Worker's real webhook route behind the relay
 * with the same isolation, subscriptions for broadcasters that hash to chosen shards, and simulator settings that
 * are put back afterwards. Websocket endpoints run with the production timings (backoff 1 s base, 60 s cap), not the
 * shortened ones of the unit tests, so recovery times are the real ones.
 */
import { env } from 'cloudflare:workers';
import { createApp } from '../../../src/app.ts';
import { forgetEndpointRegistry } from '../../../src/routes/endpoint-registry.ts';
import { fallbackShardIndex } from '../../../sim/hash.ts';
import { makeConfig } from '../../../sim/config.ts';
import { broadcasterFor } from '../../workers/support/maintenance.ts';
import { sim, simState, wsHarness } from '../../workers/support/ws-shard.ts';
import { startRelayPump, type RelayPump } from './relay-pump.ts';
import { recordedIds } from './tally.ts';

/** `getByName(name)` → the same name with this scenario's suffix, as the shard objects and the harness use. */
function suffixed<T>(ns: { getByName(name: string): unknown }, suffix: string): T {
  return { getByName: (name: string) => ns.getByName(`${name}${suffix}`) } as unknown as T;
}

export function routeEnv(suffix: string): Env {
  return {
    ...env,
    CONDUIT_CONTROLLER: suffixed<Env['CONDUIT_CONTROLLER']>(env.CONDUIT_CONTROLLER, suffix),
    EVENT_HUB: suffixed<Env['EVENT_HUB']>(env.EVENT_HUB, suffix),
  };
}

/** The Worker's webhook route for controller `conduit:auto<suffix>`, fed by the relay. */
export function relayTo(suffix: string): RelayPump {
  forgetEndpointRegistry();
  const app = createApp();
  const e = routeEnv(suffix);
  return startRelayPump(async (request) => app.fetch(request, e));
}

/** `n` broadcasters whose events the simulator routes to `shard` of `count` first (sim/hash.ts). */
export function broadcastersOn(shard: number, count: number, n: number, salt: string): string[] {
  return Array.from({ length: n }, (_, i) => broadcasterFor(shard, count, `${salt}${i}x`));
}

/** A broadcaster hashed to `shard` whose one re-send goes to `fallback` (twitch-eventsub.md §5.2, sim choice). */
export function broadcasterVia(shard: number, fallback: number, count: number, salt: string): string {
  for (let i = 0; i < 1_000; i++) {
    const b = broadcasterFor(shard, count, `${salt}${i}y`);
    if (fallbackShardIndex(b, count, shard) === fallback) return b;
  }
  throw new Error(`no broadcaster on shard ${shard} falling back to ${fallback} of ${count}`);
}

/** The session shard `id` is enabled on in the simulator right now, or null (one read, no waiting). */
export async function enabledOn(id: number): Promise<string | null> {
  const shard = (await simState()).conduits[0]?.shards.find((x) => x.id === String(id));
  return shard?.status === 'enabled' ? (shard.transport.session_id ?? shard.transport.callback ?? null) : null;
}

/** Resolves the first time `probe` holds, for timing a recovery from inside a stream's `until`. */
export function stopwatch() {
  const start = Date.now();
  let at: number | null = null;
  return {
    async check(probe: () => Promise<boolean>): Promise<boolean> {
      if (at !== null) return true;
      if (await probe()) at = Date.now();
      return at !== null;
    },
    /** ms from the stopwatch's start to the first time the probe held (null: never). */
    get ms(): number | null {
      return at === null ? null : at - start;
    },
  };
}

export function chaosScene() {
  const h = wsHarness();
  const suffix = h.controllerName.slice('conduit:auto'.length);
  let pump: RelayPump | null = null;
  const changed = new Set<string>();

  return {
    h,
    suffix,
    /** Webhook shards reach the real route from now on. */
    relay(): void {
      pump ??= relayTo(suffix);
    },
    /** A websocket endpoint on production timings (the harness starts it on short ones; this replaces them). */
    async websocket(name: string, keepalive?: number): Promise<void> {
      await h.addWebsocket(name, keepalive ? { keepalive } : {});
      await h.shard(name).start({ controller: h.controllerName, timings: {} });
    },
    async subscribe(broadcasters: string[]): Promise<void> {
      for (const b of broadcasters) await h.subscribe(b);
    },
    /** Change simulator settings for this scenario; `cleanup()` puts the defaults back. */
    async simConfig(patch: Record<string, unknown>): Promise<void> {
      for (const k of Object.keys(patch)) changed.add(k);
      await sim.setConfig(patch);
    },
    recorded: () => recordedIds(suffix),
    /** The webhook route's answers through the relay so far, by status. */
    routeAnswers: (): Map<number, number> => pump?.answered ?? new Map(),
    async cleanup(): Promise<void> {
      await h.cleanup();
      await pump?.stop();
      const defaults = makeConfig() as unknown as Record<string, unknown>;
      if (changed.size > 0) await sim.setConfig(Object.fromEntries([...changed].map((k) => [k, defaults[k]])));
      await sim.call('DELETE', '/faults');
    },
  };
}

export type ChaosScene = ReturnType<typeof chaosScene>;
