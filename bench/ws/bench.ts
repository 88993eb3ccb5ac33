/**
 * @module `runWsBench`: the WebSocket path of issue #8, events per second from the simulator through one
 * WebSocketShard into the EventHubs and out to a live `GET /events` consumer, with latency p50/p99, server CPU per
 * event, and a delivery check (sent, delivered, duplicates, missing, and what the Queue received). Two storage
 * configurations, each its own workerd, as in the ingest bench: the OS temp dir (a disk whose SQLite `fsync`s are
 * shared with other work here, docs/performance.md) and tmpfs when the machine has one. The machine is noisy, so
 * runs alternate over rounds and medians are reported. Budgets: smoke ≤ 20 s, full ≤ 90 s.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { median } from '../report.ts';
import type { BuildResult } from '../ingest/targets.ts';
import { connectConsumer, type Consumer } from './consumer.ts';
import { drive, type RunShape, type WsRun } from './drive.ts';
import { deliveryOk, describeRun, f, ms, renderMarkdown, sum, type TargetReport } from './report.ts';
import { EVENT_TYPE, startWsStack, type WsStack } from './stack.ts';

export interface WsBenchOptions {
  smoke: boolean;
  log: (line: string) => void;
  bundle: BuildResult;
}

export interface WsBenchResult {
  markdown: string;
  summary: Record<string, number | string>;
}

/** Events in flight in the throughput runs. */
const WINDOW = 500;
const RATE = 500;

function planFor(smoke: boolean) {
  return {
    rounds: smoke ? 1 : 3,
    broadcasters: 16,
    warmup: { kind: 'max', events: smoke ? 200 : 1_000, window: 200 } satisfies RunShape,
    // Throughput stayed flat from a window of 300 to 3,000 here (the server is the limit); a bigger window only
    // adds queueing latency, a smaller one starts to leave the server idle.
    max: { kind: 'max', events: smoke ? 1_000 : 5_000, window: WINDOW } satisfies RunShape,
    fixed: { kind: 'fixed', rate: RATE, events: smoke ? 500 : 2_000 } satisfies RunShape,
    drive: { settleMs: smoke ? 3_000 : 8_000, sendDeadlineMs: smoke ? 4_000 : 10_000 },
    budgetMs: smoke ? 20_000 : 90_000,
    /** Guess for the first round's length before one has been timed; later rounds use the longest so far. */
    firstRoundGuessMs: smoke ? 10_000 : 30_000,
    /** Kept free at the end: the final Queue wait and shutting everything down. */
    tailMs: smoke ? 3_000 : 8_000,
  };
}

const STORAGE = [
  { name: 'disk (OS temp dir)', key: 'disk', root: tmpdir() },
  ...(existsSync('/dev/shm') ? [{ name: 'tmpfs (/dev/shm)', key: 'tmpfs', root: '/dev/shm' }] : []),
];

interface Target {
  storage: (typeof STORAGE)[number];
  stack: WsStack;
  consumer: Consumer;
  warmup: WsRun[];
  max: WsRun[];
  fixed: WsRun[];
}

/** Round r runs the items in a rotated order, so none always goes first (or last) on a warming machine. */
const rotated = <T>(items: readonly T[], r: number): T[] => items.map((_, i) => items[(i + r) % items.length] as T);

async function waitDrained(stack: WsStack, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let n = await stack.drained();
  while (n < stack.sent && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    n = await stack.drained();
  }
  return n;
}

export async function runWsBench(opts: WsBenchOptions): Promise<WsBenchResult> {
  const plan = planFor(opts.smoke);
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const stacks: WsStack[] = [];
  const targets: Target[] = [];
  const reports: TargetReport[] = [];
  let cut = '';
  try {
    for (const storage of STORAGE) {
      opts.log(`ws: starting the simulator and the production bundle on workerd, storage on ${storage.name}`);
      const stack = await startWsStack(opts.bundle, plan.broadcasters, opts.log, storage.root);
      stacks.push(stack);
      const consumer = await connectConsumer(stack.workerUrl, stack.consumerToken, [EVENT_TYPE]);
      targets.push({ storage, stack, consumer, warmup: [], max: [], fixed: [] });
    }
    opts.log(`ws: stacks up and consumers live after ${f(elapsed() / 1000, 1)} s; warming up`);
    for (const t of targets) {
      t.warmup.push(await drive(t.stack, t.consumer, plan.warmup, plan.drive));
      opts.log(`ws  warm-up ${t.storage.key}: ${describeRun(t.warmup[0] as WsRun)}`);
    }
    let longestRound = plan.firstRoundGuessMs;
    for (let r = 0; r < plan.rounds; r++) {
      if (elapsed() + longestRound > plan.budgetMs - plan.tailMs) {
        cut = `Stopped after ${r} of ${plan.rounds} rounds to stay within the ${plan.budgetMs / 1000} s budget.`;
        opts.log(`ws: ${cut}`);
        break;
      }
      const roundStarted = performance.now();
      for (const kind of rotated(['max', 'fixed'] as const, r)) {
        for (const t of rotated(targets, r)) {
          const run = await drive(t.stack, t.consumer, kind === 'max' ? plan.max : plan.fixed, plan.drive);
          t[kind].push(run);
          opts.log(`ws  round ${r + 1} ${kind} ${t.storage.key}: ${describeRun(run)}`);
        }
      }
      longestRound = Math.max(r === 0 ? 0 : longestRound, performance.now() - roundStarted);
    }
    for (const t of targets) {
      const queue = { drained: await waitDrained(t.stack, 10_000), sent: t.stack.sent };
      reports.push({
        name: t.storage.name,
        max: t.max,
        fixed: t.fixed,
        all: [...t.warmup, ...t.max, ...t.fixed],
        reconnects: t.consumer.reconnects,
        consumerErrors: t.consumer.errors,
        queue,
      });
    }
  } finally {
    for (const t of targets) t.consumer.client.close();
    for (const stack of stacks) await stack.close();
  }

  // A figure no round measured (the budget cut every round) is said to be missing, never a NaN.
  const figure = (x: number, text: (x: number) => string) => (Number.isFinite(x) ? Number(text(x)) : 'not measured');
  const summary: Record<string, number | string> = {};
  for (const [i, t] of reports.entries()) {
    const key = STORAGE[i]?.key ?? String(i);
    summary[`ws_events_per_s_${key}`] = figure(median(t.max.map((r) => r.eps)), f);
    summary[`ws_p50_ms_at_${RATE}_${key}`] = figure(median(t.fixed.map((r) => r.p50)), ms);
    summary[`ws_p99_ms_at_${RATE}_${key}`] = figure(median(t.fixed.map((r) => r.p99)), ms);
    summary[`ws_cpu_us_per_event_${key}`] = figure(median(t.max.map((r) => r.cpuUsPerEvent)), f);
    summary[`ws_queue_${key}`] = `${t.queue.drained}/${t.queue.sent}`;
  }
  const all = reports.flatMap((t) => t.all);
  Object.assign(summary, {
    ws_sent: sum(all, 'sent'),
    ws_missing: sum(all, 'missing'),
    ws_duplicates: sum(all, 'duplicates'),
    ws_delivery_ok: reports.every(deliveryOk) ? 'yes' : 'NO',
    ws_rounds: Math.max(0, ...reports.map((t) => t.max.length)),
  });
  const markdown = renderMarkdown({
    eventType: EVENT_TYPE,
    broadcasters: plan.broadcasters,
    window: WINDOW,
    rate: RATE,
    targets: reports,
    cut,
  });
  return { markdown, summary };
}
