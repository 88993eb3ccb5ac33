/**
 * How admin routes talk to the ConduitController (controller-types.ts), against a recording fake so this holds
 * whatever the real object does: each route makes one RPC call with the decoded arguments, a success is 200 (201 for
 * a creation) with the value, and a failure `Outcome` keeps its status with `{ error, details? }`.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/durable/controller-types.ts';
import { ADMIN_ROUTES, adminRequest, fakeController } from './support/admin-api.ts';

const window = { endpoint: 'blue', starts_at: '2030-01-01T10:00:00Z', ends_at: '2030-01-01T12:00:00+01:30' };

/** `${METHOD} ${path}` of ADMIN_ROUTES → the RPC it must make and the status of its success. */
const EXPECTED: Record<string, { rpc: string; args: unknown[]; status: number }> = {
  'GET /status?shard_offset=0&shard_limit=10': {
    rpc: 'status',
    args: [{ shard_offset: 0, shard_limit: 10 }],
    status: 200,
  },
  'GET /conduits': { rpc: 'listConduits', args: [], status: 200 },
  'POST /conduits': { rpc: 'createConduit', args: [2], status: 201 },
  'PATCH /conduits': { rpc: 'updateConduit', args: ['c-1', 3], status: 200 },
  'DELETE /conduits?id=c-1&confirm=c-1': { rpc: 'deleteConduit', args: ['c-1'], status: 200 },
  'GET /layout': { rpc: 'getLayout', args: [], status: 200 },
  'PUT /layout': { rpc: 'putLayout', args: [['default', 'blue']], status: 200 },
  'GET /endpoints': { rpc: 'listEndpoints', args: [], status: 200 },
  'POST /endpoints': { rpc: 'addEndpoint', args: [{ name: 'blue', kind: 'webhook' }], status: 201 },
  'DELETE /endpoints/blue': { rpc: 'removeEndpoint', args: ['blue'], status: 200 },
  'POST /scale': { rpc: 'scale', args: [4, 'blue'], status: 200 },
  'POST /shards/3/remove': { rpc: 'removeShard', args: [3], status: 200 },
  'GET /maintenance': { rpc: 'listWindows', args: [], status: 200 },
  'POST /maintenance': { rpc: 'addWindow', args: [{ ...window, note: 'deploy' }], status: 201 },
  'DELETE /maintenance/7': { rpc: 'removeWindow', args: [7], status: 200 },
  'POST /reconcile?dry_run=1': { rpc: 'reconcile', args: [{ dryRun: true }], status: 200 },
  'GET /actions?limit=5&before=100': { rpc: 'actions', args: [{ limit: 5, before: 100 }], status: 200 },
  'GET /subscriptions': { rpc: 'listSubscriptions', args: [], status: 200 },
  'POST /subscriptions': {
    rpc: 'addSubscription',
    args: [{ type: 'channel.follow', version: '2', condition: { broadcaster_user_id: '1', moderator_user_id: '1' } }],
    status: 201,
  },
  'POST /handover': { rpc: 'handover', args: ['ws', 'reassign'], status: 200 },
  'DELETE /subscriptions/channel.follow%3A2%3Aabc': {
    rpc: 'removeSubscription',
    args: ['channel.follow:2:abc'],
    status: 200,
  },
};

// events/recent reads the EventHubs, not the controller (test/workers/events-recent.test.ts); tickets are signed
// in the Worker (test/workers/events-tickets.test.ts).
const RPC_ROUTES = ADMIN_ROUTES.filter((r) => !['/openapi.json', '/events/recent', '/tickets'].includes(r.doc));

describe('admin routes and controller outcomes', () => {
  it('covers every route that calls the controller', () => {
    expect(RPC_ROUTES.map((r) => `${r.method} ${r.path}`).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(RPC_ROUTES)('$method $path makes one call with decoded arguments and answers its value', async (route) => {
    const expected = EXPECTED[`${route.method} ${route.path}`]!;
    const fake = fakeController();
    const res = await fake.fetch(adminRequest(route.method, route.path, { body: route.body }));
    expect(res.status).toBe(expected.status);
    expect(await res.json()).toEqual({ fake: expected.rpc });
    expect(fake.calls).toEqual([{ method: expected.rpc, args: expected.args }]);
    expect(fake.names).toEqual([`conduit:${env.CONDUIT_ID}`]);
  });

  it.each(RPC_ROUTES)('$method $path keeps a failure status and its details', async (route) => {
    const rpc = EXPECTED[`${route.method} ${route.path}`]!.rpc;
    const failure: Outcome<never> = { ok: false, status: 409, error: `${rpc} refused`, details: { shard: 3 } };
    const fake = fakeController({ [rpc]: failure });
    const res = await fake.fetch(adminRequest(route.method, route.path, { body: route.body }));
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: `${rpc} refused`, details: { shard: 3 } });
  });

  it.each([404, 422, 429, 501, 502, 503] as const)('maps a %i failure without details to {error}', async (status) => {
    const fake = fakeController({ listEndpoints: { ok: false, status, error: 'nope' } });
    const res = await fake.fetch(adminRequest('GET', '/endpoints'));
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error: 'nope' });
  });

  it('reads dry_run=true and an absent dry_run, and defaults status paging and the actions limit', async () => {
    const fake = fakeController();
    await fake.fetch(adminRequest('POST', '/reconcile?dry_run=true'));
    await fake.fetch(adminRequest('POST', '/reconcile'));
    await fake.fetch(adminRequest('POST', '/reconcile?dry_run=0'));
    await fake.fetch(adminRequest('GET', '/status'));
    await fake.fetch(adminRequest('GET', '/actions'));
    expect(fake.calls.map((c) => c.args)).toEqual([
      [{ dryRun: true }],
      [{ dryRun: false }],
      [{ dryRun: false }],
      [{ shard_offset: 0, shard_limit: 1000 }],
      [{ limit: 100 }],
    ]);
  });

  it('validates a handover before calling the controller', async () => {
    const fake = fakeController();
    const bad = await fake.fetch(adminRequest('POST', '/handover', { body: { endpoint: 'ws', method: 'teleport' } }));
    expect(bad.status).toBe(400);
    expect(fake.calls).toEqual([]);
  });

  it('answers a controller that throws with the one JSON 500, naming nothing inside', async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args.map(String).join(' '));
    try {
      const fake = fakeController({ getLayout: new Error('storage broke') });
      const res = await fake.fetch(adminRequest('GET', '/layout'));
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: 'internal error' });
      expect(fake.calls.map((c) => c.method)).toEqual(['getLayout']);
    } finally {
      console.error = original;
    }
    expect(errors.join('\n')).toContain('worker:fetch');
  });

  it('puts no secret in any response', async () => {
    const fake = fakeController();
    for (const route of ADMIN_ROUTES) {
      const text = await (await fake.fetch(adminRequest(route.method, route.path, { body: route.body }))).text();
      expect(text).not.toContain(env.ADMIN_TOKEN);
      expect(text).not.toContain(env.EVENTSUB_SECRET);
    }
  });
});
