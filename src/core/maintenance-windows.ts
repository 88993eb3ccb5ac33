/**
 * @module Which endpoints are in maintenance now (design.md §6): an endpoint is from `startsAt - lead` until `endsAt`
 * of any of its windows. Windows of one endpoint that overlap (or follow each other within the lead time) make one
 * outage, from the first start to the last end, handled the way its earliest window says (compact or not): switching
 * mid-outage would move the same shards twice.
 */
import type { Decision, MaintenanceWindow } from './maintenance-types.ts';

export const DEFAULT_LEAD_MS = 5 * 60_000;

export interface Outage {
  endpoint: string;
  windowIds: number[];
  startsAt: number;
  endsAt: number;
  /** The earliest window's choice. */
  compact: boolean;
  /** The window has begun: substitutes are overdue, not early. */
  started: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The windows of each endpoint chained into outages; only the outage covering `now` (with the lead) is returned. */
export function currentOutages(
  windows: MaintenanceWindow[],
  now: number,
  leadMs: number,
  known: (endpoint: string) => boolean,
): { outages: Map<string, Outage>; decisions: Decision[] } {
  const decisions: Decision[] = [];
  const byEndpoint = new Map<string, MaintenanceWindow[]>();
  for (const w of windows) {
    if (w.endsAt <= w.startsAt) continue;
    if (!known(w.endpoint)) {
      if (w.startsAt - leadMs <= now && now < w.endsAt) {
        decisions.push({
          kind: 'ignore',
          windowId: w.id,
          endpoint: w.endpoint,
          reason: `window ${w.id} names endpoint '${w.endpoint}', which does not exist`,
        });
      }
      continue;
    }
    byEndpoint.set(w.endpoint, [...(byEndpoint.get(w.endpoint) ?? []), w]);
  }
  const outages = new Map<string, Outage>();
  for (const [endpoint, list] of [...byEndpoint].sort(([a], [b]) => a.localeCompare(b))) {
    list.sort((a, b) => a.startsAt - b.startsAt || a.id - b.id);
    let chain: MaintenanceWindow[] = [];
    let end = -Infinity;
    for (const w of [...list, null]) {
      // A window whose lead begins before the chain ends continues it: the endpoint never comes back in between.
      if (w && chain.length > 0 && w.startsAt - leadMs < end) {
        chain.push(w);
        end = Math.max(end, w.endsAt);
        continue;
      }
      const first = chain[0];
      if (first && first.startsAt - leadMs <= now && now < end) {
        const outage: Outage = {
          endpoint,
          windowIds: chain.map((c) => c.id),
          startsAt: first.startsAt,
          endsAt: end,
          compact: first.compact,
          started: now >= first.startsAt,
        };
        outages.set(endpoint, outage);
        if (chain.length > 1) {
          const mixed = chain.some((c) => c.compact !== first.compact);
          decisions.push({
            kind: 'overlap',
            endpoint,
            windowId: first.id,
            reason:
              `windows ${outage.windowIds.join(', ')} on '${endpoint}' overlap: one outage from ${iso(outage.startsAt)} ` +
              `to ${iso(outage.endsAt)}${mixed ? `, ${first.compact ? 'compact' : 'substituted'} as window ${first.id} (the earliest) says` : ''}`,
          });
        }
      }
      if (w) {
        chain = [w];
        end = w.endsAt;
      }
    }
  }
  return { outages, decisions };
}

/**
 * Changes whenever a window enters its lead time, starts or ends (or is added or removed while relevant): the cron
 * compares it with the one the run in progress was planned under and plans afresh when it differs.
 */
export function maintenanceEpoch(windows: MaintenanceWindow[], now: number, leadMs: number = DEFAULT_LEAD_MS): string {
  return windows
    .filter((w) => w.startsAt - leadMs <= now)
    .map((w) => `${w.id}:${now >= w.endsAt ? 'over' : now >= w.startsAt ? 'on' : 'lead'}`)
    .sort()
    .join(',');
}
