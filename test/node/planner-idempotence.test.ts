/**
 * The planner on random layouts (seeded, so a failure names its reproducible case): every plan is well formed, and
 * applying it as Twitch would leaves nothing to do — planning again yields no steps (design.md §6).
 */
import { describe, expect, it } from 'vitest';
import { plan } from '../../src/core/planner.ts';
import type { ActualShard, EndpointState, Plan, PlanInput } from '../../src/core/plan-types.ts';
import { applyPlan, assignedIds, endpointMap, webhook, websocket } from '../support/planner-fixtures.ts';
import { seededRng, type Rng } from '../support/prng.ts';

const CASES = 200;
const STATUSES = [
  'enabled',
  'enabled',
  'enabled',
  'webhook_callback_verification_pending',
  'webhook_callback_verification_failed',
  'notification_failures_exceeded',
  'websocket_disconnected',
  'websocket_failed_ping_pong',
];

function randomEndpoints(rng: Rng): EndpointState[] {
  const list: EndpointState[] = [];
  for (let i = rng.int(1, 3); i > 0; i--) list.push(webhook(`hook-${i}`, rng.pick(['fp-a', 'fp-b'])));
  for (let i = rng.int(0, 2); i > 0; i--) list.push(websocket(`ws-${i}`, rng.chance(0.3) ? null : `sess-${i}`));
  return list;
}

function randomShard(rng: Rng, id: number, endpoints: EndpointState[]): ActualShard {
  const status = rng.pick(STATUSES);
  const e = rng.pick(endpoints);
  const r = rng.next();
  if (r < 0.1) return { id, status, transport: { method: 'unknown', raw: 'carrier-pigeon' } };
  if (r < 0.2) return { id, status, transport: { method: 'webhook', callback: 'https://stale.example/hook' } };
  if (r < 0.3) return { id, status, transport: { method: 'websocket', sessionId: 'sess-stale' } };
  if (e.kind === 'webhook') return { id, status, transport: { method: 'webhook', callback: e.callback } };
  return { id, status, transport: { method: 'websocket', sessionId: e.sessionId ?? 'sess-gone' } };
}

function randomInput(rng: Rng): PlanInput {
  const list = randomEndpoints(rng);
  const names = list.map((e) => e.name);
  const shardCount = rng.int(1, 24);
  const actual: ActualShard[] = [];
  const applied: Record<number, string> = {};
  // Ids past shard_count too: a listing taken before a shrink may still hold them.
  for (let id = 0; id < shardCount + 3; id++) {
    if (rng.chance(0.8)) actual.push(randomShard(rng, id, list));
    if (rng.chance(0.7)) applied[id] = rng.pick(['fp-a', 'fp-b']);
  }
  const desired = Array.from({ length: rng.int(1, 24) }, () => rng.pick(names));
  return { shardCount, desired, endpoints: endpointMap(...list), actual, applied, batchSize: rng.pick([1, 2, 5, 500]) };
}

function expectWellFormed(input: PlanInput, p: Plan): void {
  const wanted = input.desired.length;
  const kinds = p.steps.map((s) => s.kind);
  expect(kinds.filter((k) => k === 'grow').length).toBe(wanted > input.shardCount ? 1 : 0);
  expect(kinds.filter((k) => k === 'shrink').length).toBe(wanted < input.shardCount ? 1 : 0);
  if (kinds.includes('grow')) expect(kinds[0]).toBe('grow');
  if (kinds.includes('shrink')) expect(kinds.at(-1)).toBe('shrink');
  const batches = p.steps.flatMap((s) => (s.kind === 'assign' ? [s.shards.length] : []));
  batches.forEach((n, i) => {
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(input.batchSize ?? 500);
    if (i < batches.length - 1) expect(n).toBe(input.batchSize ?? 500);
  });
  const ids = assignedIds(p);
  expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
  expect(ids.every((id) => id < wanted)).toBe(true);
  expect(ids.length + p.waiting.length + p.unchanged).toBe(wanted);
  for (const w of p.waiting) {
    expect(input.endpoints[w.endpoint]).toMatchObject({ kind: 'websocket', sessionId: null });
    expect(ids).not.toContain(w.id);
  }
  for (const s of p.steps) {
    if (s.kind === 'assign') for (const c of s.shards) expect(c.endpoint).toBe(input.desired[c.id]);
  }
}

describe('plan on random layouts', () => {
  it(`is well formed, deterministic and idempotent over ${CASES} seeded cases`, () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const rng = seededRng(seed);
      const input = randomInput(rng);
      const before = structuredClone(input);
      const first = plan(input);
      expect(input, `seed ${seed}: input not mutated`).toEqual(before);
      expect(plan(structuredClone(input)), `seed ${seed}: deterministic`).toEqual(first);
      expectWellFormed(input, first);

      const status = (id: number) => (id % 2 === 0 ? 'enabled' : 'webhook_callback_verification_pending');
      const after = applyPlan(input, first, status);
      const second = plan(after);
      expect(second.steps, `seed ${seed}: plan after apply`).toEqual([]);
      expect(second.waiting.map((w) => w.id)).toEqual(first.waiting.map((w) => w.id));
      expect(second.unchanged).toBe(input.desired.length - first.waiting.length);
    }
  });

  it('detects a broken apply: skipping one assignment leaves exactly that shard to do', () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const input = randomInput(seededRng(seed));
      const first = plan(input);
      const ids = assignedIds(first);
      const skipped = ids[ids.length >> 1];
      if (skipped === undefined) continue;
      const partial: Plan = {
        ...first,
        steps: first.steps.map((s) =>
          s.kind === 'assign' ? { ...s, shards: s.shards.filter((c) => c.id !== skipped) } : s,
        ),
      };
      expect(assignedIds(plan(applyPlan(input, partial))), `seed ${seed}`).toEqual([skipped]);
    }
  });
});
