/**
 * @module Builders for maintenance-layer inputs and a step-by-step model of Twitch carrying out a paced plan
 * (twitch-eventsub.md §1.3–§1.8, §5.2): a webhook assignment is pending until its challenge, which passes when the
 * endpoint is up and fails when it is down; a websocket assignment is enabled at once; a grown shard is unassigned.
 * A `settle` step first lets every pending challenge finish, as the controller waits for it. The model counts the
 * shards not enabled after every step, which is what the one-at-a-time rule is about.
 */
import {
  EMPTY_MAINTENANCE,
  type EndpointHealth,
  type MaintenanceInput,
  type MaintenanceResult,
  type MaintenanceWindow,
} from '../../src/core/maintenance-types.ts';
import type { ActualShard, EndpointState } from '../../src/core/plan-types.ts';
import { settled, shardOn } from './planner-fixtures.ts';

export const T0 = Date.parse('2030-01-01T10:00:00Z');
export const MIN = 60_000;

export function windowOn(
  id: number,
  endpoint: string,
  startsAt: number,
  endsAt: number,
  compact = false,
): MaintenanceWindow {
  return { id, endpoint, startsAt, endsAt, compact };
}

export const healthy = (at: number): EndpointHealth => ({ healthy: true, verifiedAt: at });
export const failing = (reason = 'HTTP 503'): EndpointHealth => ({ healthy: false, verifiedAt: null, reason });

/** Every endpoint healthy as of `at` (websockets only with a session). */
export function allHealthy(endpoints: Record<string, EndpointState>, at: number): Record<string, EndpointHealth> {
  return Object.fromEntries(
    Object.values(endpoints)
      .filter((e) => e.kind === 'webhook' || e.sessionId !== null)
      .map((e) => [e.name, healthy(at)]),
  );
}

/** A conduit settled on `desired`, no windows, every endpoint healthy at T0. */
export function baseInput(desired: string[], endpoints: Record<string, EndpointState>, now = T0): MaintenanceInput {
  const s = settled(desired, endpoints);
  return { ...s, windows: [], now, health: allHealthy(endpoints, now), state: EMPTY_MAINTENANCE };
}

export interface Applied {
  input: MaintenanceInput;
  /** Shards not enabled after each step (before the next step's settle). */
  notEnabledAfter: number[];
  /** Helix writes, as the controller would send them. */
  calls: { kind: 'grow' | 'shrink' | 'assign'; shards?: number }[];
  settles: number;
}

/**
 * Carry out `result.plan` the way Twitch and the controller would. `down` names endpoints whose challenges fail.
 * Returns the next pass's input: the new listing and fingerprints, the returned state, at `now`.
 */
export function applyMaintenance(
  input: MaintenanceInput,
  result: MaintenanceResult,
  opts: { down?: string[]; now?: number } = {},
): Applied {
  const down = new Set(opts.down ?? []);
  let count = input.shardCount;
  const byId = new Map(input.actual.filter((a) => a.id < count).map((a) => [a.id, { ...a }]));
  const applied = { ...input.applied };
  const notEnabledAfter: number[] = [];
  const calls: Applied['calls'] = [];
  let settles = 0;
  const pending = new Set<number>();
  const settle = () => {
    for (const id of pending) {
      const a = byId.get(id);
      if (!a || a.status !== 'webhook_callback_verification_pending' || a.transport.method !== 'webhook') continue;
      const owner = Object.values(input.endpoints).find(
        (e) => e.kind === 'webhook' && e.callback === (a.transport as { callback: string }).callback,
      );
      byId.set(id, {
        ...a,
        status: owner && down.has(owner.name) ? 'webhook_callback_verification_failed' : 'enabled',
      });
    }
    pending.clear();
  };
  // Not enabled: listed with another status, or not listed at all (unassigned) below the count.
  let notEnabledCount = 0;
  for (let id = 0; id < count; id++) if (byId.get(id)?.status !== 'enabled') notEnabledCount++;
  const recount = (ids: Iterable<number>, before: Map<number, boolean>) => {
    for (const id of ids) {
      const now = id < count && byId.get(id)?.status !== 'enabled';
      const was = before.get(id) ?? false;
      notEnabledCount += Number(now) - Number(was);
    }
  };
  const snapshot = (ids: Iterable<number>) =>
    new Map([...ids].map((id) => [id, id < count && byId.get(id)?.status !== 'enabled'] as const));
  const notEnabled = () => notEnabledCount;
  for (const step of result.plan.steps) {
    if (step.settle) {
      const ids = [...pending];
      const before = snapshot(ids);
      settle();
      recount(ids, before);
      settles++;
    }
    if (step.kind === 'assign') {
      const before = snapshot(step.shards.map((c) => c.id));
      calls.push({ kind: 'assign', shards: step.shards.length });
      for (const c of step.shards) {
        if (c.id >= count) throw new Error(`assign to shard ${c.id} but shard_count is ${count}`);
        const e = input.endpoints[c.endpoint]!;
        const webhookShard = e.kind === 'webhook';
        byId.set(c.id, shardOn(c.id, e, webhookShard ? 'webhook_callback_verification_pending' : 'enabled'));
        if (webhookShard) {
          applied[c.id] = e.fingerprint;
          pending.add(c.id);
        } else delete applied[c.id];
      }
      recount(before.keys(), before);
    } else {
      if (step.from !== count) throw new Error(`${step.kind} from ${step.from} but shard_count is ${count}`);
      calls.push({ kind: step.kind });
      count = step.to;
      for (const id of [...byId.keys()]) if (id >= count) byId.delete(id);
      notEnabledCount = 0;
      for (let id = 0; id < count; id++) if (byId.get(id)?.status !== 'enabled') notEnabledCount++;
    }
    notEnabledAfter.push(notEnabled());
  }
  settle();
  const actual: ActualShard[] = [...byId.values()].sort((x, y) => x.id - y.id);
  return {
    input: { ...input, shardCount: count, actual, applied, state: result.state, now: opts.now ?? input.now },
    notEnabledAfter,
    calls,
    settles,
  };
}

/** The endpoint each listed shard is on (by callback or session), for asserting where shards ended up. */
export function placement(input: MaintenanceInput): string[] {
  const out: string[] = [];
  const byId = new Map(input.actual.map((a) => [a.id, a]));
  for (let id = 0; id < input.shardCount; id++) {
    const a = byId.get(id);
    const e = a
      ? Object.values(input.endpoints).find((x) =>
          x.kind === 'webhook'
            ? a.transport.method === 'webhook' && a.transport.callback === x.callback
            : a.transport.method === 'websocket' && a.transport.sessionId === x.sessionId,
        )
      : undefined;
    out.push(e ? e.name : '?');
  }
  return out;
}

export function decisionKinds(r: MaintenanceResult): string[] {
  return r.decisions.map((d) => d.kind);
}
