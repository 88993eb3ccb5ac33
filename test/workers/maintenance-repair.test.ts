/**
 * Repairs (issue #6, design.md §6): the cron keeps a `conduit.shard.disabled` subscription over the Worker's own plain
 * webhook; a notice there repairs at once, the shard listing on the cron is the second source; a disabled webhook
 * shard is re-PATCHed when its endpoint answers a signed test challenge and substituted when it does not, then brought
 * home once it answers again.
 */
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sign } from '../../src/verify/signature.ts';
import { SHARD_EVENTS_PATH, shardEventsSecret } from '../../src/verify/shard-events.ts';
import { waitFor } from '../support/wait.ts';
import { maintenanceHarness, placement, responder, SHARDS, sim, simState, writeLog } from './support/maintenance.ts';

const layout = ['default', 'blue', 'green', 'blue'];
let h: ReturnType<typeof maintenanceHarness>;

beforeEach(async () => {
  await sim.reset();
  await responder.reset();
  h = maintenanceHarness();
  for (const name of ['blue', 'green']) await h.rpc().addEndpoint({ name, kind: 'webhook' });
  expect((await h.rpc().putLayout(layout)).ok).toBe(true);
  await h.waitEnabled();
});

// An endpoint left down by a failing test must not stay down for the next file.
afterEach(async () => {
  await responder.reset();
});

const conduitId = async () => (await simState()).conduits[0]!.id;
const disable = async (shard: number, status = 'notification_failures_exceeded') =>
  sim.call('POST', `/conduits/${await conduitId()}/shards/${shard}/status`, { status });

