/**
 * @module Typed Helix client for the six conduit endpoints and the three subscription endpoints
 * (twitch-eventsub.md §1–2). Wire in, domain out; Twitch's documented status codes are the only successes.
 */
import { TwitchError } from './errors.ts';
import { HelixHttp, parseBody, type HelixDeps } from './helix-http.ts';
import { conduitListWire, shardPageWire, subscriptionPageWire, updateShardsWire } from './helix.wire.ts';
import {
  shardFromWire,
  subscriptionFromWire,
  type Conduit,
  type Shard,
  type ShardAssignment,
  type ShardFailure,
  type Subscription,
  type SubscriptionRequest,
} from './types.ts';

export interface ShardPage {
  shards: Shard[];
  cursor: string | null;
}

export interface SubscriptionPage {
  subscriptions: Subscription[];
  cursor: string | null;
  total: number;
  totalCost: number;
  maxTotalCost: number;
}

export interface ShardUpdateResult {
  updated: Shard[];
  /** Per-shard refusals inside the 202 (§1.7): never to be treated as success. */
  failures: ShardFailure[];
}

/** Pages walked at most while listing, so a misbehaving cursor cannot loop forever (20,000 shards / 100 per page). */
export const MAX_PAGES = 1_000;

export class HelixClient {
  readonly http: HelixHttp;

  constructor(deps: HelixDeps) {
    this.http = new HelixHttp(deps);
  }

  get calls(): number {
    return this.http.calls;
  }

  async getConduits(): Promise<Conduit[]> {
    const res = await this.http.send({ method: 'GET', path: '/eventsub/conduits', expect: [200] });
    return parseBody(conduitListWire, res.body, 'Get Conduits').data.map(conduitFromWire);
  }

  async createConduit(shardCount: number): Promise<Conduit> {
    const res = await this.http.send({
      method: 'POST',
      path: '/eventsub/conduits',
      body: { shard_count: shardCount },
      expect: [200],
    });
    return first(parseBody(conduitListWire, res.body, 'Create Conduits').data.map(conduitFromWire), 'Create Conduits');
  }

  async updateConduit(id: string, shardCount: number): Promise<Conduit> {
    const res = await this.http.send({
      method: 'PATCH',
      path: '/eventsub/conduits',
      body: { id, shard_count: shardCount },
      expect: [200],
    });
    return first(parseBody(conduitListWire, res.body, 'Update Conduits').data.map(conduitFromWire), 'Update Conduits');
  }

  async deleteConduit(id: string): Promise<void> {
    await this.http.send({ method: 'DELETE', path: '/eventsub/conduits', query: { id }, expect: [204] });
  }

  async getShardsPage(conduitId: string, opts: { after?: string; status?: string } = {}): Promise<ShardPage> {
    const res = await this.http.send({
      method: 'GET',
      path: '/eventsub/conduits/shards',
      query: { conduit_id: conduitId, status: opts.status, after: opts.after },
      expect: [200],
    });
    const page = parseBody(shardPageWire, res.body, 'Get Conduit Shards');
    return { shards: page.data.map(shardFromWire), cursor: page.pagination?.cursor || null };
  }

  /** Every listed shard, page by page (unassigned shards may be left out by Twitch: §1.3). */
  async listAllShards(conduitId: string, opts: { status?: string } = {}): Promise<Shard[]> {
    const out: Shard[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const page = await this.getShardsPage(conduitId, { ...opts, after });
      out.push(...page.shards);
      if (!page.cursor) return out;
      after = page.cursor;
    }
    throw new TwitchError('bad_response', null, `Get Conduit Shards did not end after ${MAX_PAGES} pages`);
  }

  async updateShards(
    conduitId: string,
    shards: { id: number; transport: ShardAssignment }[],
  ): Promise<ShardUpdateResult> {
    const res = await this.http.send({
      method: 'PATCH',
      path: '/eventsub/conduits/shards',
      body: {
        conduit_id: conduitId,
        shards: shards.map((s) => ({ id: String(s.id), transport: assignmentToWire(s.transport) })),
      },
      expect: [202],
    });
    const body = parseBody(updateShardsWire, res.body, 'Update Conduit Shards');
    return {
      updated: body.data.map(shardFromWire),
      failures: body.errors.map((e) => ({ id: Number(e.id), message: e.message, ...(e.code ? { code: e.code } : {}) })),
    };
  }

