/**
 * The fuzz generators (test/support/fuzz/) are reproducible and say the truth: the same seed gives the same cases,
 * every family appears in a 10,000-case run, and each webhook case's verdict agrees with the pure check
 * (`checkWebhook`) on the same bytes, so the Workers fuzz tests judge answers against verdicts that are right.
 * Also: the judge flags every wrong kind of answer, and admin values are refused by the schema they were made for.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkWebhook } from '../../src/verify/webhook.ts';
import { adminFuzzer, type OpenApiDoc } from '../support/fuzz/admin-cases.ts';
import { judge, type Case, type Verdict } from '../support/fuzz/case.ts';
import { invalidBody, invalidIntegerText, invalidString } from '../support/fuzz/openapi-invalid.ts';
import { WEBHOOK_FAMILIES, webhookFuzzer } from '../support/fuzz/webhook-cases.ts';
import { seededRng } from '../support/prng.ts';

const SECRET = 'a'.repeat(64);
const NOW = Date.parse('2026-11-28T12:00:00Z');
const hmacHex = async (key: string, data: Uint8Array) => createHmac('sha256', key).update(data).digest('hex');

function fuzzer(seed: number) {
  return webhookFuzzer({ seed, endpoint: 'default', secret: SECRET, wrongSecrets: ['b'.repeat(64)], hmacHex });
}

async function take(seed: number, n: number): Promise<Case[]> {
  const f = fuzzer(seed);
  const out: Case[] = [];
  for (let i = 0; i < n; i++) out.push(await f.next(i, NOW));
  return out;
}

const fingerprint = (c: Case) => [
  c.family,
  c.verdict,
  c.method,
  c.path,
  c.headers,
  Buffer.from(c.body ?? []).toString('base64'),
];

describe('webhook fuzz cases', () => {
  it('are the same for the same seed and differ for another', async () => {
    const [a, b, other] = await Promise.all([take(7, 300), take(7, 300), take(8, 300)]);
    expect(a.map(fingerprint)).toEqual(b.map(fingerprint));
    expect(a.map(fingerprint)).not.toEqual(other.map(fingerprint));
  });

  it('cover every family in 10,000 cases, with verdicts that agree with checkWebhook on the same bytes', async () => {
    const cases = await take(0x5eed_0008, 10_000);
    expect(new Set(cases.map((c) => c.family))).toEqual(new Set(WEBHOOK_FAMILIES));
    const disagreements: string[] = [];
    for (const c of cases) {
      // Method and path are the router's business, not checkWebhook's.
      if (c.method !== 'POST' || c.path !== '/webhooks/default') continue;
      const headers = new Headers();
      for (const [n, v] of c.headers) headers.append(n, v);
      const verdict = await checkWebhook({
        headers,
        body: c.body ?? new Uint8Array(),
        now: NOW,
        secrets: [SECRET],
        endpoint: 'default',
      });
      const expected: Record<Verdict, boolean | null> = {
        accept: true,
        duplicate: true,
        challenge: true,
        reject: false,
        either: null,
        unauthorized: false,
        read: null,
      };
      const want = expected[c.verdict];
      if (want !== null && verdict.ok !== want) disagreements.push(`#${c.index} ${c.family}: ok=${verdict.ok}`);
    }
    expect(disagreements.slice(0, 10)).toEqual([]);
  });
});

describe('judge', () => {
  const c = (verdict: Verdict, challenge?: string): Case => ({
    index: 0,
    family: 'x',
    verdict,
    method: 'POST',
    path: '/',
    headers: [],
    body: null,
    ...(challenge ? { challenge } : {}),
  });
  it.each<[Verdict, number, boolean]>([
    ['reject', 403, true],
    ['reject', 204, false],
    ['reject', 500, false],
    ['accept', 204, true],
    ['accept', 403, false],
    ['duplicate', 200, true],
    ['duplicate', 409, false],
    ['either', 400, true],
    ['either', 204, true],
    ['either', 503, false],
    ['unauthorized', 401, true],
    ['unauthorized', 403, false],
    ['read', 200, true],
    ['read', 502, false],
  ])('%s answered %i is %s', (verdict, status, fine) => {
    expect(judge(c(verdict), status, '') === null).toBe(fine);
  });
  it('wants exactly the challenge text', () => {
    expect(judge(c('challenge', 'abc'), 200, 'abc')).toBeNull();
    expect(judge(c('challenge', 'abc'), 200, '"abc"')).not.toBeNull();
  });
});

describe('admin fuzz values', () => {
  it('are refused by the schema they were made for', () => {
    const rng = seededRng(3);
    for (let i = 0; i < 500; i++) {
      const name = invalidString(rng, { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,31}$' });
      expect(name !== null && /^[a-z0-9][a-z0-9-]{0,31}$/.test(name)).toBe(false);
      const n = invalidIntegerText(rng, { type: 'integer', minimum: 1, maximum: 1000 });
      expect(/^\d{1,9}$/.test(n) && Number(n) >= 1 && Number(n) <= 1000).toBe(false);
      const schema = {
        type: 'object',
        properties: { shard_count: { type: 'integer', minimum: 1, maximum: 20000 } },
        required: ['shard_count'],
        additionalProperties: false,
      };
      const body = invalidBody(rng, { shard_count: 2 }, schema, {}) as Record<string, unknown> | null;
      const count = body?.shard_count;
      const valid =
        typeof body === 'object' &&
        body !== null &&
        !Array.isArray(body) &&
        Object.keys(body).length === 1 &&
        Number.isInteger(count) &&
        (count as number) >= 1 &&
        (count as number) <= 20000;
      expect(valid, JSON.stringify(body)).toBe(false);
    }
  });

  it('reach every operation of the document with a bad token, reproducibly', async () => {
    const doc: OpenApiDoc = {
      paths: {
        '/a': { get: {}, post: { requestBody: { content: { 'application/json': { schema: { type: 'object' } } } } } },
        '/b/{id}': { delete: { parameters: [{ name: 'id', in: 'path', schema: { type: 'integer', maximum: 9 } }] } },
      },
    };
    const run = async () => {
      const f = adminFuzzer({ seed: 11, doc, bases: [], token: 'token-0123456789abcdef' });
      const out: Case[] = [];
      for (let i = 0; i < 400; i++) out.push(await f.next(i));
      return out;
    };
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.map(fingerprint)).toEqual(b.map(fingerprint));
    const unauthorized = new Set(a.filter((c) => c.verdict === 'unauthorized').map((c) => `${c.method} ${c.path}`));
    expect([...unauthorized]).toEqual(
      expect.arrayContaining(['GET /admin/api/a', 'POST /admin/api/a', 'DELETE /admin/api/b/1']),
    );
    // What the server sees: every Authorization header, joined as Headers does. Never the right one for a 401.
    const seen = (c: Case) =>
      c.headers
        .filter(([n]) => n.toLowerCase() === 'authorization')
        .map(([, v]) => v)
        .join(', ');
    const leaked = a.filter((c) => c.verdict === 'unauthorized' && seen(c) === 'Bearer token-0123456789abcdef');
    expect(leaked).toEqual([]);
  });
});
