/**
 * @module The scale benchmark of issue #8: reconcile and a maintenance swap on 1, 100, 1,000 and 20,000 shards
 * against the simulator, with the Helix calls, invocations and wall time of each phase, on the production bundle on
 * workerd (phases.ts says what each phase is). The whole section runs within a time budget (8 minutes, smoke 20 s);
 * a phase that cannot finish in what is left stops, and the report says so with what it had done by then — nothing
 * is extrapolated.
 */
import { existsSync } from 'node:fs';
import type { BuildResult } from '../ingest/targets.ts';
import { PHASES, runSize, type PhaseName, type SizeResult } from './phases.ts';
import { RATE_LIMIT_PER_MINUTE } from './stack.ts';
import { detailTable, growthLine, mainTable, notes, summaryOf } from './tables.ts';

interface Plan {
  sizes: { n: number; phases: readonly PhaseName[] }[];
  /** The whole section, shutting down included. */
  budgetMs: number;
  /**
   * Held back for each size still to come while an earlier one runs: about what that size took on this machine
   * before its restore, with a margin, and for 20,000 shards a restore sample too. Only restores come near it.
   */
  reserveMs: Record<number, number>;
}

const PLANS: Record<'full' | 'smoke', Plan> = {
  full: {
    sizes: [1, 100, 1_000, 20_000].map((n) => ({ n, phases: PHASES })),
    // The 20,000-shard restore goes one shard at a time (about 60 a second here): it needs most of this.
    budgetMs: 480_000,
    reserveMs: { 100: 30_000, 1_000: 40_000, 20_000: 75_000 },
  },
  // Smoke: every phase at 1 shard, the two reconcile phases at 100 (the maintenance phases there take ~20 s).
  smoke: {
    sizes: [
      { n: 1, phases: PHASES },
      { n: 100, phases: ['scale', 're-reconcile'] },
    ],
    budgetMs: 19_000,
    reserveMs: { 100: 5_000 },
  },
};

/** A ceiling per phase, whatever the budget: a phase that needs more is stuck, not slow. */
const PHASE_CAP_MS: Record<PhaseName, number> = {
  scale: 120_000,
  're-reconcile': 60_000,
  move: 120_000,
  restore: 420_000,
};
/** Kept for closing the last stack (workerd and the simulator). */
const TEARDOWN_MS = 3_000;

/** tmpfs, when the machine has one: Durable Object storage without this VM's disk (docs/performance.md). */
const TMPFS = existsSync('/dev/shm') ? '/dev/shm' : undefined;

function describe(results: readonly SizeResult[], plan: Plan, smoke: boolean, elapsedMs: number): string {
  const lead = results.find((r) => r.leadSeconds !== undefined)?.leadSeconds;
  const method = [
    'Each shard count runs on a fresh stack: the production bundle on workerd (Miniflare, direct socket, never',
    `\`wrangler dev\`) with Durable Object storage on ${TMPFS ? 'tmpfs' : 'disk'}, and the Twitch simulator in the`,
    `benchmark's process with its Helix bucket raised to ${RATE_LIMIT_PER_MINUTE.toLocaleString('en-US')} points a`,
    "minute (Twitch's is 800: at that rate the calls below would also wait for the bucket). Every shard is a webhook",
    'shard on a built-in endpoint of the Worker under test (PUBLIC_URL is its socket), so the Worker answers every',
    'challenge. **scale**: `POST scale` on a fresh deployment, until all N shards are enabled; **re-reconcile**:',
    '`POST reconcile` with nothing to change; **move**: a second endpoint `green` is added and a window on `default`',
    `is created one lead time (${lead ?? 300} s) before it starts, until every shard is enabled on \`green\`;`,
    '**restore**: the window is cancelled, which the controller handles as an ended window (`default` answers a',
    'signed test challenge, then the shards go home one at a time), until every shard is back. The admin call runs',
    "the first invocation or asks for one; the rest run from the Durable Object's real alarm (20 ms after an",
    'invocation that spent its subrequest budget, a second after one that waits on a pending challenge). Helix',
    "calls are the requests the simulator answered; invocations are the controller's own count",
    '(`reconcile.invocations` of each run, polled from `GET status`); wall time runs from the admin call until the goal',
    `is reached on the simulator and the controller's run is done. The section ran ${(elapsedMs / 1000).toFixed(0)} s of its ${plan.budgetMs / 1000} s budget.`,
  ].join(' ');
  return smoke ? `${method} Smoke run: a reduced set of sizes and phases.` : method;
}

export async function runScaleBench(opts: {
  smoke: boolean;
  log: (line: string) => void;
  bundle: BuildResult;
}): Promise<{ markdown: string; summary: Record<string, number | string> }> {
  const plan = PLANS[opts.smoke ? 'smoke' : 'full'];
  const started = performance.now();
  const deadline = started + plan.budgetMs;
  const results: SizeResult[] = [];
  for (const [i, size] of plan.sizes.entries()) {
    const reserve = plan.sizes.slice(i + 1).reduce((sum, later) => sum + (plan.reserveMs[later.n] ?? 0), 0);
    opts.log(`scale: ${size.n.toLocaleString('en-US')} shard(s)`);
    results.push(
      await runSize(opts.bundle, size.n, {
        ...(TMPFS === undefined ? {} : { persistRoot: TMPFS }),
        log: opts.log,
        phases: size.phases,
        limit: (phase) => Math.min(PHASE_CAP_MS[phase], deadline - performance.now() - TEARDOWN_MS - reserve),
      }),
    );
  }
  const elapsedMs = performance.now() - started;
  const stopped = notes(results);
  const markdown = [
    '### Scale: reconcile and a maintenance swap by shard count',
    describe(results, plan, opts.smoke, elapsedMs),
    mainTable(results),
    ...stopped,
    growthLine(results),
    '### Scale: where the Helix calls go',
    'Pages: Get Conduit Shards of a full listing (100 shards a page); pending checks: the status-filtered listings a ' +
      'paced step makes before it goes on; Helix calls per invocation: the mean (each invocation stops before 46, ' +
      'the Free plan’s 50 subrequests less room for a token, asserted per invocation by the Workers tests); ' +
      'shards/s: shards moved or brought home per second of wall time.',
    detailTable(results),
  ].join('\n\n');
  return { markdown, summary: { ...summaryOf(results), 'scale section run s': Math.round(elapsedMs / 1000) } };
}
