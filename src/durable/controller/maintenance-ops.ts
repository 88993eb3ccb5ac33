/**
 * @module The ConduitController's maintenance operations (issue #6, design.md §6): windows (assessed when created,
 * acted on at once inside their lead time), `conduit.shard.disabled` notices and the feed that carries them, the
 * websocket hooks (a welcomed session may bring shards home; the cron leaves an endpoint in its window alone), when the
 * cron must plan afresh, and what `GET status` shows. The planning itself is maintenance-run.ts over core/maintenance.ts.
 */
import { assessWindow } from '../../core/maintenance-assess.ts';
import { maintenanceEpoch } from '../../core/maintenance-windows.ts';
import { logError } from '../../log.ts';
import type { ConduitController, Invocation } from '../conduit-controller.ts';
import type { ShardDisabledNote, StatusView, WindowInput } from '../controller-types.ts';
import { BudgetExhausted } from './budget.ts';
import { ControllerFailure } from './failure.ts';
import { PROBE_TTL_MS, windowsOf, type MaintenanceDeps } from './maintenance-run.ts';
import { layoutShardsOf } from './sessions.ts';
import { ensureShardEvents, forgetShardEvents, noteShardDisabled } from './shard-events.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function leadMsOf(inv: Invocation): number {
  return inv.config.MAINTENANCE_LEAD_SECONDS * 1000;
}

export class MaintenanceOps {
  constructor(private readonly c: ConduitController) {}

  private get store() {
    return this.c.store;
  }
  private get records() {
    return this.c.records;
  }

  /** What reconcile needs to plan with maintenance. */
  deps(inv: Invocation): MaintenanceDeps {
    return {
      maintStore: this.c.maintenance,
      leadMs: leadMsOf(inv),
      fetcher: (request) => fetch(request),
      clientId: inv.config.TWITCH_CLIENT_ID,
      reconnect: (endpoint, reason) => this.c.wsShards.reconnect(endpoint, reason),
      socketLive: (endpoint, sessionId) => this.c.wsShards.isLive(endpoint, sessionId),
    };
  }

  status(inv: Invocation): NonNullable<StatusView['maintenance']> {
    const m = this.c.maintenance;
    const c = m.compaction();
    return {
      lead_seconds: inv.config.MAINTENANCE_LEAD_SECONDS,
      ...m.counts(),
      compaction: c ? { window: c.windowId, endpoint: c.endpoint, phase: c.phase, shard_count: c.shardCount } : null,
      probes: Object.entries(m.probes()).map(([endpoint, p]) => ({
        endpoint,
        healthy: p.healthy,
        checked_at: new Date(p.checkedAt).toISOString(),
        verified_at: iso(p.verifiedAt),
        ...(p.reason === undefined ? {} : { reason: p.reason }),
      })),
    };
  }

  /** A pass must start over: a shard was disabled, a window changed, or a paced run stopped to plan again. */
  needsFreshPass(inv: Invocation): boolean {
    const phase = this.store.progress.phase;
    if (phase === 'idle' || phase === 'done' || phase === 'failed') return true;
    if (this.store.getMeta('replan_requested') !== null) return true;
    const epoch = maintenanceEpoch(windowsOf(this.records.windows()), this.c.now(), leadMsOf(inv));
    return epoch !== (this.store.getMeta<string>('maintenance_epoch') ?? '');
  }

  /**
   * The caretaker's own `conduit.shard.disabled` feed (issue #6), looked after by the cron like the token: it is the
   * cron's duty, not every reconcile's. What the pass left of the budget is enough (one or two calls); if not, the
   * next tick does it.
   */
  async keepShardEvents(inv: Invocation): Promise<void> {
    if (!this.store.conduit) return;
    try {
      await ensureShardEvents({
        store: this.store,
        records: this.records,
        helix: inv.helix,
        config: inv.config,
        now: () => this.c.now(),
        budget: inv.budget,
        clientId: inv.config.TWITCH_CLIENT_ID,
      });
    } catch (err) {
      // Never fails the tick: the shard listing repairs on its own, and the next tick tries again.
      if (!(err instanceof BudgetExhausted)) logError(`ConduitController:${this.c.name} shard-events`, err);
    }
  }

  /** `conduit.shard.disabled` reached the Worker's own callback (issue #6): repair in a pass of its own, soon. */
  async shardDisabled(note: ShardDisabledNote) {
    const r = noteShardDisabled(this.store, this.records, note, this.c.now());
    if (r.repair) await this.c.scheduleContinuation();
    return r;
  }

