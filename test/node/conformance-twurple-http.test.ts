/**
 * @module Third-party conformance: `@twurple/eventsub-http` 8.1.4, written against Twitch's signed webhooks,
 * receives the simulator's challenges and notifications (twitch-eventsub.md §3, §5.1), both for a plain webhook
 * subscription and for a conduit webhook shard, and refuses forged ones.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryResult } from '../../sim/context.ts';
import { startTwurpleHttp, type TwurpleHttp } from '../support/twurple-http.ts';
import { startTwurpleSim, type TwurpleSim } from '../support/twurple-sim.ts';
import type { StreamOnline } from '../support/twurple-ws.ts';
import { waitFor } from '../support/wait.ts';

const SECRET = 'twurple-conformance-secret-0123';
const BROADCASTER = '5150';

let t: TwurpleSim;
let http: TwurpleHttp;
let events: StreamOnline[];
let verified: boolean[];
/** twurple routes webhooks by its own subscription id in the path, `/event/stream.online.<broadcaster>`. */
let callback: string;

beforeEach(async () => {
  t = await startTwurpleSim({ webhookTimeoutMs: 2_000 });
  http = await startTwurpleHttp(SECRET);
  events = [];
  verified = [];
  http.listener.onVerify((ok) => verified.push(ok));
  const sub = http.listener.onStreamOnline(BROADCASTER, (e) => {
    events.push(e);
  });
  callback = `${http.adapter.baseUrl}/event/${sub.id}`;
});

afterEach(async () => {
  await http.stop();
  await t.close();
});

function onlineEvent(id: string): Record<string, unknown> {
  return {
    id,
    broadcaster_user_id: BROADCASTER,
    broadcaster_user_login: 'http_b',
    broadcaster_user_name: 'Http_B',
    type: 'live',
    started_at: '2024-06-01T12:00:00Z',
  };
}

function notify(
  id: string,
  extra: { duplicates?: number; timestamp_offset_ms?: number } = {},
): Promise<DeliveryResult[]> {
  return t.running.sim.delivery.notify({
    type: 'stream.online',
    version: '1',
    condition: { broadcaster_user_id: BROADCASTER },
    event: onlineEvent(id),
    ...extra,
  });
}

