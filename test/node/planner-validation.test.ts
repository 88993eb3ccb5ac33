/** The planner's input guards: the caller validates first, but a bad layout must never become Helix calls. */
import { describe, expect, it } from 'vitest';
import { plan } from '../../src/core/planner.ts';
import type { PlanInput } from '../../src/core/plan-types.ts';
import { endpointMap, webhook } from '../support/planner-fixtures.ts';

const base: PlanInput = {
  shardCount: 1,
  desired: ['default'],
  endpoints: endpointMap(webhook('default')),
  actual: [],
  applied: {},
};

describe('plan input validation', () => {
  it('rejects an empty layout', () => {
    expect(() => plan({ ...base, desired: [] })).toThrow(/1\.\.20000 shards, got 0/);
  });

  it('rejects more than 20,000 shards', () => {
    expect(() => plan({ ...base, desired: Array.from({ length: 20_001 }, () => 'default') })).toThrow(/got 20001/);
  });

  it('accepts exactly 20,000 shards', () => {
    expect(plan({ ...base, desired: Array.from({ length: 20_000 }, () => 'default') }).steps[0]?.kind).toBe('grow');
  });

  it('rejects an endpoint name it does not know, including names inherited from Object.prototype', () => {
    expect(() => plan({ ...base, desired: ['default', 'nope'] })).toThrow("shard 1: unknown endpoint 'nope'");
    expect(() => plan({ ...base, desired: ['constructor'] })).toThrow("shard 0: unknown endpoint 'constructor'");
  });

  it('rejects a batch size that is not a positive integer', () => {
    for (const batchSize of [0, -1, 1.5, Number.NaN]) {
      expect(() => plan({ ...base, batchSize })).toThrow(/batchSize must be a positive integer/);
    }
  });

  it('rejects a shard count that is not a non-negative integer', () => {
    expect(() => plan({ ...base, shardCount: -1 })).toThrow(/shardCount/);
    expect(() => plan({ ...base, shardCount: 2.5 })).toThrow(/shardCount/);
  });
});
