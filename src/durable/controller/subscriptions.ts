/**
 * @module Desired subscriptions (issue #3): the controller keeps the list the owner wants and restores it on every
 * reconcile — after a revocation, a `conduit_deleted`, or a conduit rebuilt from scratch. Twitch has no conduit
 * filter on Get EventSub Subscriptions, so listing pages through everything and filters client-side (§2.2); the
 * cursor is kept in storage so a long listing spans invocations.
 */
import { TwitchError } from '../../twitch/errors.ts';
import type { ReconcileDeps } from './reconcile.ts';
import { subscriptionKey } from './records.ts';

interface Found {
  id: string;
  status: string;
}

interface SubsListing {
  cursor: string | null;
  done: boolean;
  found: Record<string, Found>;
  totalCost: number | null;
  maxTotalCost: number | null;
}

export async function reconcileSubscriptions(deps: ReconcileDeps): Promise<void> {
  const { store, records, helix, budget } = deps;
  const conduitId = store.conduit!.id;
  const desired = records.subscriptions();
  if (desired.length === 0) return;
  const listing: SubsListing = store.getMeta<SubsListing>('subs_listing') ?? {
    cursor: null,
    done: false,
    found: {},
    totalCost: null,
    maxTotalCost: null,
  };
  while (!listing.done) {
    budget.guard();
    const page = await helix.getSubscriptionsPage(listing.cursor ? { after: listing.cursor } : {});
    for (const s of page.subscriptions) {
      if (s.transport.conduitId !== conduitId) continue;
      const key = await subscriptionKey(s);
      const seen = listing.found[key];
      // Twitch allows up to 3 copies (§2.5); an enabled one wins over a revoked one.
      if (!seen || (seen.status !== 'enabled' && s.status === 'enabled'))
        listing.found[key] = { id: s.id, status: s.status };
    }
    listing.totalCost = page.totalCost;
    listing.maxTotalCost = page.maxTotalCost;
    listing.cursor = page.cursor;
    listing.done = !page.cursor;
    store.setMeta('subs_listing', listing);
  }
  store.setMeta('subs_cost', { total: listing.totalCost, max: listing.maxTotalCost });

  for (const want of desired) {
    const live = listing.found[want.key];
    if (live?.status === 'enabled') {
      if (want.subscription_id !== live.id || want.status !== 'enabled') {
        records.updateSubscription(want.key, { subscription_id: live.id, status: 'enabled' });
      }
      continue;
    }
    budget.guard();
    const why = live ? `status ${live.status}` : 'missing on Twitch';
    try {
      const created = await helix.createConduitSubscription(conduitId, want);
      records.updateSubscription(want.key, {
        subscription_id: created.subscription?.id ?? live?.id ?? null,
        status: 'enabled',
      });
      if (created.totalCost !== undefined) {
        store.setMeta('subs_cost', { total: created.totalCost, max: created.maxTotalCost ?? listing.maxTotalCost });
      }
      records.record('subscribe', `${want.type} v${want.version} ${JSON.stringify(want.condition)}: ${why}`, 'ok');
      listing.found[want.key] = { id: created.subscription?.id ?? live?.id ?? '', status: 'enabled' };
      store.setMeta('subs_listing', listing);
    } catch (err) {
      if (
        !(err instanceof TwitchError) ||
        err.kind === 'rate_limited' ||
        err.kind === 'network' ||
        err.kind === 'server'
      ) {
        throw err;
      }
      records.updateSubscription(want.key, { status: 'failed', last_error: err.message });
      records.record('subscribe', `${want.type} v${want.version}: ${err.message}`, 'failed');
    }
  }
}
