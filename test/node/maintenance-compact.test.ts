/**
 * Compact windows (conduit-notes.md "Maintenance", "Scale down from the middle"): the endpoint's shards leave the
 * conduit — the last shards are copied into the gaps, then the count drops — and after the window the conduit grows
 * back one shard at a time and the gaps go home, once the endpoint proved itself.
 */
import { describe, expect, it } from 'vitest';
import { compactPairs, compactedLayout } from '../../src/core/maintenance-compact.ts';
import { planMaintenance } from '../../src/core/maintenance.ts';
import type { MaintenanceInput } from '../../src/core/maintenance-types.ts';
import { endpointMap, webhook } from '../support/planner-fixtures.ts';
import { applyMaintenance, baseInput, healthy, MIN, placement, T0, windowOn } from '../support/maintenance-fixtures.ts';

const blue = webhook('blue');
const green = webhook('green');
const red = webhook('red');
const endpoints = endpointMap(blue, green, red);
// 10 shards: blue on 1, 4 and 8 (conduit-notes.md's example removes shard 4 of 10 by copying 9 into it).
const layout = ['green', 'blue', 'red', 'green', 'blue', 'red', 'green', 'red', 'blue', 'green'];
const START = T0 + 4 * MIN;
const END = T0 + 40 * MIN;

const compactInput = (now = T0): MaintenanceInput => ({
  ...baseInput(layout, endpoints, now),
  windows: [windowOn(7, 'blue', START, END, true)],
});

describe('compactPairs', () => {
  it('pairs each gap below the kept count with a shard of another endpoint above it', () => {
    expect(compactPairs(layout, 'blue')).toEqual({
      keep: 7,
      pairs: [
        { gap: 1, tail: 7 },
        { gap: 4, tail: 9 },
      ],
    });
    expect(compactedLayout(layout, compactPairs(layout, 'blue')!)).toEqual([
      'green',
      'red',
      'red',
      'green',
      'green',
      'red',
      'green',
    ]);
  });

  it('has nothing to do for an endpoint without shards, and refuses to remove every shard', () => {
    expect(compactPairs(layout, 'nobody')).toBeNull();
    expect(compactPairs(['blue', 'blue'], 'blue')).toBeNull();
  });

  it('only shrinks when the endpoint’s shards are all at the end', () => {
    expect(compactPairs(['green', 'blue', 'blue'], 'blue')).toEqual({ keep: 1, pairs: [] });
  });
});

