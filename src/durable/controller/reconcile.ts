/**
 * @module Reconcile, chunked and resumable (design.md §6): list the actual shards page by page into a snapshot,
 * run the pure planner, apply its steps (grow, PATCH batches, shrink) and restore desired subscriptions, keeping
 * progress in storage so that a run spanning several invocations picks up where it stopped. Every action is
 * recorded with its reason; per-shard refusals inside a 202 are failures, recorded by shard.
 */
import type { Config } from '../../config.ts';
import type { Plan, PlanStep, ShardChange } from '../../core/plan-types.ts';
import type { HelixClient } from '../../twitch/helix-client.ts';
import type { ShardAssignment } from '../../twitch/types.ts';
import type { MaintenanceView, ReconcileProgress, ReconcileResult } from '../controller-types.ts';
import { BudgetExhausted, type Budget } from './budget.ts';
import { resolveEndpoint, type ResolvedEndpoint } from './endpoints.ts';
import { planPass, type MaintenanceDeps } from './maintenance-run.ts';
import type { ControllerRecords } from './records.ts';
import { IDLE_PROGRESS, type ControllerStore } from './store.ts';
import { NotSettled, settle, SETTLE_TIMEOUT_MS } from './settle.ts';
import { reconcileSubscriptions } from './subscriptions.ts';
import type { ChallengeTimer } from '../../core/challenge-timer.ts';

export interface ReconcileDeps {
  store: ControllerStore;
  records: ControllerRecords;
  helix: HelixClient;
  config: Pick<Config, 'PUBLIC_URL' | 'EVENTSUB_SECRET'>;
  now: () => number;
  budget: Budget;
  /** The live session of each websocket endpoint, read when needed: the fast path changes it at any time. */
  sessions?: () => Record<string, string | null>;
  /** The maintenance layer (issue #6); without it, the plain planner plans. */
  maintenance?: MaintenanceDeps;
  /** When this instance last applied a step, and the learned challenge wait (settle.ts); kept across invocations. */
  challenge?: ChallengeState;
}

