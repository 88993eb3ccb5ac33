/** What the CLI reads from its arguments before any request: maintenance times and subscription conditions. */
import { describe, expect, it } from 'vitest';
import { parseCondition } from '../../cli/commands/subscriptions.ts';
import { UsageError } from '../../cli/errors.ts';
import { parseTime } from '../../cli/time.ts';

const NOW = Date.parse('2030-01-01T10:00:00.000Z');

describe('parseTime', () => {
  it('sends RFC 3339 times as UTC and accepts now, now+N and +N with s, m, h, d', () => {
    expect(parseTime('2030-01-01T12:00:00+02:00', '--x', NOW)).toBe('2030-01-01T10:00:00.000Z');
    expect(parseTime('2030-01-01 10:30Z', '--x', NOW)).toBe('2030-01-01T10:30:00.000Z');
    expect(parseTime('now', '--x', NOW)).toBe('2030-01-01T10:00:00.000Z');
    expect(parseTime('now+30m', '--x', NOW)).toBe('2030-01-01T10:30:00.000Z');
    expect(parseTime('+2h', '--x', NOW)).toBe('2030-01-01T12:00:00.000Z');
    expect(parseTime('+1d', '--x', NOW)).toBe('2030-01-02T10:00:00.000Z');
    expect(parseTime('+90s', '--x', NOW)).toBe('2030-01-01T10:01:30.000Z');
  });

  it('refuses times without a zone, relative times it cannot read, and impossible dates, naming the option', () => {
    for (const bad of ['2030-01-01T10:00:00', '', 'tomorrow', '+2w', 'now-5m', '2030-13-45T99:00:00Z', '1893456000']) {
      expect(() => parseTime(bad, '--starts-at', NOW)).toThrow(UsageError);
      expect(() => parseTime(bad, '--starts-at', NOW)).toThrow(/^--starts-at must be an RFC 3339 time/);
    }
  });
});

describe('parseCondition', () => {
  it('reads k=v pairs, comma-separated or repeated, keeping = inside values', () => {
    expect(parseCondition(['broadcaster_user_id=1,moderator_user_id=2'])).toEqual({
      broadcaster_user_id: '1',
      moderator_user_id: '2',
    });
    expect(parseCondition(['a=1', 'b=x=y'])).toEqual({ a: '1', b: 'x=y' });
  });

  it('refuses pairs without a key or =, a key given twice, and no condition at all', () => {
    expect(() => parseCondition(['broadcaster'])).toThrow(
      new UsageError("--condition takes key=value pairs, got 'broadcaster'"),
    );
    expect(() => parseCondition(['=1'])).toThrow(new UsageError("--condition takes key=value pairs, got '=1'"));
    expect(() => parseCondition(['a=1,a=2'])).toThrow(new UsageError("--condition names 'a' twice"));
    expect(() => parseCondition([])).toThrow(new UsageError('missing --condition'));
  });
});
