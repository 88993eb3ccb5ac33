/**
 * @module The scale benchmark's report: one row per shard count with each phase's Helix calls, invocations and wall
 * time, where the calls went, how the cost grows (calls per 1,000 shards), and the summary for the issue note. Pure
 * formatting of measured figures; a phase that stopped at its time limit is marked as such wherever it appears.
 */
import { table } from '../report.ts';
import type { PhaseFigures } from './observe.ts';
import { PHASES, type PhaseName, type SizeResult } from './phases.ts';

const int = (n: number) => n.toLocaleString('en-US');
const secs = (ms: number) => (ms / 1000).toFixed(1);
/** Calls per 1,000 shards: three significant digits at most, so 2.2 and 5,000 both read naturally. */
const per1000 = (calls: number, shards: number) => {
  const v = (calls / shards) * 1000;
  return v >= 100 ? int(Math.round(v)) : v.toPrecision(2);
};

/** The shards a phase acted on: all N, or as many as it got to before its limit. */
const shardsDone = (n: number, f: PhaseFigures) => (f.finished ? n : (f.stoppedAt?.shards ?? 0));

export function mainTable(results: readonly SizeResult[]): string {
  const header = ['shards'];
  for (const p of PHASES) header.push(`${p}: Helix calls`, 'invocations', 'wall s');
  const rows = results.map((r) => {
    const row = [int(r.n)];
    for (const p of PHASES) {
      const f = r.phases[p];
      if (!f) row.push('—', '—', '—');
      else row.push(int(f.calls), int(f.invocations), f.finished ? secs(f.wallMs) : `${secs(f.wallMs)} (stopped)`);
    }
    return row;
  });
  return table(header, rows);
}

/** Plain sentences for every phase that stopped at its limit or was not run. */
export function notes(results: readonly SizeResult[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    for (const p of PHASES) {
      const f = r.phases[p];
      if (f && !f.finished) {
        out.push(
          `**${p} at ${int(r.n)} shards did not finish**: stopped at its time limit after ${secs(f.wallMs)} s with ` +
            `${f.stoppedAt?.text ?? 'unknown progress'} (${int(f.calls)} Helix calls, ${int(f.invocations)} invocations so far).`,
        );
      }
    }
    if (r.note) out.push(`${int(r.n)} shards: ${r.note}.`);
  }
  return out;
}

export function detailTable(results: readonly SizeResult[]): string {
  const header = [
    'shards',
    'phase',
    'pages listed',
    'pending checks',
    'PATCH shards (shards named)',
    'other calls',
    'Helix calls per invocation (mean)',
    'PATCHes sent, s after start',
    'shards/s',
  ];
  const rows: string[][] = [];
  for (const r of results) {
    for (const p of PHASES) {
      const f = r.phases[p];
      if (!f) continue;
      const b = f.breakdown;
      const moved = p === 'move' || p === 'restore' ? shardsDone(r.n, f) : null;
      rows.push([
        int(r.n),
        f.finished ? p : `${p} (stopped)`,
        b ? int(b.pages) : 'n/a',
        b ? int(b.settleChecks) : 'n/a',
        b ? `${int(b.patches)} (${int(b.shardsPatched)})` : 'n/a',
        b ? int(b.other) : 'n/a',
        f.invocations > 0 ? (f.calls / f.invocations).toFixed(1) : 'n/a',
        b && b.firstPatchMs !== null && b.lastPatchMs !== null ? `${secs(b.firstPatchMs)}–${secs(b.lastPatchMs)}` : '—',
        moved === null ? '—' : (moved / (f.wallMs / 1000)).toFixed(1),
      ]);
    }
  }
  return table(header, rows);
}

/** Helix calls per 1,000 shards for each phase, across the shard counts measured. */
export function growthLine(results: readonly SizeResult[]): string {
  const parts = PHASES.flatMap((p) => {
    const cells = results.flatMap((r) => {
      const f = r.phases[p];
      if (!f) return [];
      const shards = shardsDone(r.n, f);
      if (shards === 0) return [];
      return [`${per1000(f.calls, shards)}${f.finished ? '' : '*'}`];
    });
    return cells.length > 0 ? [`${p} ${cells.join(' → ')}`] : [];
  });
  const sizes = results.map((r) => int(r.n)).join(' / ');
  const starred = results.some((r) => PHASES.some((p) => r.phases[p] && !r.phases[p].finished));
  return (
    `Growth, Helix calls per 1,000 shards at ${sizes} shards: ${parts.join('; ')}.` +
    (starred ? ' (* per 1,000 shards it got to before its time limit.)' : '')
  );
}

export function summaryOf(results: readonly SizeResult[]): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const r of results) {
    for (const p of PHASES as readonly PhaseName[]) {
      const f = r.phases[p];
      if (!f) continue;
      const head = `${int(f.calls)} Helix calls, ${int(f.invocations)} invocations, ${secs(f.wallMs)} s`;
      out[`${p} ${int(r.n)} shards`] = f.finished ? head : `${head}: did not finish (${f.stoppedAt?.text})`;
    }
  }
  return out;
}
