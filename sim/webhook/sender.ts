/**
 * @module Signed webhook delivery (twitch-eventsub.md §3, §8.4): challenges, and notifications or revocations
 * retried on the same URL, with the consecutive-failure rule that disables shards and revokes subscriptions.
 */
import type { OutboundMessage, Sim, WebhookAttempt, WebhookOut, WebhookTarget } from '../context.ts';
import type { Subscription } from '../state.ts';
import { createChallenger } from './challenge.ts';
import { postSigned } from './post.ts';

export function createWebhookOut(sim: Sim): WebhookOut {
  const challenger = createChallenger(sim);
  /** Consecutive failed messages per plain webhook subscription (shards keep theirs in `shard.failures`). */
  const subFailures = new WeakMap<Subscription, number>();

  const statsKey = (t: WebhookTarget): string => (t.shard ? `${t.shard.conduit.id}/${t.shard.shard.id}` : 'direct');

  /** The target shard still carries this exact webhook: failures of an old transport never count against a new one. */
  function shardIsCurrent(t: WebhookTarget): boolean {
    const tr = t.shard?.shard.transport;
    return tr?.method === 'webhook' && tr.callback === t.callback && tr.secret === t.secret;
  }

  /**
   * Sim choice: a pending retry is abandoned once its subscription stopped being enabled (a revoked subscription
   * gets nothing more, §3.4) or its shard was disabled or re-pointed (EventSub stops sending to it).
   */
  function stillWanted(t: WebhookTarget, m: OutboundMessage): boolean {
    if (m.type === 'notification' && m.subscription.status !== 'enabled') return false;
    return !t.shard || (t.shard.shard.status === 'enabled' && shardIsCurrent(t));
  }

  async function attempt(t: WebhookTarget, m: OutboundMessage, body: string, retry: number): Promise<WebhookAttempt> {
    const out = await postSigned(sim, {
      url: t.callback,
      secret: t.secret,
      messageId: m.messageId,
      type: m.type,
      // Sim choice: the attempt number (0 first). §3.2: twitch-cli always sends 0; the real semantics are unknown.
      retry,
      body,
      subscription: { type: m.subscription.type, version: m.subscription.version },
      offsetMs: m.timestampOffsetMs,
    });
    const status = out.status;
    if (status !== undefined && status >= 200 && status < 300) return { ok: true, status };
    return { ok: false, status, error: out.error ?? `HTTP ${status}` };
  }

  function succeeded(t: WebhookTarget, m: OutboundMessage): void {
    sim.state.statsFor(statsKey(t)).delivered++;
    if (t.shard) {
      if (shardIsCurrent(t)) t.shard.shard.failures = 0;
    } else {
      subFailures.set(t.subscription ?? m.subscription, 0);
    }
  }

  /** Every attempt of one message failed: one failure toward the consecutive-failure limit (§3.5, §5.2). */
  function exhausted(t: WebhookTarget, m: OutboundMessage): void {
    sim.state.statsFor(statsKey(t)).failed++;
    const limit = sim.config.webhookFailuresBeforeDisable;
    if (t.shard) {
      const { conduit, shard } = t.shard;
      if (shard.status !== 'enabled' || !shardIsCurrent(t)) return;
      shard.failures += 1;
      if (shard.failures >= limit) sim.state.setShardStatus(conduit, shard, 'notification_failures_exceeded');
      return;
    }
    const sub = t.subscription ?? m.subscription;
    if (sub.status !== 'enabled' || sub.transport.method !== 'webhook') return;
    const n = (subFailures.get(sub) ?? 0) + 1;
    subFailures.set(sub, n);
    if (n >= limit) void sim.delivery.revoke(sub, 'notification_failures_exceeded');
  }

  /** Re-send attempt `n` (1-based) after its configured delay, on the same URL with the same message id (§3.5). */
  function retryLater(t: WebhookTarget, m: OutboundMessage, body: string, n: number): void {
    const delay = sim.config.webhookRetryDelaysMs[n - 1];
    if (delay === undefined) return exhausted(t, m);
    sim.timers.after(delay, () => {
      if (!stillWanted(t, m)) {
        sim.state.statsFor(statsKey(t)).failed++;
        return;
      }
      sim.state.statsFor(statsKey(t)).retried++;
      void attempt(t, m, body, n).then((r) => (r.ok ? succeeded(t, m) : retryLater(t, m, body, n + 1)));
    });
  }

  async function send(target: WebhookTarget, message: OutboundMessage): Promise<WebhookAttempt> {
    // One body for every attempt: a resend is the same message (§3.5); only timestamp and signature change.
    const body = JSON.stringify(message.payload);
    sim.state.statsFor(statsKey(target)).sent++;
    const first = await attempt(target, message, body, 0);
    if (first.ok) succeeded(target, message);
    else retryLater(target, message, body, 1);
    return first;
  }

  return { ...challenger, send };
}
