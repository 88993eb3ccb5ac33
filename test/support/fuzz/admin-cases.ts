/**
 * @module A seeded generator of bad requests for the admin API (issue #8; design.md §5), driven by its own OpenAPI
 * document so that every route is covered, new ones included: bad credentials on every route (exactly 401, before
 * anything is parsed), and with the right token, bodies, path and query parameters that the route's schema refuses
 * (openapi-invalid.ts checks each value against the schema), wrong content types, unknown paths and methods (a 4xx).
 * No case is a valid request, so none may change anything.
 */
import { seededRng, type Rng } from '../prng.ts';
import { sendable, type Case } from './case.ts';
import { deepJson, notJson, randomAscii, utf8, withInvalidUtf8 } from './hostile.ts';
import {
  invalidBody,
  invalidIntegerText,
  invalidString,
  resolve,
  type Components,
  type Schema,
} from './openapi-invalid.ts';

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}
export interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
export interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: Components;
}
/** A valid request for one operation (test/workers/support/admin-api.ts `ADMIN_ROUTES`). */
export interface BaseRequest {
  method: string;
  /** Path under the API base, query included. */
  path: string;
  /** The path template as the document names it. */
  doc: string;
  body?: unknown;
}

interface Op {
  method: string;
  template: string;
  operation: OpenApiOperation;
  base: BaseRequest | undefined;
}

const FAMILIES: readonly [string, number][] = [
  ['bad-token', 30],
  ['bad-token-hostile-body', 5],
  ['body-invalid', 25],
  ['body-not-json', 6],
  ['body-wrong-content-type', 5],
  ['path-param', 8],
  ['query-param', 10],
  ['unknown-route', 6],
  ['wrong-method', 5],
];

function pickFamily(rng: Rng): string {
  const total = FAMILIES.reduce((s, [, w]) => s + w, 0);
  let x = rng.next() * total;
  for (const [family, weight] of FAMILIES) {
    x -= weight;
    if (x < 0) return family;
  }
  return 'bad-token';
}

function badAuthorization(rng: Rng, token: string): [string, string][] {
  const wrong = (t: string) => t.slice(0, -1) + (t.endsWith('x') ? 'y' : 'x');
  return rng.pick<() => [string, string][]>([
    () => [],
    () => [['Authorization', '']],
    () => [['Authorization', 'Bearer']],
    () => [['authorization', `Bearer ${wrong(token)}`]],
    () => [['Authorization', `Bearer ${token.slice(0, rng.int(1, token.length - 1))}`]],
    () => [['Authorization', `Bearer ${token}${randomAscii(rng, rng.int(1, 4))}`]],
    () => [['Authorization', token]],
    () => [['Authorization', `Basic ${btoa(`admin:${token}`)}`]],
    () => [['Authorization', `Token ${token}`]],
    () => [['Authorization', `Bearer\t${token}`]],
    () => [['Authorization', `Bearer ${token} ${token}`]],
    () => [['Authorization', `${token} Bearer`]],
    () => [['Authorization', `Bearer ${randomAscii(rng, rng.int(1, 8_000))}`]],
    () => [
      ['Authorization', `Bearer ${token}`],
      ['Authorization', `Bearer ${token}`],
    ],
    () => [
      ['Authorization', `Bearer ${wrong(token)}`],
      ['AUTHORIZATION', `Bearer ${token}`],
    ],
  ])();
}

/** The template with every `{param}` filled: from the base request when there is one, else a plausible value. */
function concretePath(op: Op): string {
  if (op.base) return op.base.path;
  return op.template.replace(/\{[^}]+\}/g, '1');
}

function withQuery(path: string, name: string, value: string): string {
  const [p, q = ''] = path.split('?') as [string, string?];
  const params = new URLSearchParams(q);
  params.set(name, value);
  return `${p}?${params.toString()}`;
}

