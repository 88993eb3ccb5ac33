/**
 * @module Get, Create, Update and Delete Conduits (twitch-eventsub.md §1.2–1.5), with parameters accepted from
 * the JSON body or the query string because twurple uses the query and other libraries the body.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Sim } from '../context.ts';
import { uuid } from '../ids.ts';
import { deleteConduit } from '../lifecycle.ts';
import type { Conduit } from '../state.ts';
import type { HelixEnv } from './auth.ts';
import { fail, param, parseShardCount, readBody } from './params.ts';

export const ID_REQUIRED = 'The id query parameter is required.';
const INVALID_COUNT = 'Invalid shard count';
const MALFORMED = 'The request body is not valid JSON.';

const conduitWire = (c: Conduit): { id: string; shard_count: number } => ({ id: c.id, shard_count: c.shardCount });

/** The caller's conduit, or the 404 Twitch gives for a missing or foreign one (§1.1). */
export function ownedConduit(sim: Sim, c: Context<HelixEnv>, id: string): Conduit | Response {
  const conduit = sim.state.conduits.get(id);
  if (!conduit) return fail(c, 404, 'Conduit not found.');
  if (conduit.clientId !== c.get('auth').clientId) {
    return fail(c, 404, "Conduit's owner must match the client ID in the access token.");
  }
  return conduit;
}

export function createConduitRoutes(sim: Sim): Hono<HelixEnv> {
  const app = new Hono<HelixEnv>();
  const ownedBy = (clientId: string): Conduit[] =>
    [...sim.state.conduits.values()].filter((k) => k.clientId === clientId);

  app.get('/', (c) => c.json({ data: ownedBy(c.get('auth').clientId).map(conduitWire) }));

  app.post('/', async (c) => {
    const body = await readBody(c);
    if (!body) return fail(c, 400, MALFORMED);
    const count = parseShardCount(param(c, body, 'shard_count'));
    if (count === null) return fail(c, 400, INVALID_COUNT);
    const clientId = c.get('auth').clientId;
    if (ownedBy(clientId).length >= sim.config.conduitLimit) return fail(c, 429, 'Conduit limit reached');
    const conduit: Conduit = { id: uuid(), clientId, shardCount: count, shards: [], createdAt: sim.clock.now() };
    sim.state.conduits.set(conduit.id, conduit);
    return c.json({ data: [conduitWire(conduit)] }, 200);
  });

  app.patch('/', async (c) => {
    const body = await readBody(c);
    if (!body) return fail(c, 400, MALFORMED);
    const id = param(c, body, 'id');
    if (!id) return fail(c, 400, ID_REQUIRED);
    const count = parseShardCount(param(c, body, 'shard_count'));
    if (count === null) return fail(c, 400, INVALID_COUNT);
    const conduit = ownedConduit(sim, c, id);
    if (conduit instanceof Response) return conduit;
    // §1.4: shrinking removes shards at or above the new count; growing appends unassigned (sparse) shards.
    if (conduit.shards.length > count) conduit.shards.length = count;
    conduit.shardCount = count;
    return c.json({ data: [conduitWire(conduit)] }, 200);
  });

  app.delete('/', async (c) => {
    // §1.5: `id` is a query parameter; a JSON body (Barry's tools) is accepted too (sim choice).
    const body = (await readBody(c)) ?? {};
    const id = param(c, body, 'id');
    if (!id) return fail(c, 400, ID_REQUIRED);
    const conduit = ownedConduit(sim, c, id);
    if (conduit instanceof Response) return conduit;
    deleteConduit(sim, conduit);
    return c.body(null, 204);
  });

  return app;
}
