/**
 * `GET /admin/api/openapi.json` (design.md §5): behind the same bearer auth, an OpenAPI 3.x document generated from
 * the schemas that validate requests, listing every admin route with its method and request schema.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ROUTES, adminFetch } from './support/admin-api.ts';

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: string[];
  $ref?: string;
}
interface Operation {
  parameters?: { name: string; in: string; required?: boolean; schema: Schema }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, unknown>;
}
interface Document {
  openapi: string;
  servers: { url: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, { type: string; scheme: string }> };
}

let doc: Document;
let raw: string;

/** Follow a `$ref` into components, as a client would. */
function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const found = doc.components.schemas[name];
  if (!found) throw new Error(`dangling $ref ${schema.$ref}`);
  return found;
}

function bodySchema(path: string, method: string): Schema {
  const op = doc.paths[path]?.[method];
  const schema = op?.requestBody?.content['application/json']?.schema;
  if (!schema) throw new Error(`${method} ${path} has no JSON request body`);
  return resolve(schema);
}

describe('GET /admin/api/openapi.json', () => {
  beforeAll(async () => {
    const res = await adminFetch('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/);
    raw = await res.text();
    doc = JSON.parse(raw) as Document;
  });

  it('needs the admin token', async () => {
    expect((await adminFetch('GET', '/openapi.json', { auth: null })).status).toBe(401);
  });

  it('is OpenAPI 3.x, served under /admin/api, secured by the bearer scheme', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.servers).toEqual([{ url: '/admin/api' }]);
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('lists every admin route with its method, and nothing else', () => {
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const expected = ADMIN_ROUTES.filter((r) => r.doc !== '/openapi.json').map((r) => `${r.method} ${r.doc}`);
    expect(listed.sort()).toEqual([...new Set(expected)].sort());
  });

  it('describes request bodies with their fields in snake_case', () => {
    const endpoint = bodySchema('/endpoints', 'post');
    expect(Object.keys(endpoint.properties ?? {}).sort()).toEqual([
      'base_url',
      'callback',
      'kind',
      'mode',
      'name',
      'secret',
    ]);
    expect(endpoint.properties?.mode?.enum).toEqual(['fixed', 'auto']);
    expect(endpoint.required?.sort()).toEqual(['kind', 'name']);
    expect(endpoint.properties?.kind?.enum).toEqual(['webhook', 'websocket']);
    expect(bodySchema('/conduits', 'post').required).toEqual(['shard_count']);
    expect(bodySchema('/conduits', 'patch').required?.sort()).toEqual(['id', 'shard_count']);
    expect(bodySchema('/layout', 'put').properties?.shards?.type).toBe('array');
    expect(bodySchema('/scale', 'post').required).toEqual(['shard_count']);
    expect(bodySchema('/handover', 'post').properties?.method?.enum).toEqual(['reassign', 'swap']);
    expect(bodySchema('/maintenance', 'post').required?.sort()).toEqual(['endpoint', 'ends_at', 'starts_at']);
    expect(bodySchema('/subscriptions', 'post').required?.sort()).toEqual(['condition', 'type', 'version']);
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops))
        if (op.requestBody) expect(op.requestBody.required, `${method} ${path}`).toBe(true);
  });

  it('describes path and query parameters', () => {
    const params = (path: string, method: string) =>
      (doc.paths[path]?.[method]?.parameters ?? []).map((p) => `${p.in}:${p.name}${p.required ? '!' : ''}`).sort();
    expect(params('/endpoints/{name}', 'delete')).toEqual(['path:name!']);
    expect(params('/shards/{id}/remove', 'post')).toEqual(['path:id!']);
    expect(params('/maintenance/{id}', 'delete')).toEqual(['path:id!']);
    expect(params('/subscriptions/{key}', 'delete')).toEqual(['path:key!']);
    expect(params('/conduits', 'delete')).toEqual(['query:confirm!', 'query:id!']);
    expect(params('/status', 'get')).toEqual(['query:shard_limit', 'query:shard_offset']);
    expect(params('/reconcile', 'post')).toEqual(['query:dry_run']);
    expect(params('/actions', 'get')).toEqual(['query:before', 'query:limit']);
    const id = doc.paths['/shards/{id}/remove']?.post?.parameters?.[0]?.schema;
    expect(id).toMatchObject({ type: 'integer', minimum: 0, maximum: 19999 });
  });

  it('documents success and error responses, and never a secret on an endpoint', () => {
    expect(Object.keys(doc.paths['/endpoints']?.post?.responses ?? {}).sort()).toEqual([
      '201',
      '400',
      '401',
      'default',
    ]);
    expect(Object.keys(doc.paths['/handover']?.post?.responses ?? {})).toContain('200');
    const view = doc.components.schemas.Endpoint;
    expect(Object.keys(view?.properties ?? {})).toEqual(expect.arrayContaining(['name', 'kind', 'source', 'shards']));
    expect(Object.keys(view?.properties ?? {})).not.toContain('secret');
  });

  it('contains no secret value', () => {
    expect(raw).not.toContain(env.ADMIN_TOKEN);
    expect(raw).not.toContain(env.EVENTSUB_SECRET);
    expect(raw).not.toContain(env.TWITCH_CLIENT_SECRET);
  });
});
