/**
 * @module Admin API test helpers: one valid request per route (the table the auth, validation and OpenAPI tests
 * iterate), an authenticated fetch through the Worker's entry, and a recording fake controller for tests that must
 * prove the controller was (or was not) called without depending on the real Durable Object.
 */
import { env, exports } from 'cloudflare:workers';
import { createApp } from '../../../src/app.ts';
import type { Outcome } from '../../../src/durable/controller-types.ts';

export interface AdminRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A valid request path under /admin/api, query included. */
  path: string;
  /** The path template as the OpenAPI document names it. */
  doc: string;
  body?: unknown;
}

export const ADMIN_ROUTES: AdminRoute[] = [
  { method: 'GET', path: '/status?shard_offset=0&shard_limit=10', doc: '/status' },
  { method: 'GET', path: '/conduits', doc: '/conduits' },
  { method: 'POST', path: '/conduits', doc: '/conduits', body: { shard_count: 2 } },
  { method: 'PATCH', path: '/conduits', doc: '/conduits', body: { id: 'c-1', shard_count: 3 } },
  { method: 'DELETE', path: '/conduits?id=c-1&confirm=c-1', doc: '/conduits' },
  { method: 'GET', path: '/layout', doc: '/layout' },
  { method: 'PUT', path: '/layout', doc: '/layout', body: { shards: ['default', 'blue'] } },
  { method: 'GET', path: '/endpoints', doc: '/endpoints' },
  { method: 'POST', path: '/endpoints', doc: '/endpoints', body: { name: 'blue', kind: 'webhook' } },
  { method: 'DELETE', path: '/endpoints/blue', doc: '/endpoints/{name}' },
  { method: 'POST', path: '/scale', doc: '/scale', body: { shard_count: 4, endpoint: 'blue' } },
  { method: 'POST', path: '/shards/3/remove', doc: '/shards/{id}/remove' },
  { method: 'POST', path: '/handover', doc: '/handover', body: { endpoint: 'ws', method: 'reassign' } },
  { method: 'GET', path: '/maintenance', doc: '/maintenance' },
  {
    method: 'POST',
    path: '/maintenance',
    doc: '/maintenance',
    body: { endpoint: 'blue', starts_at: '2030-01-01T10:00:00Z', ends_at: '2030-01-01T12:00:00+01:30', note: 'deploy' },
  },
  { method: 'DELETE', path: '/maintenance/7', doc: '/maintenance/{id}' },
  { method: 'POST', path: '/reconcile?dry_run=1', doc: '/reconcile' },
  { method: 'GET', path: '/actions?limit=5&before=100', doc: '/actions' },
  { method: 'GET', path: '/subscriptions', doc: '/subscriptions' },
  {
    method: 'POST',
    path: '/subscriptions',
    doc: '/subscriptions',
    body: { type: 'channel.follow', version: '2', condition: { broadcaster_user_id: '1', moderator_user_id: '1' } },
  },
  { method: 'DELETE', path: '/subscriptions/channel.follow%3A2%3Aabc', doc: '/subscriptions/{key}' },
  { method: 'GET', path: '/events/recent?limit=5&type=channel.follow', doc: '/events/recent' },
  { method: 'POST', path: '/tickets', doc: '/tickets', body: { types: ['channel.follow'], ttl_seconds: 30 } },
  { method: 'GET', path: '/openapi.json', doc: '/openapi.json' },
];

export function adminRequest(
  method: string,
  path: string,
  {
    body,
    auth = `Bearer ${env.ADMIN_TOKEN}`,
    rawBody,
  }: { body?: unknown; auth?: string | null; rawBody?: string } = {},
): Request {
  const headers = new Headers();
  if (auth !== null) headers.set('Authorization', auth);
  const payload = rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
  if (payload !== undefined) headers.set('Content-Type', 'application/json');
  return new Request(`http://worker.test/admin/api${path}`, { method, headers, body: payload });
}

/** Through the Worker's real entry point (`exports.default.fetch`) and the real controller binding. */
export function adminFetch(method: string, path: string, opts?: Parameters<typeof adminRequest>[2]) {
  return exports.default.fetch(adminRequest(method, path, opts));
}

export interface ControllerCall {
  method: string;
  args: unknown[];
}

/**
 * A fake controller namespace: records every RPC call and answers from `outcomes` (by method name; an `Error` is
 * thrown, as a broken object's RPC rejects), or with a generic success. Served through `createApp()` with the test
 * env, so only the binding differs from production.
 */
export function fakeController(outcomes: Record<string, Outcome<unknown> | Error> = {}) {
  const calls: ControllerCall[] = [];
  const names: string[] = [];
  const stub = new Proxy(
    {},
    {
      get: (_target, method) => {
        if (typeof method !== 'string' || method === 'then') return undefined;
        return async (...args: unknown[]) => {
          calls.push({ method, args });
          const outcome = outcomes[method] ?? { ok: true, value: { fake: method } };
          if (outcome instanceof Error) throw outcome;
          return outcome;
        };
      },
    },
  );
  const namespace = { getByName: (name: string) => (names.push(name), stub) };
  const fakeEnv = { ...env, CONDUIT_CONTROLLER: namespace as unknown as Env['CONDUIT_CONTROLLER'] };
  const app = createApp();
  const fetch = (request: Request) => app.fetch(request, fakeEnv);
  return { fetch, calls, names };
}

/**
 * The admin API over the real ConduitController, but a fresh object per call of this function: the namespace adds a
 * unique `#suffix` to the name (conduit-controller.ts reads the conduit setting from the name before `#`), so tests
 * do not share controller storage. `conduitId` replaces CONDUIT_ID (default `auto`).
 */
export function isolatedAdmin(conduitId?: string) {
  const suffix = crypto.randomUUID();
  const namespace = {
    getByName: (name: string) => env.CONDUIT_CONTROLLER.getByName(`${name}#${suffix}`),
  };
  const isolatedEnv = {
    ...env,
    ...(conduitId ? { CONDUIT_ID: conduitId } : {}),
    CONDUIT_CONTROLLER: namespace as unknown as Env['CONDUIT_CONTROLLER'],
  };
  const app = createApp();
  return (method: string, path: string, opts?: Parameters<typeof adminRequest>[2]) =>
    app.fetch(adminRequest(method, path, opts), isolatedEnv);
}
