/**
 * Webhook challenges (twitch-eventsub.md §3.4, §8.4): only HTTP 200 with the raw challenge as body passes; every
 * other answer, a timeout or a refused connection fails; a result never lands on a transport that replaced the
 * challenged one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Conduit, Shard } from '../../sim/state.ts';
import { createHarness, type Harness } from '../support/delivery-harness.ts';
import { withTimeout } from '../support/wait.ts';
import { correctly, signatureValid, startReceiver, type Receiver, type Reply } from '../support/webhook-receiver.ts';

const SECRET = 'shard-secret-0123456789';

let h: Harness;
let rx: Receiver;
let conduit: Conduit;
let disabledEvents: number;

beforeEach(async () => {
  h = createHarness({ webhookTimeoutMs: 300 });
  rx = await startReceiver();
  conduit = h.addConduit(2);
  disabledEvents = 0;
  h.sim.state.on('shardDisabled', () => disabledEvents++);
});

afterEach(async () => {
  h.close();
  await rx.close();
});

const pendingShard = (callback = rx.url): Shard =>
  h.webhookShard(conduit, 1, callback, SECRET, 'webhook_callback_verification_pending');

describe('conduit shard challenge', () => {
  it('passes on 200 with the exact challenge, enabling the shard', async () => {
    const shard = pendingShard();
    expect(await withTimeout('challenge', h.sim.webhooks.challengeShard(conduit, shard))).toBe(true);
    expect(shard.status).toBe('enabled');

    const [r] = rx.received;
    expect(rx.received).toHaveLength(1);
    expect(Object.keys(r!.body)).toEqual(['challenge', 'conduit_shard']);
    expect(r!.body.conduit_shard).toEqual({ conduit_id: conduit.id, shard: '1' });
    expect(r!.header('Twitch-Eventsub-Message-Type')).toBe('webhook_callback_verification');
    expect(r!.header('Twitch-Eventsub-Message-Retry')).toBe('0');
    expect(r!.header('Content-Type')).toBe('application/json');
    // Sim choice (§3.2, §10.10): no subscription headers on a shard challenge.
    expect(r!.header('Twitch-Eventsub-Subscription-Type')).toBe('');
    expect(r!.header('Twitch-Eventsub-Subscription-Version')).toBe('');
    expect(signatureValid(SECRET, r!)).toBe(true);
  });

  const challengeOf = (r: { body: { challenge?: string } }): string => r.body.challenge ?? '';
  const failures: [string, (c: string) => Reply][] = [
    ['204 No Content', () => ({ status: 204 })],
    ['201 with the challenge', (c) => ({ status: 201, body: c, contentType: 'text/plain' })],
    ['500 with the challenge', (c) => ({ status: 500, body: c })],
    ['302 redirect (not followed)', () => ({ status: 302 })],
    ['a JSON-quoted challenge', (c) => ({ status: 200, body: JSON.stringify(c), contentType: 'application/json' })],
    ['the challenge plus a newline', (c) => ({ status: 200, body: `${c}\n`, contentType: 'text/plain' })],
    ['a different body', () => ({ status: 200, body: 'not-the-challenge', contentType: 'text/plain' })],
    ['an empty 200', () => ({ status: 200, body: '' })],
    ['no answer within webhookTimeoutMs', () => 'hang' as const],
  ];

  for (const [name, answer] of failures) {
    it(`fails on ${name}`, async () => {
      rx.reply = (r) => answer(challengeOf(r));
      const shard = pendingShard();
      expect(await withTimeout('challenge', h.sim.webhooks.challengeShard(conduit, shard))).toBe(false);
      expect(shard.status).toBe('webhook_callback_verification_failed');
      expect(rx.received).toHaveLength(1);
      // pending → failed is not a transition away from enabled, so no conduit.shard.disabled (§4 sim choice).
      expect(disabledEvents).toBe(0);
    });
  }

  it('fails when the callback refuses the connection', async () => {
    const dead = await startReceiver();
    await dead.close();
    const shard = pendingShard(dead.url);
    expect(await withTimeout('challenge', h.sim.webhooks.challengeShard(conduit, shard))).toBe(false);
    expect(shard.status).toBe('webhook_callback_verification_failed');
  });

  it('leaves a transport that replaced the challenged one alone, whichever way the old challenge ends', async () => {
    for (const pass of [true, false]) {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      rx.reply = async (r) => {
        await gate;
        return pass ? correctly(r) : { status: 500 };
      };
      const shard = pendingShard();
      const inFlight = h.sim.webhooks.challengeShard(conduit, shard);
      // The shard is re-pointed (a new PATCH) while the first challenge waits for its answer.
      shard.transport = { method: 'webhook', callback: `${rx.url}/new`, secret: SECRET };
      release();
      expect(await withTimeout('old challenge', inFlight)).toBe(pass);
      expect(shard.status).toBe('webhook_callback_verification_pending');
    }
  });

  it('sends one challenge when the same assignment is challenged twice', async () => {
    const shard = pendingShard();
    const first = h.sim.webhooks.challengeShard(conduit, shard);
    expect(await withTimeout('challenge', h.sim.webhooks.challengeShard(conduit, shard))).toBe(true);
    expect(await first).toBe(true);
    expect(rx.ofType('webhook_callback_verification')).toHaveLength(1);
    expect(shard.status).toBe('enabled');
  });
});

describe('subscription challenge', () => {
  const pendingSub = () =>
    h.subscribe({
      type: 'channel.follow',
      version: '2',
      condition: { broadcaster_user_id: '12826', moderator_user_id: '12826' },
      transport: { method: 'webhook', callback: rx.url, secret: SECRET },
      status: 'webhook_callback_verification_pending',
    });

  it('posts {challenge, subscription} with the pending subscription and enables it on a correct answer', async () => {
    const sub = pendingSub();
    expect(await withTimeout('challenge', h.sim.webhooks.challengeSubscription(sub))).toBe(true);
    expect(sub.status).toBe('enabled');

    const [r] = rx.received;
    expect(Object.keys(r!.body)).toEqual(['challenge', 'subscription']);
    expect(r!.body.subscription).toMatchObject({
      id: sub.id,
      status: 'webhook_callback_verification_pending',
      type: 'channel.follow',
      version: '2',
      condition: sub.condition,
      transport: { method: 'webhook', callback: rx.url },
    });
    expect(r!.body.subscription?.transport).not.toHaveProperty('secret');
    expect(r!.header('Twitch-Eventsub-Subscription-Type')).toBe('channel.follow');
    expect(r!.header('Twitch-Eventsub-Subscription-Version')).toBe('2');
    expect(signatureValid(SECRET, r!)).toBe(true);
  });

  it('marks the subscription webhook_callback_verification_failed on a JSON-quoted answer', async () => {
    rx.reply = (r) => ({ status: 200, body: JSON.stringify(r.body.challenge), contentType: 'application/json' });
    const sub = pendingSub();
    expect(await withTimeout('challenge', h.sim.webhooks.challengeSubscription(sub))).toBe(false);
    expect(sub.status).toBe('webhook_callback_verification_failed');
  });

  it('does not resurrect a subscription whose status changed while the challenge was in flight', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    rx.reply = async (r) => {
      await gate;
      return correctly(r);
    };
    const sub = pendingSub();
    const inFlight = h.sim.webhooks.challengeSubscription(sub);
    sub.status = 'authorization_revoked';
    release();
    expect(await withTimeout('challenge', inFlight)).toBe(true);
    expect(sub.status).toBe('authorization_revoked');
  });
});
