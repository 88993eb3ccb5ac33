/**
 * @module Get, Create, Update and Delete Conduits (twitch-eventsub.md §1.1–1.5): exact status codes, body and
 * query parameter forms, the shard-count range, the 5-conduit limit, ownership, app-token-only access, deletion
 * turning subscriptions `conduit_deleted`, and the 72-hour orphan sweep.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteConduit, sweepOrphanConduits } from '../../sim/lifecycle.ts';
import { mintUserToken, registerClient } from '../../sim/oauth.ts';
import { DEFAULT_CLIENT_ID, type Conduit } from '../../sim/state.ts';
import {
  addSession,
  appToken,
  dataOf,
  type Helix,
  type HelixHarness,
  helixClient,
  startHelixSim,
} from '../support/sim-harness.ts';

const ORPHAN_MS = 60_000;
let h: HelixHarness;
let helix: Helix;

beforeEach(async () => {
  h = await startHelixSim({ conduitOrphanMs: ORPHAN_MS });
  helix = helixClient(h.url, await appToken(h.url));
});
afterEach(() => h.close());

async function create(count: number): Promise<string> {
  const res = await helix('POST', '/eventsub/conduits', { shard_count: count });
  expect(res.status).toBe(200);
  return dataOf(res)[0]!.id as string;
}

describe('Create and Get Conduits', () => {
  it('creates from a JSON body with 200 and lists it', async () => {
    const res = await helix('POST', '/eventsub/conduits', { shard_count: 3 });
    expect(res.status).toBe(200);
    const [conduit] = dataOf(res);
    expect(conduit).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), shard_count: 3 });
    const list = await helix('GET', '/eventsub/conduits');
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ data: [conduit] });
  });

  it('creates from the query string (twurple form)', async () => {
    const res = await helix('POST', '/eventsub/conduits?shard_count=7');
    expect(res.status).toBe(200);
    expect(dataOf(res)[0]?.shard_count).toBe(7);
    expect(h.sim.state.conduits.size).toBe(1);
  });

  it('answers an empty list before any conduit exists', async () => {
    expect((await helix('GET', '/eventsub/conduits')).body).toEqual({ data: [] });
  });

  it.each([[0], [20_001], [1.5], ['abc'], [-1], [null]])('rejects shard_count %s with 400', async (count) => {
    const res = await helix('POST', '/eventsub/conduits', { shard_count: count });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'Bad Request', status: 400, message: 'Invalid shard count' });
    expect(h.sim.state.conduits.size).toBe(0);
  });

  it('accepts both ends of the range, 1 and 20000', async () => {
    await create(1);
    await create(20_000);
    expect([...h.sim.state.conduits.values()].map((c) => c.shardCount).sort()).toEqual([1, 20_000]);
  });

  it('answers 429 "Conduit limit reached" for a sixth conduit, per client', async () => {
    for (let i = 0; i < 5; i++) await create(1);
    const res = await helix('POST', '/eventsub/conduits', { shard_count: 1 });
    expect(res.status).toBe(429);
    expect(res.body?.message).toBe('Conduit limit reached');
    registerClient(h.sim, 'other-app', 'other-secret-123');
    const other = helixClient(h.url, await appToken(h.url, 'other-app', 'other-secret-123'), 'other-app');
    expect((await other('POST', '/eventsub/conduits', { shard_count: 1 })).status).toBe(200);
    expect(dataOf(await other('GET', '/eventsub/conduits'))).toHaveLength(1);
  });
});

describe('Update Conduits', () => {
  it('updates from a JSON body and from the query string', async () => {
    const id = await create(2);
    const byBody = await helix('PATCH', '/eventsub/conduits', { id, shard_count: 4 });
    expect(byBody.status).toBe(200);
    expect(byBody.body).toEqual({ data: [{ id, shard_count: 4 }] });
    const byQuery = await helix('PATCH', `/eventsub/conduits?id=${id}&shard_count=6`);
    expect(byQuery.status).toBe(200);
    expect(dataOf(byQuery)[0]).toEqual({ id, shard_count: 6 });
    expect(h.sim.state.conduits.get(id)?.shardCount).toBe(6);
  });

  it('appends unassigned shards on growth and removes shards at or above the count on shrink', async () => {
    const id = await create(4);
    const session = addSession(h.sim);
    const shards = [0, 1, 2, 3].map((n) => ({
      id: String(n),
      transport: { method: 'websocket', session_id: session.id },
    }));
    expect((await helix('PATCH', '/eventsub/conduits/shards', { conduit_id: id, shards })).status).toBe(202);

    await helix('PATCH', '/eventsub/conduits', { id, shard_count: 2 });
    const listed = await helix('GET', `/eventsub/conduits/shards?conduit_id=${id}`);
    expect(dataOf(listed).map((s) => s.id)).toEqual(['0', '1']);

    await helix('PATCH', '/eventsub/conduits', { id, shard_count: 5 });
    const grown = await helix('GET', `/eventsub/conduits/shards?conduit_id=${id}`);
    expect(dataOf(grown).map((s) => s.id)).toEqual(['0', '1']);
    const assign = await helix('PATCH', '/eventsub/conduits/shards', {
      conduit_id: id,
      shards: [{ id: '4', transport: { method: 'websocket', session_id: session.id } }],
    });
    expect(assign.body?.errors).toEqual([]);
    expect(dataOf(assign)[0]).toMatchObject({ id: '4', status: 'enabled' });
  });

  it('answers 400 without an id or with a bad count, and 404 for unknown or foreign conduits', async () => {
    const id = await create(1);
    const noId = await helix('PATCH', '/eventsub/conduits', { shard_count: 2 });
    expect(noId.status).toBe(400);
    expect(noId.body?.message).toBe('The id query parameter is required.');
    expect((await helix('PATCH', '/eventsub/conduits', { id, shard_count: 0 })).status).toBe(400);
    expect((await helix('PATCH', '/eventsub/conduits', { id })).status).toBe(400);
    const unknown = await helix('PATCH', '/eventsub/conduits', { id: 'no-such-conduit', shard_count: 2 });
    expect(unknown.status).toBe(404);

    registerClient(h.sim, 'other-app', 'other-secret-123');
    const other = helixClient(h.url, await appToken(h.url, 'other-app', 'other-secret-123'), 'other-app');
    const foreign = await other('PATCH', '/eventsub/conduits', { id, shard_count: 2 });
    expect(foreign.status).toBe(404);
    expect(foreign.body?.message).toBe("Conduit's owner must match the client ID in the access token.");
    expect(h.sim.state.conduits.get(id)?.shardCount).toBe(1);
  });
});

describe('Delete Conduit', () => {
  it('deletes by query with 204, turning its subscriptions conduit_deleted and emitting conduitDeleted', async () => {
    const id = await create(1);
    const sub = await helix('POST', '/eventsub/subscriptions', {
      type: 'stream.online',
      version: '1',
      condition: { broadcaster_user_id: '1' },
      transport: { method: 'conduit', conduit_id: id },
    });
    expect(sub.status).toBe(202);
    const deleted: Conduit[] = [];
    h.sim.state.on('conduitDeleted', (c) => deleted.push(c));

    const res = await helix('DELETE', `/eventsub/conduits?id=${id}`);
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    expect(deleted.map((c) => c.id)).toEqual([id]);
    expect(h.sim.state.conduits.has(id)).toBe(false);
    const subs = await helix('GET', '/eventsub/subscriptions');
    expect(dataOf(subs).map((s) => s.status)).toEqual(['conduit_deleted']);
  });

  it('accepts the id in a JSON body', async () => {
    const id = await create(1);
    expect((await helix('DELETE', '/eventsub/conduits', { id })).status).toBe(204);
    expect(h.sim.state.conduits.size).toBe(0);
  });

  it('answers 400 without an id and 404 for unknown or foreign conduits', async () => {
    const id = await create(1);
    expect((await helix('DELETE', '/eventsub/conduits')).status).toBe(400);
    expect((await helix('DELETE', '/eventsub/conduits?id=nope')).status).toBe(404);
    registerClient(h.sim, 'other-app', 'other-secret-123');
    const other = helixClient(h.url, await appToken(h.url, 'other-app', 'other-secret-123'), 'other-app');
    expect((await other('DELETE', `/eventsub/conduits?id=${id}`)).status).toBe(404);
    expect(h.sim.state.conduits.has(id)).toBe(true);
  });
});

describe('app tokens only (§1.1)', () => {
  it.each([
    ['GET', '/eventsub/conduits'],
    ['POST', '/eventsub/conduits?shard_count=1'],
    ['PATCH', '/eventsub/conduits?id=x&shard_count=1'],
    ['DELETE', '/eventsub/conduits?id=x'],
    ['GET', '/eventsub/conduits/shards?conduit_id=x'],
    ['PATCH', '/eventsub/conduits/shards'],
  ])('%s %s refuses a user token and a missing token with 401', async (method, path) => {
    const user = helixClient(h.url, mintUserToken(h.sim, DEFAULT_CLIENT_ID, '99'));
    const res = await user(method, path);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: 'Unauthorized',
      status: 401,
      message: 'Authorization header required with an app access token.',
    });
    const bare = await fetch(`${h.url}/helix${path}`, { method, headers: { 'Client-Id': DEFAULT_CLIENT_ID } });
    expect(bare.status).toBe(401);
    expect(((await bare.json()) as { message: string }).message).toBe(
      'Authorization header required with an app access token.',
    );
    expect(h.sim.state.conduits.size).toBe(0);
  });

  it('refuses a Client-Id that does not match the token', async () => {
    registerClient(h.sim, 'other-app', 'other-secret-123');
    const mismatched = helixClient(h.url, await appToken(h.url), 'other-app');
    const res = await mismatched('POST', '/eventsub/conduits', { shard_count: 1 });
    expect(res.status).toBe(401);
    expect(h.sim.state.conduits.size).toBe(0);
  });
});

describe('72-hour orphan sweep (§2.4, §8.6)', () => {
  it('deletes a never-assigned conduit once conduitOrphanMs has passed since creation', async () => {
    const id = await create(2);
    h.sim.clock.advance(ORPHAN_MS - 1_000);
    expect(sweepOrphanConduits(h.sim)).toEqual([]);
    h.sim.clock.advance(1_000);
    expect(sweepOrphanConduits(h.sim)).toEqual([id]);
    expect(h.sim.state.conduits.size).toBe(0);
  });

  it('keeps a conduit with any enabled shard, and counts from when the last shard was disabled', async () => {
    const id = await create(2);
    const session = addSession(h.sim);
    await helix('PATCH', '/eventsub/conduits/shards', {
      conduit_id: id,
      shards: [{ id: '0', transport: { method: 'websocket', session_id: session.id } }],
    });
    h.sim.clock.advance(ORPHAN_MS * 2);
    expect(sweepOrphanConduits(h.sim)).toEqual([]);

    const conduit = h.sim.state.conduits.get(id)!;
    h.sim.state.setShardStatus(conduit, conduit.shards[0]!, 'websocket_disconnected');
    h.sim.clock.advance(ORPHAN_MS - 1_000);
    expect(sweepOrphanConduits(h.sim)).toEqual([]);
    h.sim.clock.advance(1_000);
    expect(sweepOrphanConduits(h.sim)).toEqual([id]);
  });

  it('deleteConduit is idempotent and emits once', () => {
    const conduit: Conduit = { id: 'c1', clientId: DEFAULT_CLIENT_ID, shardCount: 1, shards: [], createdAt: 0 };
    h.sim.state.conduits.set(conduit.id, conduit);
    let emitted = 0;
    h.sim.state.on('conduitDeleted', () => emitted++);
    deleteConduit(h.sim, conduit);
    deleteConduit(h.sim, conduit);
    expect(emitted).toBe(1);
  });
});
