/**
 * @module Counting the ConduitController's invocations from outside: `GET status` shows the progress record of the
 * reconcile run in hand (`started_at`, `invocations`, `helix_calls`), and a phase may span several runs (a window
 * asks for a fresh pass). The counter keeps the last invocation number seen per run: a run's invocations are its
 * last number, whatever was missed between polls (a continuation after a spent budget comes 20 ms later, faster
 * than the polls, so per-invocation figures are not observable from outside; the budget per invocation is asserted
 * by test/workers/controller-20k.test.ts instead).
 */
import type { StatusLite } from './stack.ts';

type Progress = StatusLite['reconcile'];

/** Invocations per reconcile run, from the progress snapshots `GET status` showed. */
export class InvocationCounter {
  /** started_at → invocation number → the largest `helix_calls` seen then (subrequests: test challenges count too). */
  private readonly runs = new Map<string, Map<number, number>>();
  private readonly baseKey: string | null;
  private readonly baseInvocations: number;

  constructor(baseline: Progress) {
    this.baseKey = baseline.started_at;
    this.baseInvocations = baseline.invocations;
    this.observe(baseline);
  }

  observe(p: Progress): void {
    if (p.started_at === null) return;
    const run = this.runs.get(p.started_at) ?? new Map<number, number>();
    run.set(p.invocations, Math.max(run.get(p.invocations) ?? 0, p.helix_calls));
    this.runs.set(p.started_at, run);
  }

  invocations(): number {
    let n = 0;
    for (const [key, run] of this.runs) {
      const last = Math.max(...run.keys());
      n += key === this.baseKey ? last - this.baseInvocations : last;
    }
    return n;
  }
}
