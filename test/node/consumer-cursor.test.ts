/**
 * The composite cursor of `GET /events?since=` (src/core/consumer-cursor.ts): positions round-trip through the text
 * form, which is URL-safe and short; anything that is not a cursor decodes to null; and the position helpers.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  dominatedBy,
  encodeCursor,
  MAX_HUBS,
  maxPositions,
  withPosition,
} from '../../src/core/consumer-cursor.ts';

describe('composite cursor', () => {
  it('round-trips positions, in base 36 joined by dots', () => {
    expect(encodeCursor([0, 35, 36, 1_000_000])).toBe('0.z.10.lfls');
    for (const p of [
      [0],
      [1, 2, 3],
      [Number.MAX_SAFE_INTEGER, 0],
      Array.from({ length: MAX_HUBS }, (_, i) => i * 97),
    ]) {
      expect(decodeCursor(encodeCursor(p))).toEqual(p);
    }
  });

  it('is URL-safe without escaping', () => {
    const text = encodeCursor([123_456_789, 0, 42]);
    expect(encodeURIComponent(text)).toBe(text);
  });

  it('fits next to the too-slow message in a close reason at the default 8 hubs with large positions', () => {
    const text = encodeCursor(Array.from({ length: 8 }, () => 3_000_000_000));
    expect(`consumer too slow; resume with ?since=${text}`.length).toBeLessThanOrEqual(123);
  });

  it.each([
    ['empty', ''],
    ['a trailing dot', '1.2.'],
    ['upper case', '1.A'],
    ['a sign', '-1.2'],
    ['base64 of JSON', 'eyIwIjoxMn0'],
    ['an unsafe integer', 'zzzzzzzzzzz'],
    ['too many hubs', Array.from({ length: MAX_HUBS + 1 }, () => '1').join('.')],
  ])('refuses %s', (_name, text) => {
    expect(decodeCursor(text)).toBeNull();
  });

  it('takes element-wise maxima, compares, and sets one position', () => {
    expect(maxPositions([1, 5, 0], [2, 3, 0])).toEqual([2, 5, 0]);
    expect(maxPositions([1], [0, 4])).toEqual([1, 4]);
    expect(dominatedBy([1, 3], [1, 4])).toBe(true);
    expect(dominatedBy([2, 3], [1, 4])).toBe(false);
    const base = [1, 2, 3];
    expect(withPosition(base, 1, 9)).toEqual([1, 9, 3]);
    expect(base).toEqual([1, 2, 3]);
  });
});
