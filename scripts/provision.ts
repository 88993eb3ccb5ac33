/**
 * @module What `npm run dev` sets up, through the public admin API only: a second built-in webhook endpoint and a
 * websocket endpoint (design.md §6: the dev stack adds both), a three-shard layout over the three, and subscriptions
 * for the simulator's demo broadcasters, so events flow at once over both transports.
 */
import { DEMO_BROADCASTERS } from '../sim/payloads.ts';
import { DEFAULT_CLIENT_ID } from '../sim/state.ts';
import type { Stack } from './stack.ts';

/** The subscription types the demo emits, with the condition each needs for a broadcaster `b`. */
export function demoSubscriptions(b: string): { type: string; version: string; condition: Record<string, string> }[] {
  return [
    { type: 'stream.online', version: '1', condition: { broadcaster_user_id: b } },
    { type: 'stream.offline', version: '1', condition: { broadcaster_user_id: b } },
    { type: 'channel.follow', version: '2', condition: { broadcaster_user_id: b, moderator_user_id: b } },
    { type: 'channel.chat.message', version: '1', condition: { broadcaster_user_id: b, user_id: b } },
    { type: 'channel.subscribe', version: '1', condition: { broadcaster_user_id: b } },
    { type: 'channel.cheer', version: '1', condition: { broadcaster_user_id: b } },
    { type: 'channel.raid', version: '1', condition: { to_broadcaster_user_id: b } },
    {
      type: 'channel.channel_points_custom_reward_redemption.add',
      version: '1',
      condition: { broadcaster_user_id: b },
    },
  ];
}

async function expect2xx(what: string, p: Promise<{ status: number; body: unknown }>, allow: number[] = []) {
  const r = await p;
  if ((r.status < 200 || r.status > 299) && !allow.includes(r.status)) {
    throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  }
  return r;
}

export async function provisionDev(stack: Stack, log: (line: string) => void = () => {}): Promise<void> {
  // The demo broadcasters have "authorized" the app in the simulator, so their subscriptions cost 0 (§2.5).
  stack.sim.sim.state.authorize(
    DEFAULT_CLIENT_ID,
    DEMO_BROADCASTERS.map((b) => b.id),
  );
  await expect2xx('add endpoint second', stack.admin('POST', '/endpoints', { name: 'second', kind: 'webhook' }), [409]);
  // Its WebSocketShard object connects to the simulator's /ws at once; the layout below gives it shard 2.
  await expect2xx('add endpoint ws-1', stack.admin('POST', '/endpoints', { name: 'ws-1', kind: 'websocket' }), [409]);
  const layout = await expect2xx(
    'set layout',
    stack.admin('PUT', '/layout', { shards: ['default', 'second', 'ws-1'] }),
  );
  const phase = (layout.body as { progress?: { phase?: string } }).progress?.phase;
  log(`[dev] layout: shard 0 → default, shard 1 → second, shard 2 → ws-1 (websocket) (${JSON.stringify(phase)})`);
  let n = 0;
  for (const b of DEMO_BROADCASTERS) {
    for (const sub of demoSubscriptions(b.id)) {
      await expect2xx(`subscribe ${sub.type} for ${b.login}`, stack.admin('POST', '/subscriptions', sub));
      n++;
    }
  }
  log(`[dev] ${n} subscriptions for ${DEMO_BROADCASTERS.map((b) => b.login).join(', ')}`);
}
