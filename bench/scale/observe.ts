/**
 * @module Measuring one phase of the scale benchmark from outside the Worker: Helix calls from the simulator's call
 * log (what reached "Twitch"), invocations from the controller's own progress record (`GET status` →
 * `reconcile.invocations`, per run, polled), and wall time until the goal is reached on the simulator's side. A run is
 * keyed by its `started_at`; an alarm fires at least a second after the invocation before it (conduit-controller.ts),
 * so a poll every 200 ms sees every invocation's final figures.
 */
import { waitFor } from '../../test/support/wait.ts';
import { InvocationCounter } from './invocations.ts';
import type { ScaleStack, StatusLite } from './stack.ts';

const POLL_MS = 200;
/** Longer than the alarm's one-second delay: no call for this long after the goal means nothing more is coming. */
const QUIET_MS = 1_300;
/** After the goal, wait at most this long for the controller to fall quiet (trailing calls are still counted). */
const SETTLE_LIMIT_MS = 10_000;

export interface PhaseSpec {
  /** Starts the change through the admin API (the call may itself run the first invocation). */
  start(): Promise<void>;
  /** The goal: reached on the simulator's side and the controller's run finished. */
  reached(status: StatusLite | null): boolean;
  /** What was achieved, for a phase stopped before its goal: shards done, and in words ("412 of 20,000 home"). */
  progress(): { shards: number; text: string };
  timeoutMs: number;
}

export interface CallBreakdown {
  /** Get Conduit Shards pages of a full listing. */
  pages: number;
  /** Status-filtered Get Conduit Shards (the pacing's "is anything pending?" checks). */
  settleChecks: number;
  /** Update Conduit Shards calls, and the shards they named. */
  patches: number;
  shardsPatched: number;
  other: number;
  /** When the first and the last Update Conduit Shards reached the simulator, ms after the phase began. */
  firstPatchMs: number | null;
  lastPatchMs: number | null;
}

export interface PhaseFigures {
  /** Helix requests the simulator answered during the phase (trailing ones after the goal included). */
  calls: number;
  invocations: number;
  wallMs: number;
  finished: boolean;
  /** Set when the phase stopped at its time limit: what it had done by then. */
  stoppedAt?: { shards: number; text: string };
  breakdown: CallBreakdown | null;
}

function breakdown(stack: ScaleStack, after: number, simT0: number): CallBreakdown | null {
  const log = stack.sim.sim.state.calls;
  // The log is a bounded ring: if it has wrapped past the phase's start, the breakdown would be partial.
  const entries = log.since(after);
  if (entries.length !== log.last - after) return null;
  const b: CallBreakdown = {
    pages: 0,
    settleChecks: 0,
    patches: 0,
    shardsPatched: 0,
    other: 0,
    firstPatchMs: null,
    lastPatchMs: null,
  };
  for (const c of entries) {
    if (c.method === 'GET' && c.path.endsWith('/conduits/shards')) {
      if (c.query.status) b.settleChecks++;
      else b.pages++;
    } else if (c.method === 'PATCH' && c.path.endsWith('/conduits/shards')) {
      b.patches++;
      b.shardsPatched += (c.body as { shards?: unknown[] } | null)?.shards?.length ?? 0;
      b.firstPatchMs ??= c.at - simT0;
      b.lastPatchMs = c.at - simT0;
    } else b.other++;
  }
  return b;
}

export async function measurePhase(stack: ScaleStack, spec: PhaseSpec): Promise<PhaseFigures> {
  const seq0 = stack.sim.sim.state.calls.last;
  let latest: StatusLite = await stack.status();
  const counter = new InvocationCounter(latest.reconcile);
  const t0 = performance.now();
  const simT0 = stack.sim.sim.clock.now();
  let polling = true;
  let pollError: unknown = null;
  const poller = (async () => {
    // Bounded: it stops when the phase ends, or at the phase's own limit if something hangs.
    const stopBy = t0 + spec.timeoutMs + SETTLE_LIMIT_MS + 30_000;
    while (polling && performance.now() < stopBy) {
      try {
        latest = await stack.status();
        counter.observe(latest.reconcile);
      } catch (err) {
        pollError = err;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();

  try {
    await spec.start();
    const finished = await waitFor('the phase goal', () => spec.reached(latest), {
      timeoutMs: Math.max(0, spec.timeoutMs - (performance.now() - t0)),
      intervalMs: 50,
    }).then(
      () => true,
      () => false,
    );
    const wallMs = performance.now() - t0;
    if (finished) {
      await quiet(stack);
      polling = false;
      await poller;
      counter.observe((await stack.status()).reconcile);
    } else {
      // Stopped at the limit: the figures are what had happened by now; the controller's later work is not counted.
      polling = false;
      if (pollError) throw pollError;
    }
    return {
      calls: stack.sim.sim.state.calls.last - seq0,
      invocations: counter.invocations(),
      wallMs,
      finished,
      ...(finished ? {} : { stoppedAt: spec.progress() }),
      breakdown: breakdown(stack, seq0, simT0),
    };
  } finally {
    polling = false;
    await poller;
  }
}

/** Wait until no Helix call has come for QUIET_MS (bounded), so a trailing invocation is counted with its phase. */
async function quiet(stack: ScaleStack): Promise<void> {
  const { calls, clock } = { calls: stack.sim.sim.state.calls, clock: stack.sim.sim.clock };
  await waitFor(
    'the controller to fall quiet',
    () => {
      const last = calls.since(calls.last - 1)[0];
      return !last || clock.now() - last.at >= QUIET_MS;
    },
    { timeoutMs: SETTLE_LIMIT_MS, intervalMs: 100 },
  ).catch(() => undefined);
}
