/**
 * @module A clear answer when a window is created (design.md §6): refused when nothing could carry the endpoint's
 * shards during it (no other endpoint outside maintenance, or a compact window over every shard) — refusing is safe,
 * a window that cannot be honoured would only promise what it cannot do — otherwise accepted with notes on what will
 * happen: overlaps, a window already under way, a start within the lead time, substitutes not yet proven.
 */
import type { EndpointHealth, MaintenanceWindow } from './maintenance-types.ts';
import { DEFAULT_LEAD_MS } from './maintenance-windows.ts';

export interface AssessInput {
  window: Omit<MaintenanceWindow, 'id'>;
  existing: MaintenanceWindow[];
  desired: string[];
  endpoints: string[];
  health: Record<string, EndpointHealth>;
  now: number;
  leadMs?: number;
}

export type Assessment = { ok: true; notes: string[] } | { ok: false; status: 400 | 409; reason: string };

const iso = (ms: number) => new Date(ms).toISOString();
const overlaps = (a: { startsAt: number; endsAt: number }, b: { startsAt: number; endsAt: number }, lead: number) =>
  a.startsAt - lead < b.endsAt && b.startsAt - lead < a.endsAt;

export function assessWindow(input: AssessInput): Assessment {
  const { window: w, now } = input;
  const lead = input.leadMs ?? DEFAULT_LEAD_MS;
  if (w.endsAt <= now) return { ok: false, status: 400, reason: `ends_at: ${iso(w.endsAt)} has already passed` };
  const carried = input.desired.filter((e) => e === w.endpoint).length;
  const notes: string[] = [];
  for (const x of input.existing) {
    if (!overlaps(w, x, lead) || x.endsAt <= now) continue;
    notes.push(
      x.endpoint === w.endpoint
        ? `overlaps window ${x.id} on '${x.endpoint}': one outage from ${iso(Math.min(w.startsAt, x.startsAt))} to ${iso(Math.max(w.endsAt, x.endsAt))}`
        : `overlaps window ${x.id} on '${x.endpoint}': neither endpoint takes the other's shards while both are in maintenance`,
    );
  }
  if (carried === 0) {
    notes.push(`'${w.endpoint}' carries no shard in the layout: only substitutes placed on it are moved away`);
    return { ok: true, notes };
  }
  const busy = new Set(input.existing.filter((x) => x.endsAt > now && overlaps(w, x, lead)).map((x) => x.endpoint));
  const others = input.endpoints.filter((e) => e !== w.endpoint && !busy.has(e)).sort();
  if (w.compact && carried === input.desired.length) {
    return {
      ok: false,
      status: 409,
      reason: `every shard is on '${w.endpoint}' and a conduit keeps at least one: a compact window cannot remove them all`,
    };
  }
  if (others.length === 0 && !w.compact) {
    return {
      ok: false,
      status: 409,
      reason:
        `no other endpoint outside maintenance could carry the ${carried} shard(s) of '${w.endpoint}' during this window, ` +
        `and nothing is ever moved onto an endpoint that is down: add another endpoint first, or make the window compact`,
    };
  }
  if (!w.compact && !others.some((e) => input.health[e]?.healthy === true)) {
    notes.push(
      `no other endpoint has proved itself yet (${others.map((e) => `'${e}'`).join(', ')}): each is sent a signed test ` +
        `challenge before anything moves; if none answers, the shards stay on '${w.endpoint}' and the audit log says so`,
    );
  }
  if (w.startsAt <= now) {
    notes.push(`already under way: the ${carried} shard(s) of '${w.endpoint}' move at once`);
  } else if (w.startsAt - lead <= now) {
    notes.push(
      `starts within the lead time (${Math.round(lead / 60_000)} min): the shards move now, in waves if one at a time would not finish in time`,
    );
  }
  notes.push(
    w.compact
      ? `compact: the conduit drops from ${input.desired.length} to ${input.desired.length - carried} shards before ${iso(w.startsAt)} and grows back after ${iso(w.endsAt)}, once '${w.endpoint}' proves itself`
      : `${carried} shard(s) move to substitutes before ${iso(w.startsAt)} and come back one at a time after ${iso(w.endsAt)}, once '${w.endpoint}' proves itself`,
  );
  return { ok: true, notes };
}
