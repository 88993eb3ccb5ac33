/**
 * Restores after a window (design.md §6): a shard goes home only after its endpoint answered a signed test challenge
 * after the window ended, one shard at a time (each after the one before is enabled), and its substitution is kept
 * until Twitch lists it home and enabled, so an interrupted restore resumes.
 */
import { describe, expect, it } from 'vitest';
import { planMaintenance } from '../../src/core/maintenance.ts';
import type { MaintenanceInput } from '../../src/core/maintenance-types.ts';
import { endpointMap, webhook, websocket } from '../support/planner-fixtures.ts';
import {
  applyMaintenance,
  baseInput,
  failing,
  healthy,
  MIN,
  placement,
  T0,
  windowOn,
} from '../support/maintenance-fixtures.ts';

const blue = webhook('blue');
const green = webhook('green');
const ws = websocket('ws-1', 'sess-1');
const layout = ['blue', 'green', 'blue', 'blue'];
const END = T0 + 30 * MIN;

/** A conduit whose blue shards sit on substitutes, the window over at END, `now` after it. */
function afterWindow(now: number, endpoints = endpointMap(blue, green), desired = layout): MaintenanceInput {
  const input = { ...baseInput(desired, endpoints), windows: [windowOn(1, 'blue', T0 + MIN, END)] };
  const during = applyMaintenance(input, planMaintenance(input)).input;
  return { ...during, now };
}

