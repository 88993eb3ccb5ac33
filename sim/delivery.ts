/**
 * @module The delivery engine (twitch-eventsub.md §8.6): matches subscriptions to an event, builds the body,
 * routes it (sim/route.ts), sends revocations, and turns shard transitions into conduit.shard.disabled (§4).
 */
import type { Delivery, DeliveryResult, NotifyInput, OutboundMessage, Sim } from './context.ts';
import { uuid } from './ids.ts';
import { buildEvent } from './payloads.ts';
import { createRouter } from './route.ts';
import type { Conduit, Shard, Subscription } from './state.ts';
import { subscriptionWire } from './wire.ts';

/** Bound on `duplicates`, so a control-API typo cannot start an endless send loop. */
const MAX_DUPLICATES = 100;

/** Empty strings stand for omitted optional condition fields and never take part in matching or routing. */
const present = (c: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(c).filter(([, v]) => v !== ''));

/**
 * Every key present in both conditions must be equal, and at least one must overlap; no input condition matches
 * every subscription of the type (each then gets an event built from its own condition).
 */
export function conditionMatches(subCondition: Record<string, string>, input?: Record<string, string>): boolean {
  if (!input || Object.keys(input).length === 0) return true;
  const mine = present(subCondition);
  let overlap = false;
  for (const [key, value] of Object.entries(input)) {
    if (mine[key] === undefined) continue;
    if (mine[key] !== value) return false;
    overlap = true;
  }
  return overlap;
}

/** The §4 event: `callback` only for webhooks; session_id/connected_at/disconnected_at only for WebSockets. */
function shardDisabledEvent(conduit: Conduit, shard: Shard, status: Shard['status']): Record<string, unknown> {
  const t = shard.transport;
  const transport: Record<string, string> =
    t.method === 'webhook'
      ? { method: 'webhook', callback: t.callback }
      : {
          method: 'websocket',
          session_id: t.session_id,
          connected_at: t.connected_at,
          ...(t.disconnected_at ? { disconnected_at: t.disconnected_at } : {}),
        };
  return { conduit_id: conduit.id, shard_id: shard.id, status, transport };
}

export function createDelivery(sim: Sim): Delivery {
  const route = createRouter(sim);

  async function notifyOne(sub: Subscription, input: NotifyInput): Promise<DeliveryResult> {
    const condition = { ...present(sub.condition), ...input.condition };
    const event = { ...buildEvent(sub.type, sub.version, condition, sim.clock), ...input.event };
    const subscription = subscriptionWire(sub, 'payload');
    const payload = sub.isBatchingEnabled
      ? { subscription, events: [{ id: uuid(), data: event }] }
      : { subscription, event };
    const message: OutboundMessage = {
      messageId: input.message_id ?? uuid(),
      type: 'notification',
      subscription: sub,
      payload,
      timestampOffsetMs: input.timestamp_offset_ms,
    };
    const result = await route(message);
    // At-least-once delivery: a duplicate is the same message, same id, routed again (§3.5, §8.4 test hook).
    const extra = Math.min(Math.max(0, Math.floor(input.duplicates ?? 0)), MAX_DUPLICATES);
    for (let i = 0; i < extra; i++) await route(message);
    return result;
  }

  function notify(input: NotifyInput): Promise<DeliveryResult[]> {
    const subs = [...sim.state.subscriptions.values()].filter(
      (s) =>
        s.status === 'enabled' &&
        s.type === input.type &&
        s.version === input.version &&
        conditionMatches(s.condition, input.condition),
    );
    return Promise.all(subs.map((s) => notifyOne(s, input)));
  }

  /**
   * Sent once over the subscription's route (conduits through the same shard rules), then nothing more (§3.4).
   * The status is set before sending, so the body carries the reason and no notification can slip in meanwhile.
   */
  async function revoke(sub: Subscription, status: Subscription['status']): Promise<void> {
    const wasEnabled = sub.status === 'enabled';
    sub.status = status;
    if (!wasEnabled) return;
    await route({
      messageId: uuid(),
      type: 'revocation',
      subscription: sub,
      payload: { subscription: subscriptionWire(sub, 'payload') },
    });
  }

  // Sim choice (§4): every transition away from enabled fires conduit.shard.disabled. Deferred one microtask so the
  // caller can finish stamping the transport (e.g. disconnected_at) in the same synchronous step.
  sim.state.on('shardDisabled', (conduit, shard) => {
    const status = shard.status;
    queueMicrotask(() => {
      notify({
        type: 'conduit.shard.disabled',
        version: '1',
        // Matches client_id, and conduit_id when the subscription names one (conditionMatches).
        condition: { client_id: conduit.clientId, conduit_id: conduit.id },
        event: shardDisabledEvent(conduit, shard, status),
      }).catch((err: unknown) => console.error('sim: conduit.shard.disabled delivery failed', err));
    });
  });

  return { notify, revoke };
}