function sign(secret: string, id: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret)
    .update(id + timestamp + body)
    .digest('hex')}`;
}

/** POST a hand-built notification to twurple's route, as Twitch's headers would carry it (§3.2). */
async function postNotification(
  body: string,
  headers: { id: string; ts: string; signature?: string },
): Promise<number> {
  const h: Record<string, string> = {
    'Content-Type': 'application/json',
    'Twitch-Eventsub-Message-Id': headers.id,
    'Twitch-Eventsub-Message-Retry': '0',
    'Twitch-Eventsub-Message-Type': 'notification',
    'Twitch-Eventsub-Message-Timestamp': headers.ts,
    'Twitch-Eventsub-Subscription-Type': 'stream.online',
    'Twitch-Eventsub-Subscription-Version': '1',
  };
  if (headers.signature !== undefined) h['Twitch-Eventsub-Message-Signature'] = headers.signature;
  const res = await fetch(callback, { method: 'POST', headers: h, body });
  await res.text();
  return res.status;
}

async function plainSubscription(): Promise<string> {
  const created = await t.api.eventSub.subscribeToStreamOnlineEvents(BROADCASTER, {
    method: 'webhook',
    callback,
    secret: SECRET,
  });
  expect(created.status).toBe('webhook_callback_verification_pending');
  await waitFor('the subscription to pass twurple’s challenge', () => {
    return t.running.sim.state.subscriptions.get(created.id)?.status === 'enabled';
  });
  return created.id;
}

describe('@twurple/eventsub-http receiving from the simulator', () => {
  it('answers a plain subscription challenge and handles its signed notification', async () => {
    const subId = await plainSubscription();
    expect(verified).toEqual([true]);
    expect((await t.api.eventSub.getSubscriptions()).data.map((s) => [s.id, s.status])).toEqual([[subId, 'enabled']]);

    const [r] = await notify('7001');
    expect(r).toMatchObject({ subscription_id: subId, transport: 'webhook', status: 'delivered' });
    await waitFor('the twurple handler', () => events.length === 1);
    const e = events[0];
    expect([e?.id, e?.broadcasterId, e?.broadcasterName, e?.broadcasterDisplayName, e?.type]).toEqual([
      '7001',
      BROADCASTER,
      'http_b',
      'Http_B',
      'live',
    ]);
    expect(e?.startDate.toISOString()).toBe('2024-06-01T12:00:00.000Z');
  });

  it('answers a conduit_shard challenge and handles conduit notifications routed to the webhook shard', async () => {
    const conduit = await t.api.eventSub.createConduit(1);
    const [assigned] = await t.api.eventSub.updateConduitShards(conduit.id, [
      { id: '0', transport: { method: 'webhook', callback, secret: SECRET } },
    ]);
    expect(assigned?.status).toBe('webhook_callback_verification_pending');
    // twurple's challenge handler reads only `challenge` from the body, so the `conduit_shard` form passes too.
    const enabled = await waitFor('shard 0 enabled, seen through twurple', async () => {
      const page = await t.api.eventSub.getConduitShards(conduit.id, 'enabled');
      return page.data.length === 1 && page.data;
    });
    expect(enabled.map((s) => [s.id, s.transportMethod])).toEqual([['0', 'webhook']]);
    expect(verified).toEqual([true]);

    const sub = await t.api.eventSub.subscribeToStreamOnlineEvents(BROADCASTER, {
      method: 'conduit',
      conduit_id: conduit.id,
    });
    const [r] = await notify('7002');
    expect(r).toMatchObject({ subscription_id: sub.id, conduit_id: conduit.id, shard_id: '0', status: 'delivered' });
    await waitFor('the twurple handler', () => events.length === 1);
    expect([events[0]?.id, events[0]?.broadcasterId]).toEqual(['7002', BROADCASTER]);
  });

  it('fails verification of a shard whose secret or route twurple does not recognise', async () => {
    const conduit = await t.api.eventSub.createConduit(2);
    await t.api.eventSub.updateConduitShards(conduit.id, [
      { id: '0', transport: { method: 'webhook', callback, secret: 'not-the-listener-secret' } },
      {
        id: '1',
        transport: { method: 'webhook', callback: `${http.adapter.baseUrl}/event/stream.offline.1`, secret: SECRET },
      },
    ]);
    const failed = await waitFor('both shards to fail verification', async () => {
      const page = await t.api.eventSub.getConduitShards(conduit.id, 'webhook_callback_verification_failed');
      return page.data.length === 2 && page.data;
    });
    expect(failed.map((s) => s.id).sort()).toEqual(['0', '1']);
    expect(verified).toEqual([false]);
  });

  it('rejects forged notifications with 4xx and never calls the handler', async () => {
    await plainSubscription();
    const body = JSON.stringify({
      subscription: {
        id: randomUUID(),
        status: 'enabled',
        type: 'stream.online',
        version: '1',
        cost: 1,
        condition: { broadcaster_user_id: BROADCASTER },
        transport: { method: 'webhook', callback },
        created_at: '2024-06-01T11:59:00.000000000Z',
      },
      event: onlineEvent('6666'),
    });
    const ts = t.running.sim.clock.rfc3339();

    const wrongKey = await postNotification(body, {
      id: randomUUID(),
      ts,
      signature: sign('wrong-secret-0123', 'x', ts, body),
    });
    const id = randomUUID();
    const tamperedBody = await postNotification(body.replace('6666', '6667'), {
      id,
      ts,
      signature: sign(SECRET, id, ts, body),
    });
    const unsigned = await postNotification(body, { id: randomUUID(), ts });
    for (const status of [wrongKey, tamperedBody, unsigned]) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }

    // The same request correctly signed is accepted, so the rejections above were about the signature alone.
    const good = randomUUID();
    expect(await postNotification(body, { id: good, ts, signature: sign(SECRET, good, ts, body) })).toBe(202);
    await waitFor('the correctly signed event', () => events.length === 1);
    expect(events.map((e) => e.id)).toEqual(['6666']);
  });

  it('dedupes the simulator’s duplicate message ids and drops its stale timestamps after a 2xx', async () => {
    await plainSubscription();
    const dup = await notify('7101', { duplicates: 2 });
    expect(dup.every((r) => r.status === 'delivered')).toBe(true);
    const stale = await notify('7102', { timestamp_offset_ms: -11 * 60 * 1000 });
    // A 2xx means twurple accepted the signature over the shifted timestamp (§3.5).
    expect(stale.map((r) => r.status)).toEqual(['delivered']);

    await notify('7103');
    await waitFor('the fence event', () => events.some((e) => e.id === '7103'));
    expect(events.map((e) => e.id).sort()).toEqual(['7101', '7103']);
  });
});
