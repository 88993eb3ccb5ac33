/**
 * @module The ConduitController's operations, one method per RPC. Each mutation validates first (bad input changes
 * nothing), records what it did and why, then runs reconcile so that Twitch follows the new desired state.
 */
import { ENDPOINT_NAME } from '../../verify/derive.ts';
import { TwitchError } from '../../twitch/errors.ts';
import type { ConduitController, Invocation } from '../conduit-controller.ts';
import { ControllerFailure } from './failure.ts';
import type {
  EndpointInput,
  EndpointView,
  ReconcileResult,
  StatusView,
  SubscriptionInput,
} from '../controller-types.ts';
import { endpointProblem, endpointView } from './endpoints.ts';
import { conduitSettingOf } from '../controller-stub.ts';
import { BootstrapError } from './bootstrap.ts';
import { ConduitGone, runReconcile } from './reconcile.ts';
import { subscriptionKey } from './records.ts';
import { MaintenanceOps } from './maintenance-ops.ts';

const MAX_SHARDS = 20_000;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export class ControllerOps {
  constructor(private readonly c: ConduitController) {}

  private get store() {
    return this.c.store;
  }
  private get records() {
    return this.c.records;
  }

  async status(opts: { shard_offset?: number; shard_limit?: number } = {}): Promise<StatusView> {
    const inv = this.c.invocation();
    const offset = opts.shard_offset ?? 0;
    const limit = opts.shard_limit ?? 1_000;
    const layout = this.store.layout();
    const actual = new Map(this.store.actual({ offset, limit }).map((s) => [s.id, s]));
    const conduit = this.store.conduit;
    const total = Math.max(layout.length, conduit?.shardCount ?? 0);
    const end = Math.min(total, offset + limit);
    const effective = this.c.maintenance.effectiveIn(offset, end);
    const shards = [];
    for (let id = offset; id < end; id++) {
      const a = actual.get(id);
      const t = a?.transport;
      shards.push({
        id,
        desired_endpoint: layout[id] ?? null,
        effective_endpoint: effective.get(id) ?? layout[id] ?? null,
        actual: a
          ? {
              status: a.status,
              method: t!.method,
              ...(t!.method === 'webhook' ? { callback: t!.callback } : {}),
              ...(t!.method === 'websocket'
                ? {
                    session_id: t!.sessionId,
                    ...(t!.connectedAt ? { connected_at: t!.connectedAt } : {}),
                    ...(t!.disconnectedAt ? { disconnected_at: t!.disconnectedAt } : {}),
                  }
                : {}),
            }
          : null,
      });
    }
    const token = await inv.tokens.status();
    const cost = this.store.getMeta<{ total: number | null; max: number | null }>('subs_cost');
    return {
      conduit: conduit ? { id: conduit.id, shard_count: conduit.shardCount } : null,
      bootstrap: { ok: conduit !== null, error: this.store.getMeta<string>('bootstrap_error') },
      token: { valid: token.valid, expires_at: iso(token.expiresAt), validated_at: iso(token.validatedAt) },
      endpoints: await this.c.wsShards.withSockets(this.listEndpoints()),
      shards,
      shards_total: total,
      windows: this.records.windows(),
      reconcile: this.store.progress,
      subscriptions: {
        desired: this.records.subscriptions().length,
        total_cost: cost?.total ?? null,
        max_total_cost: cost?.max ?? null,
      },
      actions: this.records.actions(20),
      maintenance: new MaintenanceOps(this.c).status(inv),
    };
  }

  async listConduits() {
    const inv = this.c.invocation();
    const mine = this.store.conduit?.id;
    const conduits = await inv.helix.getConduits();
    return {
      data: conduits.map((x) => ({ id: x.id, shard_count: x.shardCount, managed: x.id === mine })),
      limit: 5,
    };
  }

  async createConduit(shardCount: number) {
    checkCount(shardCount);
    const created = await this.c.invocation().helix.createConduit(shardCount);
    this.records.record('conduit', `operator created conduit ${created.id} (${shardCount} shards)`, 'ok');
    return { id: created.id, shard_count: created.shardCount };
  }

  async updateConduit(id: string, shardCount: number) {
    checkCount(shardCount);
    if (id === this.store.conduit?.id) {
      throw new ControllerFailure(409, 'this is the managed conduit: change its size with POST /admin/api/scale');
    }
    const updated = await this.c.invocation().helix.updateConduit(id, shardCount);
    this.records.record('conduit', `operator resized conduit ${id} to ${shardCount} shards`, 'ok');
    return { id: updated.id, shard_count: updated.shardCount };
  }

  /** Only on an operator's explicit request: the controller never deletes a conduit by itself. */
  async deleteConduit(id: string) {
    await this.c.invocation().helix.deleteConduit(id);
    if (id === this.store.conduit?.id) {
      this.store.conduit = null;
      this.store.progress = { ...this.store.progress, phase: 'idle' };
    }
    this.records.record('conduit', `operator deleted conduit ${id}`, 'ok');
    return { deleted: id };
  }

  getLayout() {
    const shards = this.store.layout();
    return { shard_count: shards.length, shards };
  }

  async putLayout(shards: string[]): Promise<ReconcileResult> {
    this.checkLayout(shards);
    this.store.setLayout(shards);
    this.records.record('layout', `operator set the layout (${shards.length} shards)`, 'ok');
    return this.reconcile({ fresh: true });
  }

  listEndpoints(): EndpointView[] {
    const counts = this.store.shardsPerEndpoint();
    const config = this.c.invocation().config;
    return this.store.endpoints().map((row) => endpointView(row, counts.get(row.name) ?? 0, config));
  }

  addEndpoint(input: EndpointInput): EndpointView {
    const problem = endpointProblem(input);
    if (problem) throw new ControllerFailure(400, problem);
    if (this.store.endpoint(input.name)) throw new ControllerFailure(409, `endpoint '${input.name}' already exists`);
    const row = {
      name: input.name,
      kind: input.kind,
      base_url: input.base_url?.replace(/\/+$/, '') ?? null,
      callback: input.callback ?? null,
      secret: input.secret ?? null,
      created_at: new Date().toISOString(),
      mode: input.kind === 'websocket' ? (input.mode ?? 'fixed') : null,
    };
    this.store.putEndpoint(row);
    this.records.record('endpoint', `added ${row.kind} endpoint '${row.name}'`, 'ok');
    return endpointView(row, 0, this.c.invocation().config);
  }

  removeEndpoint(name: string) {
    if (!this.store.endpoint(name)) throw new ControllerFailure(404, `no endpoint '${name}'`);
    const used = this.store.shardsPerEndpoint().get(name) ?? 0;
    if (used > 0) throw new ControllerFailure(409, `endpoint '${name}' still carries ${used} shard(s) in the layout`);
    if (this.records.windows().some((w) => w.endpoint === name)) {
      throw new ControllerFailure(409, `endpoint '${name}' has maintenance windows; cancel them first`);
    }
    this.store.deleteEndpoint(name);
    this.records.record('endpoint', `removed endpoint '${name}'`, 'ok');
    return { removed: name };
  }

  /** Scale up appends shards on `endpoint` (default: the last shard's); scale down removes from the end. */
  async scale(shardCount: number, endpoint?: string): Promise<ReconcileResult> {
    checkCount(shardCount);
    const layout = this.store.layout();
    const fill = endpoint ?? layout[layout.length - 1] ?? 'default';
    if (!this.store.endpoint(fill)) throw new ControllerFailure(400, `endpoint: no endpoint '${fill}'`);
    const next = layout.slice(0, shardCount);
    while (next.length < shardCount) next.push(fill);
    this.store.setLayout(next);
    this.records.record('scale', `operator scaled ${layout.length} → ${shardCount} shards`, 'ok');
    return this.reconcile({ fresh: true });
  }

  /** Scale down from the middle: copy the last shard into the gap, then lower the count (conduit-notes.md). */
  async removeShard(id: number): Promise<ReconcileResult> {
    const layout = this.store.layout();
    if (!Number.isInteger(id) || id < 0 || id >= layout.length) {
      throw new ControllerFailure(404, `no shard ${id} (the layout has ${layout.length})`);
    }
    if (layout.length === 1) throw new ControllerFailure(409, 'a conduit needs at least one shard');
    const last = layout.length - 1;
    layout[id] = layout[last]!;
    layout.pop();
    this.store.setLayout(layout);
    this.records.record('remove-shard', `operator removed shard ${id}: shard ${last} moves into it`, 'ok');
    return this.reconcile({ fresh: true });
  }

  async reconcile(opts: { dryRun?: boolean; fresh?: boolean } = {}): Promise<ReconcileResult> {
    const inv = this.c.invocation();
    await this.c.conduitFor(inv);
    const result = await this.run(inv, opts);
    if (result.continues) await this.c.scheduleContinuation(inv.budget.exhausted);
    return result;
  }

  /**
   * One reconcile pass. If our conduit vanished from Twitch, `auto` bootstraps again (adopt or create; the desired
   * layout and subscriptions are then restored on it); a configured CONDUIT_ID is an error to report, not to fix.
   */
  private async run(inv: Invocation, opts: { dryRun?: boolean; fresh?: boolean }): Promise<ReconcileResult> {
    try {
      return await this.runOnce(inv, opts);
    } catch (err) {
      if (!(err instanceof ConduitGone)) throw err;
      if (conduitSettingOf(this.c.name, inv.config.CONDUIT_ID) !== 'auto') {
        throw new BootstrapError(`${err.message}; CONDUIT_ID names it, so it will not be replaced automatically`);
      }
      this.store.conduit = null;
      this.store.progress = { ...this.store.progress, phase: 'idle' };
      this.records.record('bootstrap', `${err.message}: bootstrapping again (CONDUIT_ID=auto)`, 'ok');
      await this.c.conduitFor(inv);
      return this.runOnce(inv, { ...opts, fresh: true });
    }
  }

  private runOnce(inv: Invocation, opts: { dryRun?: boolean; fresh?: boolean }): Promise<ReconcileResult> {
    return runReconcile(
      {
        store: this.store,
        records: this.records,
        helix: inv.helix,
        config: inv.config,
        now: () => this.c.now(),
        budget: inv.budget,
        sessions: () => this.c.wsSessions.all(),
        maintenance: new MaintenanceOps(this.c).deps(inv),
        challenge: this.c.challenge,
      },
      opts,
    );
  }

  /** Alarm: the next chunk of a reconcile that ran out of budget, or a pass someone asked for. */
  continueReconcile(): Promise<void> {
    return this.c.exclusive(async () => {
      const replan = this.store.getMeta('replan_requested') !== null;
      const phase = this.store.progress.phase;
      if (!replan && (phase === 'idle' || phase === 'done' || phase === 'failed')) return;
      this.store.setMeta('replan_requested', null);
      await this.reconcile({ fresh: replan });
    });
  }

  async tick(): Promise<{ validated: boolean; reconcile: ReconcileResult }> {
    const inv = this.c.invocation();
    const validated = await inv.tokens.validateIfDue();
    await this.c.conduitFor(inv);
    const maint = new MaintenanceOps(this.c);
    const fresh = maint.needsFreshPass(inv);
    this.store.setMeta('replan_requested', null);
    const result = await this.run(inv, { fresh });
    if (result.continues) await this.c.scheduleContinuation(inv.budget.exhausted);
    await maint.keepShardEvents(inv);
    return { validated, reconcile: result };
  }

  listSubscriptions() {
    const cost = this.store.getMeta<{ total: number | null; max: number | null }>('subs_cost');
    return {
      desired: this.records.subscriptions(),
      total_cost: cost?.total ?? null,
      max_total_cost: cost?.max ?? null,
    };
  }

  async addSubscription(input: SubscriptionInput) {
    const key = await subscriptionKey(input);
    const existing = this.records.subscription(key);
    this.records.putSubscription(key, input);
    const inv = this.c.invocation();
    const conduit = await this.c.conduitFor(inv);
    try {
      const created = await inv.helix.createConduitSubscription(conduit.id, input);
      this.records.updateSubscription(key, { subscription_id: created.subscription?.id ?? null, status: 'enabled' });
      if (created.totalCost !== undefined) {
        this.store.setMeta('subs_cost', { total: created.totalCost, max: created.maxTotalCost ?? null });
      }
      this.records.record(
        'subscribe',
        `${input.type} v${input.version} ${JSON.stringify(input.condition)}${created.existed ? ' (already existed)' : ''}`,
        'ok',
      );
    } catch (err) {
      if (err instanceof TwitchError && err.kind === 'bad_request' && !existing) {
        // Twitch calls the request itself wrong (type, version, condition): keep nothing, answer 400.
        this.records.removeSubscription(key);
        throw new ControllerFailure(400, err.message);
      }
      // Refusals that may pass later (missing scopes, limits, Twitch down) stay desired, marked failed.
      this.records.updateSubscription(key, {
        status: 'failed',
        last_error: err instanceof Error ? err.message : String(err),
      });
      throw err;
    }
    return this.records.subscription(key)!;
  }

  async removeSubscription(key: string) {
    const want = this.records.subscription(key);
    if (!want) throw new ControllerFailure(404, `no desired subscription ${key}`);
    if (want.subscription_id) {
      try {
        await this.c.invocation().helix.deleteSubscription(want.subscription_id);
      } catch (err) {
        // Already gone on Twitch (revoked, conduit deleted): removing it from the desired list is all that is left.
        if (!(err instanceof TwitchError && err.kind === 'not_found')) throw err;
      }
    }
    this.records.removeSubscription(key);
    this.records.record('unsubscribe', `${want.type} v${want.version} ${JSON.stringify(want.condition)}`, 'ok');
    return { removed: key };
  }

  /** Reported by the events consumer (issue #4); the next reconcile sees the subscription is not enabled on Twitch. */
  noteRevocation(subscriptionId: string, status: string) {
    const matched = this.records.markRevoked(subscriptionId, status);
    if (matched > 0)
      this.records.record('revocation', `subscription ${subscriptionId} revoked by Twitch: ${status}`, 'ok');
    return { matched };
  }

  private checkLayout(shards: string[]): void {
    if (shards.length < 1 || shards.length > MAX_SHARDS) {
      throw new ControllerFailure(400, `shards: must list 1 to ${MAX_SHARDS} endpoints`);
    }
    const known = new Set(this.store.endpoints().map((e) => e.name));
    const bad = shards.findIndex((n) => !ENDPOINT_NAME.test(n) || !known.has(n));
    if (bad >= 0) throw new ControllerFailure(400, `shards.${bad}: no endpoint '${shards[bad]}'`);
  }
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_SHARDS) {
    throw new ControllerFailure(400, `shard_count: must be an integer from 1 to ${MAX_SHARDS}`);
  }
}
