/**
 * The answer to a new window (design.md §6, issue #6): refused when nothing could carry the endpoint's shards, or a
 * compact window would remove every shard; otherwise accepted with notes on overlaps, windows already under way,
 * starts within the lead time and substitutes not yet proven.
 */
import { describe, expect, it } from 'vitest';
import { assessWindow, type AssessInput } from '../../src/core/maintenance-assess.ts';
import { healthy, MIN, T0, windowOn } from '../support/maintenance-fixtures.ts';

const base: AssessInput = {
  window: { endpoint: 'blue', startsAt: T0 + 60 * MIN, endsAt: T0 + 90 * MIN, compact: false },
  existing: [],
  desired: ['blue', 'green', 'blue'],
  endpoints: ['blue', 'green'],
  health: { green: healthy(T0) },
  now: T0,
};

describe('assessWindow', () => {
  it('accepts a window with a proven substitute, saying what will happen', () => {
    expect(assessWindow(base)).toEqual({
      ok: true,
      notes: [
        "2 shard(s) move to substitutes before 2030-01-01T11:00:00.000Z and come back one at a time after 2030-01-01T11:30:00.000Z, once 'blue' proves itself",
      ],
    });
  });

  it('refuses a window on the only endpoint: nothing could carry its shards', () => {
    const r = assessWindow({ ...base, endpoints: ['blue'], desired: ['blue'] });
    expect(r).toEqual({
      ok: false,
      status: 409,
      reason: expect.stringMatching(
        /^no other endpoint outside maintenance could carry the 1 shard\(s\) of 'blue'.*add another endpoint first/,
      ),
    });
  });

  it('refuses when every other endpoint is in an overlapping window', () => {
    const r = assessWindow({ ...base, existing: [windowOn(4, 'green', T0 + 80 * MIN, T0 + 100 * MIN)] });
    expect(r.ok).toBe(false);
    const apart = assessWindow({ ...base, existing: [windowOn(4, 'green', T0 + 96 * MIN, T0 + 100 * MIN)] });
    expect(apart.ok).toBe(true);
  });

  it('refuses a compact window over every shard, and allows a compact one on the only endpoint with others’ shards', () => {
    const all = assessWindow({ ...base, window: { ...base.window, compact: true }, desired: ['blue', 'blue'] });
    expect(all).toMatchObject({
      ok: false,
      status: 409,
      reason: expect.stringMatching(/a compact window cannot remove them all/),
    });
    const compact = assessWindow({ ...base, window: { ...base.window, compact: true }, health: {} });
    expect(compact).toEqual({
      ok: true,
      notes: [expect.stringMatching(/^compact: the conduit drops from 3 to 1 shards before/)],
    });
  });

  it('refuses a window that has already ended', () => {
    expect(assessWindow({ ...base, now: T0 + 91 * MIN })).toEqual({
      ok: false,
      status: 400,
      reason: 'ends_at: 2030-01-01T11:30:00.000Z has already passed',
    });
  });

  it('notes overlaps, a window already under way, and a start within the lead time', () => {
    const r = assessWindow({
      ...base,
      existing: [windowOn(2, 'blue', T0 + 80 * MIN, T0 + 120 * MIN), windowOn(3, 'red', T0 + 50 * MIN, T0 + 70 * MIN)],
      endpoints: ['blue', 'green', 'red'],
      now: T0 + 61 * MIN,
    });
    expect(r.ok && r.notes).toEqual([
      "overlaps window 2 on 'blue': one outage from 2030-01-01T11:00:00.000Z to 2030-01-01T12:00:00.000Z",
      "overlaps window 3 on 'red': neither endpoint takes the other's shards while both are in maintenance",
      "already under way: the 2 shard(s) of 'blue' move at once",
      expect.stringMatching(/^2 shard\(s\) move to substitutes/),
    ]);
    const soon = assessWindow({ ...base, now: T0 + 57 * MIN });
    expect(soon.ok && soon.notes[0]).toMatch(/^starts within the lead time \(5 min\)/);
  });

  it('notes substitutes not yet proven, and an endpoint that carries nothing', () => {
    const unproven = assessWindow({ ...base, health: {} });
    expect(unproven.ok && unproven.notes[0]).toMatch(
      /^no other endpoint has proved itself yet \('green'\): each is sent a signed test challenge/,
    );
    const empty = assessWindow({
      ...base,
      window: { ...base.window, endpoint: 'red' },
      endpoints: ['blue', 'green', 'red'],
    });
    expect(empty).toEqual({
      ok: true,
      notes: ["'red' carries no shard in the layout: only substitutes placed on it are moved away"],
    });
  });
});
