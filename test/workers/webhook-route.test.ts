/**
 * `POST /webhooks/:endpoint` through the deployed entry point (design.md §5, contract): every rejection answers its
 * status and changes no state; challenges of both forms answer the bare challenge; a notification is recorded
 * before the 2xx, and a duplicate across two requests is acknowledged and recorded once; the previous master
 * secret is accepted only while EVENTSUB_SECRET_PREVIOUS is set.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { forgetEndpointRegistry } from '../../src/routes/endpoint-registry.ts';
import { endpointSecret } from '../../src/verify/derive.ts';
import { sign } from '../../src/verify/signature.ts';

const enc = (s: string) => new TextEncoder().encode(s);

const SUBSCRIPTION = {
  id: 'f1c2a387-161a-49f9-a165-0f21d7a4e1c4',
  status: 'enabled',
  type: 'channel.follow',
  version: '2',
  cost: 0,
  condition: { broadcaster_user_id: '12826', moderator_user_id: '12826' },
  transport: { method: 'conduit', conduit_id: 'bfcfc993-26b1-b876-44d9-afe75a379dac' },
  created_at: '2024-06-01T11:59:00.000000000Z',
};
const EVENT = {
  user_id: '1337',
  user_login: 'awesome_user',
  user_name: 'Awesome_User',
  broadcaster_user_id: '12826',
  broadcaster_user_login: 'twitch',
  broadcaster_user_name: 'Twitch',
  followed_at: '2024-06-01T11:59:59.999999999Z',
};

interface Spec {
  endpoint?: string;
  type?: string;
  body?: string | Uint8Array;
  id?: string;
  timestamp?: string;
  secret?: string;
  omit?: string[];
  signature?: string;
  /** Send the body as a stream, without Content-Length (chunked, as a proxy may forward it). */
  stream?: boolean;
}

/** A body in 64 KiB chunks with no declared length. */
function streamed(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + 65_536));
      offset += 65_536;
    },
  });
}

async function request(spec: Spec = {}): Promise<Request> {
  const endpoint = spec.endpoint ?? 'default';
  const body =
    typeof spec.body === 'string' || spec.body === undefined
      ? enc(spec.body ?? JSON.stringify({ subscription: SUBSCRIPTION, event: EVENT }))
      : spec.body;
  const id = spec.id ?? crypto.randomUUID();
  const timestamp = spec.timestamp ?? new Date().toISOString();
  const secret = spec.secret ?? (await endpointSecret(env.EVENTSUB_SECRET, endpoint));
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Twitch-Eventsub-Message-Id': id,
    'Twitch-Eventsub-Message-Retry': '0',
    'Twitch-Eventsub-Message-Type': spec.type ?? 'notification',
    'Twitch-Eventsub-Message-Timestamp': timestamp,
    'Twitch-Eventsub-Message-Signature': spec.signature ?? (await sign(secret, id, timestamp, body)),
    'Twitch-Eventsub-Subscription-Type': 'channel.follow',
    'Twitch-Eventsub-Subscription-Version': '2',
  };
  for (const h of spec.omit ?? []) delete headers[h];
  return new Request(`http://worker.test/webhooks/${endpoint}`, {
    method: 'POST',
    headers,
    body: spec.stream ? streamed(body) : body,
  });
}

