/**
 * Repairs (design.md §6): a disabled webhook shard is re-PATCHed when its endpoint answers a test challenge and
 * substituted when it does not; a websocket shard disabled on the session its endpoint still reports gets a reconnect
 * request; a websocket endpoint without a session past the grace has its shards substituted until it is back.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_REPAIR_GRACE_MS, planMaintenance } from '../../src/core/maintenance.ts';
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
const layout = ['blue', 'green', 'blue', 'ws-1'];

function withStatus(input: ReturnType<typeof baseInput>, statuses: Record<number, string>) {
  return { ...input, actual: input.actual.map((a) => (statuses[a.id] ? { ...a, status: statuses[a.id]! } : a)) };
}

describe('repairs', () => {
  it('asks for a test challenge of the endpoint of a disabled webhook shard', () => {
    const input = withStatus(baseInput(layout, endpointMap(blue, green, ws)), { 2: 'notification_failures_exceeded' });
    const r = planMaintenance(input);
    expect(r.probes).toEqual([{ endpoint: 'blue', reason: 'shard 2 is notification_failures_exceeded' }]);
  });

  it('re-PATCHes it when the endpoint answered, in an ordinary batch (it is down already: no added risk)', () => {
    const input = withStatus(baseInput(layout, endpointMap(blue, green, ws)), {
      0: 'webhook_callback_verification_failed',
      2: 'notification_failures_exceeded',
    });
    const r = planMaintenance(input);
    expect(r.plan.steps).toEqual([
      {
        kind: 'assign',
        shards: [0, 2].map((id) => ({ id, endpoint: 'blue', reason: expect.stringMatching(/^status /) })),
      },
    ]);
    expect(r.decisions).toEqual([
      expect.objectContaining({
        kind: 'repair',
        endpoint: 'blue',
        reason:
          "2 shard(s) not enabled on Twitch (webhook_callback_verification_failed ×1, notification_failures_exceeded ×1) are re-assigned to 'blue'",
      }),
    ]);
    expect(r.state.substitutions).toEqual([]);
  });

  it('substitutes every shard of a webhook endpoint that fails its test challenge, all at once, and restores later', () => {
    const input = withStatus(baseInput(layout, endpointMap(blue, green, ws)), { 2: 'notification_failures_exceeded' });
    input.health = { ...input.health, blue: failing('HTTP 502') };
    const r = planMaintenance(input);
    expect(r.effective).toEqual(['green', 'green', 'ws-1', 'ws-1']);
    expect(r.state.substitutions.map((s) => [s.shard, s.cause, s.windowId, s.clearAfter])).toEqual([
      [0, 'repair', null, T0],
      [2, 'repair', null, T0],
    ]);
    expect(r.decisions.find((d) => d.kind === 'substitute')?.reason).toBe(
      "'blue' is failing (HTTP 502): 2 shard(s) get substitutes on 'green' ×1, 'ws-1' ×1",
    );
    // Shard 0 is enabled on a broken webhook (it loses every event): it moves at once, not in paced waves.
    expect(r.plan.steps.flatMap((s) => (s.kind === 'assign' ? s.shards.map((c) => c.id) : []))).toEqual([2, 0]);
    expect(r.probes).toContainEqual({ endpoint: 'blue', reason: 'failing: is it back?' });

    const during = applyMaintenance(input, r).input;
    const stillDown = planMaintenance({ ...during, now: T0 + MIN });
    expect(stillDown.plan.steps).toEqual([]);
    expect(stillDown.decisions.find((d) => d.kind === 'wait')?.reason).toBe(
      "2 shard(s) stay on their substitutes until 'blue' answers a signed test challenge (last check: HTTP 502)",
    );
    const back = planMaintenance({
      ...during,
      now: T0 + 2 * MIN,
      health: { ...during.health, blue: healthy(T0 + 2 * MIN) },
    });
    expect(back.effective).toEqual(layout);
    const home = applyMaintenance({ ...during, now: T0 + 2 * MIN }, back).input;
    expect(placement(home)).toEqual(layout);
  });

  it('never re-PATCHes a shard onto a failing endpoint when nothing can substitute: it waits, saying why', () => {
    const two = endpointMap(blue, green);
    const input = withStatus(baseInput(['blue', 'green'], two), { 0: 'notification_failures_exceeded' });
    input.health = { blue: failing('HTTP 503'), green: failing('timeout') };
    const r = planMaintenance(input);
    expect(r.plan.steps).toEqual([]);
    expect(r.plan.waiting).toEqual([
      { id: 0, endpoint: 'blue', reason: "'blue' is failing (HTTP 503): not assigned onto it" },
    ]);
    expect(r.decisions.map((d) => d.kind)).toEqual(['refuse', 'refuse']);
  });

  it('asks a websocket endpoint to reconnect when Twitch disabled its shard on the session it still reports', () => {
    const input = withStatus(baseInput(layout, endpointMap(blue, green, ws)), { 3: 'websocket_failed_ping_pong' });
    const r = planMaintenance(input);
    expect(r.reconnect).toEqual([
      {
        endpoint: 'ws-1',
        reason:
          "Twitch lists 1 shard(s) (first: 3, websocket_failed_ping_pong) on session sess-1, which 'ws-1' still calls its own: a fresh socket",
      },
    ]);
    expect(r.decisions.map((d) => d.kind)).toContain('reconnect');
  });

  it('asks no reconnect of a sessionless websocket endpoint in its window once its shards are elsewhere', () => {
    const input = {
      ...baseInput(['ws-1', 'green'], endpointMap(green, ws)),
      windows: [windowOn(1, 'ws-1', T0 - MIN, T0 + 30 * MIN)],
    };
    const moved = applyMaintenance(input, planMaintenance(input)).input;
    const down = { ...moved, endpoints: endpointMap(green, websocket('ws-1', null)), now: T0 + MIN };
    delete down.health['ws-1'];
    const r = planMaintenance(down);
    expect(r.effective).toEqual(['green', 'green']);
    expect(r.reconnect).toEqual([]);
    // After the window it is asked to come back, so that its shard can go home.
    expect(planMaintenance({ ...down, now: T0 + 31 * MIN }).reconnect.map((x) => x.endpoint)).toEqual(['ws-1']);
  });

  it('re-assigns a disabled websocket shard to the endpoint’s newer session without a reconnect', () => {
    const input = withStatus(baseInput(layout, endpointMap(blue, green, ws)), { 3: 'websocket_disconnected' });
    const r = planMaintenance({ ...input, endpoints: endpointMap(blue, green, websocket('ws-1', 'sess-2')) });
    expect(r.reconnect).toEqual([]);
    expect(r.plan.steps).toEqual([{ kind: 'assign', shards: [expect.objectContaining({ id: 3, endpoint: 'ws-1' })] }]);
  });

  it('waits for a sessionless websocket endpoint during the grace, then substitutes its shards', () => {
    const input = withStatus(baseInput(layout, endpointMap(blue, green, ws)), { 3: 'websocket_disconnected' });
    const down = { ...input, endpoints: endpointMap(blue, green, websocket('ws-1', null)) };
    delete down.health['ws-1'];
    const first = planMaintenance(down);
    expect(first.plan.waiting).toEqual([{ id: 3, endpoint: 'ws-1', reason: "endpoint 'ws-1' has no live session" }]);
    expect(first.state.sessionlessSince).toEqual({ 'ws-1': T0 });
    expect(first.reconnect.map((x) => x.endpoint)).toEqual(['ws-1']);
    const later = planMaintenance({ ...down, state: first.state, now: T0 + DEFAULT_REPAIR_GRACE_MS });
    expect(later.effective).toEqual(['blue', 'green', 'blue', 'blue']);
    expect(later.decisions.find((d) => d.kind === 'substitute')?.reason).toBe(
      "'ws-1' is failing (no live session for 120 s): 1 shard(s) get substitutes on 'blue' ×1",
    );
    // The session is back: the shard goes home (a websocket assignment, one batch).
    const back = planMaintenance({
      ...input,
      state: later.state,
      now: T0 + 3 * MIN,
      health: { ...input.health, 'ws-1': healthy(T0 + 3 * MIN) },
    });
    expect(back.effective).toEqual(layout);
    expect(back.state.sessionlessSince).toEqual({});
  });
});
