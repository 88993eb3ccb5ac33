/**
 * @module The maintenance layer in front of the shard planner (design.md §6): from the layout, the windows, endpoint
 * health and what Twitch lists, work out the effective layout (compaction, substitutes, repairs, restores), run the
 * planner on it, and pace the result (maintenance-pace.ts). Pure and deterministic: the controller stores the state it
 * returns, carries out the plan, probes the endpoints it names and asks the shard objects it names to reconnect.
 */
import { compactedLayout } from './maintenance-compact.ts';
import { advanceCompaction, settledOn, type Ctx } from './maintenance-compaction.ts';
import { pace, type Driver } from './maintenance-pace.ts';
import { substitute } from './maintenance-substitute.ts';
import type { MaintenanceInput, MaintenanceResult, Substitution } from './maintenance-types.ts';
import { currentOutages, DEFAULT_LEAD_MS } from './maintenance-windows.ts';
import { DEFAULT_BATCH_SIZE, plan } from './planner.ts';
import type { ActualShard, Plan, PlanStep } from './plan-types.ts';
import { reconnects, repairDecisions, sessionless } from './maintenance-repair.ts';

export const DEFAULT_WAVE_MS = 1_000;
export const DEFAULT_REPAIR_GRACE_MS = 2 * 60_000;

function effectiveOf(base: string[], records: Map<number, Substitution>, held: Set<number>): string[] {
  return base.map((home, i) => {
    const r = records.get(i);
    if (!r) return home;
    return r.phase === 'substituted' || held.has(i) ? r.substitute : home;
  });
}

/**
 * The planner's plan, less any assignment onto an endpoint that is in maintenance or failing (nothing is moved onto
 * an endpoint that is down): those shards wait, with the reason, until it is back or they get a substitute.
 */
function basePlan(input: MaintenanceInput, effective: string[], unfit: Map<string, string>): Plan {
  const p = plan({
    shardCount: input.shardCount,
    desired: effective,
    endpoints: input.endpoints,
    actual: input.actual,
    applied: input.applied,
    batchSize: input.batchSize ?? DEFAULT_BATCH_SIZE,
  });
  if (unfit.size === 0) return p;
  const waiting = [...p.waiting];
  const steps = p.steps.flatMap((step): PlanStep[] => {
    if (step.kind !== 'assign') return [step];
    const shards = step.shards.filter((c) => {
      const why = unfit.get(c.endpoint);
      if (why) waiting.push({ ...c, reason: `${why}: not assigned onto it` });
      return !why;
    });
    return shards.length > 0 ? [{ ...step, shards }] : [];
  });
  return { ...p, steps, waiting };
}

