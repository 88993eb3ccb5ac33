/**
 * @module The simulator's control API under `/_sim/` (design.md §8, contract): trigger events, script sessions,
 * manage apps and tokens, script Helix failures, move the clock, inspect state, delivery stats and the Helix call
 * log, reset.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { simConfigSchema } from './config.ts';
import type { Sim } from './context.ts';
import { addFault, clearFaults, describeFaults } from './helix/faults.ts';
import { resetBuckets, setBucket } from './helix/ratelimit.ts';
import { sweepOrphanConduits } from './lifecycle.ts';
import { expireTokens, mintUserToken, registerClient } from './oauth.ts';
import { DEFAULT_CLIENT_ID, SHARD_STATUSES } from './state.ts';
import { describeState, describeStats } from './describe.ts';
import { isValidCloseCode } from './ws/close-codes.ts';

const notifySchema = z.object({
  type: z.string().min(1),
  version: z.string().min(1),
  condition: z.record(z.string(), z.string()).optional(),
  event: z.record(z.string(), z.unknown()).optional(),
  message_id: z.string().min(1).optional(),
  duplicates: z.number().int().min(0).max(100).optional(),
  timestamp_offset_ms: z.number().int().optional(),
});

/** Parse a JSON body with a schema; a bad body is a 400 naming the field, never a crash. */
async function body<T>(
  c: Context,
  schema: z.ZodType<T>,
): Promise<{ ok: true; value: T } | { ok: false; res: Response }> {
  let raw: unknown = {};
  const text = await c.req.text();
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch {
      return { ok: false, res: c.json({ error: 'body is not valid JSON' }, 400) };
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(body)';
    return { ok: false, res: c.json({ error: `${where}: ${issue?.message ?? 'invalid'}` }, 400) };
  }
  return { ok: true, value: parsed.data };
}

