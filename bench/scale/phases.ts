/**
 * @module The four phases of the scale benchmark for one shard count N, each on a fresh stack (issue #8):
 * 1. `scale`: `POST scale {shard_count: N}` on a fresh deployment: the conduit is created and N webhook shards on
 *    the built-in `default` endpoint are assigned and enabled (every one answers the simulator's challenge);
 * 2. `re-reconcile`: `POST reconcile` with nothing to change: the listing and a plan of zero steps;
 * 3. `move`: a second built-in endpoint `green` is added, then a maintenance window on `default` whose lead time
 *    (MAINTENANCE_LEAD_SECONDS, default 300 s) begins now: every shard moves to `green` in waves before the window;
 * 4. `restore`: the window is cancelled, which the controller treats as a window that has ended: `default` must
 *    answer a signed test challenge, then the shards go home one at a time, each after the one before is enabled.
 * Every change after the first invocation continues from the controller's real alarm on workerd.
 */
import type { BuildResult } from '../ingest/targets.ts';
import { measurePhase, type PhaseFigures } from './observe.ts';
import { startScaleStack, type ScaleStack, type StatusLite } from './stack.ts';

export const PHASES = ['scale', 're-reconcile', 'move', 'restore'] as const;
export type PhaseName = (typeof PHASES)[number];

export interface SizeResult {
  n: number;
  phases: Partial<Record<PhaseName, PhaseFigures>>;
  /** Why phases are missing, if any (the run's deadline, an error). */
  note?: string;
  /** MAINTENANCE_LEAD_SECONDS as the Worker reported it: the window started this long after it was created. */
  leadSeconds?: number;
}

export interface SizeOptions {
  persistRoot?: string;
  log: (line: string) => void;
  /** The phases to run: a prefix of PHASES. */
  phases: readonly PhaseName[];
  /**
   * How long a phase may take, asked as it starts (what is left of the run's budget); below MIN_PHASE_MS the phase
   * and the ones after it are not run, and the result says so.
   */
  limit(phase: PhaseName): number;
}

/** A phase given less time than this is not started. */
const MIN_PHASE_MS = 5_000;

const fmt = (n: number) => n.toLocaleString('en-US');

/** Shards the simulator lists as enabled on a built-in endpoint's callback. */
function enabledOn(stack: ScaleStack, endpoint: string): number {
  const suffix = `/webhooks/${endpoint}`;
  let n = 0;
  for (const s of stack.conduit()?.shards ?? []) {
    if (s?.status === 'enabled' && s.transport.method === 'webhook' && s.transport.callback.endsWith(suffix)) n++;
  }
  return n;
}

function progress(stack: ScaleStack, n: number, endpoint: string, what: string) {
  const shards = enabledOn(stack, endpoint);
  return { shards, text: `${fmt(shards)} of ${fmt(n)} shards ${what}` };
}

const idle = (s: StatusLite | null): s is StatusLite => s !== null && s.reconcile.phase === 'done';

/** The goal of a phase that puts all N shards on `endpoint`: Twitch's side and the controller's run both done. */
function allOn(stack: ScaleStack, n: number, endpoint: string, after: string | null) {
  return (s: StatusLite | null) =>
    idle(s) &&
    s.reconcile.started_at !== after &&
    stack.conduit()?.shardCount === n &&
    enabledOn(stack, endpoint) === n;
}

export async function runSize(bundle: BuildResult, n: number, opts: SizeOptions): Promise<SizeResult> {
  const { log } = opts;
  const result: SizeResult = { n, phases: {} };
  /** The phase's time limit, or null (recorded in the result) when it is not to run. */
  const budget = (name: PhaseName): number | null => {
    if (!opts.phases.includes(name)) return null;
    const ms = opts.limit(name);
    if (ms >= MIN_PHASE_MS) return ms;
    result.note = `${name} and later phases not run: ${(Math.max(0, ms) / 1000).toFixed(0)} s of the budget left`;
    log(`  N=${fmt(n)}: ${result.note}`);
    return null;
  };
  let limit = budget('scale');
  if (limit === null) return result;
  const stack = await startScaleStack(bundle, opts.persistRoot === undefined ? {} : { persistRoot: opts.persistRoot });
  const done = (name: PhaseName, f: PhaseFigures) => {
    result.phases[name] = f;
    const s = (f.wallMs / 1000).toFixed(1);
    log(
      `  N=${fmt(n)} ${name}: ${f.calls} Helix calls, ${f.invocations} invocations, ${s} s` +
        `${f.finished ? '' : ` — stopped at the limit: ${f.stoppedAt?.text}`}`,
    );
    return f.finished;
  };
  const startedAt = async () => (await stack.status()).reconcile.started_at;
  try {
    let before = await startedAt();
    const scaled = await measurePhase(stack, {
      start: () => stack.admin('POST', '/scale', { shard_count: n, endpoint: 'default' }).then(() => undefined),
      reached: allOn(stack, n, 'default', before),
      progress: () => progress(stack, n, 'default', 'enabled'),
      timeoutMs: limit,
    });
    if (!done('scale', scaled)) return result;

    limit = budget('re-reconcile');
    if (limit === null) return result;
    before = await startedAt();
    const again = await measurePhase(stack, {
      start: () => stack.admin('POST', '/reconcile').then(() => undefined),
      reached: (s) => idle(s) && s.reconcile.started_at !== before,
      progress: () => ({ shards: 0, text: 'the listing had not finished' }),
      timeoutMs: limit,
    });
    if (!done('re-reconcile', again)) return result;

    limit = budget('move');
    if (limit === null) return result;
    await stack.admin('POST', '/endpoints', { name: 'green', kind: 'webhook' });
    const lead = (await stack.status()).maintenance?.lead_seconds ?? 300;
    // The window starts exactly one lead time from now: its shards start moving at once, as they would when the
    // cron finds a window entering its lead time, with the whole lead to move them in.
    const startsAt = Date.now() + lead * 1000;
    result.leadSeconds = lead;
    let windowId = 0;
    before = await startedAt();
    const moved = await measurePhase(stack, {
      start: async () => {
        const w = await stack.admin<{ id: number }>('POST', '/maintenance', {
          endpoint: 'default',
          starts_at: new Date(startsAt).toISOString(),
          ends_at: new Date(startsAt + 10 * 60_000).toISOString(),
          note: 'bench/scale',
        });
        windowId = w.id;
      },
      reached: allOn(stack, n, 'green', before),
      progress: () => progress(stack, n, 'green', "on 'green'"),
      timeoutMs: limit,
    });
    if (!done('move', moved)) return result;

    limit = budget('restore');
    if (limit === null) return result;
    before = await startedAt();
    const restored = await measurePhase(stack, {
      start: () => stack.admin('DELETE', `/maintenance/${windowId}`).then(() => undefined),
      reached: allOn(stack, n, 'default', before),
      progress: () => progress(stack, n, 'default', 'home'),
      timeoutMs: limit,
    });
    done('restore', restored);
    return result;
  } catch (err) {
    result.note = err instanceof Error ? err.message : String(err);
    log(`  N=${fmt(n)}: ${result.note}`);
    return result;
  } finally {
    await stack.close();
  }
}
