/**
 * `checkWebhook` accepts the four vectors of twitch-eventsub.md §3.6 (notifications become InboundMessages,
 * challenges yield exactly the challenge) and enforces the freshness window of design.md §5 to the millisecond.
 */
import { describe, expect, it } from 'vitest';
import { checkWebhook, MAX_FUTURE_SKEW_MS, MAX_MESSAGE_AGE_MS } from '../../src/verify/webhook.ts';
import { VECTORS, type Vector } from '../support/vectors.ts';
import { epochMs, webhookInput } from '../support/webhook-request.ts';

const vector = (prefix: string): Vector => {
  const v = VECTORS.find((x) => x.name.startsWith(prefix));
  if (!v) throw new Error(`no vector ${prefix}`);
  return v;
};

const request = (v: Vector, now: number, headers?: Record<string, string | null>) =>
  webhookInput({
    secret: v.secret,
    messageId: v.messageId,
    timestamp: v.timestamp,
    type: v.challenge ? 'webhook_callback_verification' : 'notification',
    body: v.body,
    signature: v.signature,
    headers,
    now,
    endpoint: 'blue',
  });

describe('checkWebhook on the §3.6 vectors', () => {
  it('A: a notification becomes an InboundMessage keyed by the broadcaster', async () => {
    const v = vector('A');
    const verdict = await checkWebhook(request(v, epochMs(v.timestamp) + 1_000));
    expect(verdict).toEqual({
      ok: true,
      kind: 'notification',
      message: {
        messageId: 'ae2ff348-e102-16be-a3eb-6830c1bf38d2',
        kind: 'notification',
        subscriptionId: 'ae2ff348-e102-16be-a3eb-6830c1bf38d2',
        subscriptionType: 'channel.follow',
        subscriptionVersion: '1',
        sentAt: '2021-02-19T23:47:00.8091512Z',
        routingKey: '44429626',
        via: { transport: 'webhook', endpoint: 'blue' },
        body: v.body,
      },
    });
  });

  it('C: a conduit notification with a 9-digit timestamp becomes an InboundMessage', async () => {
    const v = vector('C');
    const verdict = await checkWebhook(request(v, epochMs(v.timestamp) + 1_000));
    expect(verdict).toEqual({
      ok: true,
      kind: 'notification',
      message: {
        messageId: '7f1e5c2a-1b3d-4e5f-8a9b-0c1d2e3f4a5b',
        kind: 'notification',
        subscriptionId: 'f1c2a387-161a-49f9-a165-0f21d7a4e1c4',
        subscriptionType: 'channel.follow',
        subscriptionVersion: '2',
        sentAt: '2024-06-01T12:00:00.123456789Z',
        routingKey: '12826',
        via: { transport: 'webhook', endpoint: 'blue' },
        body: v.body,
      },
    });
  });

  it('B: a subscription challenge yields exactly the challenge', async () => {
    const v = vector('B');
    const headers = {
      'Twitch-Eventsub-Subscription-Type': 'channel.subscribe',
      'Twitch-Eventsub-Subscription-Version': '1',
    };
    const verdict = await checkWebhook(request(v, epochMs(v.timestamp) + 1_000, headers));
    expect(verdict).toEqual({ ok: true, kind: 'challenge', challenge: '11535768-497e-14ec-8197-ba2cb5341a01' });
  });

  it('D: a conduit shard challenge without Subscription-Type/-Version headers yields exactly the challenge', async () => {
    const v = vector('D');
    const input = request(v, epochMs(v.timestamp) - 1_000);
    expect(input.headers.get('twitch-eventsub-subscription-type')).toBeNull();
    const verdict = await checkWebhook(input);
    expect(verdict).toEqual({ ok: true, kind: 'challenge', challenge: 'pogchamp-kappa-360noscope-vohiyo' });
  });
});

describe('freshness window (design.md §5)', () => {
  for (const v of [vector('A'), vector('C')]) {
    const sent = epochMs(v.timestamp);

    it(`${v.name}: exactly 10 minutes old is accepted, 1 ms more is refused with 403`, async () => {
      expect(MAX_MESSAGE_AGE_MS).toBe(600_000);
      expect((await checkWebhook(request(v, sent + 600_000))).ok).toBe(true);
      expect(await checkWebhook(request(v, sent + 600_001))).toEqual({
        ok: false,
        status: 403,
        reason: expect.stringMatching(/older/),
      });
    });

    it(`${v.name}: exactly 1 minute ahead is accepted, 1 ms more is refused with 403`, async () => {
      expect(MAX_FUTURE_SKEW_MS).toBe(60_000);
      expect((await checkWebhook(request(v, sent - 60_000))).ok).toBe(true);
      expect(await checkWebhook(request(v, sent - 60_001))).toEqual({
        ok: false,
        status: 403,
        reason: expect.stringMatching(/future/),
      });
    });
  }

  it('challenges are held to the same window', async () => {
    const v = vector('D');
    const sent = epochMs(v.timestamp);
    expect((await checkWebhook(request(v, sent + 600_001))).ok).toBe(false);
    expect((await checkWebhook(request(v, sent - 60_001))).ok).toBe(false);
  });
});