export function createControlRoutes(sim: Sim): Hono {
  const app = new Hono();

  app.post('/events', async (c) => {
    const b = await body(c, notifySchema);
    if (!b.ok) return b.res;
    const data = await sim.delivery.notify(b.value);
    return c.json({ data });
  });

  const sessionAction = (name: string, act: (id: string, c: Context) => Promise<boolean>) =>
    app.post(`/sessions/:id/${name}`, async (c) => {
      const id = c.req.param('id');
      if (!sim.state.sessions.has(id)) return c.json({ error: `unknown session ${id}` }, 404);
      const ok = await act(id, c);
      return ok ? c.json({ ok: true }) : c.json({ error: `session ${id} has no open socket` }, 409);
    });
  sessionAction('reconnect', async (id) => sim.ws.reconnect(id));
  sessionAction('silence', async (id) => sim.ws.silence(id));
  app.post('/sessions/:id/close', async (c) => {
    const id = c.req.param('id');
    if (!sim.state.sessions.has(id)) return c.json({ error: `unknown session ${id}` }, 404);
    const b = await body(
      c,
      z.object({
        code: z.union([
          z.literal('drop'),
          z.number().refine((n) => n === 0 || isValidCloseCode(n), 'must be 0/"drop" or a sendable close code'),
        ]),
        reason: z.string().max(120).optional(),
      }),
    );
    if (!b.ok) return b.res;
    const code = b.value.code === 0 ? 'drop' : b.value.code;
    return sim.ws.close(id, code, b.value.reason)
      ? c.json({ ok: true })
      : c.json({ error: `session ${id} has no open socket` }, 409);
  });

  app.post('/clients', async (c) => {
    const b = await body(c, z.object({ client_id: z.string().min(1), client_secret: z.string().min(1) }));
    if (!b.ok) return b.res;
    registerClient(sim, b.value.client_id, b.value.client_secret);
    return c.json({ client_id: b.value.client_id }, 201);
  });

  app.post('/tokens/expire', async (c) => {
    const b = await body(c, z.object({ token: z.string().min(1).optional() }));
    if (!b.ok) return b.res;
    return c.json({ expired: expireTokens(sim, b.value.token) });
  });

  app.post('/tokens/user', async (c) => {
    const b = await body(
      c,
      z.object({
        client_id: z.string().min(1).default(DEFAULT_CLIENT_ID),
        user_id: z.string().min(1),
        login: z.string().min(1).optional(),
        scopes: z.array(z.string()).optional(),
      }),
    );
    if (!b.ok) return b.res;
    const v = b.value;
    if (!sim.state.clients.has(v.client_id)) return c.json({ error: `unknown client ${v.client_id}` }, 404);
    return c.json({ access_token: mintUserToken(sim, v.client_id, v.user_id, v.login, v.scopes) });
  });

  app.post('/authorizations', async (c) => {
    const b = await body(
      c,
      z.object({ client_id: z.string().min(1).default(DEFAULT_CLIENT_ID), user_ids: z.array(z.string().min(1)) }),
    );
    if (!b.ok) return b.res;
    sim.state.authorize(b.value.client_id, b.value.user_ids);
    return c.json({ ok: true });
  });

  app.post('/ratelimit', async (c) => {
    const b = await body(
      c,
      z.object({ client_id: z.string().min(1).default(DEFAULT_CLIENT_ID), remaining: z.number().int().min(0) }),
    );
    if (!b.ok) return b.res;
    setBucket(sim, b.value.client_id, b.value.remaining);
    return c.json({ ok: true });
  });

  app.post('/faults', async (c) => {
    const b = await body(
      c,
      z.object({
        status: z.number().int().min(400).max(599),
        count: z.number().int().min(1).max(10_000),
        path_prefix: z.string().startsWith('/helix').default('/helix/'),
        method: z.enum(['GET', 'POST', 'PATCH', 'DELETE']).optional(),
      }),
    );
    if (!b.ok) return b.res;
    const v = b.value;
    addFault(sim, { status: v.status, remaining: v.count, pathPrefix: v.path_prefix, method: v.method });
    return c.json({ faults: describeFaults(sim) }, 201);
  });
  app.get('/faults', (c) => c.json({ faults: describeFaults(sim) }));
  app.delete('/faults', (c) => {
    clearFaults(sim);
    return c.json({ faults: [] });
  });

  app.post('/clock', async (c) => {
    const b = await body(c, z.object({ advance_ms: z.number().int().min(0) }));
    if (!b.ok) return b.res;
    sim.clock.advance(b.value.advance_ms);
    const deleted = sweepOrphanConduits(sim);
    return c.json({ now: new Date(sim.clock.now()).toISOString(), deleted_conduits: deleted });
  });

  app.post('/config', async (c) => {
    const b = await body(c, simConfigSchema.partial().strict());
    if (!b.ok) return b.res;
    Object.assign(sim.config, b.value);
    return c.json({ config: sim.config });
  });

  app.post('/conduits/:id/shards/:shard/status', async (c) => {
    const conduit = sim.state.conduits.get(c.req.param('id'));
    const shard = conduit?.shards[Number(c.req.param('shard'))];
    if (!conduit || !shard) return c.json({ error: 'unknown conduit or unassigned shard' }, 404);
    const b = await body(c, z.object({ status: z.enum(SHARD_STATUSES) }));
    if (!b.ok) return b.res;
    sim.state.setShardStatus(conduit, shard, b.value.status);
    return c.json({ ok: true });
  });

  app.post('/subscriptions/:id/revoke', async (c) => {
    const sub = sim.state.subscriptions.get(c.req.param('id'));
    if (!sub) return c.json({ error: `unknown subscription ${c.req.param('id')}` }, 404);
    const b = await body(
      c,
      z.object({
        status: z
          .enum(['authorization_revoked', 'user_removed', 'moderator_removed', 'version_removed', 'chat_user_banned'])
          .default('authorization_revoked'),
      }),
    );
    if (!b.ok) return b.res;
    await sim.delivery.revoke(sub, b.value.status);
    return c.json({ ok: true });
  });

  app.get('/state', (c) => c.json(describeState(sim)));
  app.get('/calls', (c) => {
    const since = c.req.query('since') ?? '0';
    if (!/^\d+$/.test(since)) return c.json({ error: 'since: must be a non-negative integer' }, 400);
    return c.json({ data: sim.state.calls.since(Number(since)), last_seq: sim.state.calls.last });
  });
  app.delete('/calls', (c) => {
    sim.state.calls.clear();
    return c.json({ ok: true, last_seq: sim.state.calls.last });
  });
  app.get('/stats', (c) => c.json(describeStats(sim)));

  app.post('/reset', (c) => {
    sim.ws.closeAll();
    sim.timers.cancelAll();
    sim.state.reset();
    resetBuckets(sim);
    clearFaults(sim);
    sim.clock.reset();
    return c.json({ ok: true });
  });

  return app;
}
