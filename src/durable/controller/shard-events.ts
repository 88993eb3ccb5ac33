/**
 * @module `conduit.shard.disabled` for the controller (twitch-eventsub.md §4, issue #6): keep one subscription to it
 * over a plain webhook on the Worker's own callback (`/webhooks/_shard-events`, independent of the conduit it
 * watches), checked every few minutes; and act on a notice — update the shard in the snapshot and ask for a repair
 * pass at once. The shard listing on the cron is the second source.
 */
import { TwitchError } from '../../twitch/errors.ts';
import { shardEventsCallback, shardEventsSecret } from '../../verify/shard-events.ts';
import type { ShardDisabledNote } from '../controller-types.ts';
import type { ControllerRecords } from './records.ts';
import type { ReconcileDeps } from './reconcile.ts';
import type { ControllerStore } from './store.ts';

const TYPE = 'conduit.shard.disabled';
/** How often the subscription is looked for on Twitch (one Get EventSub Subscriptions call). */
export const SHARD_EVENTS_RECHECK_MS = 10 * 60_000;
const MAX_PAGES = 10;

interface Known {
  id: string | null;
  checkedAt: number;
  error?: string;
}

/** Twitch's statuses for a subscription that is, or is about to be, delivering (§2.4). */
const LIVE = new Set(['enabled', 'webhook_callback_verification_pending']);

export async function ensureShardEvents(deps: ReconcileDeps & { clientId: string }): Promise<void> {
  const { store, helix, budget, records } = deps;
  const now = deps.now();
  const known = store.getMeta<Known>('shard_events');
  if (known && now - known.checkedAt < SHARD_EVENTS_RECHECK_MS) return;
  const conduitId = store.conduit!.id;
  const callback = shardEventsCallback(deps.config.PUBLIC_URL);
  let found: string | null = null;
  let after: string | undefined;
  for (let pages = 0; pages < MAX_PAGES && found === null; pages++) {
    budget.guard();
    const page = await helix.getSubscriptionsPage({ type: TYPE, ...(after ? { after } : {}) });
    const ours = page.subscriptions.find(
      (s) => s.transport.callback === callback && s.condition.conduit_id === conduitId && LIVE.has(s.status),
    );
    if (ours) found = ours.id;
    if (!page.cursor) break;
    after = page.cursor;
  }
  if (found === null) {
    budget.guard();
    try {
      const secret = await shardEventsSecret(deps.config.EVENTSUB_SECRET);
      const created = await helix.createWebhookSubscription(
        { type: TYPE, version: '1', condition: { client_id: deps.clientId, conduit_id: conduitId } },
        { callback, secret },
      );
      found = created.subscription?.id ?? null;
      records.record(
        'subscribe',
        `${TYPE} v1 over a plain webhook at ${callback}, apart from the conduit it watches (twitch-eventsub.md §4)${created.existed ? ' (already existed)' : ''}`,
        'ok',
      );
    } catch (err) {
      if (!(err instanceof TwitchError) || ['rate_limited', 'network', 'server'].includes(err.kind)) throw err;
      // Refused for good (e.g. an https-only callback rule): say so once per recheck, keep repairing from the listing.
      records.record('subscribe', `${TYPE}: ${err.message}; repairs rely on the shard listing alone`, 'failed');
      store.setMeta('shard_events', { id: null, checkedAt: now, error: err.message } satisfies Known);
      return;
    }
  }
  store.setMeta('shard_events', { id: found, checkedAt: now } satisfies Known);
}

/** The subscription was revoked: look for it (and recreate it) on the next pass. */
export function forgetShardEvents(store: ControllerStore, subscriptionId: string): boolean {
  const known = store.getMeta<Known>('shard_events');
  if (!known || (known.id !== null && known.id !== subscriptionId)) return false;
  store.setMeta('shard_events', null);
  return true;
}

/**
 * A `conduit.shard.disabled` notice. A shard going pending is the controller's own PATCH being challenged (the
 * simulator reports every transition away from `enabled`, §4), not a failure: noted, nothing to repair.
 */
export function noteShardDisabled(
  store: ControllerStore,
  records: ControllerRecords,
  note: ShardDisabledNote,
  now: number,
): { matched: boolean; repair: boolean } {
  const conduit = store.conduit;
  if (!conduit || note.conduit_id !== conduit.id) return { matched: false, repair: false };
  if (!Number.isInteger(note.shard_id) || note.shard_id < 0 || note.shard_id >= conduit.shardCount) {
    return { matched: false, repair: false };
  }
  if (note.status === 'enabled' || note.status === 'webhook_callback_verification_pending') {
    return { matched: true, repair: false };
  }
  const transport =
    note.method === 'webhook' && note.callback
      ? { method: 'webhook' as const, callback: note.callback }
      : note.method === 'websocket' && note.session_id
        ? { method: 'websocket' as const, sessionId: note.session_id }
        : { method: 'unknown' as const, raw: note.method };
  store.setActual({ id: note.shard_id, status: note.status, transport });
  store.setMeta('replan_requested', { at: now, reason: `shard ${note.shard_id} ${note.status}` });
  records.record('shard-disabled', `Twitch disabled shard ${note.shard_id} (${note.status}): repairing now`, 'ok', {
    shard: note.shard_id,
    status: note.status,
  });
  return { matched: true, repair: true };
}