describe('a compact window', () => {
  it('copies the last shards into the gaps (one at a time when there is time), then lowers the count', () => {
    const input = compactInput();
    const r = planMaintenance(input);
    expect(r.effective).toEqual(['green', 'red', 'red', 'green', 'green', 'red', 'green']);
    expect(r.plan.steps).toEqual([
      { kind: 'assign', settle: true, shards: [expect.objectContaining({ id: 1, endpoint: 'red' })] },
      { kind: 'assign', settle: true, shards: [expect.objectContaining({ id: 4, endpoint: 'green' })] },
      { kind: 'shrink', from: 10, to: 7, reason: expect.any(String) },
    ]);
    expect(r.state.compaction).toMatchObject({
      windowId: 7,
      endpoint: 'blue',
      shardCount: 10,
      phase: 'active',
      clearAfter: END,
    });
    expect(r.decisions[0]).toMatchObject({
      kind: 'compact',
      reason:
        "window 7 on 'blue' starts at 2030-01-01T10:04:00.000Z: compact 10 → 7 shards; 2 gap(s) take copies of the last shards, then the count drops",
      shards: [1, 4],
    });
    expect(r.state.substitutions).toEqual([]);
    const after = applyMaintenance(input, r);
    expect(after.calls.map((c) => c.kind)).toEqual(['assign', 'assign', 'shrink']);
    expect(Math.max(...after.notEnabledAfter)).toBe(1);
    expect(placement(after.input)).toEqual(['green', 'red', 'red', 'green', 'green', 'red', 'green']);
    expect(planMaintenance({ ...after.input, now: START + MIN }).plan.steps).toEqual([]);
  });

  it('already under way when created: every copy at once, then the shrink', () => {
    const r = planMaintenance(compactInput(START + MIN));
    expect(r.plan.steps.map((s) => (s.kind === 'assign' ? s.shards.map((c) => c.id) : s.kind))).toEqual([
      [1, 4],
      'shrink',
    ]);
    expect(r.decisions.find((d) => d.kind === 'pace')?.reason).toMatch(/the window has begun: all 2 at once/);
  });

  it('stays compacted after the window until the endpoint answers a test challenge', () => {
    const during = applyMaintenance(compactInput(), planMaintenance(compactInput())).input;
    const r = planMaintenance({ ...during, now: END + MIN });
    expect(r.plan.steps).toEqual([]);
    expect(r.probes).toEqual([{ endpoint: 'blue', reason: 'compaction waits to grow back' }]);
    expect(r.decisions.map((d) => d.kind)).toEqual(['wait']);
  });

  it('grows back one shard at a time, then brings the gaps home one at a time, in the exact order', () => {
    const during = applyMaintenance(compactInput(), planMaintenance(compactInput())).input;
    const input = { ...during, now: END + MIN, health: { ...during.health, blue: healthy(END + MIN) } };
    const r = planMaintenance(input);
    const shape = r.plan.steps.map((s) =>
      s.kind === 'assign'
        ? `assign ${s.shards.map((c) => `${c.id}→${c.endpoint}`).join(',')}${s.settle ? ' (settle)' : ''}`
        : `${s.kind} ${s.from}→${s.to}${s.settle ? ' (settle)' : ''}`,
    );
    expect(shape).toEqual([
      'grow 7→8 (settle)',
      'assign 7→red',
      'grow 8→9 (settle)',
      'assign 8→blue',
      'grow 9→10 (settle)',
      'assign 9→green',
      'assign 1→blue (settle)',
      'assign 4→blue (settle)',
    ]);
    expect(r.state.compaction?.phase).toBe('restoring');
    const after = applyMaintenance(input, r);
    expect(Math.max(...after.notEnabledAfter)).toBe(1);
    expect(placement(after.input)).toEqual(layout);
    const done = planMaintenance(after.input);
    expect(done.state.compaction).toBeNull();
    expect(done.plan.steps).toEqual([]);
    expect(done.decisions[0]?.reason).toBe(
      "compaction for window 7 undone: the conduit is back to 10 shards, 'blue' carries its own",
    );
  });

  it('falls back to substitutes when every shard is on the endpoint, or another compaction is under way', () => {
    const all = { ...baseInput(['blue', 'blue'], endpoints), windows: [windowOn(1, 'blue', T0 + MIN, END, true)] };
    const r = planMaintenance(all);
    expect(r.decisions[0]?.kind).toBe('refuse');
    expect(r.decisions[0]?.reason).toMatch(
      /every shard is on 'blue' and a conduit keeps at least one, so it cannot compact; substitutes instead/,
    );
    expect(r.effective).toEqual(['green', 'red']);

    const two = {
      ...compactInput(),
      windows: [windowOn(7, 'blue', START, END, true), windowOn(8, 'red', START + MIN, END, true)],
    };
    const both = planMaintenance(two);
    expect(both.state.compaction?.windowId).toBe(7);
    expect(both.decisions.map((d) => d.reason)).toContain(
      "one compaction at a time: window 8 on 'red' gets substitutes while window 7 is compacted",
    );
    // red's shards are substituted (by green, the only endpoint left), blue's compacted away: neither stays.
    expect(both.effective.filter((e) => e !== 'green')).toEqual([]);
    expect(both.effective).toHaveLength(7);
  });

  it('drops the compaction when the layout changes under it, and the conduit follows the new layout', () => {
    const during = applyMaintenance(compactInput(), planMaintenance(compactInput())).input;
    const r = planMaintenance({ ...during, windows: [], desired: [...layout, 'green'], now: END + MIN });
    expect(r.state.compaction).toBeNull();
    expect(r.decisions[0]?.reason).toMatch(/layout changed during the compaction for window 7/);
    expect(r.effective).toEqual([...layout, 'green']);
  });
});