/** A `conduit.shard.disabled` notification (or, without `event`, a revocation) as Twitch would POST it. */
async function notice(
  event: Record<string, unknown> | null,
  secret?: string,
  subscription: { id: string; status: string } = { id: 'sub-shard-events', status: 'enabled' },
): Promise<Request> {
  const body = JSON.stringify({
    subscription: {
      ...subscription,
      type: 'conduit.shard.disabled',
      version: '1',
      condition: { client_id: env.TWITCH_CLIENT_ID },
      transport: { method: 'webhook', callback: `${env.PUBLIC_URL}${SHARD_EVENTS_PATH}` },
      created_at: new Date().toISOString(),
      cost: 0,
    },
    ...(event ? { event } : {}),
  });
  const id = crypto.randomUUID();
  const timestamp = new Date().toISOString();
  const key = secret ?? (await shardEventsSecret(env.EVENTSUB_SECRET));
  return new Request(`http://worker.test${SHARD_EVENTS_PATH}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'Twitch-Eventsub-Message-Id': id,
      'Twitch-Eventsub-Message-Retry': '0',
      'Twitch-Eventsub-Message-Type': event ? 'notification' : 'revocation',
      'Twitch-Eventsub-Message-Timestamp': timestamp,
      'Twitch-Eventsub-Message-Signature': await sign(key, id, timestamp, new TextEncoder().encode(body)),
    },
    body,
  });
}

const webhookEvent = async (shard: number, status: string) => ({
  conduit_id: await conduitId(),
  shard_id: String(shard),
  status,
  transport: { method: 'webhook', callback: `${env.PUBLIC_URL}/webhooks/blue` },
});

describe('the conduit.shard.disabled feed', () => {
  it('is subscribed by the cron over a plain webhook on the Worker, and Twitch’s notices reach it', async () => {
    await h.tick();
    const sub = await waitFor('the feed enabled', async () =>
      (await simState()).subscriptions.find((s) => s.type === 'conduit.shard.disabled' && s.status === 'enabled'),
    );
    expect(sub.transport).toEqual({ method: 'webhook', callback: `${env.PUBLIC_URL}${SHARD_EVENTS_PATH}` });
    expect(sub.condition).toMatchObject({ client_id: env.TWITCH_CLIENT_ID, conduit_id: await conduitId() });
    // The next tick finds it and creates nothing.
    await sim.clearCalls();
    h.advance(11 * 60_000);
    await h.tick();
    expect(writeLog(await sim.calls()).filter((w) => w.includes('subscriptions'))).toEqual([]);
    await disable(2);
    await waitFor('the notice at /webhooks/_shard-events', async () => {
      const s = await responder.stats();
      return (s.byEndpoint['_shard-events']?.notifications ?? 0) >= 1;
    });
  });
});

describe('repair', () => {
  it('re-PATCHes a disabled webhook shard whose endpoint answers its test challenge', async () => {
    await disable(1);
    await sim.clearCalls();
    await h.tick();
    expect(writeLog(await sim.calls()).filter((w) => w.startsWith(SHARDS))).toEqual([`${SHARDS} 1→blue`]);
    await h.waitEnabled();
    const actions = await h.actions(20);
    expect(actions.find((a) => a.kind === 'probe')?.reason).toMatch(/^'blue' answered a signed test challenge/);
    expect(actions.find((a) => a.kind === 'maintenance:repair')?.reason).toBe(
      "1 shard(s) not enabled on Twitch (notification_failures_exceeded ×1) are re-assigned to 'blue'",
    );
  });

  it('substitutes the shards of an endpoint that fails its test challenge, then brings them home', async () => {
    await responder.down(['blue']);
    await disable(1);
    await sim.clearCalls();
    await h.tick();
    // Shard 1 (down already) and shard 3 (enabled, but on a webhook that fails) move at once.
    expect(writeLog(await sim.calls()).filter((w) => w.startsWith(SHARDS))).toEqual([
      `${SHARDS} 1→default`,
      `${SHARDS} 3→green`,
    ]);
    await h.waitEnabled();
    expect((await h.actions(20)).find((a) => a.kind === 'maintenance:substitute')?.reason).toBe(
      "'blue' is failing (HTTP 503): 2 shard(s) get substitutes on 'default' ×1, 'green' ×1",
    );
    await responder.down([]);
    h.advance(60_000);
    await h.tick();
    await h.waitEnabled();
    expect(await placement()).toEqual(layout);
  });

  it('a notice at /webhooks/_shard-events repairs at once, without waiting for the cron', async () => {
    await h.tick();
    await disable(3);
    await sim.clearCalls();
    const res = await h.fetch(await notice(await webhookEvent(3, 'notification_failures_exceeded')));
    expect(res.status).toBe(204);
    const driven = await h.drive();
    expect(driven.invocations).toBeGreaterThan(0);
    expect(writeLog(await sim.calls()).filter((w) => w.startsWith(SHARDS))).toEqual([`${SHARDS} 3→blue`]);
    await h.waitEnabled();
    expect((await h.actions(30)).find((a) => a.kind === 'shard-disabled')?.reason).toBe(
      'Twitch disabled shard 3 (notification_failures_exceeded): repairing now',
    );
  });

  it('a revocation of the feed makes the next tick subscribe it again', async () => {
    await h.tick();
    const sub = await waitFor('the feed', async () =>
      (await simState()).subscriptions.find((s) => s.type === 'conduit.shard.disabled'),
    );
    await sim.call('POST', `/subscriptions/${sub.id}/revoke`, { status: 'authorization_revoked' });
    const res = await h.fetch(await notice(null, undefined, { id: sub.id, status: 'authorization_revoked' }));
    expect(res.status).toBe(204);
    expect((await h.actions(10)).find((a) => a.kind === 'revocation')?.reason).toBe(
      'the conduit.shard.disabled subscription was revoked: recreating it',
    );
    await sim.clearCalls();
    await h.tick();
    expect(writeLog(await sim.calls())).toContain('POST /helix/eventsub/subscriptions');
    await waitFor('a new feed enabled', async () =>
      (await simState()).subscriptions.find(
        (s) => s.type === 'conduit.shard.disabled' && s.status === 'enabled' && s.id !== sub.id,
      ),
    );
  });

  it('ignores notices about a shard being challenged, about other conduits, and forged ones', async () => {
    await h.tick();
    const pending = await h.fetch(await notice(await webhookEvent(1, 'webhook_callback_verification_pending')));
    expect(pending.status).toBe(204);
    const other = await h.fetch(
      await notice({ ...(await webhookEvent(1, 'notification_failures_exceeded')), conduit_id: 'another' }),
    );
    expect(other.status).toBe(204);
    expect((await h.drive()).invocations).toBe(0);
    const forged = await h.fetch(
      await notice(await webhookEvent(1, 'notification_failures_exceeded'), 'not-the-secret-0123'),
    );
    expect(forged.status).toBe(403);
    expect((await h.actions(30)).some((a) => a.kind === 'shard-disabled')).toBe(false);
  });
});
