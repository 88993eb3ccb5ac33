/** `chunk`: consecutive batches for Update Conduit Shards calls. */
import { describe, expect, it } from 'vitest';
import { chunk } from '../../src/core/chunk.ts';

describe('chunk', () => {
  it('splits into full batches and a shorter last one, keeping order', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([1, 2, 3, 4], 2)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('returns no batches for an empty list', () => {
    expect(chunk([], 500)).toEqual([]);
  });

  it('rejects a size that is not a positive integer', () => {
    for (const size of [0, -3, 2.5, Number.NaN]) expect(() => chunk([1], size)).toThrow(/positive integer/);
  });
});