export interface ChallengeState {
  timer: ChallengeTimer;
  /** ms epoch of the last PATCH this instance sent for a step; null before any. */
  appliedAt: number | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Our conduit is not on Twitch any more (deleted by someone, or by Twitch after 72 h with every shard down, §5.2). */
export class ConduitGone extends Error {
  constructor(readonly conduitId: string) {
    super(`conduit ${conduitId} no longer exists on Twitch`);
    this.name = 'ConduitGone';
  }
}

export async function resolveAll(deps: ReconcileDeps): Promise<Map<string, ResolvedEndpoint>> {
  const out = new Map<string, ResolvedEndpoint>();
  const sessions = deps.sessions?.();
  for (const row of deps.store.endpoints()) out.set(row.name, await resolveEndpoint(row, deps.config, sessions));
  return out;
}

/** Refresh shard_count and list shards into the snapshot. Returns false if the budget ran out first. */
async function list(deps: ReconcileDeps, progress: ReconcileProgress): Promise<void> {
  const { store, helix, budget } = deps;
  const conduit = store.conduit!;
  let cursor = store.getMeta<string>('listing_cursor');
  if (progress.pages_listed === 0) {
    budget.guard();
    const found = (await helix.getConduits()).find((c) => c.id === conduit.id);
    if (!found) throw new ConduitGone(conduit.id);
    store.conduit = { id: found.id, shardCount: found.shardCount };
    store.beginListing();
  }
  for (;;) {
    budget.guard();
    const page = await helix.getShardsPage(conduit.id, cursor ? { after: cursor } : {});
    store.addListed(page.shards, progress.pages_listed);
    progress.pages_listed++;
    cursor = page.cursor;
    store.setMeta('listing_cursor', cursor);
    store.progress = progress;
    if (!cursor) break;
  }
  store.commitListing();
  store.setMeta('snapshot_at', iso(deps.now()));
}

async function apply(
  deps: ReconcileDeps,
  step: PlanStep,
  resolved: Map<string, ResolvedEndpoint>,
  progress: ReconcileProgress,
): Promise<void> {
  const { store, records, helix } = deps;
  const conduit = store.conduit!;
  if (step.kind === 'grow' || step.kind === 'shrink') {
    const updated = await helix.updateConduit(conduit.id, step.to);
    store.conduit = { id: updated.id, shardCount: updated.shardCount };
    if (step.kind === 'shrink') store.dropShardsFrom(step.to);
    records.record(step.kind, `${step.reason} (${step.from} → ${step.to} shards)`, 'ok');
    return;
  }
  const batch = step.shards.flatMap((change) => {
    const r = resolved.get(change.endpoint);
    return r?.assignment ? [{ id: change.id, transport: r.assignment, fingerprint: r.fingerprint, change }] : [];
  });
  const skipped = step.shards.length - batch.length;
  if (skipped > 0) records.record('assign', `${skipped} shard(s) skipped: endpoint has no transport now`, 'failed');
  if (batch.length === 0) return;
  const failed = new Set<number>();
  let pending = batch;
  // A second round only for websocket shards whose session the fast path replaced during the first (issue #5).
  for (let round = 0; round < 2 && pending.length > 0; round++) {
    if (round > 0) deps.budget.guard();
    const result = await helix.updateShards(
      conduit.id,
      pending.map(({ id, transport }) => ({ id, transport })),
    );
    for (const f of result.failures) failed.add(f.id);
    for (const { id, fingerprint } of pending) if (!failed.has(id)) store.setApplied(id, fingerprint);
    for (const s of result.updated) store.setActual(s);
    for (const f of result.failures) {
      store.setApplied(f.id, null);
      records.record('assign', `Twitch refused shard ${f.id}: ${f.message}`, 'failed', { shard: f.id, code: f.code });
      progress.last_error = `shard ${f.id}: ${f.message}`;
    }
    pending = replacedSessions(deps, pending, failed);
  }
  const ok = batch.filter((b) => !failed.has(b.id));
  if (ok.length > 0) {
    records.record('assign', summarize(ok.map((b) => b.change)), 'ok', {
      shards: ok.slice(0, 50).map((b) => ({ id: b.id, endpoint: b.change.endpoint, reason: b.change.reason })),
      count: ok.length,
    });
  }
}

type BatchItem = { id: number; transport: ShardAssignment; fingerprint: string | null; change: ShardChange };

/**
 * design.md §6 "re-check state after each await": a websocket endpoint whose session changed while the PATCH was in
 * flight (the fast path, controller/sessions.ts) may now have its shards on a session that is closing. Those go
 * again with the current session. One more round only; a session replaced again meanwhile (seconds apart at the
 * least) shows up in the next reconcile's listing and is repaired there.
 */
function replacedSessions(deps: ReconcileDeps, sent: BatchItem[], failed: Set<number>): BatchItem[] {
  const now = deps.sessions?.() ?? {};
  return sent.flatMap((item) => {
    const current = now[item.change.endpoint];
    if (item.transport.method !== 'websocket' || failed.has(item.id) || !current) return [];
    if (current === item.transport.sessionId) return [];
    return [{ ...item, transport: { method: 'websocket', sessionId: current }, fingerprint: current }];
  });
}

function summarize(changes: { id: number; endpoint: string; reason: string }[]): string {
  const first = changes[0]!;
  if (changes.length === 1) return `shard ${first.id} → '${first.endpoint}': ${first.reason}`;
  const ids = changes.map((c) => c.id);
  return `${changes.length} shards (${Math.min(...ids)}–${Math.max(...ids)}) assigned; first: shard ${first.id} → '${first.endpoint}': ${first.reason}`;
}

/**
 * One invocation's worth of reconcile. `fresh` restarts from listing even if a run is in progress (the desired
 * state changed); otherwise an unfinished run continues.
 */
export async function runReconcile(
  deps: ReconcileDeps,
  opts: { dryRun?: boolean; fresh?: boolean } = {},
): Promise<ReconcileResult> {
  const { store, records, budget } = deps;
  if (opts.dryRun) return dryRun(deps);
  let progress = store.progress;
  const finished = ['idle', 'done', 'failed'].includes(progress.phase);
  if (finished || opts.fresh) {
    progress = { ...IDLE_PROGRESS, phase: 'listing', started_at: iso(deps.now()) };
    store.setMeta('listing_cursor', null);
    store.setMeta('subs_listing', null);
    store.setMeta('listed', null);
    store.setMeta('settle_since', null);
  }
  progress.invocations++;
  const base = progress.helix_calls;
  const before = budget.used;
  const save = (): void => {
    progress.helix_calls = base + (budget.used - before);
    store.progress = progress;
  };
  let result: Plan = { steps: [], waiting: [], unchanged: 0 };
  let view = store.getMeta<MaintenanceView>('last_maintenance') ?? undefined;
  try {
    if (progress.phase === 'listing') {
      // Planning may stop for the budget (test challenges) after a finished listing: do not list again.
      if (!store.getMeta<boolean>('listed')) {
        await list(deps, progress);
        store.setMeta('listed', true);
      }
      const planned = await planPass(deps, await resolveAll(deps));
      result = planned.plan;
      view = planned.view;
      store.setMeta('last_maintenance', view ?? null);
      store.setMeta('listed', null);
      store.setPlan(result.steps);
      progress.steps_total = result.steps.length;
      progress.phase = 'applying';
      if (result.steps.length > 0 || result.waiting.length > 0) {
        records.record(
          'plan',
          `${result.steps.length} step(s), ${result.unchanged} shard(s) unchanged, ${result.waiting.length} waiting`,
          'planned',
          { waiting: result.waiting.slice(0, 20).map((w) => ({ ...w })) },
        );
      }
      store.setMeta('last_plan', result);
    } else {
      result = store.getMeta<Plan>('last_plan') ?? result;
    }
    if (progress.phase === 'applying') {
      while (progress.steps_done < progress.steps_total) {
        const step = store.planStep(progress.steps_done)!;
        budget.guard();
        if (step.settle && !(await settled(deps, progress))) break;
        // Resolved per step: a websocket session may change between steps (the fast path, issue #5).
        await apply(deps, step, await resolveAll(deps), progress);
        if (deps.challenge) deps.challenge.appliedAt = Date.now();
        progress.steps_done++;
        save();
      }
      if (progress.phase === 'applying') progress.phase = 'subscriptions';
    }
    if (progress.phase === 'subscriptions') {
      await reconcileSubscriptions(deps);
      progress.phase = 'done';
    }
    save();
    const replan = store.getMeta('replan_requested') !== null;
    return { dry_run: false, plan: result, progress, continues: replan, ...(view ? { maintenance: view } : {}) };
  } catch (err) {
    if (err instanceof BudgetExhausted || err instanceof NotSettled) {
      save();
      return { dry_run: false, plan: result, progress, continues: true, ...(view ? { maintenance: view } : {}) };
    }
    progress.phase = 'failed';
    progress.last_error = err instanceof Error ? err.message : String(err);
    save();
    records.record('reconcile', `failed: ${progress.last_error}`, 'failed');
    throw err;
  }
}

/** The plan without applying it: from a fresh listing when it fits this invocation, else from the last snapshot. */
async function dryRun(deps: ReconcileDeps): Promise<ReconcileResult> {
  const { store } = deps;
  const progress = store.progress;
  let note: string | undefined;
  if (['idle', 'done', 'failed'].includes(progress.phase)) {
    const scratch = { ...progress, pages_listed: 0 };
    try {
      store.setMeta('listing_cursor', null);
      await list(deps, scratch);
    } catch (err) {
      if (!(err instanceof BudgetExhausted)) throw err;
      store.beginListing();
      store.setMeta('listing_cursor', null);
      note = `conduit too large to list in one invocation; planned from the snapshot of ${store.getMeta<string>('snapshot_at') ?? 'never'}`;
    }
  } else {
    note = `a reconcile is in progress (${progress.phase}); planned from the snapshot of ${store.getMeta<string>('snapshot_at') ?? 'never'}`;
  }
  const { plan: result, view } = await planPass(deps, await resolveAll(deps), { dryRun: true });
  return {
    dry_run: true,
    plan: result,
    progress: store.progress,
    continues: false,
    ...(note ? { note } : {}),
    ...(view ? { maintenance: view } : {}),
  };
}

/**
 * Before a paced step (core/maintenance-pace.ts): true once nothing is pending on Twitch. Throws NotSettled to wait
 * for the next invocation; false when the run must stop and plan again (a moved shard failed its challenge, or a
 * challenge outlived any Twitch gives) — the run then ends as `done` with the reason, and a new one is asked for.
 */
async function settled(deps: ReconcileDeps, progress: ReconcileProgress): Promise<boolean> {
  const { store, records } = deps;
  const verdict = await settle(deps, progress.steps_done > 0 ? store.planStep(progress.steps_done - 1) : null);
  if (verdict.kind === 'settled') {
    store.setMeta('settle_since', null);
    return true;
  }
  const since = store.getMeta<number>('settle_since') ?? Date.now();
  store.setMeta('settle_since', since);
  if (verdict.kind === 'waiting' && Date.now() - since < SETTLE_TIMEOUT_MS) throw new NotSettled();
  const why =
    verdict.kind === 'failed'
      ? `shard(s) ${verdict.shards.join(', ')} failed Twitch's challenge after being moved`
      : `a shard stayed pending for over ${SETTLE_TIMEOUT_MS / 1000} s`;
  records.record('reconcile', `${why}: stopping here and planning again`, 'failed');
  progress.last_error = why;
  progress.phase = 'done';
  store.setMeta('settle_since', null);
  store.setMeta('replan_requested', { at: deps.now(), reason: why });
  return false;
}
