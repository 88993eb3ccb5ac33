/**
 * @module Third-party conformance: `@twurple/eventsub-ws` 8.1.4, written against Twitch's EventSub WebSocket
 * server, runs as a conduit shard on the simulator's `/ws` (twitch-eventsub.md §5.3, §6): welcome, notification,
 * `session_reconnect` hand-over with the same session id, and its 1.2 × keepalive watchdog.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryResult } from '../../sim/context.ts';
import type { ShardStatus } from '../../sim/state.ts';
import { startTwurpleSim, type TwurpleSim } from '../support/twurple-sim.ts';
import { runTwurpleShard, tapUpgrades, type TwurpleShard, type UpgradeTap } from '../support/twurple-ws.ts';
import { waitFor } from '../support/wait.ts';

const BROADCASTER = '4242';

let t: TwurpleSim;
let shard: TwurpleShard | undefined;

beforeEach(async () => {
  // A long reconnect grace, so only twurple itself can close the old socket within the test's window.
  t = await startTwurpleSim({ reconnectGraceMs: 20_000 });
});

afterEach(async () => {
  shard?.listener.stop();
  shard = undefined;
  await t.close();
});

function onlineEvent(id: string): Record<string, unknown> {
  return {
    id,
    broadcaster_user_id: BROADCASTER,
    broadcaster_user_login: 'twurple_b',
    broadcaster_user_name: 'Twurple_B',
    type: 'live',
    started_at: '2024-06-01T12:00:00Z',
  };
}

function notify(id: string): Promise<DeliveryResult[]> {
  return t.running.sim.delivery.notify({
    type: 'stream.online',
    version: '1',
    condition: { broadcaster_user_id: BROADCASTER },
    event: onlineEvent(id),
  });
}

/** A one-shard conduit with twurple's listener on it, enabled and subscribed. */
async function joined(): Promise<{ conduitId: string; sessionId: string; taps: UpgradeTap[]; s: TwurpleShard }> {
  const conduit = await t.api.eventSub.createConduit(1);
  const taps = tapUpgrades(t.running.sim);
  const url = `${t.running.url.replace(/^http/, 'ws')}/ws?keepalive_timeout_seconds=10`;
  const s = runTwurpleShard(t.api, { url, conduitId: conduit.id, shardId: '0', broadcasterId: BROADCASTER });
  shard = s;
  await waitFor(
    'twurple to be PATCHed onto shard 0 and subscribed',
    () => s.patched.length === 1 && s.registered === 1,
  );
  const sessionId = s.patched[0] ?? '';
  expect(s.ready).toEqual([sessionId]);
  return { conduitId: conduit.id, sessionId, taps, s };
}

function shardOf(conduitId: string): { status?: string; session?: string } {
  const sh = t.running.sim.state.conduits.get(conduitId)?.shards[0];
  return { status: sh?.status, session: sh?.transport.method === 'websocket' ? sh.transport.session_id : undefined };
}

