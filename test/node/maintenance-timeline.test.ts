/**
 * The maintenance layer over time on random layouts and windows (seeded, so a failure names its reproducible case):
 * one pass a minute, endpoints down exactly during their windows, Twitch modelled step by step. At every pass nothing
 * is moved onto an endpoint in maintenance, no shard is left on an endpoint while it is down, at most one shard is
 * not enabled at a time, and once every window is over the conduit is back to the layout with nothing remembered.
 */
import { describe, expect, it } from 'vitest';
import { planMaintenance } from '../../src/core/maintenance.ts';
import type { MaintenanceInput, MaintenanceWindow } from '../../src/core/maintenance-types.ts';
import { DEFAULT_LEAD_MS } from '../../src/core/maintenance-windows.ts';
import { endpointMap, webhook } from '../support/planner-fixtures.ts';
import { applyMaintenance, baseInput, failing, healthy, MIN, placement, T0 } from '../support/maintenance-fixtures.ts';
import { seededRng, type Rng } from '../support/prng.ts';

const CASES = 60;

/** Windows that never overlap across endpoints (with the lead time), so a substitute always exists. */
function randomWindows(rng: Rng, names: string[]): MaintenanceWindow[] {
  const out: MaintenanceWindow[] = [];
  let t = T0 + rng.int(0, 10) * MIN;
  let id = 1;
  for (let n = rng.int(1, 3); n > 0; n--) {
    const endpoint = rng.pick(names);
    const length = rng.int(3, 30) * MIN;
    out.push({ id: id++, endpoint, startsAt: t, endsAt: t + length, compact: rng.chance(0.4) });
    // Sometimes a second window on the same endpoint overlaps this one.
    if (rng.chance(0.3)) {
      const s = t + rng.int(1, 20) * MIN;
      out.push({ id: id++, endpoint, startsAt: s, endsAt: s + rng.int(3, 20) * MIN, compact: rng.chance(0.4) });
    }
    t = Math.max(...out.map((w) => w.endsAt)) + DEFAULT_LEAD_MS + rng.int(1, 20) * MIN;
  }
  return out;
}

const inWindow = (ws: MaintenanceWindow[], e: string, now: number) =>
  ws.some((w) => w.endpoint === e && w.startsAt <= now && now < w.endsAt);
const inMaintenance = (ws: MaintenanceWindow[], e: string, now: number) =>
  ws.some((w) => w.endpoint === e && w.startsAt - DEFAULT_LEAD_MS <= now && now < w.endsAt);

describe('maintenance over a timeline', () => {
  for (let seed = 1; seed <= CASES; seed++) {
    it(`seed ${seed}`, () => {
      const rng = seededRng(seed);
      const names = Array.from({ length: rng.int(2, 4) }, (_, i) => `hook-${i}`);
      const endpoints = endpointMap(...names.map((n) => webhook(n)));
      const layout = Array.from({ length: rng.int(2, 24) }, () => rng.pick(names));
      const windows = randomWindows(rng, names);
      const last = Math.max(...windows.map((w) => w.endsAt));
      let input: MaintenanceInput = { ...baseInput(layout, endpoints, T0 - 10 * MIN), windows };
      for (let now = T0 - 10 * MIN; now <= last + 15 * MIN; now += MIN) {
        const down = names.filter((e) => inWindow(windows, e, now));
        // The controller probes every endpoint each pass: down ones fail, the others answer now.
        const health = Object.fromEntries(names.map((e) => [e, down.includes(e) ? failing('down') : healthy(now)]));
        input = { ...input, now, health };
        const r = planMaintenance(input);
        for (const step of r.plan.steps) {
          if (step.kind !== 'assign') continue;
          for (const c of step.shards)
            expect(inMaintenance(windows, c.endpoint, now), `${c.id} → ${c.endpoint}`).toBe(false);
        }
        const applied = applyMaintenance(input, r, { down });
        expect(Math.max(0, ...applied.notEnabledAfter)).toBeLessThanOrEqual(1);
        input = applied.input;
        const where = placement(input);
        for (const e of down) expect(where.includes(e), `a shard on '${e}' while it is down`).toBe(false);
      }
      expect(placement(input)).toEqual(layout);
      expect(input.state.substitutions).toEqual([]);
      expect(input.state.compaction).toBeNull();
      expect(planMaintenance(input).plan.steps).toEqual([]);
    });
  }
});
