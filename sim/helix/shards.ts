/**
 * @module Get and Update Conduit Shards (twitch-eventsub.md §1.6, §1.7): paged listing with an opaque cursor, and
 * transport assignment with per-shard errors in a 202, webhook challenges and immediate WebSocket enablement.
 */
import { Hono } from 'hono';
import type { Sim } from '../context.ts';
import { decodeCursor, encodeCursor } from '../ids.ts';
import { SHARD_STATUSES, type Conduit, type Shard, type ShardStatus, type ShardTransport } from '../state.ts';
import { shardWire } from '../wire.ts';
import type { HelixEnv } from './auth.ts';
import { ID_REQUIRED, ownedConduit } from './conduits.ts';
import { fail, readBody } from './params.ts';
import { checkSession, checkWebhook, transportOf, TRANSPORT_ERRORS } from './transport.ts';

const OUT_OF_RANGE = "The shard id is outside of the conduit's range.";

interface ShardError {
  id: string;
  message: string;
  code: 'invalid_parameter';
}

/**
 * How a never-assigned shard is listed when `listUnassignedShards` is on. Twitch's form is unknown (§10.1);
 * sim choice: a disconnected WebSocket shard with an empty session id.
 */
function unassignedWire(id: number): Record<string, unknown> {
  return { id: String(id), status: 'websocket_disconnected', transport: { method: 'websocket', session_id: '' } };
}

export function createShardRoutes(sim: Sim): Hono<HelixEnv> {
  const app = new Hono<HelixEnv>();

  app.get('/', (c) => {
    const conduitId = c.req.query('conduit_id');
    if (!conduitId) return fail(c, 400, ID_REQUIRED); // sic: the docs word it as `id` (§1.6)
    const status = c.req.query('status');
    if (status !== undefined && !SHARD_STATUSES.includes(status as ShardStatus)) {
      return fail(c, 400, 'The status query parameter is not valid.');
    }
    const after = c.req.query('after');
    const start = after === undefined ? 0 : decodeCursor(after);
    if (start === null) return fail(c, 400, 'The after query parameter is not valid.');
    const conduit = ownedConduit(sim, c, conduitId);
    if (conduit instanceof Response) return conduit;

    const data: Record<string, unknown>[] = [];
    let next: number | undefined;
    for (let i = start; i < conduit.shardCount; i++) {
      const shard = conduit.shards[i];
      const wire = shard ? shardWire(shard) : sim.config.listUnassignedShards ? unassignedWire(i) : undefined;
      if (!wire || (status !== undefined && wire.status !== status)) continue;
      if (data.length === sim.config.shardPageSize) {
        next = i;
        break;
      }
      data.push(wire);
    }
    return c.json({ data, pagination: next === undefined ? {} : { cursor: encodeCursor(next) } }, 200);
  });

  app.patch('/', async (c) => {
    const body = await readBody(c);
    if (!body) return fail(c, 400, 'The request body is not valid JSON.');
    if (typeof body.conduit_id !== 'string' || body.conduit_id === '') return fail(c, 400, ID_REQUIRED);
    if (!Array.isArray(body.shards)) return fail(c, 400, 'The shards field is required.');
    const conduit = ownedConduit(sim, c, body.conduit_id);
    if (conduit instanceof Response) return conduit;

    const data: Record<string, unknown>[] = [];
    const errors: ShardError[] = [];
    const challenges: Shard[] = [];
    for (const entry of body.shards as unknown[]) {
      const result = assign(sim, conduit, entry);
      if ('message' in result) {
        errors.push({ ...result, code: 'invalid_parameter' });
        continue;
      }
      data.push(shardWire(result));
      if (result.transport.method === 'webhook') challenges.push(result);
    }
    // Challenges start once the response is built, so the 202 always shows `pending` (§1.7 sim choice).
    for (const shard of challenges) void sim.webhooks.challengeShard(conduit, shard).catch(() => undefined);
    return c.json({ data, errors }, 202);
  });

  return app;
}

/** Validate one requested shard and apply it. Returns the shard, or the per-shard error. */
function assign(sim: Sim, conduit: Conduit, entry: unknown): Shard | { id: string; message: string } {
  const raw = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
  const id = typeof raw.id === 'number' || typeof raw.id === 'string' ? String(raw.id) : '';
  const index = /^\d+$/.test(id) ? Number(id) : -1;
  if (index < 0 || index >= conduit.shardCount) return { id, message: OUT_OF_RANGE };
  const t = transportOf(raw.transport);
  let transport: ShardTransport;
  if (t?.method === 'webhook') {
    const checked = checkWebhook(sim, t);
    if (!checked.ok) return { id, message: checked.message };
    transport = checked.value;
  } else if (t?.method === 'websocket') {
    const checked = checkSession(sim, t);
    if (!checked.ok) return { id, message: checked.message };
    checked.value.used = true;
    transport = { method: 'websocket', session_id: checked.value.id, connected_at: checked.value.connectedAt };
  } else {
    return { id, message: TRANSPORT_ERRORS.method };
  }

  const status: ShardStatus = transport.method === 'webhook' ? 'webhook_callback_verification_pending' : 'enabled';
  const existing = conduit.shards[index];
  if (!existing) {
    const shard: Shard = { id: String(index), status, transport, failures: 0 };
    if (status !== 'enabled') shard.disabledSince = sim.clock.now();
    conduit.shards[index] = shard;
    return shard;
  }
  // Reassignment replaces the old transport (§1.7); the failure count belonged to the old one.
  existing.transport = transport;
  existing.failures = 0;
  sim.state.setShardStatus(conduit, existing, status);
  return existing;
}
