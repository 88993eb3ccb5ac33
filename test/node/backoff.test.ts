/** Full-jitter exponential backoff: ceilings double from the base up to the cap, jitter comes from `random`. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, delay, validateBackoff } from '../../src/core/backoff.ts';
import { seededRng } from '../support/prng.ts';

const justBelowOne = (): number => 1 - Number.EPSILON;

describe('backoff delay', () => {
  it('defaults to a 1 s base doubling up to a 60 s cap', () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 1_000, capMs: 60_000 });
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 7, 20].map((n) => delay(n, justBelowOne) + 1);
    expect(ceilings).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('scales the ceiling by the random draw (full jitter) and floors to whole ms', () => {
    expect(delay(0, () => 0)).toBe(0);
    expect(delay(3, () => 0.5)).toBe(4_000);
    expect(delay(2, () => 0.3333)).toBe(1_333);
  });

  it('stays inside [0, min(cap, base·2ⁿ)) for many seeded draws', () => {
    const rng = seededRng(7);
    for (let i = 0; i < 2_000; i++) {
      const attempt = rng.int(0, 40);
      const d = delay(attempt, rng.next);
      expect(Number.isInteger(d)).toBe(true);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(Math.min(60_000, 1_000 * 2 ** attempt));
    }
  });

  it('caps huge attempt numbers instead of overflowing', () => {
    expect(delay(5_000, justBelowOne)).toBe(59_999);
  });

  it('takes custom options', () => {
    expect(delay(2, justBelowOne, { baseMs: 100, capMs: 250 })).toBe(249);
  });

  it('rejects a bad attempt', () => {
    for (const attempt of [-1, 1.5, Number.NaN]) {
      expect(() => delay(attempt, () => 0.5)).toThrow(/attempt must be a non-negative integer/);
    }
  });

  it('rejects a random source outside [0, 1)', () => {
    for (const r of [1, -0.1, Number.NaN, 2]) expect(() => delay(1, () => r)).toThrow(/random source/);
  });

  it('validates parameters eagerly', () => {
    expect(() => validateBackoff({ baseMs: 0, capMs: 10 })).toThrow(/baseMs/);
    expect(() => validateBackoff({ baseMs: Number.POSITIVE_INFINITY, capMs: 10 })).toThrow(/baseMs/);
    expect(() => validateBackoff({ baseMs: 100, capMs: 50 })).toThrow(/capMs/);
    expect(() => validateBackoff({ baseMs: 100, capMs: Number.NaN })).toThrow(/capMs/);
    expect(() => delay(0, () => 0.5, { baseMs: -1, capMs: 10 })).toThrow(/baseMs/);
    expect(validateBackoff({ baseMs: 5, capMs: 5 })).toEqual({ baseMs: 5, capMs: 5 });
  });
});
