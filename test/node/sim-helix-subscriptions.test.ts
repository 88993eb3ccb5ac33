/**
 * @module Create, Get and Delete EventSub Subscriptions (twitch-eventsub.md §2.1–2.5, §4): catalog validation,
 * token kind per transport, cost, the 409/429 duplicate rules, the cost ceiling, filters and pagination.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mintUserToken, registerClient } from '../../sim/oauth.ts';
import { startSimulator, type RunningSim } from '../../sim/server.ts';
import { DEFAULT_CLIENT_ID } from '../../sim/state.ts';
import {
  addSession,
  appToken,
  dataOf,
  type Helix,
  type HelixHarness,
  helixClient,
  startHelixSim,
} from '../support/sim-harness.ts';
import { waitFor } from '../support/wait.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';
import { EsClient } from '../support/ws-client.ts';

const SECRET = 'a-secret-of-20-chars';
let h: HelixHarness;
let helix: Helix;
let conduitId: string;

beforeEach(async () => {
  h = await startHelixSim({ maxTotalCost: 50, subscriptionPageSize: 2 });
  helix = helixClient(h.url, await appToken(h.url));
  const res = await helix('POST', '/eventsub/conduits', { shard_count: 1 });
  conduitId = dataOf(res)[0]!.id as string;
});
afterEach(() => h.close());

const onConduit = (type: string, version: string, condition: unknown, conduit_id = conduitId) => ({
  type,
  version,
  condition,
  transport: { method: 'conduit', conduit_id },
});
const online = (broadcaster: string) => onConduit('stream.online', '1', { broadcaster_user_id: broadcaster });
const create = (body: unknown, client: Helix = helix) => client('POST', '/eventsub/subscriptions', body);
const get = (query = '', client: Helix = helix) => client('GET', `/eventsub/subscriptions${query}`);
const otherApp = async (): Promise<Helix> => {
  registerClient(h.sim, 'other-app', 'other-secret-123');
  return helixClient(h.url, await appToken(h.url, 'other-app', 'other-secret-123'), 'other-app');
};

describe('Create EventSub Subscription', () => {
  it('creates a conduit subscription: 202, enabled, cost 1 for an unauthorized broadcaster, with totals', async () => {
    const res = await create(online('1001'));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      data: [
        {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          status: 'enabled',
          type: 'stream.online',
          version: '1',
          condition: { broadcaster_user_id: '1001' },
          created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/),
          transport: { method: 'conduit', conduit_id: conduitId },
          cost: 1,
        },
      ],
      total: 1,
      total_cost: 1,
      max_total_cost: 50,
    });
  });

  it('costs 0 only when every user in the condition authorized the client', async () => {
    h.sim.state.authorize(DEFAULT_CLIENT_ID, ['1', '2']);
    const cost = async (body: unknown): Promise<unknown> => dataOf(await create(body))[0]?.cost;
    expect(await cost(online('1'))).toBe(0);
    expect(await cost(onConduit('channel.follow', '2', { broadcaster_user_id: '1', moderator_user_id: '2' }))).toBe(0);
    expect(await cost(onConduit('channel.follow', '2', { broadcaster_user_id: '1', moderator_user_id: '3' }))).toBe(1);
    expect(await cost(onConduit('user.update', '1', { user_id: '2' }))).toBe(0);
    expect(await cost(onConduit('user.update', '1', { user_id: '3' }))).toBe(1);
    expect(await cost(onConduit('conduit.shard.disabled', '1', { client_id: DEFAULT_CLIENT_ID }))).toBe(0);
    expect((await get()).body?.total_cost).toBe(2);
  });

  it.each([
    [
      'an unknown type',
      () => onConduit('stream.exploded', '1', {}),
      'The combination of values in the version and type fields is not valid.',
    ],
    [
      'an unknown version',
      () => onConduit('stream.online', '2', { broadcaster_user_id: '1' }),
      'The combination of values in the version and type fields is not valid.',
    ],
    ['no type', () => ({ version: '1', condition: {}, transport: {} }), 'The type field is required.'],
    ['no condition', () => onConduit('stream.online', '1', undefined), 'The condition field is required.'],
    [
      'a missing condition field',
      () => onConduit('channel.follow', '2', { broadcaster_user_id: '1' }),
      'The condition object is missing one or more required fields.',
    ],
    [
      'a chat condition without user_id',
      () => onConduit('channel.chat.message', '1', { broadcaster_user_id: '1' }),
      'The condition object is missing one or more required fields.',
    ],
    [
      'a raid with both ends',
      () => onConduit('channel.raid', '1', { from_broadcaster_user_id: '1', to_broadcaster_user_id: '2' }),
      'The condition object is missing one or more required fields.',
    ],
    [
      'a raid with neither end',
      () => onConduit('channel.raid', '1', {}),
      'The condition object is missing one or more required fields.',
    ],
    [
      'a shard.disabled without client_id',
      () => onConduit('conduit.shard.disabled', '1', {}),
      'The condition object is missing one or more required fields.',
    ],
    [
      'no transport',
      () => ({ type: 'stream.online', version: '1', condition: { broadcaster_user_id: '1' } }),
      'The transport field is required.',
    ],
    [
      'a bad method',
      () => ({ ...online('1'), transport: { method: 'carrier-pigeon' } }),
      'The value specified in the method field is not valid.',
    ],
    [
      'a conduit transport without conduit_id',
      () => ({ ...online('1'), transport: { method: 'conduit' } }),
      'The conduit_id field is required if you specify the Conduit transport method.',
    ],
    [
      'an unknown conduit',
      () => onConduit('stream.online', '1', { broadcaster_user_id: '1' }, 'nope'),
      'The conduit_id field does not name a conduit owned by the client.',
    ],
    [
      'a webhook without callback',
      () => ({ ...online('1'), transport: { method: 'webhook', secret: SECRET } }),
      'The callback field is required if you specify the webhook transport method.',
    ],
    [
      'a webhook with a short secret',
      () => ({ ...online('1'), transport: { method: 'webhook', callback: 'https://example.com/', secret: 'short' } }),
      'The length of the string in the secret field is not valid.',
    ],
  ])('answers 400 for %s', async (_what, body, message) => {
    const res = await create(body());
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'Bad Request', status: 400, message });
    expect(h.sim.state.subscriptions.size).toBe(0);
  });

  it('accepts the raid and reward conditions in their valid forms', async () => {
    const raid = await create(onConduit('channel.raid', '1', { to_broadcaster_user_id: '5' }));
    expect(raid.status).toBe(202);
    expect(dataOf(raid)[0]?.condition).toEqual({ to_broadcaster_user_id: '5' });
    const reward = await create(
      onConduit('channel.channel_points_custom_reward_redemption.add', '1', {
        broadcaster_user_id: '5',
        reward_id: 'r1',
      }),
    );
    expect(dataOf(reward)[0]?.condition).toEqual({ broadcaster_user_id: '5', reward_id: 'r1' });
    const chat = await create(onConduit('channel.chat.message', '1', { broadcaster_user_id: '5', user_id: '6' }));
    expect(chat.status).toBe(202);
  });

  it('refuses a conduit owned by another client with 400', async () => {
    const other = await otherApp();
    const theirs = dataOf(await other('POST', '/eventsub/conduits', { shard_count: 1 }))[0]!.id as string;
    const res = await create(onConduit('stream.online', '1', { broadcaster_user_id: '1' }, theirs));
    expect(res.status).toBe(400);
  });

  it('checks conduit.shard.disabled conditions against the caller (§4)', async () => {
    const other = await otherApp();
    const theirs = dataOf(await other('POST', '/eventsub/conduits', { shard_count: 1 }))[0]!.id as string;
    const wrongClient = await create(onConduit('conduit.shard.disabled', '1', { client_id: 'other-app' }));
    expect(wrongClient.status).toBe(403);
    const foreign = await create(
      onConduit('conduit.shard.disabled', '1', { client_id: DEFAULT_CLIENT_ID, conduit_id: theirs }),
    );
    expect(foreign.status).toBe(403);
    const mine = await create(
      onConduit('conduit.shard.disabled', '1', { client_id: DEFAULT_CLIENT_ID, conduit_id: conduitId }),
    );
    expect(mine.status).toBe(202);
    expect(dataOf(mine)[0]).toMatchObject({
      cost: 0,
      condition: { client_id: DEFAULT_CLIENT_ID, conduit_id: conduitId },
    });
  });

  it('starts a webhook subscription pending, hides its secret and starts a challenge', async () => {
    const res = await create({
      ...online('1'),
      transport: { method: 'webhook', callback: 'http://127.0.0.1:9/cb', secret: SECRET },
    });
    expect(res.status).toBe(202);
    const sub = dataOf(res)[0]!;
    expect(sub).toMatchObject({ status: 'webhook_callback_verification_pending' });
    expect(sub.transport).toEqual({ method: 'webhook', callback: 'http://127.0.0.1:9/cb' });
    expect(h.webhooks.subscriptionChallenges.map((s) => s.id)).toEqual([sub.id]);
  });

  it('needs a user token and a connected session for websocket, and an app token for conduit or webhook', async () => {
    const session = addSession(h.sim);
    const ws = { ...online('77'), transport: { method: 'websocket', session_id: session.id } };
    const asApp = await create(ws);
    expect(asApp.status).toBe(401);
    expect(asApp.body?.message).toMatch(/user access token/);

    const user = helixClient(h.url, mintUserToken(h.sim, DEFAULT_CLIENT_ID, '77'));
    expect((await create(online('77'), user)).status).toBe(401);
    const closed = addSession(h.sim, 'closed');
    const notConnected = await create({ ...ws, transport: { method: 'websocket', session_id: closed.id } }, user);
    expect(notConnected.status).toBe(400);
    expect(notConnected.body?.message).toBe('The websocket session is not connected.');

    const ok = await create(ws, user);
    expect(ok.status).toBe(202);
    expect(dataOf(ok)[0]).toMatchObject({
      status: 'enabled',
      cost: 0,
      transport: { method: 'websocket', session_id: session.id, connected_at: session.connectedAt },
    });
    expect(ok.body?.max_total_cost).toBe(10);
    expect(session.used).toBe(true);
  });

  it('answers 409 for an exact duplicate and 429 for a fourth copy on other transports', async () => {
    expect((await create(online('1'))).status).toBe(202);
    const dup = await create(online('1'));
    expect(dup.status).toBe(409);
    expect(dup.body?.message).toBe(
      'A subscription already exists for the specified event type and condition combination.',
    );
    const hook = (n: number) => ({
      ...online('1'),
      transport: { method: 'webhook', callback: `https://example.com/${n}`, secret: SECRET },
    });
    expect((await create(hook(1))).status).toBe(202);
    expect((await create(hook(2))).status).toBe(202);
    const fourth = await create(hook(3));
    expect(fourth.status).toBe(429);
    expect(fourth.body?.message).toMatch(/same combination of type and condition/);
    expect(fourth.headers.get('Ratelimit-Remaining')).not.toBe('0');
  });

  it('lets a disabled copy be replaced', async () => {
    expect((await create(online('1'))).status).toBe(202);
    await helix('DELETE', `/eventsub/conduits?id=${conduitId}`);
    const fresh = dataOf(await helix('POST', '/eventsub/conduits', { shard_count: 1 }))[0]!.id as string;
    expect((await create(onConduit('stream.online', '1', { broadcaster_user_id: '1' }, fresh))).status).toBe(202);
    expect((await create(onConduit('stream.online', '1', { broadcaster_user_id: '1' }, conduitId))).status).toBe(400);
  });

  it('answers 429 once total_cost would pass max_total_cost, while free subscriptions still fit', async () => {
    for (let i = 0; i < 50; i++) expect((await create(online(String(i)))).status).toBe(202);
    const over = await create(online('50'));
    expect(over.status).toBe(429);
    expect(over.body?.message).toMatch(/max_total_cost/);
    h.sim.state.authorize(DEFAULT_CLIENT_ID, ['50']);
    expect((await create(online('50'))).status).toBe(202);
  });

  it('applies the WebSocket ceiling of 10 to user tokens', async () => {
    const session = addSession(h.sim);
    const user = helixClient(h.url, mintUserToken(h.sim, DEFAULT_CLIENT_ID, '5'));
    const ws = (b: string) => ({ ...online(b), transport: { method: 'websocket', session_id: session.id } });
    for (let i = 0; i < 10; i++) expect((await create(ws(`9${i}`), user)).status).toBe(202);
    expect((await create(ws('999'), user)).status).toBe(429);
  });
});

describe('Get EventSub Subscriptions', () => {
  it('lists oldest first with totals and pages with opaque cursors', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(dataOf(await create(online(String(i))))[0]!.id as string);
    const seen: string[] = [];
    let query = '';
    for (let page = 0; page < 10; page++) {
      const res = await get(query);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: 5, total_cost: 5, max_total_cost: 50 });
      seen.push(...dataOf(res).map((s) => s.id as string));
      const cursor = (res.body?.pagination as { cursor?: string }).cursor;
      if (!cursor) break;
      query = `?after=${encodeURIComponent(cursor)}`;
    }
    expect(seen).toEqual(ids);
  });

  it('filters by type, status, user_id and subscription_id', async () => {
    const a = dataOf(await create(online('1')))[0]!;
    const b = dataOf(
      await create(onConduit('channel.chat.message', '1', { broadcaster_user_id: '2', user_id: '3' })),
    )[0]!;
    const c = dataOf(
      await create({ ...online('4'), transport: { method: 'webhook', callback: 'https://e.com/', secret: SECRET } }),
    )[0]!;
    const ids = async (q: string): Promise<unknown[]> => dataOf(await get(q)).map((s) => s.id);
    expect(await ids('?type=channel.chat.message')).toEqual([b.id]);
    expect(await ids('?status=webhook_callback_verification_pending')).toEqual([c.id]);
    expect(await ids('?user_id=3')).toEqual([b.id]);
    expect(await ids(`?subscription_id=${a.id}`)).toEqual([a.id]);
    expect(await ids('?subscription_id=nope')).toEqual([]);
    const filtered = await get('?status=enabled');
    expect(dataOf(filtered)).toHaveLength(2);
    expect((filtered.body?.pagination as { cursor?: string }).cursor).toBeUndefined();
  });

  it.each([
    '?type=stream.online&status=enabled',
    '?user_id=1&subscription_id=x',
    '?status=bogus',
    '?type=nope',
    '?after=%%%',
  ])('answers 400 for %s', async (q) => {
    expect((await get(q)).status).toBe(400);
  });

  it('shows an app token its webhook and conduit subscriptions and a user token its own WebSocket ones', async () => {
    await create(online('1'));
    const session = addSession(h.sim);
    const alice = helixClient(h.url, mintUserToken(h.sim, DEFAULT_CLIENT_ID, '10'));
    const bob = helixClient(h.url, mintUserToken(h.sim, DEFAULT_CLIENT_ID, '20'));
    await create({ ...online('10'), transport: { method: 'websocket', session_id: session.id } }, alice);
    expect(dataOf(await get()).map((s) => (s.transport as { method: string }).method)).toEqual(['conduit']);
    expect(dataOf(await get('', alice)).map((s) => (s.transport as { method: string }).method)).toEqual(['websocket']);
    expect((await get('', bob)).body).toMatchObject({ data: [], total: 0 });
    expect((await get('', await otherApp())).body).toMatchObject({ data: [], total: 0, total_cost: 0 });
  });
});

describe('Delete EventSub Subscription', () => {
  it('deletes by query or JSON body with 204', async () => {
    const a = dataOf(await create(online('1')))[0]!.id as string;
    const b = dataOf(await create(online('2')))[0]!.id as string;
    const byQuery = await helix('DELETE', `/eventsub/subscriptions?id=${a}`);
    expect(byQuery.status).toBe(204);
    expect(byQuery.body).toBeNull();
    expect((await helix('DELETE', '/eventsub/subscriptions', { id: b })).status).toBe(204);
    expect((await get()).body).toMatchObject({ data: [], total: 0 });
  });

  it('answers 400 without an id and 404 for unknown, foreign or other-scope subscriptions', async () => {
    const id = dataOf(await create(online('1')))[0]!.id as string;
    expect((await helix('DELETE', '/eventsub/subscriptions')).status).toBe(400);
    const unknown = await helix('DELETE', '/eventsub/subscriptions?id=nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body?.message).toBe('The subscription was not found.');
    const other = await otherApp();
    expect((await other('DELETE', `/eventsub/subscriptions?id=${id}`)).status).toBe(404);
    const user = helixClient(h.url, mintUserToken(h.sim, DEFAULT_CLIENT_ID, '1'));
    expect((await user('DELETE', `/eventsub/subscriptions?id=${id}`)).status).toBe(404);
    expect(h.sim.state.subscriptions.has(id)).toBe(true);
  });
});

describe('through the full simulator', () => {
  let running: RunningSim;
  let receiver: Receiver | undefined;
  let client: EsClient | undefined;

  beforeEach(async () => {
    running = await startSimulator({ port: 0, config: { webhookTimeoutMs: 500 } });
  });
  afterEach(async () => {
    client?.terminate();
    await receiver?.close();
    client = receiver = undefined;
    await running.close();
  });

  it('enables a webhook subscription once its callback passes the challenge', async () => {
    receiver = await startReceiver();
    const call = helixClient(running.url, await appToken(running.url));
    const res = await call('POST', '/eventsub/subscriptions', {
      ...online('1'),
      transport: { method: 'webhook', callback: receiver.url, secret: SECRET },
    });
    expect(res.status).toBe(202);
    const id = dataOf(res)[0]!.id as string;
    await waitFor('the subscription to be enabled', async () => {
      const listed = await call('GET', `/eventsub/subscriptions?subscription_id=${id}`);
      return dataOf(listed)[0]?.status === 'enabled';
    });
    expect(receiver.ofType('webhook_callback_verification')[0]?.body.subscription?.id).toBe(id);
  });

  it('subscribes a user token on a live WebSocket session', async () => {
    client = EsClient.open(`${running.url.replace(/^http/, 'ws')}/ws`);
    const sessionId = await client.sessionId();
    const user = helixClient(running.url, mintUserToken(running.sim, DEFAULT_CLIENT_ID, '42'));
    const res = await user('POST', '/eventsub/subscriptions', {
      ...online('42'),
      transport: { method: 'websocket', session_id: sessionId },
    });
    expect(res.status).toBe(202);
    expect(dataOf(res)[0]).toMatchObject({ status: 'enabled', cost: 0, transport: { session_id: sessionId } });
    expect(dataOf(await user('GET', '/eventsub/subscriptions'))).toHaveLength(1);
  });
});
