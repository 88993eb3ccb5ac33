/**
 * Which endpoints are in maintenance (design.md §6): from `startsAt - lead` to `endsAt`; overlapping windows of one
 * endpoint make one outage handled as its earliest window says; the epoch the cron compares changes exactly when a
 * window enters its lead time, starts or ends.
 */
import { describe, expect, it } from 'vitest';
import { currentOutages, DEFAULT_LEAD_MS, maintenanceEpoch } from '../../src/core/maintenance-windows.ts';
import { MIN, T0, windowOn } from '../support/maintenance-fixtures.ts';

const known = (e: string) => e !== 'ghost';
const at = (windows: ReturnType<typeof windowOn>[], now: number, lead = DEFAULT_LEAD_MS) =>
  currentOutages(windows, now, lead, known);

describe('currentOutages', () => {
  const w = windowOn(1, 'blue', T0 + 10 * MIN, T0 + 20 * MIN);

  it('covers the lead time before the start, up to (not including) the end', () => {
    expect(at([w], T0 + 5 * MIN - 1).outages.size).toBe(0);
    expect(at([w], T0 + 5 * MIN).outages.get('blue')).toEqual({
      endpoint: 'blue',
      windowIds: [1],
      startsAt: T0 + 10 * MIN,
      endsAt: T0 + 20 * MIN,
      compact: false,
      started: false,
    });
    expect(at([w], T0 + 10 * MIN).outages.get('blue')?.started).toBe(true);
    expect(at([w], T0 + 20 * MIN).outages.size).toBe(0);
    expect(at([w], T0 + 9 * MIN, 0).outages.size).toBe(0);
  });

  it('chains overlapping windows of one endpoint into one outage and says so, compact as the earliest says', () => {
    const ws = [windowOn(2, 'blue', T0 + 15 * MIN, T0 + 40 * MIN), { ...w, compact: true }];
    const r = at(ws, T0 + 30 * MIN);
    expect(r.outages.get('blue')).toMatchObject({
      windowIds: [1, 2],
      startsAt: T0 + 10 * MIN,
      endsAt: T0 + 40 * MIN,
      compact: true,
    });
    expect(r.decisions).toEqual([
      {
        kind: 'overlap',
        endpoint: 'blue',
        windowId: 1,
        reason:
          "windows 1, 2 on 'blue' overlap: one outage from 2030-01-01T10:10:00.000Z to 2030-01-01T10:40:00.000Z, compact as window 1 (the earliest) says",
      },
    ]);
  });

  it('chains a window whose lead time begins before the previous one ends (the endpoint never comes back between)', () => {
    const ws = [w, windowOn(2, 'blue', T0 + 24 * MIN, T0 + 30 * MIN)];
    expect(at(ws, T0 + 21 * MIN).outages.get('blue')?.windowIds).toEqual([1, 2]);
    const apart = [w, windowOn(2, 'blue', T0 + 26 * MIN, T0 + 30 * MIN)];
    expect(at(apart, T0 + 20 * MIN).outages.size).toBe(0);
    expect(at(apart, T0 + 21 * MIN).outages.get('blue')?.windowIds).toEqual([2]);
  });

  it('keeps endpoints apart and ignores windows of unknown endpoints, saying so while they matter', () => {
    const r = at([w, windowOn(3, 'green', T0, T0 + 15 * MIN), windowOn(4, 'ghost', T0, T0 + 60 * MIN)], T0 + 12 * MIN);
    expect([...r.outages.keys()]).toEqual(['blue', 'green']);
    expect(r.decisions).toEqual([
      {
        kind: 'ignore',
        windowId: 4,
        endpoint: 'ghost',
        reason: "window 4 names endpoint 'ghost', which does not exist",
      },
    ]);
    expect(at([windowOn(4, 'ghost', T0, T0 + MIN)], T0 + 2 * MIN).decisions).toEqual([]);
  });
});

describe('maintenanceEpoch', () => {
  const ws = [windowOn(1, 'blue', T0 + 10 * MIN, T0 + 20 * MIN), windowOn(2, 'green', T0 + 60 * MIN, T0 + 70 * MIN)];

  it('changes when a window enters its lead time, starts and ends, and not in between', () => {
    const epochs = [0, 4, 5, 7, 10, 15, 20, 25].map((m) => maintenanceEpoch(ws, T0 + m * MIN));
    expect(epochs).toEqual(['', '', '1:lead', '1:lead', '1:on', '1:on', '1:over', '1:over']);
    expect(maintenanceEpoch(ws, T0 + 56 * MIN)).toBe('1:over,2:lead');
  });

  it('changes when a relevant window is removed', () => {
    expect(maintenanceEpoch(ws.slice(1), T0 + 12 * MIN)).not.toBe(maintenanceEpoch(ws, T0 + 12 * MIN));
  });
});