/** Resolve after `ms` if `healthy` stays true throughout; reject as soon as it does not. */
async function holdsFor(what: string, ms: number, healthy: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!healthy()) throw new Error(`${what} stopped holding after ${ms - (end - Date.now())} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('@twurple/eventsub-ws as a conduit WebSocket shard', () => {
  it('gets a session id from the welcome, is assigned through Helix, and receives a conduit notification', async () => {
    const { conduitId, sessionId, taps, s } = await joined();
    expect(shardOf(conduitId)).toEqual({ status: 'enabled', session: sessionId });
    expect(t.running.sim.state.sessions.get(sessionId)?.keepaliveSeconds).toBe(10);
    expect(taps.map((x) => x.url)).toEqual(['/ws?keepalive_timeout_seconds=10']);

    const res = await fetch(`${t.running.url}/_sim/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        type: 'stream.online',
        version: '1',
        condition: { broadcaster_user_id: BROADCASTER },
        event: onlineEvent('9001'),
      }),
    });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: DeliveryResult[] };
    expect(data).toMatchObject([{ transport: 'websocket', conduit_id: conduitId, shard_id: '0', status: 'delivered' }]);

    await waitFor('the twurple handler', () => s.events.length === 1);
    const e = s.events[0];
    expect([e?.id, e?.broadcasterId, e?.broadcasterName, e?.broadcasterDisplayName, e?.type]).toEqual([
      '9001',
      BROADCASTER,
      'twurple_b',
      'Twurple_B',
      'live',
    ]);
    expect(e?.startDate.toISOString()).toBe('2024-06-01T12:00:00.000Z');
    expect(s.errors).toEqual([]);
  });

  it('follows session_reconnect onto a new socket with the same session id and keeps receiving', async () => {
    const { conduitId, sessionId, taps, s } = await joined();
    expect(t.running.sim.ws.reconnect(sessionId)).toBe(true);

    await waitFor('a second welcome', () => s.ready.length === 2);
    expect(s.ready).toEqual([sessionId, sessionId]);
    expect(taps).toHaveLength(2);
    expect(taps[1]?.url).not.toBe(taps[0]?.url);
    // twurple closes the old socket once the new welcome arrives (PersistentConnection acknowledgeSuccessfulReconnect),
    // long before the simulator's 20 s grace would.
    await waitFor('twurple to close the old socket', () => taps[0]?.socket.destroyed, { timeoutMs: 5_000 });
    expect(taps[1]?.socket.destroyed).toBe(false);
    expect(s.disconnects).toBe(0);
    expect(s.patched).toEqual([sessionId]);
    expect(shardOf(conduitId)).toEqual({ status: 'enabled', session: sessionId });
    expect(t.running.sim.state.sessions.get(sessionId)?.status).toBe('connected');

    const [r] = await notify('9002');
    expect(r).toMatchObject({ shard_id: '0', status: 'delivered' });
    await waitFor('the event after the hand-over', () => s.events.length === 1);
    expect(s.events[0]?.id).toBe('9002');
    expect(s.errors).toEqual([]);
  });

  it('stays connected on keepalives alone for longer than its 12 s watchdog', { timeout: 30_000 }, async () => {
    const { conduitId, sessionId, taps, s } = await joined();
    await holdsFor('the first socket', 13_000, () => s.disconnects === 0 && !taps[0]?.socket.destroyed);
    expect(taps).toHaveLength(1);
    expect(shardOf(conduitId)).toEqual({ status: 'enabled', session: sessionId });
    await notify('9003');
    await waitFor('the event on the original socket', () => s.events.length === 1);
  });

  it(
    'detects silenced keepalives, reconnects fresh, and is re-assigned to the shard',
    { timeout: 40_000 },
    async () => {
      const { conduitId, sessionId, taps, s } = await joined();
      const disabled: ShardStatus[] = [];
      t.running.sim.state.on('shardDisabled', (_c, sh) => disabled.push(sh.status));

      const silencedAt = Date.now();
      expect(t.running.sim.ws.silence(sessionId)).toBe(true);
      await waitFor('twurple keepalive timeout', () => s.disconnects === 1, { timeoutMs: 15_000 });
      // 1.2 × keepalive_timeout_seconds from the last frame, which came at most 10 s before the silence.
      expect(Date.now() - silencedAt).toBeLessThan(12_000 + 1_000);

      await waitFor('a new session PATCHed onto shard 0', () => s.patched.length === 2, { timeoutMs: 10_000 });
      const fresh = s.patched[1];
      expect(fresh).not.toBe(sessionId);
      expect(taps[1]?.url).toBe(taps[0]?.url);
      expect(disabled).toEqual(['websocket_disconnected']);
      await waitFor('shard 0 enabled on the new session', () => shardOf(conduitId).session === fresh);
      expect(shardOf(conduitId).status).toBe('enabled');

      // twurple re-activated its subscription; the conduit subscription survived, so there is still exactly one.
      await waitFor('twurple to re-register the subscription', () => s.registered === 2);
      expect(t.running.sim.state.subscriptions.size).toBe(1);
      await notify('9004');
      await waitFor('the event on the new session', () => s.events.length === 1);
      expect(s.errors).toEqual([]);
    },
  );

  it('reconnects after a 4005 close and the shard is re-enabled on the new session', async () => {
    const { conduitId, sessionId, s } = await joined();
    const disabled: ShardStatus[] = [];
    t.running.sim.state.on('shardDisabled', (_c, sh) => disabled.push(sh.status));

    expect(t.running.sim.ws.close(sessionId, 4005)).toBe(true);
    await waitFor('a new session PATCHed onto shard 0', () => s.patched.length === 2);
    expect(s.disconnects).toBe(1);
    expect(disabled).toEqual(['websocket_network_timeout']);
    await waitFor('shard 0 enabled on the new session', () => shardOf(conduitId).status === 'enabled');
    await notify('9005');
    await waitFor('the event on the new session', () => s.events.length === 1);
  });
});
