/**
 * @module Planning with maintenance (design.md §6, issue #6): gather the planner's inputs from storage (layout,
 * windows, snapshot, probe results, live sessions), run the pure maintenance layer, send the signed test challenges it
 * asks for (each counted against the invocation's subrequest budget), plan again with their answers, and record what
 * was decided — in the audit log only when it differs from what the last pass decided, so a standing condition
 * ("waiting for 'blue' to answer") is logged once, not every minute.
 */
import { planMaintenance } from '../../core/maintenance.ts';
import type {
  Decision,
  EndpointHealth,
  MaintenanceInput,
  MaintenanceResult,
  MaintenanceWindow,
} from '../../core/maintenance-types.ts';
import { maintenanceEpoch } from '../../core/maintenance-windows.ts';
import type { EndpointState, Plan } from '../../core/plan-types.ts';
import { plan } from '../../core/planner.ts';
import { runTestChallenge } from '../../verify/test-challenge.ts';
import type { MaintenanceView, WindowView } from '../controller-types.ts';
import type { ResolvedEndpoint } from './endpoints.ts';
import type { MaintenanceStore, ProbeRecord } from './maintenance-store.ts';
import type { ReconcileDeps } from './reconcile.ts';

/** A probe result is trusted this long; an endpoint needed after that is challenged again. */
export const PROBE_TTL_MS = 5 * 60_000;

export interface MaintenanceDeps {
  maintStore: MaintenanceStore;
  leadMs: number;
  /** Sends a test challenge (the global fetch in the Worker). */
  fetcher: (request: Request) => Promise<Response>;
  /** TWITCH_CLIENT_ID: the `conduit.shard.disabled` condition (twitch-eventsub.md §4). */
  clientId: string;
  /** Ask a websocket endpoint's shard object for a fresh socket (controller/ws-shards.ts). */
  reconnect: (endpoint: string, reason: string) => void;
  /** Whether the endpoint's shard object holds this session on a live socket (the stored one may be stale). */
  socketLive: (endpoint: string, sessionId: string) => Promise<boolean>;
}

export function windowsOf(views: WindowView[]): MaintenanceWindow[] {
  return views.map((w) => ({
    id: w.id,
    endpoint: w.endpoint,
    startsAt: Date.parse(w.starts_at),
    endsAt: Date.parse(w.ends_at),
    compact: !!w.compact,
  }));
}

async function health(
  deps: ReconcileDeps & MaintenanceDeps,
  resolved: Map<string, ResolvedEndpoint>,
  now: number,
): Promise<Record<string, EndpointHealth>> {
  const webhooks = new Set([...resolved].filter(([, r]) => r.state.kind === 'webhook').map(([n]) => n));
  const out = deps.maintStore.freshHealth(now, PROBE_TTL_MS, webhooks);
  // A websocket endpoint proves itself with a live session (design.md §6): the one stored may belong to a socket
  // that is gone, so its shard object is asked.
  for (const [name, r] of resolved) {
    if (r.state.kind !== 'websocket' || r.state.sessionId === null) continue;
    out[name] = (await deps.socketLive(name, r.state.sessionId))
      ? { healthy: true, verifiedAt: now }
      : { healthy: false, verifiedAt: null, reason: 'no live socket' };
  }
  return out;
}

export async function maintenanceInput(
  deps: ReconcileDeps & MaintenanceDeps,
  resolved: Map<string, ResolvedEndpoint>,
): Promise<MaintenanceInput> {
  const now = deps.now();
  const healthNow = await health(deps, resolved, now);
  const endpoints: Record<string, EndpointState> = {};
  for (const [name, r] of resolved) {
    // A stored session whose socket is gone is no session: its shards wait (and the endpoint is asked to reconnect)
    // rather than being PATCHed to a session Twitch would refuse.
    const s = r.state;
    endpoints[name] = s.kind === 'websocket' && healthNow[name]?.healthy === false ? { ...s, sessionId: null } : s;
  }
  return {
    shardCount: deps.store.conduit!.shardCount,
    desired: deps.store.layout(),
    endpoints,
    actual: deps.store.actual(),
    applied: deps.store.applied(),
    windows: windowsOf(deps.records.windows()),
    now,
    leadMs: deps.leadMs,
    health: healthNow,
    state: deps.maintStore.state(),
  };
}

/** One signed test challenge; the answer is stored, and logged when it differs from the last one. */
async function probe(
  deps: ReconcileDeps & MaintenanceDeps,
  name: string,
  r: ResolvedEndpoint,
  why: string,
  now: number,
): Promise<void> {
  if (r.assignment?.method !== 'webhook') return;
  deps.budget.guard();
  deps.budget.note();
  const layout = deps.store.layout();
  const shard = Math.max(0, layout.indexOf(name));
  const result = await runTestChallenge(deps.fetcher, {
    callback: r.assignment.callback,
    secret: r.assignment.secret,
    conduitId: deps.store.conduit!.id,
    shard,
    // The endpoint checks the timestamp against its own clock (design.md §5), not the controller's.
    now: Date.now(),
  });
  const before = deps.maintStore.probes()[name];
  const record: ProbeRecord = result.ok
    ? { healthy: true, verifiedAt: now, checkedAt: now }
    : { healthy: false, verifiedAt: before?.verifiedAt ?? null, reason: result.reason, checkedAt: now };
  deps.maintStore.setProbe(name, record);
  if (!before || before.healthy !== record.healthy || before.reason !== record.reason) {
    deps.records.record(
      'probe',
      result.ok
        ? `'${name}' answered a signed test challenge in ${result.ms} ms (${why})`
        : `'${name}' failed a signed test challenge: ${result.reason} (${why})`,
      result.ok ? 'ok' : 'failed',
      { endpoint: name },
    );
  }
}

