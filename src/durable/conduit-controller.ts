/**
 * @module ConduitController: the single writer that owns the conduit (design.md §2, §6). Every change to shard
 * assignments goes through this object, serialized, so the cron, the admin API and shard objects never race. The
 * logic lives in `controller/` and `src/core`; this class decodes RPC calls, runs them one at a time, maps failures
 * to plain `Outcome`s and keeps a chunked reconcile going with its alarm.
 */
import { DurableObject } from 'cloudflare:workers';
import { loadConfig, type Config } from '../config.ts';
import { logError } from '../log.ts';
import { AppTokenManager } from '../twitch/app-token.ts';
import { TwitchError } from '../twitch/errors.ts';
import { HelixClient } from '../twitch/helix-client.ts';
import type { Outcome } from './controller-types.ts';
import { BootstrapError, bootstrap, ensureDefaults } from './controller/bootstrap.ts';
import { Budget } from './controller/budget.ts';
import { conduitSettingOf } from './controller-stub.ts';
import { ControllerFailure } from './controller/failure.ts';
import { ControllerOps } from './controller/ops.ts';
import { ControllerRecords } from './controller/records.ts';
import { migrate } from './controller/schema.ts';
import { ControllerStore } from './controller/store.ts';
import type { HandoverMethod } from '../core/socket-machine-types.ts';
import { assignSession, claimShard, KeyedQueue, WsSessionTable } from './controller/sessions.ts';
import { swapSession } from './controller/swap.ts';
import { WsShards } from './controller/ws-shards.ts';
import { MaintenanceStore } from './controller/maintenance-store.ts';
import { MaintenanceOps } from './controller/maintenance-ops.ts';
import type { ShardDisabledNote } from './controller-types.ts';
import { ChallengeTimer } from '../core/challenge-timer.ts';
import type { ChallengeState } from './controller/reconcile.ts';

/**
 * When to continue an unfinished reconcile: at once (next alarm turn) when the invocation stopped only because its
 * subrequest budget was spent, so a 20,000-shard change is not one second per 46 calls (Twitch's own rate limit
 * still paces the calls: helix-http.ts waits for points); a second later when it stopped to wait on Twitch (a
 * challenge still pending) or for a fresh pass, so waiting never spins.
 */
const CONTINUE_SOON_MS = 20;
const CONTINUE_AFTER_MS = 1_000;

/** An invocation's tools: a fresh Helix client (its call counter is this invocation's budget). */
export interface Invocation {
  config: Config;
  helix: HelixClient;
  tokens: AppTokenManager;
  budget: Budget;
}

