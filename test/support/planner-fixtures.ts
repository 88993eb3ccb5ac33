/**
 * @module Builders for planner inputs and a model of what Twitch does with a plan (conduit-notes.md "Scaling",
 * twitch-eventsub.md §1.3–§1.8), so tests can apply a plan and plan again.
 */
import type { ActualShard, EndpointState, Plan, PlanInput } from '../../src/core/plan-types.ts';

export function webhook(name: string, fingerprint = `fp-${name}`, callback = `https://w.example/webhooks/${name}`) {
  return { name, kind: 'webhook', callback, fingerprint } satisfies EndpointState;
}

export function websocket(name: string, sessionId: string | null) {
  return { name, kind: 'websocket', sessionId } satisfies EndpointState;
}

export function endpointMap(...list: EndpointState[]): Record<string, EndpointState> {
  return Object.fromEntries(list.map((e) => [e.name, e]));
}

/** The shard Twitch would list after a successful PATCH of `e` onto `id`. */
export function shardOn(id: number, e: EndpointState, status = 'enabled'): ActualShard {
  if (e.kind === 'webhook') return { id, status, transport: { method: 'webhook', callback: e.callback } };
  if (e.sessionId === null) throw new Error(`endpoint '${e.name}' has no session to put on shard ${id}`);
  return { id, status, transport: { method: 'websocket', sessionId: e.sessionId } };
}

/** A conduit already exactly as `desired` wants it: listed, enabled, fingerprints recorded. */
export function settled(desired: string[], endpoints: Record<string, EndpointState>): PlanInput {
  const actual: ActualShard[] = [];
  const applied: Record<number, string> = {};
  desired.forEach((name, id) => {
    const e = endpoints[name];
    if (e === undefined) throw new Error(`no endpoint '${name}'`);
    actual.push(shardOn(id, e));
    if (e.kind === 'webhook') applied[id] = e.fingerprint;
  });
  return { shardCount: desired.length, desired, endpoints, actual, applied };
}

/**
 * Carries out `plan` as Twitch would and as the controller records it; throws on a call Twitch would reject (an
 * assignment to a shard id outside the current count), which is how ordering mistakes show up.
 * `webhookStatus` picks the status a freshly PATCHed webhook shard is listed with (pending until challenged).
 */
export function applyPlan(
  input: PlanInput,
  plan: Plan,
  webhookStatus: (id: number) => string = () => 'webhook_callback_verification_pending',
): PlanInput {
  let shardCount = input.shardCount;
  const byId = new Map(input.actual.filter((a) => a.id < shardCount).map((a) => [a.id, a]));
  const applied: Record<number, string> = { ...input.applied };
  for (const step of plan.steps) {
    if (step.kind === 'assign') {
      for (const c of step.shards) {
        if (c.id >= shardCount) throw new Error(`assign to shard ${c.id} but shard_count is ${shardCount}`);
        const e = input.endpoints[c.endpoint];
        if (e === undefined) throw new Error(`no endpoint '${c.endpoint}'`);
        const webhookShard = e.kind === 'webhook';
        byId.set(c.id, shardOn(c.id, e, webhookShard ? webhookStatus(c.id) : 'enabled'));
        if (webhookShard) applied[c.id] = e.fingerprint;
        else delete applied[c.id];
      }
      continue;
    }
    if (step.from !== shardCount) throw new Error(`${step.kind} from ${step.from} but shard_count is ${shardCount}`);
    shardCount = step.to;
    for (const id of [...byId.keys()]) if (id >= shardCount) byId.delete(id);
  }
  const actual = [...byId.values()].sort((x, y) => x.id - y.id);
  return { ...input, shardCount, actual, applied };
}

export function assignedIds(plan: Plan): number[] {
  return plan.steps.flatMap((s) => (s.kind === 'assign' ? s.shards.map((c) => c.id) : []));
}
