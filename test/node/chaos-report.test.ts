/**
 * @module The fault-injection report collector (test/support/chaos-reporter.ts): finds the `[chaos]` one-line
 * reports in console output, with or without notes, ignores everything else, and builds the Markdown table that
 * docs/reliability.md holds.
 */
import { describe, expect, it } from 'vitest';
import { chaosTable, parseChaosLines } from '../support/chaos-reporter.ts';

describe('chaos report lines', () => {
  it('parses the counts and the notes, and skips other output', () => {
    const out = [
      '{"level":"info","message":"new follower"}',
      '[chaos] socket drop mid-stream: sent 300, delivered 300, duplicated 0, lost 0 (32 re-sent; back ≤ 686 ms)',
      '[chaos] two shards down at once (forced): sent 90, delivered 30, duplicated 0, lost 60',
      '[chaos] broken: sent x, delivered 1, duplicated 0, lost 0',
      'sent 1, delivered 1, duplicated 0, lost 0',
    ].join('\n');
    expect(parseChaosLines(out)).toEqual([
      {
        scenario: 'socket drop mid-stream',
        sent: 300,
        delivered: 300,
        duplicated: 0,
        lost: 0,
        notes: '32 re-sent; back ≤ 686 ms',
      },
      { scenario: 'two shards down at once (forced)', sent: 90, delivered: 30, duplicated: 0, lost: 60, notes: '' },
    ]);
  });

  it('builds one table row per line, escaping pipes in the notes', () => {
    const table = chaosTable([{ scenario: 'x', sent: 2, delivered: 1, duplicated: 0, lost: 1, notes: 'a | b' }]);
    expect(table.split('\n')).toEqual([
      '| scenario | sent | delivered | duplicated | lost | notes |',
      '| --- | ---: | ---: | ---: | ---: | --- |',
      '| x | 2 | 1 | 0 | 1 | a \\| b |',
    ]);
  });
});