async function recentCount(): Promise<number> {
  const res = await exports.default.fetch('http://worker.test/admin/api/events/recent?limit=1000', {
    headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}` },
  });
  const body = await res.json<{ events: { message_id: string; handled: number }[] }>();
  return body.events.length;
}

beforeEach(() => forgetEndpointRegistry());

describe('POST /webhooks/:endpoint rejections change nothing', () => {
  const cases: [string, () => Promise<Request>, number][] = [
    [
      'no Twitch headers',
      async () => new Request('http://worker.test/webhooks/default', { method: 'POST', body: '{}' }),
      403,
    ],
    ['missing signature', () => request({ omit: ['Twitch-Eventsub-Message-Signature'] }), 403],
    ['missing message id', () => request({ omit: ['Twitch-Eventsub-Message-Id'] }), 403],
    ['missing timestamp', () => request({ omit: ['Twitch-Eventsub-Message-Timestamp'] }), 403],
    ['missing type', () => request({ omit: ['Twitch-Eventsub-Message-Type'] }), 403],
    ['bad signature', () => request({ signature: `sha256=${'0'.repeat(64)}` }), 403],
    ['signed with the wrong secret', () => request({ secret: 'not-the-derived-secret-at-all' }), 403],
    [
      'signed for another endpoint',
      async () => request({ secret: await endpointSecret(env.EVENTSUB_SECRET, 'other') }),
      403,
    ],
    [
      'stale (over 10 minutes old)',
      () => request({ timestamp: new Date(Date.now() - 10 * 60_000 - 5_000).toISOString() }),
      403,
    ],
    ['from the future (over 1 minute)', () => request({ timestamp: new Date(Date.now() + 65_000).toISOString() }), 403],
    ['oversize body', () => request({ body: enc(`{"x":"${'a'.repeat(1024 * 1024)}"}`) }), 413],
    [
      'oversize body streamed without Content-Length',
      () => request({ body: enc(`{"x":"${'a'.repeat(1024 * 1024)}"}`), stream: true }),
      413,
    ],
    ['malformed JSON, correctly signed', () => request({ body: '{"subscription": ' }), 400],
    ['unknown message type', () => request({ type: 'bogus_type' }), 400],
    ['notification without an event', () => request({ body: JSON.stringify({ subscription: SUBSCRIPTION }) }), 400],
    ['unknown endpoint name', () => request({ endpoint: 'nope' }), 404],
    ['invalid endpoint name', () => request({ endpoint: 'Bad_Name', secret: 'any-secret-at-all-123' }), 404],
  ];
  for (const [name, make, status] of cases) {
    it(`${name} → ${status}`, async () => {
      const before = await recentCount();
      const res = await exports.default.fetch(await make());
      expect(res.status).toBe(status);
      const text = await res.text();
      expect(text).not.toContain(env.EVENTSUB_SECRET);
      expect(await recentCount()).toBe(before);
    });
  }
});

describe('POST /webhooks/:endpoint accepts', () => {
  it('answers a conduit shard challenge with exactly the challenge, as text/plain', async () => {
    const body = '{"challenge":"pogchamp-kappa-360noscope-vohiyo","conduit_shard":{"conduit_id":"c1","shard":"0"}}';
    const res = await exports.default.fetch(
      await request({
        type: 'webhook_callback_verification',
        body,
        omit: ['Twitch-Eventsub-Subscription-Type', 'Twitch-Eventsub-Subscription-Version'],
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('pogchamp-kappa-360noscope-vohiyo');
  });

  it('answers a subscription challenge with exactly the challenge', async () => {
    const body = JSON.stringify({
      challenge: '11535768-497e-14ec-8197-ba2cb5341a01',
      subscription: { ...SUBSCRIPTION, status: 'webhook_callback_verification_pending' },
    });
    const res = await exports.default.fetch(await request({ type: 'webhook_callback_verification', body }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('11535768-497e-14ec-8197-ba2cb5341a01');
  });

  it('records a notification before answering 204, and a duplicate across two requests only once', async () => {
    const before = await recentCount();
    const id = crypto.randomUUID();
    const first = await exports.default.fetch(await request({ id }));
    expect(first.status).toBe(204);
    expect(await recentCount()).toBe(before + 1);
    const again = await exports.default.fetch(await request({ id }));
    expect(again.status).toBe(204);
    expect(await recentCount()).toBe(before + 1);
  });

  it('records a notification whose body is streamed without Content-Length', async () => {
    const before = await recentCount();
    const req = await request({ stream: true });
    expect(req.headers.get('content-length')).toBeNull();
    const res = await exports.default.fetch(req);
    expect(res.status).toBe(204);
    expect(await recentCount()).toBe(before + 1);
  });

  it('records a revocation and answers 204', async () => {
    const before = await recentCount();
    const body = JSON.stringify({ subscription: { ...SUBSCRIPTION, status: 'authorization_revoked' } });
    const res = await exports.default.fetch(await request({ type: 'revocation', body }));
    expect(res.status).toBe(204);
    expect(await recentCount()).toBe(before + 1);
  });

  it('accepts the previous master secret only during a rotation', async () => {
    const previous = 'the-previous-master-secret-0123';
    const oldSigned = () => endpointSecret(previous, 'default').then((secret) => request({ secret }));
    const app = createApp();
    const call = async (e: Env) => {
      const ctx = createExecutionContext();
      const res = await app.fetch(await oldSigned(), e, ctx);
      await waitOnExecutionContext(ctx);
      return res.status;
    };
    expect(await call(env)).toBe(403);
    expect(await call({ ...env, EVENTSUB_SECRET_PREVIOUS: previous } as Env)).toBe(204);
  });
});
