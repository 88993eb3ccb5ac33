/** @module Webhook challenges for conduit shards and plain subscriptions (twitch-eventsub.md §3.4, §8.4). */
import type { Sim, WebhookOut } from '../context.ts';
import { uuid } from '../ids.ts';
import type { Conduit, Shard, Subscription, WebhookTransport } from '../state.ts';
import { subscriptionWire } from '../wire.ts';
import { postSigned, type PostOutcome } from './post.ts';

type Challenger = Pick<WebhookOut, 'challengeShard' | 'challengeSubscription'>;

interface InFlight {
  transport: WebhookTransport;
  done?: Promise<boolean>;
}

/** Only HTTP 200 whose body is byte-for-byte the challenge passes: not 204, not JSON-quoted, no newline (§3.4, §8.7). */
function passes(out: PostOutcome, challenge: string): boolean {
  return out.status === 200 && out.body !== undefined && out.body.equals(Buffer.from(challenge, 'utf8'));
}

export function createChallenger(sim: Sim): Challenger {
  /** The newest challenge per shard: a result only lands if no later challenge or transport replaced it. */
  const latest = new WeakMap<Shard, InFlight>();

  async function run(conduit: Conduit, shard: Shard, flight: InFlight): Promise<boolean> {
    const { transport } = flight;
    const challenge = uuid();
    const out = await postSigned(sim, {
      url: transport.callback,
      secret: transport.secret,
      messageId: uuid(),
      type: 'webhook_callback_verification',
      retry: 0,
      body: JSON.stringify({ challenge, conduit_shard: { conduit_id: conduit.id, shard: shard.id } }),
      // No Subscription-Type/-Version headers: a shard challenge has no subscription, and whether Twitch sends
      // them is unknown, so the backend must not require them (§3.2, §10.10).
    });
    const ok = passes(out, challenge);
    const current =
      latest.get(shard) === flight &&
      sim.state.conduits.get(conduit.id) === conduit &&
      conduit.shards[Number(shard.id)] === shard &&
      shard.transport === transport;
    if (current) {
      latest.delete(shard);
      sim.state.setShardStatus(conduit, shard, ok ? 'enabled' : 'webhook_callback_verification_failed');
    }
    return ok;
  }

  function challengeShard(conduit: Conduit, shard: Shard): Promise<boolean> {
    const transport = shard.transport;
    if (transport.method !== 'webhook') return Promise.resolve(false);
    // One challenge per assignment: a second call for the same transport joins the flight already running.
    const running = latest.get(shard);
    if (running?.transport === transport && running.done) return running.done;
    const flight: InFlight = { transport };
    latest.set(shard, flight);
    flight.done = run(conduit, shard, flight);
    return flight.done;
  }

  async function challengeSubscription(sub: Subscription): Promise<boolean> {
    const transport = sub.transport;
    if (transport.method !== 'webhook') return false;
    const challenge = uuid();
    const pending = { ...sub, status: 'webhook_callback_verification_pending' as const };
    const out = await postSigned(sim, {
      url: transport.callback,
      secret: transport.secret,
      messageId: uuid(),
      type: 'webhook_callback_verification',
      retry: 0,
      body: JSON.stringify({ challenge, subscription: subscriptionWire(pending, 'payload') }),
      subscription: { type: sub.type, version: sub.version },
    });
    const ok = passes(out, challenge);
    // Deleted or re-pointed while the challenge was in flight: the answer no longer concerns it.
    if (sub.transport === transport && sub.status === 'webhook_callback_verification_pending') {
      sub.status = ok ? 'enabled' : 'webhook_callback_verification_failed';
    }
    return ok;
  }

  return { challengeShard, challengeSubscription };
}
