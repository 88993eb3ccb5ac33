/**
 * Pacing (design.md §6, twitch-eventsub.md §5.2): maintenance never starts a change that leaves two shards not
 * enabled at once when it can be sequenced — one shard per wave when the window leaves time, the fewest waves that
 * fit when it does not, all at once when it has begun — while repairs, websocket destinations and the operator's own
 * layout changes keep their ordinary batches.
 */
import { describe, expect, it } from 'vitest';
import { planMaintenance } from '../../src/core/maintenance.ts';
import { pace } from '../../src/core/maintenance-pace.ts';
import { plan } from '../../src/core/planner.ts';
import { endpointMap, settled, webhook, websocket } from '../support/planner-fixtures.ts';
import { applyMaintenance, baseInput, MIN, T0, windowOn } from '../support/maintenance-fixtures.ts';

const blue = webhook('blue');
const green = webhook('green');
const endpoints = endpointMap(blue, green);
const sizes = (steps: { kind: string; shards?: unknown[] }[]) =>
  steps.map((s) => (s.kind === 'assign' ? s.shards!.length : s.kind));

describe('pacing of maintenance moves', () => {
  const layout = [...Array.from({ length: 300 }, () => 'blue'), 'green'];

  it('one shard per wave when the window leaves time for it', () => {
    const input = {
      ...baseInput(layout, endpoints),
      windows: [windowOn(1, 'blue', T0 + 10 * MIN, T0 + 60 * MIN)],
      leadMs: 15 * MIN,
    };
    const r = planMaintenance(input);
    expect(sizes(r.plan.steps)).toEqual(Array.from({ length: 300 }, () => 1));
    expect(r.plan.steps.every((s) => s.settle)).toBe(true);
    expect(r.decisions.find((d) => d.kind === 'pace')?.reason).toBe(
      '300 shard(s) move before their window one at a time (300 wave(s) of ~1 s, the window starts in 600 s)',
    );
    const after = applyMaintenance(input, r);
    expect(Math.max(...after.notEnabledAfter)).toBe(1);
    expect(after.settles).toBe(300);
  });

  it('the fewest waves that finish in half the time left when one at a time would not', () => {
    const input = { ...baseInput(layout, endpoints), windows: [windowOn(1, 'blue', T0 + 2 * MIN, T0 + 60 * MIN)] };
    const r = planMaintenance(input);
    // 120 s left: 60 waves of one second, 300 shards → waves of 5.
    expect(sizes(r.plan.steps)).toEqual(Array.from({ length: 60 }, () => 5));
    expect(r.decisions.find((d) => d.kind === 'pace')?.reason).toBe(
      '300 shard(s) move before their window in waves of 5: one at a time would take ~300 s, the window starts in 120 s',
    );
    expect(Math.max(...applyMaintenance(input, r).notEnabledAfter)).toBe(5);
  });

  it('honours a slower wave estimate', () => {
    const input = {
      ...baseInput(layout, endpoints),
      windows: [windowOn(1, 'blue', T0 + 2 * MIN, T0 + 60 * MIN)],
      waveMs: 4_000,
    };
    expect(sizes(planMaintenance(input).plan.steps)).toEqual(Array.from({ length: 15 }, () => 20));
  });

  it('all at once when the window has already begun', () => {
    const input = {
      ...baseInput(layout, endpoints),
      windows: [windowOn(1, 'blue', T0 - MIN, T0 + 60 * MIN)],
      batchSize: 500,
    };
    const r = planMaintenance(input);
    expect(sizes(r.plan.steps)).toEqual([300]);
    expect(r.plan.steps[0]?.settle).toBe(true);
  });

  it('never more than the batch size per PATCH, even all at once', () => {
    const input = {
      ...baseInput(layout, endpoints),
      windows: [windowOn(1, 'blue', T0 - MIN, T0 + 60 * MIN)],
      batchSize: 128,
    };
    expect(sizes(planMaintenance(input).plan.steps)).toEqual([128, 128, 44]);
  });

  it('leaves the operator’s own layout changes in ordinary batches', () => {
    const input = { ...baseInput(['blue', 'blue', 'blue'], endpoints), desired: ['green', 'green', 'green', 'green'] };
    const r = planMaintenance(input);
    expect(r.plan).toEqual(
      plan({ ...settled(['blue', 'blue', 'blue'], endpoints), desired: ['green', 'green', 'green', 'green'] }),
    );
    expect(r.decisions).toEqual([]);
  });

  it('puts repairs and websocket destinations first, in ordinary batches, before the paced waves', () => {
    const eps = endpointMap(blue, green, websocket('ws-1', 'sess-1'));
    const input = {
      ...baseInput(['blue', 'blue', 'green', 'green', 'blue'], eps),
      windows: [windowOn(1, 'blue', T0 + 4 * MIN, T0 + 60 * MIN)],
    };
    input.actual = input.actual.map((a) => (a.id === 3 ? { ...a, status: 'notification_failures_exceeded' } : a));
    const r = planMaintenance(input);
    // Round robin: 0 → green, 1 → ws-1, 4 → green; shard 3 is a repair.
    expect(r.plan.steps.map((s) => (s.kind === 'assign' ? [s.shards.map((c) => c.id), !!s.settle] : s.kind))).toEqual([
      [[1, 3], false],
      [[0], true],
      [[4], true],
    ]);
  });

  it('grows, assigns and shrinks in the base order when nothing is paced', () => {
    const p = plan({ ...settled(['blue'], endpoints), desired: ['blue', 'green'] });
    const paced = pace({
      plan: p,
      shardCount: 1,
      endpoints,
      notEnabled: new Set(),
      driver: () => ({ kind: 'operator' }),
      pacedGrow: false,
      now: T0,
      waveMs: 1_000,
      batchSize: 500,
    });
    expect(paced.plan).toEqual(p);
    expect(paced.decisions).toEqual([]);
  });
});
