/**
 * Every way `checkWebhook` refuses a request (design.md §5): 413 before anything, 403 for headers, signature and
 * freshness before the body is parsed, 400 for a signed but malformed body; plus the secret-rotation window. No
 * reason may carry the secret or the signature.
 */
import { describe, expect, it } from 'vitest';
import { checkWebhook, MAX_BODY_BYTES, type WebhookVerdict } from '../../src/verify/webhook.ts';
import { encode, twitchSignature, webhookInput, type RequestSpec } from '../support/webhook-request.ts';

const SECRET = 'current-endpoint-secret-0123456789';
const PREVIOUS = 'previous-endpoint-secret-9876543210';
const NOW = Date.parse('2024-06-01T12:00:00.000Z');
const TIMESTAMP = '2024-06-01T11:59:59.123456789Z';

const subscription = {
  id: 'sub-1',
  status: 'enabled',
  type: 'channel.follow',
  version: '2',
  condition: { broadcaster_user_id: '12826', moderator_user_id: '12826' },
  transport: { method: 'conduit', conduit_id: 'conduit-1' },
  created_at: '2024-06-01T11:00:00Z',
  cost: 0,
};
const NOTIFICATION = JSON.stringify({ subscription, event: { broadcaster_user_id: '12826', user_id: '1337' } });

const spec = (over: Partial<RequestSpec> = {}): RequestSpec => ({
  secret: SECRET,
  messageId: 'msg-1',
  timestamp: TIMESTAMP,
  type: 'notification',
  body: NOTIFICATION,
  now: NOW,
  ...over,
});

async function expectRejected(input: RequestSpec, status: 400 | 403 | 413, reason?: RegExp): Promise<void> {
  const built = webhookInput(input);
  const verdict: WebhookVerdict = await checkWebhook(built);
  expect(verdict.ok).toBe(false);
  if (verdict.ok) return;
  expect(verdict.status).toBe(status);
  if (reason) expect(verdict.reason).toMatch(reason);
  for (const secret of [SECRET, PREVIOUS, ...built.secrets]) expect(verdict.reason).not.toContain(secret);
  const hex = built.headers.get('twitch-eventsub-message-signature')?.replace(/^sha\w*=/i, '') ?? '';
  if (hex.length >= 8) expect(verdict.reason).not.toContain(hex);
}

it('the baseline request is accepted (so each rejection below is caused by its one change)', async () => {
  const verdict = await checkWebhook(webhookInput(spec()));
  expect(verdict.ok && verdict.kind).toBe('notification');
});

describe('413: body size, checked first', () => {
  it('refuses a body of MAX_BODY_BYTES + 1, even unsigned and without headers', async () => {
    expect(MAX_BODY_BYTES).toBe(1024 * 1024);
    const body = new Uint8Array(MAX_BODY_BYTES + 1);
    await expectRejected(spec({ body }), 413);
    await expectRejected(spec({ body, signature: 'sha256=00', headers: { 'Twitch-Eventsub-Message-Id': null } }), 413);
  });

  it('accepts a signed body of exactly MAX_BODY_BYTES', async () => {
    const base = JSON.stringify({ subscription, event: { broadcaster_user_id: '12826', pad: '' } });
    const body = base.replace('"pad":""', `"pad":"${'x'.repeat(MAX_BODY_BYTES - base.length)}"`);
    expect(encode(body).length).toBe(MAX_BODY_BYTES);
    expect((await checkWebhook(webhookInput(spec({ body })))).ok).toBe(true);
  });
});

describe('403: headers', () => {
  for (const name of [
    'Twitch-Eventsub-Message-Id',
    'Twitch-Eventsub-Message-Timestamp',
    'Twitch-Eventsub-Message-Signature',
    'Twitch-Eventsub-Message-Type',
  ]) {
    it(`refuses a missing or empty ${name}`, async () => {
      await expectRejected(spec({ headers: { [name]: null } }), 403, new RegExp(name, 'i'));
      await expectRejected(spec({ headers: { [name]: '' } }), 403, new RegExp(name, 'i'));
    });
  }
});

describe('403: signature', () => {
  const good = twitchSignature(SECRET, 'msg-1', TIMESTAMP, encode(NOTIFICATION));

  it('refuses a signature made with another secret', async () => {
    await expectRejected(spec({ secret: 'some-other-secret-0123456789', secrets: [SECRET] }), 403, /signature/);
  });

  it('refuses a well-formed but wrong signature', async () => {
    const flipped = good.slice(0, -1) + (good.endsWith('0') ? '1' : '0');
    await expectRejected(spec({ signature: flipped }), 403, /signature/);
  });

  it('refuses a signature over other bytes, another id or another timestamp', async () => {
    await expectRejected(spec({ signature: good, body: NOTIFICATION + ' ' }), 403);
    await expectRejected(spec({ signature: good, messageId: 'msg-2' }), 403);
    await expectRejected(spec({ signature: good, timestamp: TIMESTAMP.replace('9Z', '8Z') }), 403);
  });

  it('refuses truncated, uppercase, prefix-less and garbage signatures', async () => {
    for (const signature of [
      good.slice(0, -2),
      good.slice(0, 7),
      'sha256=' + good.slice(7).toUpperCase(),
      good.toUpperCase(),
      good.slice(7),
      good.replace('sha256=', 'sha1='),
      'sha256=' + 'zz'.repeat(32),
      good + '00',
      'garbage',
    ]) {
      await expectRejected(spec({ signature }), 403, /signature/);
    }
  });

  it('checks the signature before parsing: a badly signed malformed body is 403, not 400', async () => {
    await expectRejected(spec({ body: '{not json', signature: good }), 403, /signature/);
  });

  it('refuses everything when no secret is configured', async () => {
    await expectRejected(spec({ secrets: [] }), 403, /signature/);
  });
});