describe('restore after a window', () => {
  it('keeps the substitutes and asks for a test challenge while the endpoint has not proved itself since the end', () => {
    const input = afterWindow(END + MIN);
    input.health = { ...input.health, blue: healthy(END - MIN) };
    const r = planMaintenance(input);
    expect(r.plan.steps).toEqual([]);
    expect(r.effective).toEqual(['green', 'green', 'green', 'green']);
    expect(r.probes).toEqual([{ endpoint: 'blue', reason: '3 shard(s) wait to go home' }]);
    expect(r.decisions.find((d) => d.kind === 'wait')?.reason).toBe(
      "3 shard(s) stay on their substitutes until 'blue' answers a signed test challenge",
    );
  });

  it('says what the failed test challenge answered, and still moves nothing', () => {
    const input = afterWindow(END + MIN);
    input.health = { ...input.health, blue: failing('HTTP 503') };
    const r = planMaintenance(input);
    expect(r.plan.steps).toEqual([]);
    expect(r.decisions.find((d) => d.kind === 'wait')?.reason).toContain('(last check: HTTP 503)');
  });

  it('keeps shards on a substitute whose last test challenge has expired: unknown is not unfit', () => {
    const input = afterWindow(END + MIN);
    input.health = { blue: failing('HTTP 503') };
    const r = planMaintenance(input);
    expect(r.plan.steps).toEqual([]);
    expect(r.decisions.map((d) => d.kind)).toEqual(['wait']);
    expect(r.state.substitutions.map((s) => s.substitute)).toEqual(['green', 'green', 'green']);
    expect(r.probes.map((p) => p.endpoint)).toEqual(['blue']);
  });

  it('goes home one shard at a time once the endpoint answered after the end', () => {
    const input = afterWindow(END + MIN);
    input.health = { ...input.health, blue: healthy(END + MIN) };
    const r = planMaintenance(input);
    expect(r.effective).toEqual(layout);
    expect(r.plan.steps).toEqual(
      [0, 2, 3].map((id) => ({
        kind: 'assign',
        settle: true,
        shards: [{ id, endpoint: 'blue', reason: expect.stringContaining('callback differs') }],
      })),
    );
    expect(r.state.substitutions.map((s) => s.phase)).toEqual(['restoring', 'restoring', 'restoring']);
    expect(r.decisions.map((d) => d.kind)).toEqual(['restore', 'pace']);
    const after = applyMaintenance(input, r);
    // Never more than the one shard being moved is not enabled (the settle step waits for it).
    expect(Math.max(...after.notEnabledAfter)).toBe(1);
    expect(placement(after.input)).toEqual(layout);
    const done = planMaintenance(after.input);
    expect(done.state.substitutions).toEqual([]);
    expect(done.plan.steps).toEqual([]);
    expect(done.decisions).toEqual([
      expect.objectContaining({ kind: 'restored', reason: "3 shard(s) are back on 'blue'", shards: [0, 2, 3] }),
    ]);
  });

  it('resumes an interrupted restore: shards already home stay, the rest still go one at a time', () => {
    const input = afterWindow(END + MIN);
    input.health = { ...input.health, blue: healthy(END + MIN) };
    const r = planMaintenance(input);
    const partial = applyMaintenance(input, { ...r, plan: { ...r.plan, steps: r.plan.steps.slice(0, 1) } }).input;
    // The endpoint's health is not re-checked mid-restore: the records already say restoring.
    const again = planMaintenance({ ...partial, health: { ...partial.health, blue: healthy(END - 5 * MIN) } });
    expect(again.plan.steps.map((s) => (s.kind === 'assign' ? s.shards.map((c) => c.id) : []))).toEqual([[2], [3]]);
    expect(again.state.substitutions.map((s) => s.shard)).toEqual([2, 3]);
  });

  it('a cancelled window needs a test challenge after the cancellation, not after the planned end', () => {
    const input = afterWindow(T0 + 10 * MIN);
    const cancelled = { ...input, windows: [], health: { ...input.health, blue: healthy(T0 + 10 * MIN) } };
    const r = planMaintenance(cancelled);
    expect(r.effective).toEqual(layout);
    expect(r.state.substitutions.every((s) => s.clearAfter === T0 + 10 * MIN)).toBe(true);
  });

  it('holds restores while another shard is down and cannot be fixed now (at most one shard not enabled)', () => {
    const desired = ['blue', 'green', 'blue', 'ws-1'];
    const start = {
      ...baseInput(desired, endpointMap(blue, green, ws)),
      windows: [windowOn(1, 'blue', T0 + MIN, END)],
    };
    delete start.health['ws-1'];
    const input = { ...applyMaintenance(start, planMaintenance(start)).input, now: END + MIN };
    expect(placement(input)).toEqual(['green', 'green', 'green', 'ws-1']);
    input.endpoints = endpointMap(blue, green, websocket('ws-1', null));
    input.health = { ...input.health, blue: healthy(END + MIN) };
    input.actual = input.actual.map((a) => (a.id === 3 ? { ...a, status: 'websocket_disconnected' } : a));
    input.state = { ...input.state, sessionlessSince: { 'ws-1': END } };
    const r = planMaintenance(input);
    expect(r.plan.steps).toEqual([]);
    expect(r.effective).toEqual(['green', 'green', 'green', 'ws-1']);
    expect(r.state.substitutions.map((s) => s.phase)).toEqual(['substituted', 'substituted']);
    expect(r.decisions.find((d) => d.kind === 'hold')?.reason).toMatch(
      /shard\(s\) 3 are not enabled and cannot be fixed now/,
    );
    expect(r.reconnect).toEqual([{ endpoint: 'ws-1', reason: "'ws-1' carries shards but has no live session" }]);
  });

  it('brings shards home to a websocket endpoint in one batch: its assignment is enabled at once', () => {
    const input = afterWindow(END + MIN, endpointMap(ws, green), ['ws-1', 'green', 'ws-1', 'ws-1']);
    input.windows = [windowOn(1, 'ws-1', T0 + MIN, END)];
    const during = applyMaintenance({ ...input, now: T0 }, planMaintenance({ ...input, now: T0 })).input;
    const r = planMaintenance({ ...during, now: END + MIN, health: { ...during.health, 'ws-1': healthy(END + MIN) } });
    expect(r.plan.steps).toEqual([
      { kind: 'assign', shards: [0, 2, 3].map((id) => expect.objectContaining({ id, endpoint: 'ws-1' })) },
    ]);
  });

  it('does not bring shards home to an endpoint that is in a window again', () => {
    const input = afterWindow(END + 6 * MIN);
    input.windows = [...input.windows, windowOn(2, 'blue', END + 10 * MIN, END + 20 * MIN)];
    input.health = { ...input.health, blue: healthy(END + 6 * MIN) };
    const r = planMaintenance(input);
    expect(r.plan.steps).toEqual([]);
    expect(r.state.substitutions.map((s) => [s.phase, s.windowId, s.clearAfter])).toEqual(
      Array.from({ length: 3 }, () => ['substituted', 2, END + 20 * MIN]),
    );
  });
});
