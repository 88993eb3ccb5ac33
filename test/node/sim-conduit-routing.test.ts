/**
 * Conduit routing (twitch-eventsub.md §5.1, §6.3, §8.6): a stable FNV-1a hash of the condition's broadcaster (then
 * to_broadcaster, user, client, subscription id) picks the shard; WebSocket shards get notification frames, webhook
 * shards signed POSTs; condition matching; direct WebSocket subscriptions; revocations over the same route.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fnv1a } from '../../sim/hash.ts';
import type { Conduit } from '../../sim/state.ts';
import { createHarness, type Harness } from '../support/delivery-harness.ts';
import { withTimeout } from '../support/wait.ts';
import { signatureValid, startReceiver } from '../support/webhook-receiver.ts';

const NANO_RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;

describe('fnv1a', () => {
  it('matches the published FNV-1a 32-bit values', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });
});

describe('conduit routing', () => {
  let h: Harness;
  let conduit: Conduit;
  const SHARDS = 4;

  beforeEach(() => {
    h = createHarness();
    conduit = h.addConduit(SHARDS);
    for (let i = 0; i < SHARDS; i++) h.socketShard(conduit, i);
  });

  afterEach(() => h.close());

  const conduitSub = (type: string, condition: Record<string, string>, version = '1') =>
    h.subscribe({ type, version, condition, transport: { method: 'conduit', conduit_id: conduit.id } });
  const sessionOf = (index: number): string => {
    const t = conduit.shards[index]!.transport;
    return t.method === 'websocket' ? t.session_id : '';
  };
  const notify = (type: string, condition?: Record<string, string>, version = '1') =>
    withTimeout('notify', h.sim.delivery.notify({ type, version, condition }));

  it('sends every event of one broadcaster to the same shard, fnv1a(id) mod shard_count', async () => {
    const broadcasters = ['12826', '141981764', '90000001', '90000002', '555', '777'];
    for (const id of broadcasters) conduitSub('stream.online', { broadcaster_user_id: id });
    for (const id of broadcasters) {
      const expected = String(fnv1a(id) % SHARDS);
      for (let i = 0; i < 3; i++) {
        const [r] = await notify('stream.online', { broadcaster_user_id: id });
        expect(r).toMatchObject({
          conduit_id: conduit.id,
          shard_id: expected,
          transport: 'websocket',
          status: 'delivered',
        });
      }
      const frames = h.ws.frames.filter((f) => f.frame.payload.event?.broadcaster_user_id === id);
      expect(frames).toHaveLength(3);
      expect(new Set(frames.map((f) => f.sessionId))).toEqual(new Set([sessionOf(Number(expected))]));
    }
    // The six ids do not all collapse onto one shard.
    expect(new Set(broadcasters.map((id) => fnv1a(id) % SHARDS)).size).toBeGreaterThan(1);
  });

  it('builds the WebSocket notification frame with conduit transport in the payload (§6.3)', async () => {
    const sub = conduitSub('channel.follow', { broadcaster_user_id: '12826', moderator_user_id: '12826' }, '2');
    const [r] = await notify('channel.follow', { broadcaster_user_id: '12826' }, '2');
    const { frame } = h.ws.frames[0]!;
    expect(frame.metadata).toEqual({
      message_id: r!.message_id,
      message_type: 'notification',
      message_timestamp: expect.stringMatching(NANO_RFC3339),
      subscription_type: 'channel.follow',
      subscription_version: '2',
    });
    expect(frame.payload.subscription).toMatchObject({
      id: sub.id,
      status: 'enabled',
      transport: { method: 'conduit', conduit_id: conduit.id },
    });
    expect(frame.payload.event).toMatchObject({
      broadcaster_user_id: '12826',
      broadcaster_user_login: 'twitch',
      user_id: expect.any(String),
    });
    expect(h.sim.state.statsFor(`${conduit.id}/${r!.shard_id}`)).toMatchObject({ sent: 1, delivered: 1 });
  });

  it('falls back to to_broadcaster_user_id, user_id, client_id, then the subscription id as the key', async () => {
    const cases: { type: string; condition: Record<string, string>; key: string }[] = [
      {
        type: 'channel.raid',
        condition: { from_broadcaster_user_id: '', to_broadcaster_user_id: '4242' },
        key: '4242',
      },
      { type: 'user.update', condition: { user_id: '31337' }, key: '31337' },
      { type: 'conduit.shard.disabled', condition: { client_id: 'some-client' }, key: 'some-client' },
    ];
    for (const c of cases) {
      conduitSub(c.type, c.condition);
      const [r] = await notify(c.type);
      expect(r!.shard_id).toBe(String(fnv1a(c.key) % SHARDS));
    }
    const keyless = conduitSub('channel.unknown_type', { reward_id: 'abc' });
    const [r] = await notify('channel.unknown_type');
    expect(r!.shard_id).toBe(String(fnv1a(keyless.id) % SHARDS));
    expect(h.ws.frames.at(-1)!.frame.payload.event).toEqual({ reward_id: 'abc' });
  });

  it('matches subscriptions by condition, and without one gives each an event from its own condition', async () => {
    const a = conduitSub('stream.offline', { broadcaster_user_id: '12826' });
    const b = conduitSub('stream.offline', { broadcaster_user_id: '141981764' });
    conduitSub('stream.offline', { broadcaster_user_id: '12826' }, '2'); // other version: never matches

    expect(await notify('stream.offline', { broadcaster_user_id: '999' })).toEqual([]);
    expect(
      (await notify('stream.offline', { broadcaster_user_id: '141981764' })).map((r) => r.subscription_id),
    ).toEqual([b.id]);

    const all = await notify('stream.offline');
    expect(all.map((r) => r.subscription_id).sort()).toEqual([a.id, b.id].sort());
    const events = h.ws.frames.slice(-2).map((f) => f.frame.payload.event);
    expect(events).toContainEqual({
      broadcaster_user_id: '12826',
      broadcaster_user_login: 'twitch',
      broadcaster_user_name: 'Twitch',
    });
    expect(events).toContainEqual({
      broadcaster_user_id: '141981764',
      broadcaster_user_login: 'twitchdev',
      broadcaster_user_name: 'TwitchDev',
    });
  });

  it('lets input.event override the generated fields', async () => {
    conduitSub('channel.cheer', { broadcaster_user_id: '12826' });
    await notify('channel.cheer', { broadcaster_user_id: '12826' });
    await withTimeout(
      'notify',
      h.sim.delivery.notify({
        type: 'channel.cheer',
        version: '1',
        condition: { broadcaster_user_id: '12826' },
        event: { bits: 5000 },
      }),
    );
    expect(h.ws.frames.map((f) => f.frame.payload.event?.bits)).toEqual([100, 5000]);
  });

  it('revokes a conduit subscription with one revocation frame on its shard, then sends nothing more', async () => {
    const sub = conduitSub('channel.subscribe', { broadcaster_user_id: '12826' });
    await withTimeout('revoke', h.sim.delivery.revoke(sub, 'user_removed'));
    expect(h.ws.frames).toHaveLength(1);
    const { sessionId, frame } = h.ws.frames[0]!;
    expect(sessionId).toBe(sessionOf(fnv1a('12826') % SHARDS));
    expect(frame.metadata).toMatchObject({
      message_type: 'revocation',
      subscription_type: 'channel.subscribe',
      subscription_version: '1',
    });
    expect(frame.payload.subscription).toMatchObject({ id: sub.id, status: 'user_removed' });
    expect(frame.payload).not.toHaveProperty('event');
    expect(await notify('channel.subscribe', { broadcaster_user_id: '12826' })).toEqual([]);
    expect(h.ws.frames).toHaveLength(1);
  });
});

describe('webhook shards and direct WebSocket subscriptions', () => {
  let h: Harness;
  beforeEach(() => (h = createHarness()));
  afterEach(() => h.close());

  it('signs a webhook shard delivery with that shard’s secret', async () => {
    const rx = await startReceiver();
    try {
      const conduit = h.addConduit(1);
      h.webhookShard(conduit, 0, rx.url, 'only-shard-secret-42');
      h.subscribe({
        type: 'stream.online',
        condition: { broadcaster_user_id: '12826' },
        transport: { method: 'conduit', conduit_id: conduit.id },
      });
      const [r] = await h.sim.delivery.notify({ type: 'stream.online', version: '1' });
      expect(r).toMatchObject({ shard_id: '0', transport: 'webhook', status: 'delivered' });
      expect(signatureValid('only-shard-secret-42', rx.received[0]!)).toBe(true);
      expect(rx.received[0]!.body.subscription?.transport).toEqual({ method: 'conduit', conduit_id: conduit.id });
      expect(rx.received[0]!.body.event).toMatchObject({ broadcaster_user_id: '12826', type: 'live' });
    } finally {
      await rx.close();
    }
  });

  it('delivers a direct WebSocket subscription on its own session, or reports it failed when none is open', async () => {
    const session = 'AQoQdirect-session';
    h.ws.open.add(session);
    const sub = h.subscribe({
      type: 'channel.chat.message',
      condition: { broadcaster_user_id: '12826', user_id: '141981764' },
      transport: { method: 'websocket', session_id: session, connected_at: h.sim.clock.rfc3339() },
    });
    const [ok] = await h.sim.delivery.notify({ type: 'channel.chat.message', version: '1' });
    expect(ok).toMatchObject({ subscription_id: sub.id, transport: 'websocket', status: 'delivered' });
    expect(ok).not.toHaveProperty('conduit_id');
    const { sessionId, frame } = h.ws.frames[0]!;
    expect(sessionId).toBe(session);
    expect(frame.payload.subscription.transport).toEqual({ method: 'websocket', session_id: session });
    expect(frame.payload.event).toMatchObject({
      broadcaster_user_id: '12826',
      chatter_user_id: expect.any(String),
      message_type: 'text',
    });

    h.ws.open.delete(session);
    const [failed] = await h.sim.delivery.notify({ type: 'channel.chat.message', version: '1' });
    expect(failed!.status).toBe('failed');
    expect(h.sim.state.statsFor('direct')).toMatchObject({ sent: 2, delivered: 1, failed: 1 });
  });
});
