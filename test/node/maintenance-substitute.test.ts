/**
 * Substitutes before a window (design.md §6): shards of an endpoint in or entering a window (lead time) are moved to
 * healthy endpoints outside maintenance, spread round robin, never onto an endpoint that is down or unproven.
 */
import { describe, expect, it } from 'vitest';
import { planMaintenance } from '../../src/core/maintenance.ts';
import { endpointMap, webhook, websocket } from '../support/planner-fixtures.ts';
import { applyMaintenance, baseInput, failing, MIN, placement, T0, windowOn } from '../support/maintenance-fixtures.ts';

const blue = webhook('blue');
const green = webhook('green');
const red = webhook('red');
const ws = websocket('ws-1', 'sess-1');
const endpoints = endpointMap(blue, green, red, ws);
const layout = ['blue', 'green', 'blue', 'red', 'blue', 'blue', 'green'];

describe('substitutes before a window', () => {
  it('does nothing before the lead time', () => {
    const input = { ...baseInput(layout, endpoints), windows: [windowOn(1, 'blue', T0 + 6 * MIN, T0 + 60 * MIN)] };
    const r = planMaintenance(input);
    expect(r.plan.steps).toEqual([]);
    expect(r.effective).toEqual(layout);
    expect(r.state.substitutions).toEqual([]);
    expect(r.decisions).toEqual([]);
  });

  it('within the lead time gives every shard of the endpoint a substitute, spread round robin over the healthy ones', () => {
    const input = { ...baseInput(layout, endpoints), windows: [windowOn(1, 'blue', T0 + 5 * MIN, T0 + 60 * MIN)] };
    const r = planMaintenance(input);
    // Candidates by name: green, red, ws-1; least loaded first.
    expect(r.effective).toEqual(['green', 'green', 'red', 'red', 'ws-1', 'green', 'green']);
    expect(r.state.substitutions.map((s) => [s.shard, s.home, s.substitute, s.cause, s.windowId, s.phase])).toEqual([
      [0, 'blue', 'green', 'window', 1, 'substituted'],
      [2, 'blue', 'red', 'window', 1, 'substituted'],
      [4, 'blue', 'ws-1', 'window', 1, 'substituted'],
      [5, 'blue', 'green', 'window', 1, 'substituted'],
    ]);
    expect(r.state.substitutions.every((s) => s.clearAfter === T0 + 60 * MIN && s.since === T0)).toBe(true);
    const sub = r.decisions.find((d) => d.kind === 'substitute')!;
    expect(sub.reason).toBe(
      "window 1 on 'blue' starts at 2030-01-01T10:05:00.000Z: 4 shard(s) get substitutes on 'green' ×2, 'red' ×1, 'ws-1' ×1",
    );
    expect(sub.shards).toEqual([0, 2, 4, 5]);
    const after = applyMaintenance(input, r);
    expect(placement(after.input)).toEqual(['green', 'green', 'red', 'red', 'ws-1', 'green', 'green']);
  });

  it('keeps its substitutes on the next pass: nothing moves twice', () => {
    const input = { ...baseInput(layout, endpoints), windows: [windowOn(1, 'blue', T0 + 5 * MIN, T0 + 60 * MIN)] };
    const first = applyMaintenance(input, planMaintenance(input)).input;
    const again = planMaintenance({ ...first, now: T0 + 10 * MIN });
    expect(again.plan.steps).toEqual([]);
    expect(again.state.substitutions).toEqual(first.state.substitutions);
    expect(again.decisions.filter((d) => d.kind === 'substitute')).toEqual([]);
  });

  it('never picks an endpoint that failed its challenge, has no session, or is in maintenance itself', () => {
    const input = {
      ...baseInput(layout, endpointMap(blue, green, red, websocket('ws-1', null))),
      windows: [windowOn(1, 'blue', T0, T0 + 60 * MIN), windowOn(2, 'red', T0 + 30 * MIN, T0 + 90 * MIN)],
    };
    input.health = { ...input.health, green: { healthy: true, verifiedAt: T0 } };
    // red's window is 30 minutes away (outside the lead), so red is a candidate; make it fail instead.
    input.health.red = failing('HTTP 502');
    const r = planMaintenance(input);
    expect(new Set(r.state.substitutions.map((s) => s.substitute))).toEqual(new Set(['green']));
  });

  it('moves substitutes again when their endpoint enters a window of its own', () => {
    const input = { ...baseInput(layout, endpoints), windows: [windowOn(1, 'blue', T0 + 5 * MIN, T0 + 60 * MIN)] };
    const first = applyMaintenance(input, planMaintenance(input)).input;
    const later = {
      ...first,
      now: T0 + 20 * MIN,
      windows: [...first.windows, windowOn(2, 'green', T0 + 24 * MIN, T0 + 40 * MIN)],
    };
    const r = planMaintenance(later);
    const subs = Object.fromEntries(r.state.substitutions.map((s) => [s.shard, s.substitute]));
    expect(Object.values(subs).includes('green')).toBe(false);
    expect(subs[0]).not.toBe('blue');
    // green's own shards get substitutes too, and never blue (still in maintenance).
    expect(r.effective.includes('blue')).toBe(false);
    expect(r.effective.includes('green')).toBe(false);
    const moved = r.decisions.find((d) => d.kind === 'substitute' && d.reason.includes('no longer usable'));
    expect(moved?.shards).toEqual([0, 5]);
  });

  it('refuses clearly when no endpoint can take the shards: nothing moves onto a down endpoint', () => {
    const two = endpointMap(blue, green);
    const input = {
      ...baseInput(['blue', 'green', 'blue'], two),
      windows: [windowOn(1, 'blue', T0 + MIN, T0 + 60 * MIN)],
    };
    input.health = { ...input.health, green: failing() };
    const r = planMaintenance(input);
    expect(r.plan.steps).toEqual([]);
    expect(r.effective).toEqual(['blue', 'green', 'blue']);
    const refuse = r.decisions.find((d) => d.kind === 'refuse')!;
    expect(refuse.reason).toMatch(
      /no healthy endpoint outside maintenance can take 2 shard\(s\); nothing is moved onto an endpoint that is down/,
    );
    expect(refuse.shards).toEqual([0, 2]);
    // green's own shard has a failing endpoint and nowhere to go either: it stays.
    expect(r.state.substitutions).toEqual([]);
  });

  it('asks for a test challenge of an endpoint of unknown health before refusing', () => {
    const input = {
      ...baseInput(['blue', 'blue'], endpointMap(blue, green)),
      windows: [windowOn(1, 'blue', T0 + MIN, T0 + 60 * MIN)],
    };
    input.health = { blue: input.health.blue! };
    const r = planMaintenance(input);
    expect(r.probes).toEqual([{ endpoint: 'green', reason: 'a possible substitute of unknown health' }]);
    expect(r.plan.steps).toEqual([]);
    const proven = planMaintenance({ ...input, health: { ...input.health, green: { healthy: true, verifiedAt: T0 } } });
    expect(proven.effective).toEqual(['green', 'green']);
  });

  it('asks to test endpoints of unknown health before placing substitutes, so they spread over all of them', () => {
    const input = { ...baseInput(layout, endpoints), windows: [windowOn(1, 'blue', T0 + MIN, T0 + 60 * MIN)] };
    input.health = { blue: input.health.blue!, 'ws-1': input.health['ws-1']! };
    const r = planMaintenance(input);
    expect(r.probes.map((p) => p.endpoint)).toEqual(['green', 'red']);
    expect(new Set(r.state.substitutions.map((s) => s.substitute))).toEqual(new Set(['ws-1']));
    const tested = planMaintenance({
      ...input,
      health: { ...input.health, green: { healthy: true, verifiedAt: T0 }, red: { healthy: true, verifiedAt: T0 } },
    });
    expect(new Set(tested.state.substitutions.map((s) => s.substitute))).toEqual(new Set(['green', 'red', 'ws-1']));
    expect(tested.probes).toEqual([]);
  });

  it('substitutes a websocket endpoint’s shards the same way, and puts substitutes on websocket sessions', () => {
    const input = {
      ...baseInput(['ws-1', 'green', 'ws-1'], endpointMap(green, ws)),
      windows: [windowOn(3, 'ws-1', T0 + 2 * MIN, T0 + 9 * MIN)],
    };
    const r = planMaintenance(input);
    expect(r.effective).toEqual(['green', 'green', 'green']);
    const back = planMaintenance({ ...input, windows: [windowOn(3, 'green', T0 + 2 * MIN, T0 + 9 * MIN)] });
    expect(back.effective).toEqual(['ws-1', 'ws-1', 'ws-1']);
    // A websocket assignment is enabled in the PATCH itself: no wave, no settle.
    expect(back.plan.steps).toEqual([
      { kind: 'assign', shards: [expect.objectContaining({ id: 1, endpoint: 'ws-1' })] },
    ]);
  });
});
