/**
 * @module Third-party conformance: `@twurple/api` 8.1.4, written against the real Helix, drives the simulator's
 * conduit endpoints (twitch-eventsub.md §1) and conduit subscriptions (§2). If twurple disagrees, the simulator is
 * wrong (design.md §9).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { rejection, rejectionStatus, type RecordedExchange } from '../support/twurple-fetch.ts';
import { openSession, startTwurpleSim, type TwurpleSim } from '../support/twurple-sim.ts';
import { waitFor } from '../support/wait.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UNKNOWN_CONDUIT = '00000000-0000-4000-8000-000000000000';

let t: TwurpleSim;
const sockets: WebSocket[] = [];

beforeEach(async () => {
  t = await startTwurpleSim({ subscriptionPageSize: 20 });
});

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await t.close();
});

function query(e: RecordedExchange | undefined): Record<string, string> {
  return Object.fromEntries(new URL(e?.simUrl ?? 'http://x/').searchParams);
}

/**
 * The cursor of a `getConduitShards` page. twurple's d.ts types it as the raw `{data, pagination}`, but the runtime
 * object is `createPaginatedResult`'s `{data, cursor}` (HelixEventSubApi.js getConduitShards).
 */
function cursorOf(page: object): string | undefined {
  return 'cursor' in page && typeof page.cursor === 'string' ? page.cursor : undefined;
}

async function session(): Promise<string> {
  const s = await openSession(t.running.url);
  sockets.push(s.ws);
  return s.sessionId;
}