describe('secret rotation (design.md §4)', () => {
  it('accepts a message signed with the previous secret while it is in `secrets`', async () => {
    const verdict = await checkWebhook(webhookInput(spec({ secret: PREVIOUS, secrets: [SECRET, PREVIOUS] })));
    expect(verdict.ok && verdict.kind).toBe('notification');
  });

  it('still accepts the current secret during the rotation', async () => {
    expect((await checkWebhook(webhookInput(spec({ secrets: [SECRET, PREVIOUS] })))).ok).toBe(true);
  });

  it('refuses the previous secret once it is no longer in `secrets`', async () => {
    await expectRejected(spec({ secret: PREVIOUS, secrets: [SECRET] }), 403, /signature/);
  });
});

describe('403: timestamp', () => {
  it('refuses a signed timestamp that is not RFC3339', async () => {
    for (const timestamp of ['1717243199', '2024-06-01 11:59:59Z', '2024-06-01T11:59:59', '2024-02-30T11:59:59Z']) {
      await expectRejected(spec({ timestamp }), 403, /RFC3339/);
    }
  });

  it('refuses a stale message before parsing its body', async () => {
    await expectRejected(spec({ body: '{not json', now: NOW + 11 * 60_000 }), 403, /older/);
  });
});

describe('400: signed but malformed body', () => {
  it('refuses malformed JSON', async () => {
    await expectRejected(spec({ body: '{"subscription":' }), 400, /JSON/);
    await expectRejected(spec({ body: '' }), 400, /JSON/);
  });

  it('refuses JSON that is not an object', async () => {
    for (const body of ['[]', '"text"', '42', 'null', 'true']) await expectRejected(spec({ body }), 400, /object/);
  });

  it('refuses invalid UTF-8 without throwing', async () => {
    const text = encode(NOTIFICATION);
    const body = new Uint8Array([...text.slice(0, 20), 0xff, 0xfe, ...text.slice(20)]);
    await expectRejected(spec({ body }), 400, /UTF-8/);
    await expectRejected(spec({ body: new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]) }), 400, /UTF-8/);
  });

  it('refuses an unknown message type, without echoing it', async () => {
    await expectRejected(spec({ type: 'notification_v2' }), 400, /unknown message type/);
    const verdict = await checkWebhook(webhookInput(spec({ type: 'sneaky-value' })));
    expect(!verdict.ok && verdict.reason).not.toContain('sneaky');
  });

  it('refuses a notification without event or events', async () => {
    await expectRejected(spec({ body: JSON.stringify({ subscription }) }), 400, /notification body: event/);
  });

  it('refuses notification schema mismatches, naming the field', async () => {
    const bad = (body: unknown) => spec({ body: JSON.stringify(body) });
    await expectRejected(bad({ subscription: { ...subscription, id: 7 }, event: {} }), 400, /subscription\.id/);
    await expectRejected(
      bad({ subscription: { ...subscription, type: undefined }, event: {} }),
      400,
      /subscription\.type/,
    );
    await expectRejected(bad({ event: {} }), 400, /notification body: subscription/);
    await expectRejected(bad({ subscription, event: [] }), 400, /event/);
    await expectRejected(bad({ subscription, events: [{ id: 'e1' }] }), 400, /events\.0\.data/);
  });

  it('refuses revocation and challenge schema mismatches, naming the field', async () => {
    const bad = (type: string, body: unknown) => spec({ type, body: JSON.stringify(body) });
    await expectRejected(bad('revocation', { event: {} }), 400, /revocation body: subscription/);
    const { status: _status, ...noStatus } = subscription;
    await expectRejected(bad('revocation', { subscription: noStatus }), 400, /subscription\.status/);
    const cv = 'webhook_callback_verification';
    await expectRejected(bad(cv, { subscription }), 400, /challenge body: challenge/);
    await expectRejected(bad(cv, { challenge: '', subscription }), 400, /challenge body: challenge/);
    await expectRejected(bad(cv, { challenge: 'c' }), 400, /challenge body: subscription/);
    await expectRejected(bad(cv, { challenge: 'c', conduit_shard: { shard: '0' } }), 400, /conduit_shard\.conduit_id/);
  });
});
