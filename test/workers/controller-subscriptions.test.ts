/**
 * Desired subscriptions (issue #3): created with the conduit transport (409 = already there), listed with cost
 * against max_total_cost, restored by reconcile after a revocation and after the conduit is rebuilt, removed on
 * request.
 */
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { simControl } from '../support/sim-control.ts';

const sim = simControl(env.SIM_BASE);
const controller = () => env.CONDUIT_CONTROLLER.getByName(`conduit:auto#${crypto.randomUUID()}`);
const ONLINE = { type: 'stream.online', version: '1', condition: { broadcaster_user_id: '141981764' } };

beforeEach(async () => {
  await sim.reset();
});

const twitchSubs = async () => (await sim.state()).subscriptions;

describe('desired subscriptions', () => {
  it('creates a conduit subscription, shows its cost, and a second add is harmless', async () => {
    const c = controller();
    const added = await c.addSubscription(ONLINE);
    expect(added.ok).toBe(true);
    if (!added.ok) return;
    expect(added.value).toMatchObject({ ...ONLINE, status: 'enabled', last_error: null });
    const conduitId = (await sim.state()).conduits[0]!.id;
    const subs = await twitchSubs();
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ type: 'stream.online', transport: { method: 'conduit', conduit_id: conduitId } });
    expect(added.value.subscription_id).toBe(subs[0]!.id);

    const again = await c.addSubscription(ONLINE);
    expect(again.ok && again.value.key).toBe(added.value.key);
    expect(await twitchSubs()).toHaveLength(1);
    const list = await c.listSubscriptions();
    expect(list.ok && list.value).toMatchObject({ total_cost: 1, max_total_cost: 10_000 });
    expect(list.ok && list.value.desired).toHaveLength(1);
  });

  it('reconcile restores a subscription Twitch revoked', async () => {
    const c = controller();
    const added = await c.addSubscription(ONLINE);
    const first = added.ok ? added.value.subscription_id! : '';
    await sim.call('POST', `/subscriptions/${first}/revoke`, { status: 'authorization_revoked' });
    expect((await twitchSubs()).find((s) => s.id === first)!.status).toBe('authorization_revoked');
    const r = await c.reconcile();
    expect(r.ok).toBe(true);
    const enabled = (await twitchSubs()).filter((s) => s.status === 'enabled');
    expect(enabled).toHaveLength(1);
    expect(enabled[0]!.id).not.toBe(first);
    const list = await c.listSubscriptions();
    expect(list.ok && list.value.desired[0]).toMatchObject({ subscription_id: enabled[0]!.id, status: 'enabled' });
    const actions = await c.actions({ limit: 5 });
    expect(
      actions.ok && actions.value.some((a) => a.kind === 'subscribe' && /status authorization_revoked/.test(a.reason)),
    ).toBe(true);
  });

  it('after the operator deletes the conduit, reconcile builds a new one and restores the subscriptions on it', async () => {
    const c = controller();
    await c.addSubscription(ONLINE);
    const old = (await sim.state()).conduits[0]!.id;
    expect((await c.deleteConduit(old)).ok).toBe(true);
    expect((await twitchSubs())[0]!.status).toBe('conduit_deleted');
    const r = await c.reconcile();
    expect(r.ok).toBe(true);
    const state = await sim.state();
    expect(state.conduits).toHaveLength(1);
    const fresh = state.conduits[0]!.id;
    expect(fresh).not.toBe(old);
    const live = state.subscriptions.filter((s) => s.status === 'enabled');
    expect(live).toHaveLength(1);
    expect(live[0]!.transport).toEqual({ method: 'conduit', conduit_id: fresh });
  });

  it('a subscription Twitch calls malformed is refused with its message and kept nowhere', async () => {
    const c = controller();
    const bad = await c.addSubscription({
      type: 'channel.follow',
      version: '2',
      condition: { broadcaster_user_id: '1' },
    });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.status).toBe(400);
    expect(!bad.ok && bad.error).toMatch(/Twitch 400: The condition object is missing/);
    const good = await c.addSubscription(ONLINE);
    expect(good.ok).toBe(true);
    const list = await c.listSubscriptions();
    expect(list.ok && list.value.desired.map((d) => d.type)).toEqual(['stream.online']);
  });

  it('a subscription Twitch refuses for lack of authorization stays desired, marked failed, for later', async () => {
    const c = controller();
    const r = await c.addSubscription({
      type: 'conduit.shard.disabled',
      version: '1',
      condition: { client_id: 'another-client-id' },
    });
    expect(r.ok).toBe(false);
    const list = await c.listSubscriptions();
    const kept = list.ok ? list.value.desired[0] : undefined;
    expect(kept).toMatchObject({ type: 'conduit.shard.disabled', status: 'failed' });
    expect(kept?.last_error).toMatch(/Twitch 403/);
  });

  it('removes a subscription from Twitch and from the desired list', async () => {
    const c = controller();
    const added = await c.addSubscription(ONLINE);
    const key = added.ok ? added.value.key : '';
    expect((await c.removeSubscription(key)).ok).toBe(true);
    expect(await twitchSubs()).toHaveLength(0);
    const again = await c.removeSubscription(key);
    expect(!again.ok && again.status).toBe(404);
  });
});