export function adminFuzzer(opts: { seed: number; doc: OpenApiDoc; bases: readonly BaseRequest[]; token: string }) {
  const rng = seededRng(opts.seed);
  const components = opts.doc.components ?? {};
  const ops: Op[] = Object.entries(opts.doc.paths).flatMap(([template, byMethod]) =>
    Object.entries(byMethod).map(([m, operation]) => {
      const method = m.toUpperCase();
      return { method, template, operation, base: opts.bases.find((b) => b.method === method && b.doc === template) };
    }),
  );
  const api = (p: string) => `/admin/api${p}`;
  const json: [string, string] = ['Content-Type', 'application/json'];
  const auth: [string, string] = ['Authorization', `Bearer ${opts.token}`];
  const bodyOf = (v: unknown) => utf8(JSON.stringify(v));
  const schemaOf = (op: Op) => op.operation.requestBody?.content['application/json']?.schema;
  const validBody = (op: Op) => (op.base?.body === undefined ? null : bodyOf(op.base.body));
  const opsWith = (has: (op: Op) => boolean) => ops.filter(has);

  function build(index: number, family: string): Case {
    const op = rng.pick(ops);
    switch (family) {
      case 'bad-token':
        return sendable(
          index,
          family,
          'unauthorized',
          op.method,
          api(concretePath(op)),
          [...badAuthorization(rng, opts.token), ...(validBody(op) ? [json] : [])],
          validBody(op),
        );
      case 'bad-token-hostile-body': {
        const body = utf8(rng.chance(0.5) ? deepJson(rng.int(1_000, 50_000), 'array') : notJson(rng, '{"a":1}'));
        const method = rng.pick(['POST', 'PUT', 'PATCH', 'DELETE']);
        return sendable(
          index,
          family,
          'unauthorized',
          method,
          api(concretePath(op)),
          [...badAuthorization(rng, opts.token), json],
          body,
        );
      }
      case 'body-invalid':
      case 'body-not-json':
      case 'body-wrong-content-type': {
        const candidates = opsWith((o) => schemaOf(o) !== undefined);
        if (candidates.length === 0) return build(index, 'bad-token');
        const target = rng.pick(candidates);
        const schema = schemaOf(target)!;
        const base = target.base?.body ?? {};
        let body: Uint8Array;
        let contentType = 'application/json';
        if (family === 'body-invalid') body = bodyOf(invalidBody(rng, base, schema, components));
        else if (family === 'body-not-json') {
          const text = JSON.stringify(base);
          body = rng.chance(0.2) ? withInvalidUtf8(rng, utf8(text)) : utf8(notJson(rng, text));
        } else {
          // A valid body under a media type that is not JSON: the route refuses the media type (415 or 400).
          body = bodyOf(base);
          contentType = rng.pick([
            'text/plain',
            'text/html',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/xml',
            'image/png',
          ]);
        }
        return sendable(
          index,
          family,
          'reject',
          target.method,
          api(concretePath(target)),
          [auth, ['Content-Type', contentType]],
          body,
        );
      }
      case 'path-param': {
        const candidates = opsWith((o) => (o.operation.parameters ?? []).some((p) => p.in === 'path'));
        if (candidates.length === 0) return build(index, 'bad-token');
        const target = rng.pick(candidates);
        const param = rng.pick(target.operation.parameters!.filter((p) => p.in === 'path'));
        const value = invalidParam(rng, param.schema, components);
        if (value === null) return build(index, 'bad-token');
        const path = target.template.replace(/\{[^}]+\}/g, (m) =>
          m === `{${param.name}}` ? encodeURIComponent(value) : '1',
        );
        const body = validBody(target);
        return sendable(index, family, 'reject', target.method, api(path), [auth, ...(body ? [json] : [])], body);
      }
      case 'query-param': {
        const candidates = opsWith((o) => (o.operation.parameters ?? []).some((p) => p.in === 'query'));
        if (candidates.length === 0) return build(index, 'bad-token');
        const target = rng.pick(candidates);
        const param = rng.pick(target.operation.parameters!.filter((p) => p.in === 'query'));
        const value = invalidParam(rng, param.schema, components);
        if (value === null) return build(index, 'bad-token');
        const body = validBody(target);
        return sendable(
          index,
          family,
          'reject',
          target.method,
          api(withQuery(concretePath(target), param.name, value)),
          [auth, ...(body ? [json] : [])],
          body,
        );
      }
      case 'unknown-route': {
        const path = rng.pick([
          '/nope',
          `/${randomAscii(rng, rng.int(1, 40))}`,
          `${op.template.replace(/\{[^}]+\}/g, '1')}/extra`,
          op.template.toUpperCase(),
          `/${'x/'.repeat(rng.int(2, 50))}`,
          '/admin/api',
        ]);
        const method = rng.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
        const body = method === 'GET' ? null : bodyOf({});
        return sendable(index, family, 'reject', method, api(path), [auth, ...(body ? [json] : [])], body);
      }
      case 'wrong-method': {
        const defined = new Set(Object.keys(opts.doc.paths[op.template] ?? {}).map((m) => m.toUpperCase()));
        // HEAD is answered like GET; OPTIONS may be answered by CORS handling. Neither is a method mismatch here.
        const missing = ['POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !defined.has(m));
        if (missing.length === 0) return build(index, 'bad-token');
        return sendable(index, family, 'reject', rng.pick(missing), api(concretePath(op)), [auth, json], bodyOf({}));
      }
      default:
        throw new Error(`unknown family ${family}`);
    }
  }

  return { next: async (index: number): Promise<Case> => build(index, pickFamily(rng)) };
}

/** A text value a path or query parameter's schema refuses; null if the schema gives no handle. */
function invalidParam(rng: Rng, schema: Schema, components: Components): string | null {
  const s = resolve(schema, components);
  const t = Array.isArray(s.type) ? s.type : [s.type];
  if (t.includes('integer')) return invalidIntegerText(rng, s);
  if (t.includes('string') && (s.enum || s.pattern || s.maxLength !== undefined || s.minLength !== undefined)) {
    return invalidString(rng, s);
  }
  return null;
}
