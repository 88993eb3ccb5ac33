/**
 * Disabled shards (twitch-eventsub.md §4, §5.2): an event hashed to a shard that is not enabled (or whose socket
 * send fails) is re-sent once to one other shard, chosen by a second hash, and dropped if that one cannot take it
 * either; every transition away from enabled is announced as conduit.shard.disabled to the client's watchers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fallbackShardIndex, fnv1a } from '../../sim/hash.ts';
import { DEFAULT_CLIENT_ID, type Conduit } from '../../sim/state.ts';
import { createHarness, type Harness } from '../support/delivery-harness.ts';
import { waitFor, withTimeout } from '../support/wait.ts';

const BROADCASTER = '12826';
let h: Harness;

beforeEach(() => (h = createHarness()));
afterEach(() => h.close());

const follow = (conduit: Conduit) =>
  h.subscribe({
    type: 'channel.follow',
    version: '2',
    condition: { broadcaster_user_id: BROADCASTER, moderator_user_id: BROADCASTER },
    transport: { method: 'conduit', conduit_id: conduit.id },
  });
const notifyFollow = () =>
  withTimeout(
    'notify',
    h.sim.delivery.notify({ type: 'channel.follow', version: '2', condition: { broadcaster_user_id: BROADCASTER } }),
  );
const sessionOf = (conduit: Conduit, index: number): string => {
  const t = conduit.shards[index]?.transport;
  return t?.method === 'websocket' ? t.session_id : '';
};

describe('re-send once to another shard (§5.2)', () => {
  const COUNT = 4;
  const first = fnv1a(BROADCASTER) % COUNT;
  const second = fallbackShardIndex(BROADCASTER, COUNT, first)!;
  let conduit: Conduit;

  beforeEach(() => {
    conduit = h.addConduit(COUNT);
    for (let i = 0; i < COUNT; i++) h.socketShard(conduit, i);
    follow(conduit);
  });

  it('moves an event off a disabled hashed shard to the same other shard every time', async () => {
    expect(second).not.toBe(first);
    conduit.shards[first]!.status = 'websocket_disconnected';
    for (let i = 0; i < 3; i++) {
      const [r] = await notifyFollow();
      expect(r).toMatchObject({
        shard_id: String(second),
        hashed_shard_id: String(first),
        transport: 'websocket',
        status: 'delivered',
      });
    }
    expect(h.ws.frames.map((f) => f.sessionId)).toEqual(Array(3).fill(sessionOf(conduit, second)));
    expect(h.sim.state.statsFor(`${conduit.id}/${first}`)).toMatchObject({ sent: 0, retried: 3, dropped: 0 });
    expect(h.sim.state.statsFor(`${conduit.id}/${second}`)).toMatchObject({ sent: 3, delivered: 3 });
  });

  it('drops the event when the other shard is disabled too, although further shards are enabled', async () => {
    conduit.shards[first]!.status = 'websocket_disconnected';
    conduit.shards[second]!.status = 'websocket_network_timeout';
    const [r] = await notifyFollow();
    expect(r).toMatchObject({ shard_id: String(second), hashed_shard_id: String(first), status: 'dropped' });
    expect(r!.reason).toContain('websocket_network_timeout');
    expect(h.ws.frames).toHaveLength(0);
    expect(h.sim.state.statsFor(`${conduit.id}/${first}`)).toMatchObject({ retried: 1, dropped: 1 });
  });

  it('treats a failed socket send on an enabled shard like a disabled shard', async () => {
    h.ws.open.delete(sessionOf(conduit, first));
    const [r] = await notifyFollow();
    expect(r).toMatchObject({ shard_id: String(second), hashed_shard_id: String(first), status: 'delivered' });
    expect(h.sim.state.statsFor(`${conduit.id}/${first}`)).toMatchObject({
      sent: 1,
      failed: 1,
      retried: 1,
      dropped: 0,
    });
  });
});

describe('conduits that cannot re-send', () => {
  it('drops at once on a single-shard conduit', async () => {
    const conduit = h.addConduit(1);
    h.socketShard(conduit, 0, 'websocket_failed_ping_pong');
    follow(conduit);
    const [r] = await notifyFollow();
    expect(r).toMatchObject({ conduit_id: conduit.id, shard_id: '0', transport: 'websocket', status: 'dropped' });
    expect(r).not.toHaveProperty('hashed_shard_id');
    expect(h.sim.state.statsFor(`${conduit.id}/0`)).toMatchObject({ retried: 0, dropped: 1 });
  });

  it('re-sends from a never-assigned shard, and reports transport conduit when no shard is assigned at all', async () => {
    const conduit = h.addConduit(2);
    const hashed = fnv1a(BROADCASTER) % 2;
    follow(conduit);
    const [none] = await notifyFollow();
    expect(none).toMatchObject({ transport: 'conduit', status: 'dropped', hashed_shard_id: String(hashed) });

    h.socketShard(conduit, 1 - hashed);
    const [moved] = await notifyFollow();
    expect(moved).toMatchObject({ shard_id: String(1 - hashed), hashed_shard_id: String(hashed), status: 'delivered' });
  });

  it('drops events for a conduit that no longer exists', async () => {
    const conduit = h.addConduit(1);
    follow(conduit);
    h.sim.state.conduits.delete(conduit.id);
    const [r] = await notifyFollow();
    expect(r).toMatchObject({ transport: 'conduit', status: 'dropped', reason: 'conduit not found' });
  });
});

describe('conduit.shard.disabled (§4)', () => {
  function watcher(condition: Record<string, string>) {
    const session = `AQoQwatch-${Object.values(condition).join('-')}`;
    h.ws.open.add(session);
    const sub = h.subscribe({
      type: 'conduit.shard.disabled',
      condition,
      transport: { method: 'websocket', session_id: session, connected_at: h.sim.clock.rfc3339() },
    });
    return { sub, session };
  }

  it('tells every matching watcher, with the WebSocket transport as it was left', async () => {
    const conduit = h.addConduit(2);
    const shard = h.socketShard(conduit, 1);
    const other = h.addConduit(1);
    const all = watcher({ client_id: DEFAULT_CLIENT_ID });
    const scoped = watcher({ client_id: DEFAULT_CLIENT_ID, conduit_id: conduit.id });
    const elsewhere = watcher({ client_id: DEFAULT_CLIENT_ID, conduit_id: other.id });
    const foreign = watcher({ client_id: 'another-client' });
    // A watcher on another conduit gets it through that conduit's shard.
    const relay = h.addConduit(1);
    h.socketShard(relay, 0);
    h.subscribe({
      type: 'conduit.shard.disabled',
      condition: { client_id: DEFAULT_CLIENT_ID },
      transport: { method: 'conduit', conduit_id: relay.id },
    });

    // The status change and the disconnected_at stamp happen in one synchronous step, as the WebSocket server does.
    h.sim.state.setShardStatus(conduit, shard, 'websocket_disconnected');
    const disconnectedAt = h.sim.clock.rfc3339();
    if (shard.transport.method === 'websocket') shard.transport.disconnected_at = disconnectedAt;

    await waitFor('three notices', () => h.ws.frames.length === 3);
    const bySession = new Map(h.ws.frames.map((f) => [f.sessionId, f.frame]));
    expect([...bySession.keys()].sort()).toEqual([all.session, scoped.session, sessionOf(relay, 0)].sort());
    expect(bySession.has(elsewhere.session)).toBe(false);
    expect(bySession.has(foreign.session)).toBe(false);

    const frame = bySession.get(all.session)!;
    expect(frame.metadata).toMatchObject({
      message_type: 'notification',
      subscription_type: 'conduit.shard.disabled',
      subscription_version: '1',
    });
    expect(frame.payload.subscription.id).toBe(all.sub.id);
    const t = shard.transport.method === 'websocket' ? shard.transport : undefined;
    expect(frame.payload.event).toEqual({
      conduit_id: conduit.id,
      shard_id: '1',
      status: 'websocket_disconnected',
      transport: {
        method: 'websocket',
        session_id: t?.session_id,
        connected_at: t?.connected_at,
        disconnected_at: disconnectedAt,
      },
    });
  });

  it('announces only transitions away from enabled', async () => {
    const conduit = h.addConduit(1);
    const shard = h.socketShard(conduit, 0);
    watcher({ client_id: DEFAULT_CLIENT_ID });
    h.sim.state.setShardStatus(conduit, shard, 'websocket_disconnected');
    h.sim.state.setShardStatus(conduit, shard, 'websocket_failed_to_reconnect');
    await waitFor('one notice', () => h.ws.frames.length === 1);
    // Both notices would have been queued by now (they go out one microtask after the change).
    await withTimeout('settle', new Promise<void>((resolve) => setImmediate(resolve)));
    expect(h.ws.frames).toHaveLength(1);
  });
});
