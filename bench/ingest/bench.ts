/**
 * @module `runIngestBench`: webhook ingest on workerd against the runtime's floor and against twurple (issue #8,
 * design.md §9), alternating in rounds on one machine, medians reported; then where our own cost goes. Returns the
 * Markdown section for `npm run bench` (bench/run.ts). Everything listens on and talks to 127.0.0.1 only.
 */
import { existsSync } from 'node:fs';
import { endpointSecret } from '../../src/verify/derive.ts';
import { waitFor } from '../../test/support/wait.ts';
import {
  attributionTable,
  fixedRateTable,
  ratios,
  ratioTable,
  summarize,
  table,
  targetsTable,
  throughputTable,
  type StageRow,
  type Summary,
} from '../report.ts';
import { runLoad, type LoadOptions, type RunResult } from './load.ts';
import { profileDuring } from './profile.ts';
import {
  build,
  buildAblation,
  startBare,
  startOurs,
  startTwurple,
  tempDir,
  type BuildResult,
  type OursTarget,
  type Target,
  type TwurpleTarget,
} from './targets.ts';

export interface IngestBenchOptions {
  smoke: boolean;
  log: (line: string) => void;
  /** The production bundle (`wrangler deploy --dry-run --outdir`). */
  bundle: BuildResult;
  rounds?: number;
  durationS?: number;
  attribution: boolean;
  profile: boolean;
  /** Throws once the whole `npm run bench` is over its time budget; checked before every load run. */
  deadline(): void;
}

export interface IngestBenchResult {
  markdown: string;
  summary: Record<string, number | string>;
}

const MASTER = 'bench-eventsub-master-secret-0123456789';
const OURS_TMPFS = 'ours, storage on tmpfs';
const WORKER_SECRETS = {
  EVENTSUB_SECRET: MASTER,
  ADMIN_TOKEN: 'bench-admin-token-0123456789',
  TWITCH_CLIENT_SECRET: 'bench-client-secret',
};

/** tmpfs, when the machine has one: Durable Object storage without this disk's fsync (see docs/performance.md). */
const TMPFS = existsSync('/dev/shm') ? '/dev/shm' : undefined;

/** Round r runs the targets in a rotated order, so no target always goes first (or last) on a warming machine. */
const rotated = <T>(items: readonly T[], r: number): T[] => items.map((_, i) => items[(i + r) % items.length] as T);

