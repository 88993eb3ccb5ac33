/**
 * @module Tables for `npm run bench`: medians over rounds, the ratios and targets of issue #8, as Markdown that
 * reads the same in a terminal and in docs/performance.md. Pure formatting: no I/O.
 */
import type { RunResult } from './ingest/load.ts';

export function median(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

export interface Summary {
  target: string;
  rounds: number;
  rps: number;
  rpsMin: number;
  rpsMax: number;
  p50: number;
  p99: number;
  cpuUs: number;
  failed: number;
  generatorCores: number;
}

export function summarize(target: string, runs: readonly RunResult[]): Summary {
  const rps = runs.map((r) => r.rps);
  return {
    target,
    rounds: runs.length,
    rps: median(rps),
    rpsMin: Math.min(...rps),
    rpsMax: Math.max(...rps),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    cpuUs: median(runs.map((r) => r.cpuUsPerEvent)),
    failed: runs.reduce((s, r) => s + r.failed, 0),
    generatorCores: median(runs.map((r) => r.generatorCores)),
  };
}

const f = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const ms = (x: number) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(1)) : 'n/a');

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

export function throughputTable(rows: readonly Summary[]): string {
  return table(
    [
      'target',
      'req/s (median)',
      'req/s (min–max)',
      'p50 ms',
      'p99 ms',
      'server CPU µs/event',
      'failed',
      'generator cores',
    ],
    rows.map((s) => [
      s.target,
      f(s.rps),
      `${f(s.rpsMin)}–${f(s.rpsMax)}`,
      ms(s.p50),
      ms(s.p99),
      f(s.cpuUs),
      String(s.failed),
      f(s.generatorCores, 2),
    ]),
  );
}

export function fixedRateTable(rate: number, rows: readonly Summary[]): string {
  return table(
    [`target at ${rate} req/s`, 'achieved req/s', 'p50 ms', 'p99 ms', 'server CPU µs/event', 'failed'],
    rows.map((s) => [s.target, f(s.rps), ms(s.p50), ms(s.p99), f(s.cpuUs), String(s.failed)]),
  );
}

export interface Ratios {
  throughputVsBare: number;
  throughputVsTwurple: number;
  /** Floor CPU / our CPU: 1 means our code costs nothing beyond verifying. */
  cpuVsBare: number;
  cpuVsTwurple: number;
}

export function ratios(ours: Summary, bare: Summary, twurple: Summary): Ratios {
  return {
    throughputVsBare: ours.rps / bare.rps,
    throughputVsTwurple: ours.rps / twurple.rps,
    cpuVsBare: bare.cpuUs / ours.cpuUs,
    cpuVsTwurple: twurple.cpuUs / ours.cpuUs,
  };
}

export interface OursRatios {
  name: string;
  ratios: Ratios;
  /** The fixed-rate run of this configuration. */
  fixed: Summary;
}

export function ratioTable(rows: readonly OursRatios[]): string {
  return table(
    ['ratio', 'ours / bare-verify floor', 'ours / twurple'],
    rows.flatMap(({ name, ratios: r }) => [
      [`${name}: throughput (req/s)`, `${f(r.throughputVsBare, 2)}×`, `${f(r.throughputVsTwurple, 2)}×`],
      [`${name}: CPU (their µs/event ÷ ours)`, `${f(r.cpuVsBare, 2)}×`, `${f(r.cpuVsTwurple, 2)}×`],
    ]),
  );
}

export function targetsTable(rows: readonly OursRatios[], rate: number): string {
  return table(
    ['target (issue #8)', 'configuration', 'measured', 'verdict'],
    rows.flatMap(({ name, ratios: r, fixed }) => {
      const p99ok = fixed.p99 < 20 && fixed.rps >= rate * 0.95;
      return [
        [
          'full pipeline ≥ 0.9× the bare-verify floor (req/s)',
          name,
          `${f(r.throughputVsBare, 2)}×`,
          r.throughputVsBare >= 0.9 ? 'met' : 'MISSED',
        ],
        [
          `p99 < 20 ms at ${rate} req/s`,
          name,
          `${ms(fixed.p99)} ms at ${f(fixed.rps)} req/s achieved`,
          p99ok ? 'met' : 'MISSED',
        ],
      ];
    }),
  );
}

export interface StageRow {
  stage: string;
  summary: Summary;
}

/** Each stage's own cost: the CPU it adds over the stage before it. */
export function attributionTable(rows: readonly StageRow[]): string {
  return table(
    ['stage (cumulative)', 'req/s', 'p50 ms', 'server CPU µs/event', 'added by this stage µs/event'],
    rows.map((r, i) => [
      r.stage,
      f(r.summary.rps),
      ms(r.summary.p50),
      f(r.summary.cpuUs),
      i === 0 ? f(r.summary.cpuUs) : f(r.summary.cpuUs - (rows[i - 1]?.summary.cpuUs ?? 0)),
    ]),
  );
}
