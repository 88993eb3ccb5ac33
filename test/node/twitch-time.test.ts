/** `parseTwitchTime` (src/verify/twitch-time.ts): RFC3339 with up to 9 fractional digits, strict otherwise. */
import { describe, expect, it } from 'vitest';
import { parseTwitchTime } from '../../src/verify/webhook.ts';

describe('parseTwitchTime', () => {
  it('parses 0, 1, 3, 7 and 9 fractional digits, truncating to milliseconds', () => {
    const base = Date.UTC(2024, 5, 1, 12, 0, 0);
    expect(parseTwitchTime('2024-06-01T12:00:00Z')).toBe(base);
    expect(parseTwitchTime('2024-06-01T12:00:00.5Z')).toBe(base + 500);
    expect(parseTwitchTime('2024-06-01T12:00:00.123Z')).toBe(base + 123);
    expect(parseTwitchTime('2021-02-19T23:47:00.8091512Z')).toBe(Date.UTC(2021, 1, 19, 23, 47, 0, 809));
    expect(parseTwitchTime('2024-06-01T12:00:00.999999999Z')).toBe(base + 999);
  });

  it('accepts lower-case t and z and numeric offsets', () => {
    const base = Date.UTC(2024, 5, 1, 12, 0, 0);
    expect(parseTwitchTime('2024-06-01t12:00:00z')).toBe(base);
    expect(parseTwitchTime('2024-06-01T14:00:00+02:00')).toBe(base);
    expect(parseTwitchTime('2024-06-01T06:30:00.250-05:30')).toBe(base + 250);
  });

  it('accepts 29 February only in leap years', () => {
    expect(parseTwitchTime('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(parseTwitchTime('2000-02-29T00:00:00Z')).toBe(Date.UTC(2000, 1, 29));
    expect(parseTwitchTime('2023-02-29T00:00:00Z')).toBeNull();
    expect(parseTwitchTime('1900-02-29T00:00:00Z')).toBeNull();
  });

  it('refuses anything else', () => {
    for (const text of [
      '',
      '2024-06-01',
      '2024-06-01T12:00:00',
      '2024-06-01 12:00:00Z',
      '2024-06-01T12:00:00.Z',
      '2024-06-01T12:00:00.1234567890Z',
      '2024-13-01T12:00:00Z',
      '2024-00-01T12:00:00Z',
      '2024-04-31T12:00:00Z',
      '2024-06-00T12:00:00Z',
      '2024-06-01T24:00:00Z',
      '2024-06-01T12:60:00Z',
      '2024-06-01T12:00:61Z',
      '2024-06-01T12:00:00+24:00',
      '2024-06-01T12:00:00+0200',
      ' 2024-06-01T12:00:00Z',
      '2024-06-01T12:00:00Z\n',
      '1717243200',
    ]) {
      expect(parseTwitchTime(text), JSON.stringify(text)).toBeNull();
    }
  });
});