  shardEventsRevoked(subscriptionId: string) {
    const matched = forgetShardEvents(this.store, subscriptionId);
    if (matched) {
      this.records.record('revocation', `the conduit.shard.disabled subscription was revoked: recreating it`, 'ok');
    }
    return { matched };
  }

  /**
   * A window gets a clear answer at once (core/maintenance-assess.ts): refused when nothing could carry the
   * endpoint's shards, else accepted with notes. One that is already within its lead time is acted on at once.
   */
  async addWindow(input: WindowInput) {
    if (!this.store.endpoint(input.endpoint))
      throw new ControllerFailure(400, `endpoint: no endpoint '${input.endpoint}'`);
    const start = Date.parse(input.starts_at);
    const end = Date.parse(input.ends_at);
    if (!Number.isFinite(start) || !Number.isFinite(end))
      throw new ControllerFailure(400, 'starts_at/ends_at: not RFC3339');
    if (end <= start) throw new ControllerFailure(400, 'ends_at: must be after starts_at');
    const inv = this.c.invocation();
    const now = this.c.now();
    const leadMs = leadMsOf(inv);
    const names = this.store.endpoints().map((e) => e.name);
    const verdict = assessWindow({
      window: { endpoint: input.endpoint, startsAt: start, endsAt: end, compact: !!input.compact },
      existing: windowsOf(this.records.windows()),
      desired: this.store.layout(),
      endpoints: names,
      health: this.c.maintenance.freshHealth(now, PROBE_TTL_MS, new Set(names)),
      now,
      leadMs,
    });
    if (!verdict.ok) {
      this.records.record('maintenance', `window on '${input.endpoint}' refused: ${verdict.reason}`, 'failed');
      throw new ControllerFailure(verdict.status, verdict.reason);
    }
    const view = this.records.addWindow(input);
    this.records.record(
      'maintenance',
      `window ${view.id} on '${input.endpoint}' ${input.starts_at} → ${input.ends_at}${input.compact ? ' (compact)' : ''}`,
      'ok',
      { notes: verdict.notes },
    );
    if (start - leadMs <= now) await this.requestPass(`window ${view.id} is within its lead time`);
    return { ...view, notes: verdict.notes };
  }

  async removeWindow(id: number) {
    const window = this.records.windows().find((w) => w.id === id);
    if (!window || !this.records.removeWindow(id)) throw new ControllerFailure(404, `no maintenance window ${id}`);
    this.records.record('maintenance', `window ${id} cancelled`, 'ok');
    if (Date.parse(window.starts_at) - leadMsOf(this.c.invocation()) <= this.c.now()) {
      await this.requestPass(`window ${id} was cancelled while in effect`);
    }
    return { removed: id };
  }

  /**
   * A websocket endpoint was welcomed with a new session while shards of its own are carried elsewhere: plan now
   * rather than at the next cron tick, because Twitch closes a session with no shard after 10 s (4003,
   * twitch-eventsub.md §5.3). Not while its window lasts — then it would only plan the same thing again.
   */
  async sessionWelcomed(endpoint: string): Promise<void> {
    if (!this.c.maintenance.awaitsHome(endpoint)) return;
    const now = this.c.now();
    const lead = leadMsOf(this.c.invocation());
    const inWindow = windowsOf(this.records.windows()).some(
      (w) => w.endpoint === endpoint && w.startsAt - lead <= now && now < w.endsAt,
    );
    if (!inWindow) await this.requestPass(`'${endpoint}' has a live session again`);
  }

  /**
   * Websocket endpoints the cron leaves alone: inside a window that has begun, with no shard left on them. Restarting
   * their objects would only open sessions Twitch closes again after 10 s (4003, twitch-eventsub.md §5.3); after the
   * window the poke starts them, and the new session's welcome brings their shards home (`sessionWelcomed`).
   */
  quietEndpoints(): Set<string> {
    const now = this.c.now();
    return new Set(
      windowsOf(this.records.windows())
        .filter((w) => w.startsAt <= now && now < w.endsAt && this.store.endpoint(w.endpoint)?.kind === 'websocket')
        .map((w) => w.endpoint)
        .filter(
          (e) => (this.c.maintenance.effectiveShardsOf(e) ?? layoutShardsOf(this.store.layout(), e)).length === 0,
        ),
    );
  }

  /** A fresh pass from the alarm (soon), behind whatever change is running now. */
  private async requestPass(reason: string): Promise<void> {
    this.store.setMeta('replan_requested', { at: this.c.now(), reason });
    // One request per change (a window, a shard event), so continuing at once cannot spin.
    await this.c.scheduleContinuation(true);
  }
}
