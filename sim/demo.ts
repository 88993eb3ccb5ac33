/**
 * @module `--demo`: a steady trickle of realistic events for a few broadcasters, so `npm run dev` shows traffic.
 * Events go through the real delivery engine, so they only reach subscriptions somebody created.
 */
import type { Sim } from './context.ts';
import { DEMO_BROADCASTERS } from './payloads.ts';
import { DEFAULT_CLIENT_ID } from './state.ts';

/** Types the demo emits, with the condition key that carries the broadcaster. */
const DEMO_TYPES: { type: string; version: string; key: string }[] = [
  { type: 'channel.chat.message', version: '1', key: 'broadcaster_user_id' },
  { type: 'channel.follow', version: '2', key: 'broadcaster_user_id' },
  { type: 'channel.cheer', version: '1', key: 'broadcaster_user_id' },
  { type: 'channel.subscribe', version: '1', key: 'broadcaster_user_id' },
  { type: 'channel.raid', version: '1', key: 'to_broadcaster_user_id' },
  { type: 'channel.channel_points_custom_reward_redemption.add', version: '1', key: 'broadcaster_user_id' },
  { type: 'stream.online', version: '1', key: 'broadcaster_user_id' },
  { type: 'stream.offline', version: '1', key: 'broadcaster_user_id' },
];

export interface DemoOptions {
  intervalMs?: number;
  log?: (line: string) => void;
}

/** Starts the trickle; returns a stop function. The demo broadcasters count as having authorized the app. */
export function startDemo(sim: Sim, { intervalMs = 1_500, log = () => {} }: DemoOptions = {}): () => void {
  sim.state.authorize(
    DEFAULT_CLIENT_ID,
    DEMO_BROADCASTERS.map((b) => b.id),
  );
  let tick = 0;
  const timer = setInterval(() => {
    const kind = DEMO_TYPES[tick % DEMO_TYPES.length]!;
    const broadcaster = DEMO_BROADCASTERS[Math.floor(tick / DEMO_TYPES.length) % DEMO_BROADCASTERS.length]!;
    tick++;
    sim.delivery
      .notify({ type: kind.type, version: kind.version, condition: { [kind.key]: broadcaster.id } })
      .then((results) => {
        for (const r of results)
          log(`demo ${kind.type} for ${broadcaster.login} → shard ${r.shard_id ?? '-'} ${r.status}`);
      })
      .catch((err: unknown) => log(`demo ${kind.type} failed: ${String(err)}`));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