export function planMaintenance(input: MaintenanceInput): MaintenanceResult {
  const { now, desired, endpoints, shardCount } = input;
  const leadMs = input.leadMs ?? DEFAULT_LEAD_MS;
  const known = (e: string) => Object.hasOwn(endpoints, e);
  const { outages, decisions } = currentOutages(input.windows, now, leadMs, known);
  const byId = new Map<number, ActualShard>();
  for (const a of input.actual) if (a.id < shardCount) byId.set(a.id, a);
  const ctx: Ctx = { input, outages, byId, decisions, probes: [] };

  const comp = advanceCompaction(ctx);
  const base = comp.c?.phase === 'active' && comp.pairs ? compactedLayout(desired, comp.pairs) : desired;
  const gaps = new Set(comp.pairs?.pairs.map((p) => p.gap) ?? []);

  const down = sessionless(input, base, input.repairGraceMs ?? DEFAULT_REPAIR_GRACE_MS);
  const broken = new Map(down.broken);
  for (const [name, h] of Object.entries(input.health)) {
    if (known(name) && !outages.has(name) && h.healthy === false && endpoints[name]!.kind === 'webhook') {
      broken.set(name, h.reason ?? 'failed its test challenge');
    }
  }
  const subs = substitute({
    base,
    endpoints,
    outages,
    health: input.health,
    broken,
    records: input.state.substitutions,
    now,
  });
  ctx.probes.push(...subs.probes);
  const records = subs.records;

  // Restores that are complete leave the record; the rest keep their intent across passes and interruptions.
  const restored = new Map<string, number[]>();
  for (const [i, r] of records) {
    if (r.phase !== 'restoring' || !settledOn(ctx, i, r.home)) continue;
    records.delete(i);
    restored.set(r.home, [...(restored.get(r.home) ?? []), i]);
  }
  for (const [home, ids] of restored) {
    decisions.push({
      kind: 'restored',
      endpoint: home,
      reason: `${ids.length} shard(s) are back on '${home}'`,
      shards: ids.slice(0, 50),
      count: ids.length,
    });
  }

  // One not-enabled shard at a time: while a shard is down and this pass cannot fix it, start no restore.
  const unfit = new Map<string, string>();
  for (const o of outages.values())
    unfit.set(o.endpoint, `'${o.endpoint}' is in maintenance (window ${o.windowIds.join('+')})`);
  for (const [e, why] of broken) unfit.set(e, `'${e}' is failing (${why})`);
  let held = new Set<number>();
  let effective = effectiveOf(base, records, held);
  let p = basePlan(input, effective, unfit);
  const refused = new Set(subs.decisions.filter((d) => d.kind === 'refuse').flatMap((d) => d.shards ?? []));
  const stuck = [...p.waiting.map((w) => w.id), ...refused].filter((id) => {
    const a = byId.get(id);
    return id < shardCount && (!a || a.status !== 'enabled');
  });
  let compaction = comp.c;
  if (stuck.length > 0) {
    // Only shards enabled where they are wait; one that is down on its substitute is itself a repair.
    const waits = (i: number, r: Substitution) => !settledOn(ctx, i, r.home) && settledOn(ctx, i, r.substitute);
    held = new Set([...records].filter(([i, r]) => r.phase === 'restoring' && waits(i, r)).map(([i]) => i));
    for (const i of subs.restoreStarts) {
      const r = records.get(i);
      if (r && held.has(i)) records.set(i, { ...r, phase: 'substituted' });
    }
    if (comp.began && compaction?.phase === 'restoring') compaction = { ...compaction, phase: 'active' };
    if (held.size > 0 || comp.began) {
      decisions.push({
        kind: 'hold',
        reason: `shard(s) ${stuck.slice(0, 10).join(', ')} are not enabled and cannot be fixed now: no shard goes home until they are (at most one shard not enabled at a time)`,
        shards: stuck.slice(0, 50),
        count: stuck.length,
      });
      const heldBase = compaction?.phase === 'active' && comp.pairs ? compactedLayout(desired, comp.pairs) : desired;
      effective = effectiveOf(heldBase, records, held);
      p = basePlan(input, effective, unfit);
    }
  }
  const finalSubs = [...records.values()];
  // A restore decision whose shards were all held back did not happen.
  const happened = (d: { kind: string; shards?: number[] }) =>
    d.kind !== 'restore' || (d.shards ?? []).some((i) => !held.has(i));
  decisions.push(...subs.decisions.filter(happened));

  const notEnabled = new Set<number>();
  for (let id = 0; id < shardCount; id++) {
    const a = byId.get(id);
    if (!a || a.status !== 'enabled') notEnabled.add(id);
  }
  const driver = (id: number): Driver => {
    const r = records.get(id);
    if (r) {
      if (r.phase === 'restoring' && !held.has(id)) return { kind: 'maintenance', deadline: null };
      const o = r.cause === 'window' ? outages.get(r.home) : undefined;
      return { kind: 'maintenance', deadline: o ? o.startsAt : now };
    }
    if (compaction && gaps.has(id)) {
      if (compaction.phase === 'restoring') return { kind: 'maintenance', deadline: null };
      return { kind: 'maintenance', deadline: outages.get(compaction.endpoint)?.startsAt ?? now };
    }
    return { kind: 'operator' };
  };
  const paced = pace({
    plan: p,
    shardCount,
    endpoints,
    notEnabled,
    driver,
    pacedGrow: compaction?.phase === 'restoring',
    now,
    waveMs: input.waveMs ?? DEFAULT_WAVE_MS,
    batchSize: input.batchSize ?? DEFAULT_BATCH_SIZE,
  });
  decisions.push(...repairDecisions(p, notEnabled, byId), ...paced.decisions);
  const reconnect = reconnects(input, effective, byId, (e) => outages.has(e));
  for (const r of reconnect) decisions.push({ kind: 'reconnect', endpoint: r.endpoint, reason: r.reason });
  ctx.probes.push(...disabledWebhookProbes(ctx, base));

  const seen = new Set<string>();
  const probes = ctx.probes.filter((x) => !seen.has(x.endpoint) && !!seen.add(x.endpoint));
  return {
    effective,
    plan: paced.plan,
    state: { substitutions: finalSubs.sort((a, b) => a.shard - b.shard), compaction, sessionlessSince: down.since },
    decisions,
    reconnect,
    probes,
  };
}

/** A webhook shard Twitch disabled: is its endpoint up (re-PATCH) or down (substitute)? A test challenge decides. */
function disabledWebhookProbes(ctx: Ctx, base: string[]): { endpoint: string; reason: string }[] {
  const out: { endpoint: string; reason: string }[] = [];
  for (const [id, a] of ctx.byId) {
    const home = base[id];
    if (!home || ctx.input.endpoints[home]?.kind !== 'webhook' || ctx.outages.has(home)) continue;
    if (a.status === 'notification_failures_exceeded' || a.status === 'webhook_callback_verification_failed') {
      out.push({ endpoint: home, reason: `shard ${id} is ${a.status}` });
    }
  }
  return out;
}
