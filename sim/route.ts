/**
 * @module Routes one notification or revocation over a subscription's transport: its own webhook or WebSocket, or
 * a conduit shard chosen by hash with the single re-send to another shard (twitch-eventsub.md §5.1, §5.2, §8.6).
 */
import type { DeliveryResult, OutboundMessage, Sim, WebhookTarget } from './context.ts';
import { messageFrame } from './frames.ts';
import { fallbackShardIndex, shardIndexFor } from './hash.ts';
import type { Conduit, Subscription } from './state.ts';

type Leg = Omit<DeliveryResult, 'subscription_id' | 'message_id'>;
/** `unavailable` = the shard cannot take it, so the conduit rules may re-send it elsewhere. */
type ShardTry = { kind: 'done'; leg: Leg } | { kind: 'unavailable'; leg: Leg };

const ROUTING_KEYS = ['broadcaster_user_id', 'to_broadcaster_user_id', 'user_id', 'client_id'] as const;

/** Sim choice (§5.1, §10.6): the first present condition id of ROUTING_KEYS, else the subscription id. */
export function routingKey(sub: Subscription): string {
  for (const k of ROUTING_KEYS) {
    const v = sub.condition[k];
    if (v) return v;
  }
  return sub.id;
}

export function createRouter(sim: Sim): (message: OutboundMessage) => Promise<DeliveryResult> {
  const timestamp = (m: OutboundMessage): string => sim.clock.rfc3339(sim.clock.now() + (m.timestampOffsetMs ?? 0));

  async function viaWebhook(target: WebhookTarget, m: OutboundMessage): Promise<Leg> {
    const r = await sim.webhooks.send(target, m);
    if (r.ok) return { transport: 'webhook', status: 'delivered' };
    const status = sim.config.webhookRetryDelaysMs.length > 0 ? 'retrying' : 'failed';
    return { transport: 'webhook', status, reason: r.error ?? `HTTP ${r.status}` };
  }

  function viaSocket(sessionId: string, m: OutboundMessage, statsKey: string): boolean {
    const stats = sim.state.statsFor(statsKey);
    stats.sent++;
    const ok = sim.ws.sendFrame(sessionId, messageFrame(m.type, m.messageId, timestamp(m), m.subscription, m.payload));
    if (ok) stats.delivered++;
    else stats.failed++;
    return ok;
  }

  async function tryShard(conduit: Conduit, index: number, m: OutboundMessage): Promise<ShardTry> {
    const shard = conduit.shards[index];
    const shard_id = String(index);
    if (!shard || shard.status !== 'enabled') {
      const leg: Leg = { transport: shard?.transport.method ?? 'conduit', shard_id, status: 'dropped' };
      return { kind: 'unavailable', leg: { ...leg, reason: `shard ${index} is ${shard?.status ?? 'unassigned'}` } };
    }
    const t = shard.transport;
    if (t.method === 'webhook') {
      // An enabled webhook shard keeps its messages: failures retry on the same URL, never on another shard (§5.2).
      const target = {
        callback: t.callback,
        secret: t.secret,
        shard: { conduit, shard },
        subscription: m.subscription,
      };
      return { kind: 'done', leg: { shard_id, ...(await viaWebhook(target, m)) } };
    }
    if (viaSocket(t.session_id, m, `${conduit.id}/${index}`)) {
      return { kind: 'done', leg: { transport: 'websocket', shard_id, status: 'delivered' } };
    }
    const reason = `websocket send failed on shard ${index}`;
    return { kind: 'unavailable', leg: { transport: 'websocket', shard_id, status: 'dropped', reason } };
  }

  async function viaConduit(conduitId: string, m: OutboundMessage): Promise<Leg> {
    const conduit = sim.state.conduits.get(conduitId);
    if (!conduit) {
      return { transport: 'conduit', conduit_id: conduitId, status: 'dropped', reason: 'conduit not found' };
    }
    const key = routingKey(m.subscription);
    const first = shardIndexFor(key, conduit.shardCount);
    const firstStats = sim.state.statsFor(`${conduit.id}/${first}`);
    const a = await tryShard(conduit, first, m);
    if (a.kind === 'done') return { conduit_id: conduit.id, ...a.leg };

    // Re-sent once to one other shard, then dropped (§5.2); a one-shard conduit has no other shard.
    const second = fallbackShardIndex(key, conduit.shardCount, first);
    if (second === undefined) {
      firstStats.dropped++;
      return { conduit_id: conduit.id, ...a.leg };
    }
    firstStats.retried++;
    const b = await tryShard(conduit, second, m);
    if (b.kind === 'unavailable') firstStats.dropped++;
    return { conduit_id: conduit.id, ...b.leg, hashed_shard_id: String(first) };
  }

  return async function route(m: OutboundMessage): Promise<DeliveryResult> {
    const base = { subscription_id: m.subscription.id, message_id: m.messageId };
    const t = m.subscription.transport;
    switch (t.method) {
      case 'webhook':
        return {
          ...base,
          ...(await viaWebhook({ callback: t.callback, secret: t.secret, subscription: m.subscription }, m)),
        };
      case 'websocket': {
        const ok = viaSocket(t.session_id, m, 'direct');
        return {
          ...base,
          transport: 'websocket',
          status: ok ? 'delivered' : 'failed',
          ...(ok ? {} : { reason: 'no open socket for the session' }),
        };
      }
      case 'conduit':
        return { ...base, ...(await viaConduit(t.conduit_id, m)) };
    }
  };
}