  /** Create a conduit subscription; a 409 means it already exists, which is what we wanted (§2.1). */
  async createConduitSubscription(
    conduitId: string,
    req: SubscriptionRequest,
  ): Promise<{ subscription: Subscription | null; existed: boolean; totalCost?: number; maxTotalCost?: number }> {
    const res = await this.http.send({
      method: 'POST',
      path: '/eventsub/subscriptions',
      body: { ...req, transport: { method: 'conduit', conduit_id: conduitId } },
      expect: [202, 409],
    });
    if (res.status === 409) return { subscription: null, existed: true };
    const page = parseBody(subscriptionPageWire.omit({ pagination: true }), res.body, 'Create EventSub Subscription');
    return {
      subscription: first(page.data.map(subscriptionFromWire), 'Create EventSub Subscription'),
      existed: false,
      totalCost: page.total_cost,
      maxTotalCost: page.max_total_cost,
    };
  }

  /**
   * A plain webhook subscription: the Worker's own `conduit.shard.disabled` feed, kept off the conduit it watches
   * (twitch-eventsub.md §4). A 409 means it exists already.
   */
  async createWebhookSubscription(
    req: SubscriptionRequest,
    transport: { callback: string; secret: string },
  ): Promise<{ subscription: Subscription | null; existed: boolean }> {
    const res = await this.http.send({
      method: 'POST',
      path: '/eventsub/subscriptions',
      body: { ...req, transport: { method: 'webhook', ...transport } },
      expect: [202, 409],
    });
    if (res.status === 409) return { subscription: null, existed: true };
    const page = parseBody(subscriptionPageWire.omit({ pagination: true }), res.body, 'Create EventSub Subscription');
    return { subscription: first(page.data.map(subscriptionFromWire), 'Create EventSub Subscription'), existed: false };
  }

  async getSubscriptionsPage(opts: { after?: string; status?: string; type?: string } = {}): Promise<SubscriptionPage> {
    const res = await this.http.send({
      method: 'GET',
      path: '/eventsub/subscriptions',
      query: { after: opts.after, status: opts.status, type: opts.type },
      expect: [200],
    });
    const page = parseBody(subscriptionPageWire, res.body, 'Get EventSub Subscriptions');
    return {
      subscriptions: page.data.map(subscriptionFromWire),
      cursor: page.pagination?.cursor || null,
      total: page.total,
      totalCost: page.total_cost,
      maxTotalCost: page.max_total_cost,
    };
  }

  /** All subscriptions on one conduit: Twitch has no conduit filter, so filter client-side (§2.2). */
  async listConduitSubscriptions(
    conduitId: string,
  ): Promise<{ subscriptions: Subscription[]; totalCost: number; maxTotalCost: number }> {
    const out: Subscription[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const page = await this.getSubscriptionsPage({ after });
      out.push(...page.subscriptions.filter((s) => s.transport.conduitId === conduitId));
      if (!page.cursor) return { subscriptions: out, totalCost: page.totalCost, maxTotalCost: page.maxTotalCost };
      after = page.cursor;
    }
    throw new TwitchError('bad_response', null, `Get EventSub Subscriptions did not end after ${MAX_PAGES} pages`);
  }

  async deleteSubscription(id: string): Promise<void> {
    await this.http.send({ method: 'DELETE', path: '/eventsub/subscriptions', query: { id }, expect: [204] });
  }
}

function conduitFromWire(c: { id: string; shard_count: number }): Conduit {
  return { id: c.id, shardCount: c.shard_count };
}

function assignmentToWire(t: ShardAssignment): Record<string, string> {
  return t.method === 'webhook'
    ? { method: 'webhook', callback: t.callback, secret: t.secret }
    : { method: 'websocket', session_id: t.sessionId };
}

function first<T>(items: T[], what: string): T {
  const item = items[0];
  if (item === undefined) throw new TwitchError('bad_response', null, `${what} answered with an empty data array`);
  return item;
}