export async function runIngestBench(opts: IngestBenchOptions): Promise<IngestBenchResult> {
  const { smoke, log } = opts;
  const plan = {
    rounds: opts.rounds ?? (smoke ? 1 : 5),
    /** Max-throughput runs: as fast as the server answers, with this many connections. */
    max: { connections: 32, durationS: opts.durationS ?? (smoke ? 1 : 8), rate: 0 } satisfies LoadOptions,
    fixed: { connections: 50, durationS: smoke ? 1 : 6, rate: 1_000 } satisfies LoadOptions,
    warmupS: smoke ? 0.5 : 2,
    attribution: !smoke && opts.attribution,
    attributionRounds: 3,
  };
  /** Requests each target answered with its success status, warm-ups included: the pipeline check counts them all. */
  const served = new Map<string, number>();

  async function load(target: Target, secret: string, o: LoadOptions): Promise<RunResult> {
    opts.deadline();
    const r = await runLoad(target, secret, o);
    served.set(target.name, (served.get(target.name) ?? 0) + r.ok);
    return r;
  }

  async function measure(target: Target, secret: string, o: LoadOptions, label: string): Promise<RunResult> {
    const r = await load(target, secret, o);
    log(
      `  ${label} ${target.name}: ${r.rps.toFixed(0)} req/s, p99 ${r.p99.toFixed(2)} ms, ${r.cpuUsPerEvent.toFixed(0)} µs CPU/event${r.failed ? `, ${r.failed} failed` : ''}`,
    );
    return r;
  }

  async function alternate(targets: readonly Target[], secret: string, o: LoadOptions, rounds: number, label: string) {
    const runs = new Map<string, RunResult[]>(targets.map((t) => [t.name, []]));
    for (let r = 0; r < rounds; r++) {
      for (const t of rotated(targets, r))
        runs.get(t.name)!.push(await measure(t, secret, o, `${label} round ${r + 1}`));
    }
    return runs;
  }

  async function attribution(bundle: BuildResult, bare: Target, secret: string): Promise<StageRow[]> {
    const stages = [
      { stage: 'route (hub stubbed)', ablation: 'route' },
      { stage: '+ RPC into the EventHub (it answers at once)', ablation: 'rpc' },
      { stage: '+ de-duplicate and durable write', ablation: 'record' },
      { stage: '+ consumer publish and Queue send (full pipeline)', ablation: 'full' },
    ];
    const targets = [];
    try {
      for (const s of stages) {
        const secrets = { ...WORKER_SECRETS, BENCH_ABLATION: s.ablation };
        targets.push(await startOurs(bundle, secrets, { persistRoot: TMPFS, name: s.ablation }));
      }
      for (const t of targets) await load(t, secret, { ...plan.max, durationS: plan.warmupS });
      const runs = await alternate([bare, ...targets], secret, plan.max, plan.attributionRounds, 'attribution');
      return [
        { stage: 'verify only (the bare floor)', summary: summarize('bare', runs.get('bare')!) },
        ...stages.map((s) => ({ stage: s.stage, summary: summarize(s.ablation, runs.get(s.ablation)!) })),
      ];
    } finally {
      for (const t of targets) await t.close();
    }
  }

  /**
   * Every request a Worker answered 204 reached the Queue exactly once, and twurple's handler ran once per 202.
   * Requests in flight when a run ends were served but not counted: at most one per connection per run.
   */
  async function pipelineCheck(
    servers: { ours: OursTarget; tmpfs: OursTarget | null; twurple: TwurpleTarget },
    runs: number,
  ): Promise<{ text: string; ok: boolean }> {
    const slack = (runs + 8) * Math.max(plan.max.connections, plan.fixed.connections);
    const rows: string[][] = [];
    let ok = true;
    for (const t of [servers.ours, servers.tmpfs].filter((x): x is OursTarget => x !== null)) {
      const accepted = served.get(t.name) ?? 0;
      const drained = await waitFor(
        `the Queue to deliver what ${t.name} accepted`,
        async () => {
          const n = await t.drained();
          return n >= accepted && n;
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      ).catch(() => t.drained());
      ok &&= drained >= accepted && drained <= accepted + slack;
      rows.push([`${t.name}: answered 204 / events the Queue delivered`, `${accepted} / ${drained}`]);
    }
    rows.push([
      'twurple: answered 202 / handler calls',
      `${served.get('twurple') ?? 0} / ${await servers.twurple.events()}`,
    ]);
    const verdict = ok
      ? 'Every accepted event reached the Queue (in-flight requests at the end of a run are served but not counted).'
      : '**FAILED**: accepted and enqueued counts disagree.';
    return { text: `${table(['check', 'value'], rows)}\n\n${verdict}`, ok };
  }

  const bare = build('bench/ingest/bare-verify.wrangler.toml', tempDir('bench-bare-'));
  const ablation = plan.attribution || opts.profile ? buildAblation(tempDir('bench-ablation-')) : null;
  const secret = await endpointSecret(MASTER, 'default');
  const sections: string[] = [];
  const summary: Record<string, number | string> = {};
  const servers = {
    ours: await startOurs(opts.bundle, WORKER_SECRETS),
    tmpfs: TMPFS ? await startOurs(opts.bundle, WORKER_SECRETS, { persistRoot: TMPFS, name: OURS_TMPFS }) : null,
    bare: await startBare(bare, secret),
    twurple: await startTwurple(secret),
  };
  const targets: Target[] = [servers.ours, ...(servers.tmpfs ? [servers.tmpfs] : []), servers.bare, servers.twurple];
  const names = targets.map((t) => t.name);
  try {
    log('ingest: warming up');
    for (const t of targets) await load(t, secret, { ...plan.max, durationS: plan.warmupS });

    log(
      `ingest max throughput: ${plan.rounds} round(s) of ${plan.max.durationS} s, ${plan.max.connections} connections`,
    );
    const max = await alternate(targets, secret, plan.max, plan.rounds, 'max');
    log(`ingest fixed rate: ${plan.rounds} round(s) of ${plan.fixed.durationS} s at ${plan.fixed.rate} req/s`);
    const fixed = await alternate(targets, secret, plan.fixed, plan.rounds, 'fixed');

    const summaries = (runs: Map<string, RunResult[]>) => names.map((name) => summarize(name, runs.get(name)!));
    const maxRows = summaries(max);
    const fixedRows = summaries(fixed);
    const row = (rows: Summary[], name: string) => rows.find((x) => x.target === name)!;
    const [bMax, tMax] = [row(maxRows, 'bare'), row(maxRows, 'twurple')];
    const r = names
      .filter((n) => n !== 'bare' && n !== 'twurple')
      .map((n) => ({ name: n, ratios: ratios(row(maxRows, n), bMax, tMax), fixed: row(fixedRows, n) }));
    for (const x of r) {
      const key = x.name === 'ours' ? 'disk' : 'tmpfs';
      summary[`ingest_rps_${key}`] = Math.round(row(maxRows, x.name).rps);
      summary[`ingest_ratio_floor_${key}`] = Number(x.ratios.throughputVsBare.toFixed(2));
      summary[`ingest_ratio_twurple_${key}`] = Number(x.ratios.throughputVsTwurple.toFixed(2));
      summary[`ingest_p99_ms_at_${plan.fixed.rate}_${key}`] = Number(x.fixed.p99.toFixed(1));
    }
    summary.ingest_rps_bare = Math.round(bMax.rps);
    summary.ingest_rps_twurple = Math.round(tMax.rps);

    const check = await pipelineCheck(servers, [...max.values(), ...fixed.values()].flat().length);
    summary.ingest_pipeline_ok = check.ok ? 'yes' : 'NO';
    sections.push(
      `### Ingest: max throughput (${plan.max.connections} connections, ${plan.rounds} × ${plan.max.durationS} s each, medians)\n\n${throughputTable(maxRows)}`,
      `### Ingest: ratios\n\n${ratioTable(r)}`,
      `### Ingest: latency at a fixed ${plan.fixed.rate} req/s (${plan.fixed.connections} connections, ${plan.rounds} × ${plan.fixed.durationS} s, medians)\n\n${fixedRateTable(plan.fixed.rate, fixedRows)}`,
      `### Ingest: targets\n\n${targetsTable(r, plan.fixed.rate)}`,
      `### Ingest: pipeline check\n\n${check.text}`,
    );
    if (plan.attribution && ablation) {
      log('ingest attribution: where the full pipeline spends beyond the floor');
      const rows = await attribution(ablation, servers.bare, secret);
      sections.push(
        `### Ingest: where the cost goes (${plan.attributionRounds} rounds, max throughput, medians)\n\n` +
          'The production entry with one stage replaced (bench/ingest/ablation.worker.ts), each on its own workerd.\n\n' +
          attributionTable(rows),
      );
    }
    if (opts.profile && ablation) sections.push(...(await profile(ablation, secret, plan, log)));
  } finally {
    for (const t of targets) await t.close().catch(() => undefined);
  }
  return { markdown: sections.join('\n\n'), summary };
}

/** A V8 CPU profile of every workerd isolate of the full pipeline during one max-throughput run. */
async function profile(
  ablation: BuildResult,
  secret: string,
  plan: { max: LoadOptions; warmupS: number },
  log: (line: string) => void,
): Promise<string[]> {
  log('ingest profile: sampling every isolate of the full pipeline during one run');
  const t = await startOurs(
    ablation,
    { ...WORKER_SECRETS, BENCH_ABLATION: 'full' },
    { persistRoot: TMPFS, inspectorPort: 0 },
  );
  try {
    await runLoad(t, secret, { ...plan.max, durationS: plan.warmupS });
    let events = 0;
    const profiles = await profileDuring(await t.mf.getInspectorURL(), ablation, async () => {
      events = (await runLoad(t, secret, plan.max)).ok;
    });
    return profiles.map((p) => {
      const rows = p.functions.slice(0, 15).map(([fn, msBusy]) => [fn, ((msBusy * 1000) / events).toFixed(1)]);
      return `### Ingest profile: ${p.isolate} (busy ${((p.busyMs * 1000) / events).toFixed(0)} µs/event, wall time, profiler on)\n\n${table(['function (module)', 'µs/event'], rows)}`;
    });
  } finally {
    await t.close();
  }
}
