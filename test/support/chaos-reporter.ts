/**
 * @module Vitest reporter for the fault-injection runs: collects every scenario's one-line report
 * (`[chaos] NAME: sent N, delivered N, duplicated N, lost N (notes)`, printed by test/chaos/support/tally.ts) from
 * the tests' console output and prints them as one Markdown table when the run ends — the table docs/reliability.md
 * holds. `CHAOS_REPORT=<file>` also writes the table there.
 */
import { writeFileSync } from 'node:fs';
import type { UserConsoleLog } from 'vitest';
import type { Reporter, Vitest } from 'vitest/node';

export interface ChaosLine {
  scenario: string;
  sent: number;
  delivered: number;
  duplicated: number;
  lost: number;
  notes: string;
}

const LINE = /\[chaos\] (.+?): sent (\d+), delivered (\d+), duplicated (\d+), lost (\d+)(?: \((.*)\))?\s*$/;

/** The report lines in a chunk of output, in order. */
export function parseChaosLines(text: string): ChaosLine[] {
  const out: ChaosLine[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    out.push({
      scenario: m[1]!,
      sent: Number(m[2]),
      delivered: Number(m[3]),
      duplicated: Number(m[4]),
      lost: Number(m[5]),
      notes: m[6] ?? '',
    });
  }
  return out;
}

export function chaosTable(lines: ChaosLine[]): string {
  const rows = lines.map(
    (l) =>
      `| ${l.scenario} | ${l.sent} | ${l.delivered} | ${l.duplicated} | ${l.lost} | ${l.notes.replace(/\|/g, '\\|')} |`,
  );
  return [
    '| scenario | sent | delivered | duplicated | lost | notes |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...rows,
  ].join('\n');
}

export default class ChaosReporter implements Reporter {
  private readonly lines: (ChaosLine & { file: string; seq: number })[] = [];
  private vitest: Vitest | null = null;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onUserConsoleLog(log: UserConsoleLog): void {
    const task = log.taskId ? this.vitest?.state.idMap.get(log.taskId) : undefined;
    const file = task?.file?.filepath ?? '';
    for (const line of parseChaosLines(log.content)) this.lines.push({ ...line, file, seq: this.lines.length });
  }

  onTestRunEnd(): void {
    if (this.lines.length === 0) return;
    // Files finish in any order; the table is by file name, then in the order each file printed its lines.
    const sorted = [...this.lines].sort((a, b) => a.file.localeCompare(b.file) || a.seq - b.seq);
    const table = chaosTable(sorted);
    console.log(`\nFault injection: ${this.lines.length} scenario(s)\n\n${table}\n`);
    const file = process.env.CHAOS_REPORT;
    if (file) writeFileSync(file, `${table}\n`);
  }
}
