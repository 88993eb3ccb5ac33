/**
 * Webhook notifications (twitch-eventsub.md §3.4, §3.5, §8.4): any 2xx delivers; failures retry the same URL with
 * the same message id; consecutive failed messages revoke a plain subscription or disable a webhook shard, which
 * then announces itself through conduit.shard.disabled; duplicates, batching and revocations.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryResult } from '../../sim/context.ts';
import { fnv1a } from '../../sim/hash.ts';
import { startSimulator } from '../../sim/server.ts';
import { DEFAULT_CLIENT_ID, type Subscription } from '../../sim/state.ts';
import { createHarness, type Harness } from '../support/delivery-harness.ts';
import { appToken, dataOf, helixClient } from '../support/sim-harness.ts';
import { waitFor, withTimeout } from '../support/wait.ts';
import { signatureValid, startReceiver, type Receiver } from '../support/webhook-receiver.ts';

const SECRET = 'plain-webhook-secret-0001';
const CONDITION = { broadcaster_user_id: '12826' };

let h: Harness;
let receivers: Receiver[];

beforeEach(() => {
  h = createHarness({ webhookRetryDelaysMs: [15, 15], webhookTimeoutMs: 500, webhookFailuresBeforeDisable: 2 });
  receivers = [];
});

afterEach(async () => {
  h.close();
  await Promise.all(receivers.map((r) => r.close()));
});

async function receiver(): Promise<Receiver> {
  const rx = await startReceiver();
  receivers.push(rx);
  return rx;
}

const follow = (rx: Receiver, extra: Partial<Parameters<Harness['subscribe']>[0]> = {}): Subscription =>
  h.subscribe({
    type: 'channel.follow',
    version: '2',
    condition: CONDITION,
    transport: { method: 'webhook', callback: rx.url, secret: SECRET },
    ...extra,
  });

const notifyFollow = async (extra: Record<string, unknown> = {}) =>
  withTimeout(
    'notify',
    h.sim.delivery.notify({ type: 'channel.follow', version: '2', condition: CONDITION, ...extra }),
  );

describe('plain webhook subscription', () => {
  for (const status of [200, 202, 204]) {
    it(`counts HTTP ${status} as delivered, once`, async () => {
      const rx = await receiver();
      rx.reply = () => ({ status });
      const sub = follow(rx);
      const [result] = await notifyFollow();
      expect(result).toMatchObject({ subscription_id: sub.id, transport: 'webhook', status: 'delivered' });
      expect(rx.received).toHaveLength(1);
      const r = rx.received[0]!;
      expect(r.body.subscription).toMatchObject({
        id: sub.id,
        status: 'enabled',
        transport: { method: 'webhook', callback: rx.url },
      });
      expect(r.body.subscription?.transport).not.toHaveProperty('secret');
      expect(r.body.event).toMatchObject({ broadcaster_user_id: '12826', broadcaster_user_login: 'twitch' });
      expect(r.body.event).toHaveProperty('followed_at');
      expect(signatureValid(SECRET, r)).toBe(true);
      expect(h.sim.state.statsFor('direct')).toMatchObject({ sent: 1, delivered: 1, retried: 0, failed: 0 });
    });
  }

  it('retries a failing message on the same URL with the same id and a fresh signature, then counts it failed', async () => {
    const rx = await receiver();
    rx.reply = () => ({ status: 500 });
    const sub = follow(rx);
    const [result] = await notifyFollow();
    expect(result).toMatchObject({ status: 'retrying', reason: 'HTTP 500' });

    await waitFor('three attempts', () => rx.received.length === 3);
    await waitFor('the message to count as failed', () => h.sim.state.statsFor('direct').failed === 1);
    expect(rx.received.map((r) => r.header('Twitch-Eventsub-Message-Id'))).toEqual(Array(3).fill(result!.message_id));
    expect(rx.received.map((r) => r.header('Twitch-Eventsub-Message-Retry'))).toEqual(['0', '1', '2']);
    expect(rx.received.every((r) => r.raw.equals(rx.received[0]!.raw))).toBe(true);
    expect(rx.received.every((r) => signatureValid(SECRET, r))).toBe(true);
    expect(h.sim.state.statsFor('direct')).toMatchObject({ sent: 1, delivered: 0, retried: 2, failed: 1 });
    expect(sub.status).toBe('enabled'); // one failed message is below the limit of 2
  });

  it('delivers on a later attempt and reports nothing failed', async () => {
    const rx = await receiver();
    rx.reply = (r) => ({ status: r.header('Twitch-Eventsub-Message-Retry') === '1' ? 200 : 503 });
    follow(rx);
    const [result] = await notifyFollow();
    expect(result!.status).toBe('retrying');
    await waitFor('delivery on retry 1', () => h.sim.state.statsFor('direct').delivered === 1);
    expect(rx.received).toHaveLength(2);
    expect(h.sim.state.statsFor('direct')).toMatchObject({ retried: 1, failed: 0 });
  });

  it('revokes the subscription with notification_failures_exceeded after consecutive failed messages', async () => {
    const rx = await receiver();
    rx.reply = (r) => ({ status: r.header('Twitch-Eventsub-Message-Type') === 'revocation' ? 204 : 500 });
    const sub = follow(rx);
    await notifyFollow();
    await notifyFollow();
    await waitFor('revocation', () => rx.ofType('revocation').length === 1);
    expect(sub.status).toBe('notification_failures_exceeded');
    const revocation = rx.ofType('revocation')[0]!;
    expect(revocation.body.subscription).toMatchObject({ id: sub.id, status: 'notification_failures_exceeded' });
    expect(revocation.body).not.toHaveProperty('event');
    expect(signatureValid(SECRET, revocation)).toBe(true);

    // Nothing more for a revoked subscription.
    expect(await notifyFollow()).toEqual([]);
    expect(rx.ofType('notification')).toHaveLength(6);
  });

  it('resets the consecutive-failure run on a success', async () => {
    const rx = await receiver();
    let failing = true;
    rx.reply = () => ({ status: failing ? 500 : 204 });
    const sub = follow(rx);
    await notifyFollow();
    await waitFor('first failure', () => h.sim.state.statsFor('direct').failed === 1);
    failing = false;
    await notifyFollow();
    failing = true;
    await notifyFollow();
    await waitFor('second failure', () => h.sim.state.statsFor('direct').failed === 2);
    expect(sub.status).toBe('enabled');
    expect(rx.ofType('revocation')).toHaveLength(0);
  });

  it('sends duplicates with the same message id, and honours a forced message id', async () => {
    const rx = await receiver();
    follow(rx);
    const [result] = await notifyFollow({ duplicates: 2, message_id: 'fixed-message-id' });
    expect(result!.message_id).toBe('fixed-message-id');
    expect(rx.received.map((r) => r.header('Twitch-Eventsub-Message-Id'))).toEqual(Array(3).fill('fixed-message-id'));
    expect(rx.received.every((r) => r.raw.equals(rx.received[0]!.raw))).toBe(true);
  });

  it('wraps events for batching subscriptions as events: [{id, data}]', async () => {
    const rx = await receiver();
    follow(rx, { isBatchingEnabled: true });
    await notifyFollow({ event: { user_login: 'batched_user' } });
    const body = rx.received[0]!.body;
    expect(body).not.toHaveProperty('event');
    expect(body.events).toHaveLength(1);
    expect(body.events![0]!.id).toEqual(expect.any(String));
    expect(body.events![0]!.data).toMatchObject({ broadcaster_user_id: '12826', user_login: 'batched_user' });
  });

  it('revokes once on request, then delivers nothing more', async () => {
    const rx = await receiver();
    const sub = follow(rx);
    await withTimeout('revoke', h.sim.delivery.revoke(sub, 'authorization_revoked'));
    await withTimeout('second revoke', h.sim.delivery.revoke(sub, 'authorization_revoked'));
    expect(rx.ofType('revocation')).toHaveLength(1);
    expect(rx.received[0]!.body.subscription?.status).toBe('authorization_revoked');
    expect(rx.received[0]!.header('Twitch-Eventsub-Subscription-Type')).toBe('channel.follow');
    expect(await notifyFollow()).toEqual([]);
    expect(rx.ofType('notification')).toHaveLength(0);
  });
});

describe('webhook shard', () => {
  const SHARD_SECRET = 'shard-secret-0123456789';

  it('retries only its own URL, then becomes notification_failures_exceeded and announces conduit.shard.disabled', async () => {
    const [failing, healthy, monitor] = [await receiver(), await receiver(), await receiver()];
    failing.reply = () => ({ status: 500 });
    const conduit = h.addConduit(2);
    const hashed = fnv1a(CONDITION.broadcaster_user_id) % 2;
    const shard = h.webhookShard(conduit, hashed, failing.url, SHARD_SECRET);
    h.webhookShard(conduit, 1 - hashed, healthy.url, SHARD_SECRET);
    h.subscribe({
      type: 'channel.follow',
      version: '2',
      condition: CONDITION,
      transport: { method: 'conduit', conduit_id: conduit.id },
    });
    const watcher = h.subscribe({
      type: 'conduit.shard.disabled',
      condition: { client_id: conduit.clientId },
      transport: { method: 'webhook', callback: monitor.url, secret: SECRET },
    });

    const [first] = await notifyFollow();
    expect(first).toMatchObject({
      conduit_id: conduit.id,
      shard_id: String(hashed),
      transport: 'webhook',
      status: 'retrying',
    });
    expect(first).not.toHaveProperty('hashed_shard_id');
    await waitFor('first message to fail', () => h.sim.state.statsFor(`${conduit.id}/${hashed}`).failed === 1);
    expect(shard.status).toBe('enabled');
    expect(shard.failures).toBe(1);
    await notifyFollow();

    await waitFor('shard disabled', () => shard.status === 'notification_failures_exceeded');
    await waitFor('conduit.shard.disabled notice', () => monitor.ofType('notification').length === 1);
    const notice = monitor.received[0]!;
    expect(notice.header('Twitch-Eventsub-Subscription-Type')).toBe('conduit.shard.disabled');
    expect(notice.body.subscription?.id).toBe(watcher.id);
    expect(notice.body.event).toEqual({
      conduit_id: conduit.id,
      shard_id: String(hashed),
      status: 'notification_failures_exceeded',
      transport: { method: 'webhook', callback: failing.url },
    });
    expect(signatureValid(SECRET, notice)).toBe(true);

    // Every attempt hit the failing shard, signed with its secret; none moved to the healthy one (§5.2).
    expect(failing.ofType('notification')).toHaveLength(6);
    expect(failing.received.every((r) => signatureValid(SHARD_SECRET, r))).toBe(true);
    expect(failing.received[0]!.body.subscription?.transport).toEqual({ method: 'conduit', conduit_id: conduit.id });
    expect(healthy.received).toHaveLength(0);
    expect(h.sim.state.statsFor(`${conduit.id}/${hashed}`)).toMatchObject({
      sent: 2,
      retried: 4,
      failed: 2,
      dropped: 0,
    });

    // A disabled hashed shard now hands the next event to the other shard (§5.2).
    const [after] = await notifyFollow();
    expect(after).toMatchObject({ shard_id: String(1 - hashed), hashed_shard_id: String(hashed), status: 'delivered' });
    expect(healthy.ofType('notification')).toHaveLength(1);
  });
});

describe('through the full simulator (Helix, control API, real sender)', () => {
  it('delivers /_sim/events to the hashed webhook shard, then disables it and tells a conduit.shard.disabled watcher', async () => {
    const running = await startSimulator({
      port: 0,
      config: { webhookRetryDelaysMs: [10], webhookTimeoutMs: 500, webhookFailuresBeforeDisable: 1 },
    });
    try {
      const [shard0, shard1, monitor] = [await receiver(), await receiver(), await receiver()];
      const helix = helixClient(running.url, await appToken(running.url));
      const conduitId = dataOf(await helix('POST', '/eventsub/conduits', { shard_count: 2 }))[0]!.id as string;
      const webhook = (callback: string) => ({ method: 'webhook', callback, secret: SECRET });
      await helix('PATCH', '/eventsub/conduits/shards', {
        conduit_id: conduitId,
        shards: [
          { id: '0', transport: webhook(shard0.url) },
          { id: '1', transport: webhook(shard1.url) },
        ],
      });
      const conduit = running.sim.state.conduits.get(conduitId)!;
      await waitFor('both shards enabled', () => conduit.shards.every((s) => s?.status === 'enabled'));
      const created = await helix('POST', '/eventsub/subscriptions', {
        type: 'channel.follow',
        version: '2',
        condition: {
          broadcaster_user_id: CONDITION.broadcaster_user_id,
          moderator_user_id: CONDITION.broadcaster_user_id,
        },
        transport: { method: 'conduit', conduit_id: conduitId },
      });
      expect(created.status).toBe(202);
      await helix('POST', '/eventsub/subscriptions', {
        type: 'conduit.shard.disabled',
        version: '1',
        condition: { client_id: DEFAULT_CLIENT_ID },
        transport: webhook(monitor.url),
      });
      const subs = [...running.sim.state.subscriptions.values()];
      await waitFor(
        'watcher enabled',
        () => subs.find((s) => s.type === 'conduit.shard.disabled')?.status === 'enabled',
      );

      const hashed = fnv1a(CONDITION.broadcaster_user_id) % 2;
      const [target, other] = hashed === 0 ? [shard0, shard1] : [shard1, shard0];
      const post = async () => {
        const res = await fetch(`${running.url}/_sim/events`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ type: 'channel.follow', version: '2', condition: CONDITION }),
        });
        return ((await res.json()) as { data: DeliveryResult[] }).data;
      };
      expect(await post()).toEqual([expect.objectContaining({ shard_id: String(hashed), status: 'delivered' })]);
      const delivered = target.ofType('notification')[0]!;
      expect(signatureValid(SECRET, delivered)).toBe(true);
      expect(delivered.body.subscription?.transport).toEqual({ method: 'conduit', conduit_id: conduitId });

      target.reply = () => ({ status: 500 });
      expect(await post()).toEqual([expect.objectContaining({ shard_id: String(hashed), status: 'retrying' })]);
      await waitFor('notice', () => monitor.ofType('notification').length === 1);
      expect(monitor.ofType('notification')[0]!.body.event).toMatchObject({
        conduit_id: conduitId,
        shard_id: String(hashed),
        status: 'notification_failures_exceeded',
      });
      expect(other.ofType('notification')).toHaveLength(0);
    } finally {
      await running.close();
    }
  });
});
