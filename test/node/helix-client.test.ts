/**
 * @module HelixClient against the simulator (twitch-eventsub.md §1–2): every conduit, shard and subscription call,
 * wire in and domain types out, paging, client-side conduit filtering, 409 as `existed`, and per-shard refusals
 * inside Update Conduit Shards' 202 reported as failures.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../sim/server.ts';
import type { HelixClient } from '../../src/twitch/helix-client.ts';
import { EsClient } from '../support/ws-client.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';
import { waitFor } from '../support/wait.ts';
import { callTrace, clientRig, expectNoSecrets, resetSim, simCalls, twitchError } from '../support/twitch-client.ts';

const WEBHOOK_SECRET = 'helix-client-webhook-secret';
const FOLLOW = (id: string) => ({
  type: 'channel.follow',
  version: '2',
  condition: { broadcaster_user_id: id, moderator_user_id: id },
});

let s: RunningSim;
let receiver: Receiver;
let client: HelixClient;
const sockets: EsClient[] = [];

beforeAll(async () => {
  s = await startSimulator({ port: 0, config: { subscriptionPageSize: 4 } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await s.close();
});
beforeEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await resetSim(s);
  client = clientRig(s).client;
});

async function connectedSession(): Promise<string> {
  const ws = EsClient.open(`${s.url.replace('http', 'ws')}/ws`);
  sockets.push(ws);
  return ws.sessionId();
}

describe('conduits', () => {
  it('creates, lists, resizes and deletes, in exactly one Helix call each', async () => {
    const created = await client.createConduit(3);
    expect(created).toEqual({ id: expect.any(String), shardCount: 3 });
    expect(await client.getConduits()).toEqual([created]);
    expect(await client.updateConduit(created.id, 7)).toEqual({ id: created.id, shardCount: 7 });
    await client.deleteConduit(created.id);
    expect(await client.getConduits()).toEqual([]);
    expect(await callTrace(s)).toEqual([
      'POST /eventsub/conduits 200',
      'GET /eventsub/conduits 200',
      'PATCH /eventsub/conduits 200',
      'DELETE /eventsub/conduits 204',
      'GET /eventsub/conduits 200',
    ]);
    expect(client.calls).toBe(5);
    const [, , patch, del] = await simCalls(s);
    expect(patch?.body).toEqual({ id: created.id, shard_count: 7 });
    expect(del?.query).toEqual({ id: created.id });
  });

  it('surfaces a missing conduit as not_found', async () => {
    const err = await twitchError(client.deleteConduit('00000000-0000-0000-0000-000000000000'));
    expect(err).toMatchObject({ kind: 'not_found', status: 404 });
    expect(err.message).toBe('Twitch 404: Conduit not found.');
  });
});

describe('shards', () => {
  it('assigns WebSocket and webhook shards and lists them as domain shards', async () => {
    const conduit = await client.createConduit(2);
    const session = await connectedSession();
    const result = await client.updateShards(conduit.id, [
      { id: 0, transport: { method: 'websocket', sessionId: session } },
      { id: 1, transport: { method: 'webhook', callback: receiver.url, secret: WEBHOOK_SECRET } },
    ]);
    expect(result.failures).toEqual([]);
    expect(result.updated).toEqual([
      {
        id: 0,
        status: 'enabled',
        transport: { method: 'websocket', sessionId: session, connectedAt: expect.any(String) },
      },
      {
        id: 1,
        status: 'webhook_callback_verification_pending',
        transport: { method: 'webhook', callback: receiver.url },
      },
    ]);
    const patch = (await simCalls(s)).at(-1);
    expect(patch?.body).toEqual({
      conduit_id: conduit.id,
      shards: [
        { id: '0', transport: { method: 'websocket', session_id: session } },
        { id: '1', transport: { method: 'webhook', callback: receiver.url, secret: '(redacted)' } },
      ],
    });

    await waitFor('the webhook shard to pass its challenge', async () => {
      const page = await client.getShardsPage(conduit.id, { status: 'enabled' });
      return page.shards.length === 2 && page;
    });
    const page = await client.getShardsPage(conduit.id);
    expect(page.cursor).toBeNull();
    expect(page.shards.map((sh) => [sh.id, sh.status, sh.transport.method])).toEqual([
      [0, 'enabled', 'websocket'],
      [1, 'enabled', 'webhook'],
    ]);
  });

  it('lists all 250 shards of a conduit across three pages', async () => {
    const conduit = await client.createConduit(250);
    const session = await connectedSession();
    const assign = Array.from({ length: 250 }, (_, id) => ({
      id,
      transport: { method: 'websocket' as const, sessionId: session },
    }));
    expect((await client.updateShards(conduit.id, assign)).failures).toEqual([]);
    const since = (await simCalls(s)).at(-1)!.seq;

    const shards = await client.listAllShards(conduit.id);
    expect(shards.map((sh) => sh.id)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    const pages = await simCalls(s, since);
    expect(pages.map((c) => [c.method, c.path, c.status])).toEqual(
      Array(3).fill(['GET', '/helix/eventsub/conduits/shards', 200]),
    );
    expect(pages[0]!.query).toEqual({ conduit_id: conduit.id });
    expect(pages[1]!.query).toEqual({ conduit_id: conduit.id, after: expect.any(String) });
    expect(pages[2]!.query.after).not.toBe(pages[1]!.query.after);
  });

  it('reports every refused shard with its id and Twitch’s message, next to the accepted ones', async () => {
    const conduit = await client.createConduit(3);
    const session = await connectedSession();
    const result = await client.updateShards(conduit.id, [
      { id: 0, transport: { method: 'websocket', sessionId: session } },
      { id: 1, transport: { method: 'webhook', callback: receiver.url, secret: 'short' } },
      { id: 2, transport: { method: 'websocket', sessionId: 'AQoQnot-a-session' } },
      { id: 9, transport: { method: 'websocket', sessionId: session } },
    ]);
    expect(result.updated.map((sh) => sh.id)).toEqual([0]);
    expect(result.failures).toEqual([
      { id: 1, message: 'The length of the string in the secret field is not valid.', code: 'invalid_parameter' },
      { id: 2, message: 'The websocket session is not connected.', code: 'invalid_parameter' },
      { id: 9, message: "The shard id is outside of the conduit's range.", code: 'invalid_parameter' },
    ]);
    expect((await callTrace(s)).at(-1)).toBe('PATCH /eventsub/conduits/shards 202');
  });

  it('refuses the whole request for an unknown conduit', async () => {
    const err = await twitchError(
      client.updateShards('00000000-0000-0000-0000-000000000000', [
        { id: 0, transport: { method: 'webhook', callback: receiver.url, secret: WEBHOOK_SECRET } },
      ]),
    );
    expect(err).toMatchObject({ kind: 'not_found', status: 404 });
    expectNoSecrets(s, err.message, [WEBHOOK_SECRET]);
  });
});

describe('subscriptions', () => {
  it('creates a conduit subscription, and a second identical one answers 409 as existed', async () => {
    const conduit = await client.createConduit(1);
    const first = await client.createConduitSubscription(conduit.id, FOLLOW('1001'));
    expect(first).toEqual({
      existed: false,
      totalCost: 1,
      maxTotalCost: 10_000,
      subscription: {
        id: expect.any(String),
        status: 'enabled',
        type: 'channel.follow',
        version: '2',
        condition: { broadcaster_user_id: '1001', moderator_user_id: '1001' },
        createdAt: expect.any(String),
        cost: 1,
        transport: { method: 'conduit', conduitId: conduit.id },
      },
    });
    expect(await client.createConduitSubscription(conduit.id, FOLLOW('1001'))).toEqual({
      subscription: null,
      existed: true,
    });
    expect((await callTrace(s)).slice(1)).toEqual([
      'POST /eventsub/subscriptions 202',
      'POST /eventsub/subscriptions 409',
    ]);
    expect((await simCalls(s)).at(-1)?.body).toEqual({
      ...FOLLOW('1001'),
      transport: { method: 'conduit', conduit_id: conduit.id },
    });
  });

  it('lists one conduit’s subscriptions across pages, leaving out other conduits and webhooks', async () => {
    const [a, b] = [await client.createConduit(1), await client.createConduit(1)];
    for (let i = 0; i < 6; i++) await client.createConduitSubscription(a.id, FOLLOW(`20${i}`));
    for (let i = 0; i < 3; i++) await client.createConduitSubscription(b.id, FOLLOW(`30${i}`));
    const since = (await simCalls(s)).at(-1)!.seq;

    const listed = await client.listConduitSubscriptions(a.id);
    expect(listed.subscriptions.map((x) => x.condition.broadcaster_user_id)).toEqual(
      Array.from({ length: 6 }, (_, i) => `20${i}`),
    );
    expect(listed.subscriptions.every((x) => x.transport.conduitId === a.id)).toBe(true);
    expect(listed).toMatchObject({ totalCost: 9, maxTotalCost: 10_000 });
    // Nine subscriptions at four per page (the simulator is configured so) is three pages.
    expect(await callTrace(s, since)).toEqual(Array(3).fill('GET /eventsub/subscriptions 200'));
  });

  it('reads one page with filters, and deletes', async () => {
    const conduit = await client.createConduit(1);
    const created = await client.createConduitSubscription(conduit.id, FOLLOW('4001'));
    const page = await client.getSubscriptionsPage({ type: 'channel.follow' });
    expect(page).toMatchObject({ cursor: null, total: 1, totalCost: 1, maxTotalCost: 10_000 });
    expect(page.subscriptions).toEqual([created.subscription]);
    expect((await simCalls(s)).at(-1)?.query).toEqual({ type: 'channel.follow' });
    expect((await client.getSubscriptionsPage({ status: 'authorization_revoked' })).subscriptions).toEqual([]);

    await client.deleteSubscription(created.subscription!.id);
    expect((await client.getSubscriptionsPage()).subscriptions).toEqual([]);
    const err = await twitchError(client.deleteSubscription(created.subscription!.id));
    expect(err).toMatchObject({ kind: 'not_found', status: 404 });
  });

  it('surfaces a refused subscription as bad_request with Twitch’s message', async () => {
    const conduit = await client.createConduit(1);
    const err = await twitchError(
      client.createConduitSubscription(conduit.id, { type: 'channel.follow', version: '1', condition: {} }),
    );
    expect(err).toMatchObject({ kind: 'bad_request', status: 400 });
    expect(err.message).toContain('The combination of values in the version and type fields is not valid.');
  });
});