export class ConduitController extends DurableObject<Env> {
  readonly store: ControllerStore;
  readonly records: ControllerRecords;
  /** WebSocket shards (issue #5): live sessions, their per-endpoint queue, and the shard objects. */
  readonly wsSessions: WsSessionTable;
  readonly endpointQueue = new KeyedQueue();
  /** The learned wait for a moved shard's challenge, and when this instance last applied a step (settle.ts). */
  readonly challenge: ChallengeState = { timer: new ChallengeTimer(), appliedAt: null };
  readonly wsShards: WsShards;
  /** Maintenance windows, substitutes, probes (issue #6). */
  readonly maintenance: MaintenanceStore;
  /**
   * The clock maintenance decisions read (windows, lead time, restores). Tests move it on the live instance
   * (`runInDurableObject`); nothing else ever sets it.
   */
  now: () => number = () => Date.now();
  /** The delay of a continuation after a spent budget; tests that run alarms by hand lengthen it. */
  continueSoonMs = CONTINUE_SOON_MS;
  private queue: Promise<unknown> = Promise.resolve();
  /** Set when the schema migration failed: every call then answers 503 instead of touching bad storage. */
  private broken: unknown = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new ControllerStore(ctx.storage.sql);
    this.records = new ControllerRecords(ctx.storage.sql, () => Date.now());
    this.wsSessions = new WsSessionTable(ctx.storage.sql);
    this.wsShards = new WsShards(this, env);
    this.maintenance = new MaintenanceStore(ctx.storage.sql, this.store);
    void ctx.blockConcurrencyWhile(async () => {
      try {
        migrate(ctx.storage.sql);
        ensureDefaults(this.store, () => Date.now());
      } catch (err) {
        // Never let an error escape blockConcurrencyWhile (the object would be reset): log and rethrow per call.
        logError(`ConduitController:${this.name} migrate`, err);
        this.broken = err;
      }
    });
  }

  get name(): string {
    return this.ctx.id.name ?? this.ctx.id.toString();
  }

  invocation(): Invocation {
    const config = loadConfig(this.env);
    const store = this.store;
    const tokens = new AppTokenManager({
      authBase: config.TWITCH_AUTH_BASE,
      clientId: config.TWITCH_CLIENT_ID,
      clientSecret: config.TWITCH_CLIENT_SECRET,
      store: { load: () => store.token, save: (t) => void (store.token = t) },
    });
    const helix = new HelixClient({ apiBase: config.TWITCH_API_BASE, clientId: config.TWITCH_CLIENT_ID, tokens });
    return { config, helix, tokens, budget: new Budget(() => helix.calls) };
  }

  /** Ensure the conduit is known, bootstrapping on first use (validating the token first, §7.2). */
  async conduitFor(inv: Invocation): Promise<{ id: string; shardCount: number }> {
    const known = this.store.conduit;
    if (known) return known;
    await inv.tokens.validateIfDue();
    try {
      const conduit = await bootstrap({
        conduitSetting: conduitSettingOf(this.name, inv.config.CONDUIT_ID),
        store: this.store,
        records: this.records,
        helix: inv.helix,
        budget: inv.budget,
      });
      this.store.setMeta('bootstrap_error', null);
      return conduit;
    } catch (err) {
      if (err instanceof BootstrapError) this.store.setMeta('bootstrap_error', err.message);
      throw err;
    }
  }

  /** Run `fn` after every earlier change has finished: one writer, one change at a time. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The RPC wrapper: serialize (optionally), catch, tag, log and turn failures into an Outcome. */
  async call<T>(method: string, fn: () => Promise<T>, opts: { serialize?: boolean } = {}): Promise<Outcome<T>> {
    if (this.broken) return { ok: false, status: 503, error: 'controller storage failed to migrate' };
    try {
      const value = await (opts.serialize === false ? fn() : this.exclusive(fn));
      return { ok: true, value };
    } catch (err) {
      return this.failure(method, err);
    }
  }

  private failure(method: string, err: unknown): Outcome<never> {
    if (err instanceof ControllerFailure) {
      return { ok: false, status: err.status, error: err.message, ...(err.details ? { details: err.details } : {}) };
    }
    if (err instanceof BootstrapError) return { ok: false, status: 409, error: err.message };
    if (err instanceof TwitchError) {
      logError(`ConduitController:${this.name} ${method}`, err, { kind: err.kind, status: err.status });
      if (err.kind === 'rate_limited' || err.kind === 'conduit_limit' || err.kind === 'subscription_limit') {
        return { ok: false, status: 429, error: err.message, details: { kind: err.kind, retry_at: err.retryAt } };
      }
      if (err.kind === 'network') return { ok: false, status: 503, error: err.message, details: { kind: err.kind } };
      return { ok: false, status: 502, error: err.message, details: { kind: err.kind, twitch_status: err.status } };
    }
    logError(`ConduitController:${this.name} ${method}`, err);
    return { ok: false, status: 502, error: err instanceof Error ? err.message : String(err) };
  }

  /** Ask for the next chunk of an unfinished reconcile: `soon` when it stopped on the budget with work ready. */
  async scheduleContinuation(soon = false): Promise<void> {
    await this.ctx.storage.setAlarm(Date.now() + (soon ? this.continueSoonMs : CONTINUE_AFTER_MS));
  }

  override async alarm(): Promise<void> {
    try {
      await this.ops.continueReconcile();
    } catch (err) {
      logError(`ConduitController:${this.name} alarm`, err);
    }
  }

  private get ops(): ControllerOps {
    return new ControllerOps(this);
  }

  private get maint(): MaintenanceOps {
    return new MaintenanceOps(this);
  }

  // RPC surface (ControllerRpc). Each delegates to ControllerOps inside `call`.
  status(opts?: { shard_offset?: number; shard_limit?: number }) {
    return this.call('status', () => this.ops.status(opts), { serialize: false });
  }
  listConduits() {
    return this.call('listConduits', () => this.ops.listConduits(), { serialize: false });
  }
  createConduit(shardCount: number) {
    return this.call('createConduit', () => this.ops.createConduit(shardCount));
  }
  updateConduit(id: string, shardCount: number) {
    return this.call('updateConduit', () => this.ops.updateConduit(id, shardCount));
  }
  deleteConduit(id: string) {
    return this.call('deleteConduit', () => this.ops.deleteConduit(id));
  }
  getLayout() {
    return this.call('getLayout', async () => this.ops.getLayout(), { serialize: false });
  }
  putLayout(shards: string[]) {
    return this.call('putLayout', () => this.ops.putLayout(shards));
  }
  /** Names of built-in webhook endpoints: the registry `POST /webhooks/:endpoint` checks names against. */
  webhookEndpoints() {
    return this.call(
      'webhookEndpoints',
      async () => this.store.endpoints().flatMap((e) => (e.kind === 'webhook' && !e.callback ? [e.name] : [])),
      { serialize: false },
    );
  }
  listEndpoints() {
    return this.call('listEndpoints', async () => this.ops.listEndpoints(), { serialize: false });
  }
  addEndpoint(input: Parameters<ControllerOps['addEndpoint']>[0]) {
    return this.call('addEndpoint', async () => {
      const view = this.ops.addEndpoint(input);
      if (view.kind === 'websocket') await this.wsShards.start(view.name);
      return view;
    });
  }
  removeEndpoint(name: string) {
    return this.call('removeEndpoint', async () => {
      const websocket = this.store.endpoint(name)?.kind === 'websocket';
      const removed = this.ops.removeEndpoint(name);
      if (websocket) await this.wsShards.stop(name);
      return removed;
    });
  }
  scale(shardCount: number, endpoint?: string) {
    return this.call('scale', () => this.ops.scale(shardCount, endpoint));
  }
  removeShard(id: number) {
    return this.call('removeShard', () => this.ops.removeShard(id));
  }
  reconcile(opts?: { dryRun?: boolean }) {
    return this.call('reconcile', () => this.ops.reconcile(opts));
  }
  actions(opts?: { limit?: number; before?: number }) {
    return this.call('actions', async () => this.records.actions(opts?.limit, opts?.before), { serialize: false });
  }
  listWindows() {
    return this.call('listWindows', async () => this.records.windows(), { serialize: false });
  }
  addWindow(input: Parameters<MaintenanceOps['addWindow']>[0]) {
    return this.call('addWindow', () => this.maint.addWindow(input));
  }
  removeWindow(id: number) {
    return this.call('removeWindow', () => this.maint.removeWindow(id));
  }
  /** From `POST /webhooks/_shard-events` (issue #6). Not queued: it only notes the shard and asks for a pass. */
  shardDisabled(note: ShardDisabledNote) {
    return this.call('shardDisabled', () => this.maint.shardDisabled(note), { serialize: false });
  }
  shardEventsRevoked(subscriptionId: string) {
    return this.call('shardEventsRevoked', async () => this.maint.shardEventsRevoked(subscriptionId), {
      serialize: false,
    });
  }
  listSubscriptions() {
    return this.call('listSubscriptions', async () => this.ops.listSubscriptions(), { serialize: false });
  }
  addSubscription(input: Parameters<ControllerOps['addSubscription']>[0]) {
    return this.call('addSubscription', () => this.ops.addSubscription(input));
  }
  removeSubscription(key: string) {
    return this.call('removeSubscription', () => this.ops.removeSubscription(key));
  }
  /** A revocation reached the events consumer (issue #4): mark the desired subscription so reconcile recreates it. */
  noteRevocation(subscriptionId: string, status: string) {
    return this.call('noteRevocation', async () => this.ops.noteRevocation(subscriptionId, status));
  }
  /**
   * Cron entry: validate the token hourly, advance reconcile (maintenance and repairs included, issue #6), keep the
   * `conduit.shard.disabled` feed. Every websocket endpoint's shard object is poked too, whatever reconcile does (the
   * second watchdog, cloudflare.md §1.6), except one inside its window with no shard left on it.
   */
  tick() {
    return this.call('tick', async () => {
      try {
        return await this.ops.tick();
      } finally {
        await this.wsShards.pokeAll(this.maint.quietEndpoints());
      }
    });
  }

  // WebSocket shards (issue #5, SessionRpc). The fast path is not serialized: it must reach Twitch within 10 s.
  /** A shard object's socket was welcomed: PATCH the endpoint's shards to the session (controller/sessions.ts). */
  assignSession(endpoint: string, sessionId: string) {
    return this.call('assignSession', () => assignSession(this, endpoint, sessionId), { serialize: false });
  }
  /** The `swap` handover's PATCHes (controller/swap.ts). */
  swapSession(endpoint: string, sessionId: string) {
    return this.call('swapSession', () => swapSession(this, endpoint, sessionId), { serialize: false });
  }
  /** `auto` mode: take a free shard for the endpoint, or grow by one (controller/claim.ts). */
  claimShard(endpoint: string) {
    return this.call('claimShard', () => claimShard(this, endpoint));
  }
  /** Not serialized: it waits for the shard object, whose assign comes back through the fast path. */
  handover(endpoint: string, method: HandoverMethod) {
    return this.call('handover', () => this.wsShards.handover(endpoint, method), { serialize: false });
  }
}
