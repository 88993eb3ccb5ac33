/**
 * @module The common shape of the websocket fault scenarios: a conduit of two websocket shards (`ws-1` on shard 0,
 * `ws-2` on shard 1) with two subscribed broadcasters hashed to each, and a steady stream during which shard 0's
 * socket is dropped, optionally after a fault is armed (Helix errors, an expired token), until shard 0 is enabled
 * on a new session again.
 */
import { enabledSession, sim } from '../../workers/support/ws-shard.ts';
import { broadcastersOn, enabledOn, stopwatch, type ChaosScene } from './scene.ts';
import { stream, type Streamed } from './tally.ts';

export interface TwoShards {
  sessions: [string, string];
  broadcasters: string[];
}

export async function twoWebsocketShards(s: ChaosScene, salt: string): Promise<TwoShards> {
  await s.websocket('ws-1');
  await s.websocket('ws-2');
  const layout = await s.h.controller().putLayout(['ws-1', 'ws-2']);
  if (!layout.ok) throw new Error(`putLayout: ${layout.error}`);
  const sessions: [string, string] = [await enabledSession(0), await enabledSession(1)];
  const broadcasters = [...broadcastersOn(0, 2, 2, salt), ...broadcastersOn(1, 2, 2, salt)];
  await s.subscribe(broadcasters);
  return { sessions, broadcasters };
}

/**
 * Stream at `rate`; at event `at`, arm `fault` and drop shard 0's socket; go on until shard 0 is enabled on another
 * session (timed from the drop) and at least `min` events went out.
 */
export async function dropShardZero(
  shards: TwoShards,
  opts: { fault?: () => Promise<unknown>; rate?: number; min?: number; max?: number; at?: number } = {},
): Promise<Streamed & { outageMs: number | null }> {
  const first = shards.sessions[0];
  let outage: ReturnType<typeof stopwatch> | null = null;
  const run = await stream({
    broadcasters: shards.broadcasters,
    rate: opts.rate ?? 100,
    min: opts.min ?? 300,
    max: opts.max ?? 3_000,
    at: {
      [opts.at ?? 100]: async () => {
        await opts.fault?.();
        outage = stopwatch();
        return sim.call('POST', `/sessions/${first}/close`, { code: 'drop' });
      },
    },
    until: async () => !!outage && outage.check(async () => ![null, first].includes(await enabledOn(0))),
  });
  return { ...run, outageMs: (outage as ReturnType<typeof stopwatch> | null)?.ms ?? null };
}
