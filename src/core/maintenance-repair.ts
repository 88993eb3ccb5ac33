/**
 * @module Repairs (design.md §6): a shard Twitch lists as not enabled is re-assigned by the planner (a webhook shard
 * re-PATCHed, a websocket shard put on its endpoint's current session); a webhook endpoint that fails its test
 * challenge, or a websocket endpoint without a live session for longer than the grace, has its shards substituted;
 * and a websocket endpoint whose shard Twitch disabled on the very session it still calls its own is asked to open a
 * fresh socket (twitch-eventsub.md §5.3: a new session, then a re-PATCH within 10 s).
 */
import type { Decision, MaintenanceInput } from './maintenance-types.ts';
import type { ActualShard, Plan } from './plan-types.ts';

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** Websocket endpoints that carry shards but have no session: since when, and which are past the grace. */
export function sessionless(
  input: MaintenanceInput,
  base: string[],
  graceMs: number,
): { since: Record<string, number>; broken: Map<string, string> } {
  const since: Record<string, number> = {};
  const broken = new Map<string, string>();
  const carried = new Set(base);
  for (const [name, e] of Object.entries(input.endpoints).sort(([a], [b]) => a.localeCompare(b))) {
    if (e.kind !== 'websocket' || e.sessionId !== null || !carried.has(name)) continue;
    const from = input.state.sessionlessSince[name] ?? input.now;
    since[name] = from;
    if (input.now - from >= graceMs) broken.set(name, `no live session for ${seconds(input.now - from)}`);
  }
  return { since, broken };
}

/** `inMaintenance`: endpoints in (or entering) a window, which are left alone unless they still carry shards. */
export function reconnects(
  input: MaintenanceInput,
  effective: string[],
  byId: Map<number, ActualShard>,
  inMaintenance: (endpoint: string) => boolean,
): { endpoint: string; reason: string }[] {
  const { endpoints } = input;
  const out: { endpoint: string; reason: string }[] = [];
  const carried = new Set(effective);
  for (const [name, e] of Object.entries(endpoints).sort(([a], [b]) => a.localeCompare(b))) {
    if (e.kind !== 'websocket') continue;
    if (e.sessionId === null) {
      if (carried.has(name) || (input.desired.includes(name) && !inMaintenance(name))) {
        out.push({ endpoint: name, reason: `'${name}' carries shards but has no live session` });
      }
      continue;
    }
    const dead = [...byId.values()].filter(
      (a) => a.transport.method === 'websocket' && a.transport.sessionId === e.sessionId && a.status !== 'enabled',
    );
    if (dead.length > 0) {
      const first = dead[0]!;
      out.push({
        endpoint: name,
        reason: `Twitch lists ${dead.length} shard(s) (first: ${first.id}, ${first.status}) on session ${e.sessionId}, which '${name}' still calls its own: a fresh socket`,
      });
    }
  }
  return out;
}

/** The planner's re-assignments of shards Twitch lists as not enabled, grouped by destination. */
export function repairDecisions(p: Plan, notEnabled: Set<number>, byId: Map<number, ActualShard>): Decision[] {
  const groups = new Map<string, { ids: number[]; statuses: Map<string, number> }>();
  for (const step of p.steps) {
    if (step.kind !== 'assign') continue;
    for (const c of step.shards) {
      const a = byId.get(c.id);
      if (!a || !notEnabled.has(c.id) || a.status === 'webhook_callback_verification_pending') continue;
      const g = groups.get(c.endpoint) ?? { ids: [], statuses: new Map<string, number>() };
      g.ids.push(c.id);
      g.statuses.set(a.status, (g.statuses.get(a.status) ?? 0) + 1);
      groups.set(c.endpoint, g);
    }
  }
  return [...groups].map(([endpoint, g]) => ({
    kind: 'repair' as const,
    endpoint,
    reason: `${g.ids.length} shard(s) not enabled on Twitch (${[...g.statuses].map(([s, n]) => `${s} ×${n}`).join(', ')}) are re-assigned to '${endpoint}'`,
    shards: g.ids.slice(0, 50),
    count: g.ids.length,
  }));
}