/**
 * Plan with maintenance. A dry run sends no test challenge (it lists the ones a real pass would send); a real pass
 * sends them, within the budget, and plans again with the answers.
 */
export async function planShards(
  deps: ReconcileDeps & MaintenanceDeps,
  resolved: Map<string, ResolvedEndpoint>,
  opts: { dryRun?: boolean } = {},
): Promise<{ input: MaintenanceInput; result: MaintenanceResult; assumed?: string[] }> {
  let input = await maintenanceInput(deps, resolved);
  let result = planMaintenance(input);
  if (result.probes.length === 0) return { input, result };
  if (opts.dryRun) {
    // A dry run sends no test challenge: it plans as if the endpoints it would test answered, and says so.
    const assumed = result.probes.map((p) => p.endpoint);
    const health = { ...input.health };
    for (const e of assumed) health[e] = { healthy: true, verifiedAt: input.now };
    const probes = result.probes;
    result = { ...planMaintenance({ ...input, health }), probes };
    return { input, result, assumed };
  }
  // A failed test challenge can make the plan want others (substitutes of unknown health): a few rounds, each
  // endpoint at most once per pass.
  const asked = new Set<string>();
  for (let round = 0; round < 3; round++) {
    const todo = result.probes.filter((p) => !asked.has(p.endpoint));
    if (todo.length === 0) break;
    for (const p of todo) {
      asked.add(p.endpoint);
      const r = resolved.get(p.endpoint);
      if (r) await probe(deps, p.endpoint, r, p.reason, input.now);
    }
    input = { ...input, health: await health(deps, resolved, input.now) };
    result = planMaintenance(input);
  }
  return { input, result };
}

const signature = (d: Decision[]) => JSON.stringify(d.map((x) => [x.kind, x.reason]));

/** Store the new state and effective layout, and log the decisions if they are not the ones logged last time. */
export function commitPlan(deps: ReconcileDeps & MaintenanceDeps, input: MaintenanceInput, r: MaintenanceResult): void {
  deps.maintStore.save(r.state, input.state);
  deps.maintStore.setEffective(r.effective);
  deps.store.setMeta('maintenance_epoch', maintenanceEpoch(input.windows, input.now, deps.leadMs));
  const sig = signature(r.decisions);
  if (r.decisions.length === 0 || deps.store.getMeta<string>('maintenance_logged') === sig) return;
  deps.store.setMeta('maintenance_logged', sig);
  for (const d of r.decisions) {
    const result = d.kind === 'refuse' ? 'failed' : 'planned';
    deps.records.record(`maintenance:${d.kind}`, d.reason, result, {
      ...(d.windowId === undefined ? {} : { window: d.windowId }),
      ...(d.endpoint === undefined ? {} : { endpoint: d.endpoint }),
      ...(d.shards === undefined ? {} : { shards: d.shards, count: d.count ?? d.shards.length }),
    });
  }
}

export function maintenanceView(input: MaintenanceInput, r: MaintenanceResult): MaintenanceView {
  const c = r.state.compaction;
  return {
    decisions: r.decisions.map((d) => ({
      kind: d.kind,
      reason: d.reason,
      ...(d.windowId === undefined ? {} : { window: d.windowId }),
      ...(d.endpoint === undefined ? {} : { endpoint: d.endpoint }),
      ...(d.shards === undefined ? {} : { shards: d.shards, count: d.count ?? d.shards.length }),
    })),
    probes: r.probes,
    reconnect: r.reconnect,
    substituted: r.state.substitutions.filter((x) => x.phase === 'substituted').length,
    restoring: r.state.substitutions.filter((x) => x.phase === 'restoring').length,
    compaction: c ? { window: c.windowId, endpoint: c.endpoint, phase: c.phase, shard_count: c.shardCount } : null,
    effective_shards: r.effective.length,
  };
}

/**
 * The plan of one pass. With maintenance deps (the controller always passes them) the maintenance layer plans, and a
 * real pass stores its state, logs its decisions and asks for the reconnects it names; without, the plain planner.
 */
export async function planPass(
  deps: ReconcileDeps,
  resolved: Map<string, ResolvedEndpoint>,
  opts: { dryRun?: boolean } = {},
): Promise<{ plan: Plan; view?: MaintenanceView }> {
  const m = deps.maintenance;
  if (!m) return { plan: basePlanOf(deps, resolved) };
  const full = { ...deps, ...m };
  const { input, result, assumed } = await planShards(full, resolved, opts);
  const view = maintenanceView(input, result);
  if (assumed) {
    view.note = `a dry run sends no test challenge: planned as if ${assumed.map((e) => `'${e}'`).join(', ')} answered`;
  }
  if (!opts.dryRun) {
    commitPlan(full, input, result);
    for (const r of result.reconnect) m.reconnect(r.endpoint, r.reason);
  }
  return { plan: result.plan, view };
}

function basePlanOf(deps: ReconcileDeps, resolved: Map<string, ResolvedEndpoint>): Plan {
  const endpoints: Record<string, EndpointState> = {};
  for (const [name, r] of resolved) endpoints[name] = r.state;
  return plan({
    shardCount: deps.store.conduit!.shardCount,
    desired: deps.store.layout(),
    endpoints,
    actual: deps.store.actual(),
    applied: deps.store.applied(),
  });
}
