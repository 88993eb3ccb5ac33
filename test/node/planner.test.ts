/** The shard planner's decisions and step order on hand-built layouts (design.md §6, conduit-notes.md "Scaling"). */
import { describe, expect, it } from 'vitest';
import { plan } from '../../src/core/planner.ts';
import type { ActualShard, PlanInput } from '../../src/core/plan-types.ts';
import {
  applyPlan,
  assignedIds,
  endpointMap,
  settled,
  shardOn,
  webhook,
  websocket,
} from '../support/planner-fixtures.ts';

const def = webhook('default');
const blue = webhook('blue');
const ws1 = websocket('ws-1', 'sess-1');

describe('plan', () => {
  it('assigns shard 0 of a fresh conduit (nothing listed)', () => {
    const p = plan({ shardCount: 1, desired: ['default'], endpoints: endpointMap(def), actual: [], applied: {} });
    expect(p).toEqual({
      steps: [{ kind: 'assign', shards: [{ id: 0, endpoint: 'default', reason: 'never assigned' }] }],
      waiting: [],
      unchanged: 0,
    });
  });

  it('plans nothing when every shard already matches, pending webhook shards included', () => {
    const input = settled(['default', 'blue', 'ws-1', 'default'], endpointMap(def, blue, ws1));
    const pending = input.actual.map((a) =>
      a.id === 1 ? { ...a, status: 'webhook_callback_verification_pending' } : a,
    );
    expect(plan({ ...input, actual: pending })).toEqual({ steps: [], waiting: [], unchanged: 4 });
  });

  it('scales up 1 → 3: grow first, then assign exactly the new shards', () => {
    const input = settled(['default'], endpointMap(def, blue));
    const p = plan({ ...input, desired: ['default', 'blue', 'default'] });
    expect(p.steps).toEqual([
      { kind: 'grow', from: 1, to: 3, reason: expect.stringContaining('3') },
      {
        kind: 'assign',
        shards: [
          { id: 1, endpoint: 'blue', reason: 'never assigned' },
          { id: 2, endpoint: 'default', reason: 'never assigned' },
        ],
      },
    ]);
    expect(p.unchanged).toBe(1);
  });

  it('scales down 5 → 2 with only a shrink', () => {
    const input = settled(['default', 'blue', 'default', 'blue', 'default'], endpointMap(def, blue));
    const p = plan({ ...input, desired: ['default', 'blue'] });
    expect(p.steps).toEqual([{ kind: 'shrink', from: 5, to: 2, reason: expect.any(String) }]);
    expect(p.unchanged).toBe(2);
  });

  it('never assigns shards past the desired count, however broken they are', () => {
    const input = settled(['default', 'default', 'default'], endpointMap(def));
    const broken = input.actual.map((a) => (a.id === 2 ? { ...a, status: 'notification_failures_exceeded' } : a));
    const p = plan({ ...input, actual: broken, desired: ['default', 'default'] });
    expect(assignedIds(p)).toEqual([]);
    expect(p.steps.map((s) => s.kind)).toEqual(['shrink']);
  });

  describe('removing shard 4 of 10 (copy the last shard into the gap, then shrink)', () => {
    const layout = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 'default' : 'blue'));
    const endpoints = endpointMap(def, blue);
    const withoutShard4 = (desired: string[]) => [...desired.slice(0, 4), desired[9] as string, ...desired.slice(5, 9)];

    it('assigns shard 4 to shard 9’s endpoint before shrinking 10 → 9', () => {
      const p = plan({ ...settled(layout, endpoints), desired: withoutShard4(layout) });
      expect(p.steps).toEqual([
        { kind: 'assign', shards: [{ id: 4, endpoint: 'blue', reason: expect.stringMatching(/callback differs/) }] },
        { kind: 'shrink', from: 10, to: 9, reason: expect.any(String) },
      ]);
      expect(p.unchanged).toBe(8);
    });

    it('only shrinks when shards 4 and 9 are on the same endpoint', () => {
      const same = layout.map((name, i) => (i === 9 ? 'default' : name));
      const p = plan({ ...settled(same, endpoints), desired: withoutShard4(same) });
      expect(p.steps).toEqual([{ kind: 'shrink', from: 10, to: 9, reason: expect.any(String) }]);
    });
  });

  it('moves shards between webhook and websocket endpoints, saying from what to what', () => {
    const endpoints = endpointMap(def, ws1);
    const input = settled(['default', 'ws-1', 'default'], endpoints);
    const p = plan({ ...input, desired: ['ws-1', 'default', 'default'] });
    expect(p.steps).toEqual([
      {
        kind: 'assign',
        shards: [
          {
            id: 0,
            endpoint: 'ws-1',
            reason: "on webhook https://w.example/webhooks/default, wants websocket endpoint 'ws-1'",
          },
          expect.objectContaining({ id: 1, endpoint: 'default' }),
        ],
      },
    ]);
    const toWebhook = p.steps[0]?.kind === 'assign' ? p.steps[0].shards[1]?.reason : undefined;
    expect(toWebhook).toContain("on websocket session sess-1, wants webhook endpoint 'default'");
    expect(p.unchanged).toBe(1);
  });

  it('puts shards of a websocket endpoint without a session in waiting, not in an assign step', () => {
    const down = websocket('ws-1', null);
    const input = settled(['default', 'ws-1', 'ws-1'], endpointMap(def, ws1));
    const p = plan({ ...input, endpoints: endpointMap(def, down), desired: ['default', 'ws-1', 'ws-1', 'ws-1'] });
    expect(p.steps).toEqual([{ kind: 'grow', from: 3, to: 4, reason: expect.any(String) }]);
    expect(p.waiting).toEqual(
      [1, 2, 3].map((id) => ({ id, endpoint: 'ws-1', reason: "endpoint 'ws-1' has no live session" })),
    );
    expect(p.unchanged).toBe(1);
  });

  it('re-assigns websocket shards that are disconnected or on another session', () => {
    const input = settled(['ws-1', 'ws-1', 'ws-1'], endpointMap(ws1));
    const actual: ActualShard[] = [
      { id: 0, status: 'websocket_disconnected', transport: { method: 'websocket', sessionId: 'sess-1' } },
      { id: 1, status: 'enabled', transport: { method: 'websocket', sessionId: 'sess-0' } },
      shardOn(2, ws1),
    ];
    const p = plan({ ...input, actual });
    expect(p.steps).toEqual([
      {
        kind: 'assign',
        shards: [
          { id: 0, endpoint: 'ws-1', reason: 'status websocket_disconnected' },
          { id: 1, endpoint: 'ws-1', reason: 'session differs (has sess-0, wants sess-1)' },
        ],
      },
    ]);
  });

  it('re-assigns every webhook shard after a secret rotation, and no websocket shard', () => {
    const input = settled(['default', 'ws-1', 'blue', 'default'], endpointMap(def, blue, ws1));
    const rotated = endpointMap(webhook('default', 'fp-2'), webhook('blue', 'fp-2'), ws1);
    const p = plan({ ...input, endpoints: rotated });
    expect(assignedIds(p)).toEqual([0, 2, 3]);
    for (const c of p.steps.flatMap((s) => (s.kind === 'assign' ? s.shards : []))) {
      expect(c.reason).toBe('secret changed (fingerprint differs)');
    }
    expect(p.unchanged).toBe(1);
  });

  it('re-assigns a webhook shard whose applied fingerprint was never recorded', () => {
    const input = settled(['default', 'default'], endpointMap(def));
    const p = plan({ ...input, applied: { 1: 'fp-default' } });
    expect(p.steps).toEqual([
      { kind: 'assign', shards: [{ id: 0, endpoint: 'default', reason: 'secret unknown (no fingerprint recorded)' }] },
    ]);
  });

  it('re-assigns webhook shards that failed verification or exceeded notification failures', () => {
    const input = settled(['default', 'default', 'default'], endpointMap(def));
    const statuses = ['webhook_callback_verification_failed', 'enabled', 'notification_failures_exceeded'];
    const p = plan({ ...input, actual: input.actual.map((a) => ({ ...a, status: statuses[a.id] as string })) });
    expect(p.steps).toEqual([
      {
        kind: 'assign',
        shards: [
          { id: 0, endpoint: 'default', reason: 'status webhook_callback_verification_failed' },
          { id: 2, endpoint: 'default', reason: 'status notification_failures_exceeded' },
        ],
      },
    ]);
  });

  it('re-assigns a shard on a transport method it does not know, and one whose callback differs', () => {
    const input = settled(['default', 'default'], endpointMap(def));
    const actual: ActualShard[] = [
      { id: 0, status: 'enabled', transport: { method: 'unknown', raw: 'carrier-pigeon' } },
      { id: 1, status: 'enabled', transport: { method: 'webhook', callback: 'https://old.example/hook' } },
    ];
    const p = plan({ ...input, actual });
    expect(assignedIds(p)).toEqual([0, 1]);
    const shards = p.steps[0]?.kind === 'assign' ? p.steps[0].shards : [];
    expect(shards[0]?.reason).toBe(`on unknown transport "carrier-pigeon", wants webhook endpoint 'default'`);
    expect(shards[1]?.reason).toBe(
      'callback differs (has https://old.example/hook, wants https://w.example/webhooks/default)',
    );
  });

  it('treats a stale listing entry past shard_count as never assigned once the conduit grows', () => {
    const input: PlanInput = { ...settled(['default'], endpointMap(def)), desired: ['default', 'default'] };
    const p = plan({
      ...input,
      actual: [...input.actual, shardOn(1, def)],
      applied: { 0: 'fp-default', 1: 'fp-default' },
    });
    expect(p.steps[1]).toEqual({ kind: 'assign', shards: [{ id: 1, endpoint: 'default', reason: 'never assigned' }] });
  });

  it('reaches a fixed point: the state after applying a plan plans no steps', () => {
    const input: PlanInput = {
      ...settled(['default', 'ws-1', 'blue'], endpointMap(def, blue, ws1)),
      desired: ['blue', 'blue', 'ws-1', 'default', 'ws-1'],
    };
    const after = applyPlan(input, plan(input));
    expect(after.shardCount).toBe(5);
    expect(plan(after)).toEqual({ steps: [], waiting: [], unchanged: 5 });
  });
});
