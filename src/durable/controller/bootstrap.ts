/**
 * @module Conduit bootstrap (issue #3, twitch-eventsub.md §9.2): a configured CONDUIT_ID must exist; `auto` adopts
 * the only conduit, creates one when there is none, and refuses to guess between several. Nothing here ever
 * deletes a conduit (peers.md: deleting throws away every subscription).
 */
import type { HelixClient } from '../../twitch/helix-client.ts';
import type { Budget } from './budget.ts';
import type { ControllerRecords } from './records.ts';
import type { ControllerStore } from './store.ts';

export class BootstrapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootstrapError';
  }
}

export const DEFAULT_ENDPOINT = 'default';

/**
 * A fresh deployment (design.md §6, contract): one built-in webhook endpoint `default` on shard 0, shard count 1.
 * The layout is marked as the default one, so adopting a bigger conduit keeps its size instead of shrinking it.
 */
export function ensureDefaults(store: ControllerStore, now: () => number): void {
  if (store.endpoints().length > 0) return;
  store.setLayout([DEFAULT_ENDPOINT]);
  store.setMeta('layout_is_default', true);
  store.putEndpoint({
    name: DEFAULT_ENDPOINT,
    kind: 'webhook',
    base_url: null,
    callback: null,
    secret: null,
    created_at: new Date(now()).toISOString(),
  });
}

export async function bootstrap(deps: {
  conduitSetting: string;
  store: ControllerStore;
  records: ControllerRecords;
  helix: HelixClient;
  budget: Budget;
}): Promise<{ id: string; shardCount: number }> {
  const { conduitSetting, store, records, helix, budget } = deps;
  budget.guard();
  const conduits = await helix.getConduits();
  const list = conduits.map((c) => c.id).join(', ') || 'none';
  let chosen: { id: string; shardCount: number };
  if (conduitSetting !== 'auto') {
    const found = conduits.find((c) => c.id === conduitSetting);
    if (!found) {
      throw new BootstrapError(`CONDUIT_ID ${conduitSetting} is not a conduit of this client (it has: ${list})`);
    }
    chosen = found;
    records.record('bootstrap', `using configured conduit ${found.id} (${found.shardCount} shards)`, 'ok');
  } else if (conduits.length === 0) {
    budget.guard();
    const wanted = Math.max(1, store.layout().length);
    store.setMeta('layout_is_default', false);
    chosen = await helix.createConduit(wanted);
    records.record(
      'bootstrap',
      `CONDUIT_ID=auto and no conduit exists: created ${chosen.id} with ${wanted} shard(s)`,
      'ok',
    );
  } else if (conduits.length === 1) {
    chosen = conduits[0]!;
    records.record(
      'bootstrap',
      `CONDUIT_ID=auto: adopted the only conduit ${chosen.id} (${chosen.shardCount} shards)`,
      'ok',
    );
  } else {
    throw new BootstrapError(
      `CONDUIT_ID=auto but this client has ${conduits.length} conduits (${list}); set CONDUIT_ID to the one to use`,
    );
  }
  store.conduit = { id: chosen.id, shardCount: chosen.shardCount };
  // An adopted conduit keeps its size: unless the operator set a layout, every shard goes on the default endpoint.
  if (store.getMeta<boolean>('layout_is_default') || store.layout().length === 0) {
    store.setLayout(Array.from({ length: chosen.shardCount }, () => DEFAULT_ENDPOINT));
  }
  return store.conduit;
}
