/**
 * The simulator's webhook signer: the four vectors of twitch-eventsub.md §3.6, the §3.2 header set, and live POSTs
 * whose signatures a receiver verifies with node:crypto over the exact header strings.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { signedHeaders, signMessage } from '../../sim/webhook/sign.ts';
import { createHarness, type Harness } from '../support/delivery-harness.ts';
import { VECTORS } from '../support/vectors.ts';
import { waitFor } from '../support/wait.ts';
import { signatureValid, startReceiver, type Receiver } from '../support/webhook-receiver.ts';

const NANO_RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;

describe('signMessage (§3.3, §3.6)', () => {
  for (const v of VECTORS) {
    it(`reproduces vector ${v.name}`, () => {
      expect(Buffer.byteLength(v.body)).toBe(v.bodyLength);
      expect(signMessage(v.secret, v.messageId, v.timestamp, v.body)).toBe(v.signature);
      expect(signMessage(v.secret, v.messageId, v.timestamp, new TextEncoder().encode(v.body))).toBe(v.signature);
    });
  }

  it('changes when the timestamp string is re-formatted, so the header must carry the signed string', () => {
    const v = VECTORS[2]!;
    const reformatted = new Date(v.timestamp).toISOString();
    expect(signMessage(v.secret, v.messageId, reformatted, v.body)).not.toBe(v.signature);
  });
});

describe('signedHeaders (§3.2)', () => {
  const base = {
    secret: 's3cr3t-example-0123456789',
    messageId: 'm-1',
    timestamp: '2024-06-01T12:00:00.123456789Z',
    body: '{}',
  };

  it('sends every Twitch-Eventsub header, JSON content type and the subscription type for notifications', () => {
    const h = signedHeaders({
      ...base,
      type: 'notification',
      retry: 2,
      subscription: { type: 'channel.follow', version: '2' },
    });
    expect(h).toEqual({
      'Content-Type': 'application/json',
      'Twitch-Eventsub-Message-Id': 'm-1',
      'Twitch-Eventsub-Message-Retry': '2',
      'Twitch-Eventsub-Message-Type': 'notification',
      'Twitch-Eventsub-Message-Signature': signMessage(base.secret, 'm-1', base.timestamp, '{}'),
      'Twitch-Eventsub-Message-Timestamp': base.timestamp,
      'Twitch-Eventsub-Subscription-Type': 'channel.follow',
      'Twitch-Eventsub-Subscription-Version': '2',
    });
  });

  it('leaves the subscription headers out when there is no subscription (shard challenges)', () => {
    const h = signedHeaders({ ...base, type: 'webhook_callback_verification', retry: 0 });
    expect(Object.keys(h).filter((k) => k.startsWith('Twitch-Eventsub-Subscription'))).toEqual([]);
  });
});

describe('signed POSTs over HTTP', () => {
  let h: Harness;
  let rx: Receiver;
  const secret = 'plain-webhook-secret-0001';

  afterEach(async () => {
    h.close();
    await rx.close();
  });

  async function subscribeAndNotify(offsetMs?: number) {
    h = createHarness();
    rx = await startReceiver();
    const condition = { broadcaster_user_id: '12826' };
    h.subscribe({ type: 'stream.online', condition, transport: { method: 'webhook', callback: rx.url, secret } });
    const [result] = await h.sim.delivery.notify({
      type: 'stream.online',
      version: '1',
      condition,
      timestamp_offset_ms: offsetMs,
    });
    return result!;
  }

  it('signs id + timestamp header + raw body with the subscription secret', async () => {
    const result = await subscribeAndNotify();
    expect(result.status).toBe('delivered');
    const [r] = await waitFor('one notification', () => rx.ofType('notification').length === 1 && rx.received);
    expect(r!.header('Content-Type')).toBe('application/json');
    expect(r!.header('Twitch-Eventsub-Message-Id')).toBe(result.message_id);
    expect(r!.header('Twitch-Eventsub-Message-Retry')).toBe('0');
    expect(r!.header('Twitch-Eventsub-Subscription-Type')).toBe('stream.online');
    expect(r!.header('Twitch-Eventsub-Subscription-Version')).toBe('1');
    expect(r!.header('Twitch-Eventsub-Message-Timestamp')).toMatch(NANO_RFC3339);
    expect(r!.header('Twitch-Eventsub-Message-Signature')).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signatureValid(secret, r!)).toBe(true);
    expect(signatureValid('another-secret-0001', r!)).toBe(false);
  });

  it('shifts the signed timestamp by timestamp_offset_ms and still signs it validly (stale-message tests)', async () => {
    const before = Date.now();
    await subscribeAndNotify(-11 * 60_000);
    const [r] = await waitFor('one notification', () => rx.received.length === 1 && rx.received);
    const age = before - Date.parse(r!.header('Twitch-Eventsub-Message-Timestamp'));
    expect(age).toBeGreaterThan(10 * 60_000);
    expect(age).toBeLessThan(12 * 60_000);
    expect(signatureValid(secret, r!)).toBe(true);
  });
});