describe('@twurple/api conduits', () => {
  it('mints its app token with query-string client credentials and reads an empty conduit list', async () => {
    expect(await t.api.eventSub.getConduits()).toEqual([]);
    const token = t.route.last('POST', '/oauth2/token');
    expect(token?.status).toBe(200);
    expect(token?.requestBody).toBeUndefined();
    expect(query(token)).toMatchObject({ grant_type: 'client_credentials', client_id: 'sim-client-id' });
    expect(t.route.last('GET', '/helix/eventsub/conduits')?.status).toBe(200);
  });

  it('creates, lists, resizes and deletes a conduit, sending its parameters in the query string', async () => {
    const created = await t.api.eventSub.createConduit(3);
    expect(created.id).toMatch(UUID);
    expect(created.shardCount).toBe(3);
    const create = t.route.last('POST', '/helix/eventsub/conduits');
    expect(create?.status).toBe(200);
    expect(create?.requestBody).toBeUndefined();
    expect(query(create)).toEqual({ shard_count: '3' });

    expect((await t.api.eventSub.getConduits()).map((c) => [c.id, c.shardCount])).toEqual([[created.id, 3]]);

    const grown = await created.update(5);
    expect([grown.id, grown.shardCount]).toEqual([created.id, 5]);
    expect(query(t.route.last('PATCH', '/helix/eventsub/conduits'))).toEqual({ id: created.id, shard_count: '5' });
    expect(t.running.sim.state.conduits.get(created.id)?.shardCount).toBe(5);
    expect((await t.api.eventSub.updateConduit(created.id, 2)).shardCount).toBe(2);

    await t.api.eventSub.deleteConduit(created.id);
    expect(t.route.last('DELETE', '/helix/eventsub/conduits')?.status).toBe(204);
    expect(await t.api.eventSub.getConduits()).toEqual([]);
    expect(await rejectionStatus(t.api.eventSub.deleteConduit(created.id))).toBe(404);
  });

  it('also accepts the JSON-body form other clients send, and twurple reads the result', async () => {
    const conduit = await t.api.eventSub.createConduit(1);
    const token = [...t.running.sim.state.tokens.values()].find((i) => i.kind === 'app')?.token ?? '';
    const res = await fetch(`${t.running.url}/helix/eventsub/conduits`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${token}`, 'Client-Id': 'sim-client-id', 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: conduit.id, shard_count: 4 }),
    });
    expect(res.status).toBe(200);
    expect((await t.api.eventSub.getConduits())[0]?.shardCount).toBe(4);
  });

  it('surfaces Helix errors to the caller as HttpStatusCodeError, without retrying limit-type 429s', async () => {
    expect(await rejectionStatus(t.api.eventSub.createConduit(0))).toBe(400);
    expect(await rejectionStatus(t.api.eventSub.createConduit(20_001))).toBe(400);
    const notFound = await rejection(t.api.eventSub.updateConduit(UNKNOWN_CONDUIT, 2));
    expect(notFound.status).toBe(404);
    // Helix's error body (§0) as twurple hands it to the caller.
    expect(JSON.parse(notFound.body)).toMatchObject({ error: 'Not Found', status: 404 });
    expect(t.route.last('PATCH', '/helix/eventsub/conduits')?.headers['content-type']).toMatch(/^application\/json/);
    expect(await rejectionStatus(t.api.eventSub.getConduitShards(UNKNOWN_CONDUIT))).toBe(404);
    expect(
      await rejectionStatus(
        t.api.eventSub.updateConduitShards(UNKNOWN_CONDUIT, [
          { id: '0', transport: { method: 'websocket', session_id: 'AQoQx' } },
        ]),
      ),
    ).toBe(404);

    for (let i = 0; i < 5; i++) await t.api.eventSub.createConduit(1);
    // twurple (utils/HelixRateLimiter.js) re-queues a 429 unless Ratelimit-Remaining is present and non-zero.
    expect(await rejectionStatus(t.api.eventSub.createConduit(1))).toBe(429);
    const limited = t.route.last('POST', '/helix/eventsub/conduits');
    expect(Number(limited?.headers['ratelimit-remaining'])).toBeGreaterThan(0);
    expect(t.running.sim.state.conduits.size).toBe(5);
  });

  it('refreshes an expired app token after a 401 and repeats the call', async () => {
    await t.api.eventSub.createConduit(1);
    const expire = await fetch(`${t.running.url}/_sim/tokens/expire`, { method: 'POST' });
    expect(expire.status).toBe(200);
    const before = t.route.exchanges.length;
    expect(await t.api.eventSub.getConduits()).toHaveLength(1);
    const after = t.route.exchanges.slice(before).map((e) => `${e.method} ${new URL(e.simUrl).pathname} ${e.status}`);
    expect(after).toEqual([
      'GET /helix/eventsub/conduits 401',
      'POST /oauth2/token 200',
      'GET /helix/eventsub/conduits 200',
    ]);
  });
});

describe('@twurple/api conduit shards', () => {
  it('assigns a WebSocket shard; per-shard errors stay in the 202 body, which twurple drops', async () => {
    const conduit = await t.api.eventSub.createConduit(2);
    const sessionId = await session();
    const result = await t.api.eventSub.updateConduitShards(conduit.id, [
      { id: '0', transport: { method: 'websocket', session_id: sessionId } },
      { id: '5', transport: { method: 'websocket', session_id: sessionId } },
      { id: '1', transport: { method: 'websocket', session_id: 'AQoQnot-a-live-session' } },
    ]);
    // twurple returns `result.data` only (HelixEventSubApi.js updateConduitShards): failed shards just go missing.
    expect(result.map((s) => [s.id, s.status, s.transportMethod])).toEqual([['0', 'enabled', 'websocket']]);

    const patch = t.route.last('PATCH', '/helix/eventsub/conduits/shards');
    expect(patch?.status).toBe(202);
    expect(JSON.parse(patch?.requestBody ?? '{}')).toMatchObject({ conduit_id: conduit.id });
    const body = JSON.parse(patch?.responseBody ?? '{}') as { errors?: { id: string; code: string }[] };
    expect(body.errors?.map((e) => e.id).sort()).toEqual(['1', '5']);
    expect(body.errors?.every((e) => e.code === 'invalid_parameter')).toBe(true);

    const listed = await t.api.eventSub.getConduitShards(conduit.id);
    expect(listed.data.map((s) => [s.id, s.status, s.transportMethod])).toEqual([['0', 'enabled', 'websocket']]);
    expect(cursorOf(listed)).toBeUndefined();
  });

  it('shows a webhook shard pending, then failed, through the status filter; the secret never comes back', async () => {
    const conduit = await t.api.eventSub.createConduit(1);
    const secret = 'conformance-secret-0123456789';
    // Port 1 on loopback refuses connections, so the challenge fails.
    const [shard] = await t.api.eventSub.updateConduitShards(conduit.id, [
      { id: '0', transport: { method: 'webhook', callback: 'http://127.0.0.1:1/eventsub', secret } },
    ]);
    expect([shard?.id, shard?.status, shard?.transportMethod]).toEqual([
      '0',
      'webhook_callback_verification_pending',
      'webhook',
    ]);
    expect(t.route.last('PATCH', '/helix/eventsub/conduits/shards')?.responseBody).not.toContain(secret);

    const failed = await waitFor('the shard to fail verification', async () => {
      const page = await t.api.eventSub.getConduitShards(conduit.id, 'webhook_callback_verification_failed');
      return page.data.length === 1 && page.data;
    });
    expect(failed[0]?.id).toBe('0');
    expect((await t.api.eventSub.getConduitShards(conduit.id, 'enabled')).data).toEqual([]);
    expect(t.route.last('GET', '/helix/eventsub/conduits/shards')?.responseBody).not.toContain(secret);
  });

  it('walks a 250-shard conduit page by page and with the paginator', async () => {
    const conduit = await t.api.eventSub.createConduit(250);
    const sessionId = await session();
    const ids = Array.from({ length: 250 }, (_, i) => String(i));
    const assigned = await t.api.eventSub.updateConduitShards(
      conduit.id,
      ids.map((id) => ({ id, transport: { method: 'websocket' as const, session_id: sessionId } })),
    );
    expect(assigned).toHaveLength(250);

    const first = await t.api.eventSub.getConduitShards(conduit.id);
    expect(first.data).toHaveLength(100);
    expect(cursorOf(first)).toBeTruthy();
    const second = await t.api.eventSub.getConduitShards(conduit.id, undefined, { after: cursorOf(first) });
    expect(second.data).toHaveLength(100);
    expect(second.data.some((s) => first.data.some((f) => f.id === s.id))).toBe(false);

    const paginator = t.api.eventSub.getConduitShardsPaginated(conduit.id);
    const pages: number[] = [];
    for (let page = await paginator.getNext(); page.length > 0 && pages.length < 10; page = await paginator.getNext()) {
      pages.push(page.length);
    }
    expect(pages).toEqual([100, 100, 50]);
    // twurple's paginator always adds first=100 (utils/pagination/HelixPaginatedRequest.js).
    expect(query(t.route.last('GET', '/helix/eventsub/conduits/shards'))).toMatchObject({ first: '100' });

    const all = await t.api.eventSub.getConduitShardsPaginated(conduit.id).getAll();
    expect(all.map((s) => s.id).sort((a, b) => Number(a) - Number(b))).toEqual(ids);
    expect((await t.api.eventSub.getConduitShardsPaginated(conduit.id, 'enabled').getAll()).length).toBe(250);

    // Closing the session disables every shard on it (§6.6); the status filter pages the same way.
    sockets.splice(0).forEach((ws) => ws.close());
    const down = await waitFor('all shards websocket_disconnected', async () => {
      const got = await t.api.eventSub.getConduitShardsPaginated(conduit.id, 'websocket_disconnected').getAll();
      return got.length === 250 && got;
    });
    expect(down.every((s) => s.status === 'websocket_disconnected')).toBe(true);
  });
});

describe('@twurple/api conduit subscriptions', () => {
  it('creates, lists, pages and deletes conduit subscriptions', async () => {
    const conduit = await t.api.eventSub.createConduit(1);
    const transport = { method: 'conduit', conduit_id: conduit.id } as const;

    const online = await t.api.eventSub.subscribeToStreamOnlineEvents('1001', transport);
    expect([online.type, online.status, online.transportMethod]).toEqual(['stream.online', 'enabled', 'conduit']);
    expect(online.condition).toEqual({ broadcaster_user_id: '1001' });
    expect(online._transport).toEqual({ method: 'conduit', conduit_id: conduit.id });
    expect(Number.isNaN(online.creationDate.getTime())).toBe(false);
    expect(t.route.last('POST', '/helix/eventsub/subscriptions')?.status).toBe(202);

    const offline = await t.api.eventSub.createSubscription(
      'stream.offline',
      '1',
      { broadcaster_user_id: '1001' },
      transport,
    );
    expect([offline.type, offline.status]).toEqual(['stream.offline', 'enabled']);

    const listed = await t.api.eventSub.getSubscriptions();
    expect(listed.data.map((s) => s.id)).toEqual([online.id, offline.id]);
    expect(listed.total).toBe(2);
    expect(listed.totalCost).toBe(online.cost + offline.cost);
    expect(listed.maxTotalCost).toBe(10_000);
    expect((await t.api.eventSub.getSubscriptionsForType('stream.online')).data.map((s) => s.id)).toEqual([online.id]);
    expect((await t.api.eventSub.getSubscriptionsForStatus('enabled')).data).toHaveLength(2);
    expect((await t.api.eventSub.getSubscriptionsForUser('1001')).data).toHaveLength(2);
    expect((await t.api.eventSub.getSubscriptionsForUser('1002')).data).toHaveLength(0);

    expect(await rejectionStatus(t.api.eventSub.subscribeToStreamOnlineEvents('1001', transport))).toBe(409);
    expect(
      await rejectionStatus(
        t.api.eventSub.subscribeToStreamOnlineEvents('1002', { method: 'conduit', conduit_id: UNKNOWN_CONDUIT }),
      ),
    ).toBe(400);

    await online.unsubscribe();
    expect(t.route.last('DELETE', '/helix/eventsub/subscriptions')?.status).toBe(204);
    expect((await t.api.eventSub.getSubscriptions()).data.map((s) => s.id)).toEqual([offline.id]);
    expect(await rejectionStatus(t.api.eventSub.deleteSubscription(online.id))).toBe(404);

    await t.api.eventSub.deleteConduit(conduit.id);
    const orphaned = await waitFor('conduit_deleted subscriptions', async () => {
      const page = await t.api.eventSub.getSubscriptionsForStatus('conduit_deleted');
      return page.data.length === 1 && page.data;
    });
    expect(orphaned[0]?.id).toBe(offline.id);
    // twurple's cleanup walks the paginator and deletes every subscription not enabled or pending.
    await t.api.eventSub.deleteBrokenSubscriptions();
    expect((await t.api.eventSub.getSubscriptions()).data).toEqual([]);
  });

  it('pages through 45 subscriptions with twurple paginators (page size 20 here)', async () => {
    const conduit = await t.api.eventSub.createConduit(1);
    const created: string[] = [];
    for (let i = 0; i < 45; i++) {
      const sub = await t.api.eventSub.subscribeToStreamOnlineEvents(String(2000 + i), {
        method: 'conduit',
        conduit_id: conduit.id,
      });
      created.push(sub.id);
    }
    const first = await t.api.eventSub.getSubscriptions();
    expect(first.data).toHaveLength(20);
    expect(first.total).toBe(45);
    expect(first.cursor).toBeTruthy();

    const all = await t.api.eventSub.getSubscriptionsPaginated().getAll();
    expect(all.map((s) => s.id)).toEqual(created);
    const online = await t.api.eventSub.getSubscriptionsForTypePaginated('stream.online').getAll();
    expect(online).toHaveLength(45);
    expect(await t.api.eventSub.getSubscriptionsPaginated().getTotalCount()).toBe(45);
  });
});
