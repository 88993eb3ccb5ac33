/**
 * The planner at Twitch's maximum of 20,000 shards (twitch-eventsub.md §1.3): batches of the Update Conduit Shards
 * size, and linear work — checked by counting reads of the shard listing, which cannot flake as a timer could.
 */
import { describe, expect, it } from 'vitest';
import { plan } from '../../src/core/planner.ts';
import type { ActualShard } from '../../src/core/plan-types.ts';
import { assignedIds, endpointMap, settled, webhook, websocket } from '../support/planner-fixtures.ts';

const N = 20_000;
const endpoints = endpointMap(webhook('default'), webhook('blue'), websocket('ws-1', 'sess-1'));
const layout = Array.from({ length: N }, (_, i) => ['default', 'blue', 'ws-1'][i % 3] as string);

/** A proxy over the listing that counts element reads, so a per-shard linear search (O(n²)) would show. */
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

describe('plan at 20,000 shards', () => {
  it('grows 1 → 20,000 and assigns every shard in 40 ascending batches of 500', () => {
    const p = plan({ shardCount: 1, desired: layout, endpoints, actual: [], applied: {} });
    expect(p.steps[0]).toEqual({ kind: 'grow', from: 1, to: N, reason: expect.any(String) });
    const batches = p.steps.slice(1);
    expect(batches).toHaveLength(40);
    expect(batches.every((s) => s.kind === 'assign' && s.shards.length === 500)).toBe(true);
    expect(assignedIds(p)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(p.unchanged).toBe(0);
  });

  it('reads the listing a bounded number of times and re-assigns only the broken shards', () => {
    const input = settled(layout, endpoints);
    const broken = input.actual.map((a) => (a.id % 100 === 7 ? { ...a, status: 'websocket_disconnected' } : a));
    const listing = counted(broken);
    const p = plan({ ...input, actual: listing.list });
    expect(listing.reads()).toBeLessThanOrEqual(2 * N);
    expect(p.steps).toHaveLength(1);
    expect(assignedIds(p)).toEqual(Array.from({ length: 200 }, (_, i) => i * 100 + 7));
    expect(p.unchanged).toBe(N - 200);
  });

  it('honours a custom batch size, leaving the remainder in the last batch', () => {
    const p = plan({ shardCount: N, desired: layout, endpoints, actual: [], applied: {}, batchSize: 333 });
    const sizes = p.steps.map((s) => (s.kind === 'assign' ? s.shards.length : -1));
    expect(sizes).toHaveLength(61);
    expect(sizes.slice(0, 60).every((n) => n === 333)).toBe(true);
    expect(sizes[60]).toBe(N - 60 * 333);
  });
});
