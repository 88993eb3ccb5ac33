/**
 * The maintenance layer at Twitch's maximum of 20,000 shards with a window on an endpoint serving 5,000 of them
 * (issue #6): substitutes spread evenly, waves sized to finish before the window, a restore one shard at a time
 * afterwards, and linear work — counted by reads of the shard listing, which cannot flake as a timer could.
 */
import { describe, expect, it } from 'vitest';
import { planMaintenance } from '../../src/core/maintenance.ts';
import type { ActualShard } from '../../src/core/plan-types.ts';
import { endpointMap, webhook } from '../support/planner-fixtures.ts';
import { applyMaintenance, baseInput, healthy, MIN, placement, T0, windowOn } from '../support/maintenance-fixtures.ts';

const N = 20_000;
const endpoints = endpointMap(webhook('blue'), webhook('green'), webhook('red'));
// Every fourth shard on blue: 5,000 of them.
const layout = Array.from({ length: N }, (_, i) => (i % 4 === 0 ? 'blue' : i % 4 === 1 ? 'red' : 'green'));
const START = T0 + 5 * MIN;
const END = T0 + 65 * MIN;

function counted(list: ActualShard[]): { list: ActualShard[]; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(list, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { list: proxy, reads: () => reads };
}

describe('maintenance at 20,000 shards', () => {
  const input = { ...baseInput(layout, endpoints), windows: [windowOn(1, 'blue', START, END)] };
  const listing = counted(input.actual);
  const first = planMaintenance({ ...input, actual: listing.list });
  const moved = applyMaintenance(input, first);

  it('reads the listing a bounded number of times', () => {
    expect(listing.reads()).toBeLessThanOrEqual(4 * N);
  });

  it('gives the 5,000 shards substitutes spread evenly over the two other endpoints', () => {
    expect(first.state.substitutions).toHaveLength(5_000);
    const per = new Map<string, number>();
    for (const s of first.state.substitutions) per.set(s.substitute, (per.get(s.substitute) ?? 0) + 1);
    expect(Object.fromEntries(per)).toEqual({ green: 2_500, red: 2_500 });
  });

  it('moves them in the fewest waves that finish in half the lead time: 148 PATCHes of at most 34', () => {
    // 300 s to the start, half of it at one wave a second: 150 waves, so waves of ceil(5000 / 150) = 34.
    expect(first.plan.steps).toHaveLength(148);
    expect(first.plan.steps.every((s) => s.kind === 'assign' && s.settle && s.shards.length <= 34)).toBe(true);
    expect(Math.max(...moved.notEnabledAfter)).toBe(34);
    expect(placement(moved.input).filter((e) => e === 'blue')).toHaveLength(0);
  });

  it('plans nothing more during the window', () => {
    const during = planMaintenance({ ...moved.input, now: START + 10 * MIN });
    expect(during.plan.steps).toEqual([]);
    expect(during.decisions).toEqual([]);
  });

  it('brings the 5,000 home one at a time after the window, then forgets them', () => {
    const after = { ...moved.input, now: END + MIN, health: { ...moved.input.health, blue: healthy(END + MIN) } };
    const r = planMaintenance(after);
    expect(r.plan.steps).toHaveLength(5_000);
    expect(r.plan.steps.every((s) => s.kind === 'assign' && s.settle && s.shards.length === 1)).toBe(true);
    const home = applyMaintenance(after, r);
    expect(Math.max(...home.notEnabledAfter)).toBe(1);
    expect(placement(home.input)).toEqual(layout);
    const done = planMaintenance(home.input);
    expect(done.state.substitutions).toEqual([]);
    expect(done.plan.steps).toEqual([]);
    expect(done.decisions).toEqual([expect.objectContaining({ kind: 'restored', count: 5_000 })]);
  });
});
