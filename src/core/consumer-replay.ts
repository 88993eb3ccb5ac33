/**
 * @module Pure steps of a `?since=` replay (design.md §5): where each hub's replay starts and whether retention or
 * a bad cursor moved that start, and the order pages from several hubs are sent in. Sequences only order events
 * within a hub, so pages are merged by arrival time while each hub's own order is kept (per-broadcaster order).
 */
import type { ReplayGap } from './consumer-frames.ts';
import type { RecordedEvent } from './event-envelope.ts';

/** What a hub says about its log when a replay reads its first page. */
export interface HubExtent {
  /** Oldest sequence still kept (last + 1 when empty). */
  firstKept: number;
  /** Last sequence ever assigned. */
  last: number;
}

/**
 * Check a hub's requested start. A position past the hub's last sequence cannot be honoured (the log was reset,
 * or the cursor is from another deployment): start at the end instead, or later events at or below it would be
 * skipped for good. A position before the oldest kept event means some events are gone.
 */
export function checkStart(position: number, extent: HubExtent): { start: number; gap: ReplayGap | null } {
  if (position > extent.last) return { start: extent.last, gap: 'cursor_ahead' };
  if (extent.firstKept > position + 1) return { start: position, gap: 'retention' };
  return { start: position, gap: null };
}

export interface HubPage {
  hub: number;
  events: readonly RecordedEvent[];
}

/** One sequence of `{hub, event}`: earliest arrival first, each hub's events in their own order. */
export function mergeByArrival(pages: readonly HubPage[]): { hub: number; event: RecordedEvent }[] {
  const next = pages.map(() => 0);
  const out: { hub: number; event: RecordedEvent }[] = [];
  const total = pages.reduce((n, p) => n + p.events.length, 0);
  while (out.length < total) {
    let pick = -1;
    for (let i = 0; i < pages.length; i++) {
      const e = pages[i]!.events[next[i]!];
      if (!e) continue;
      const best = pick < 0 ? undefined : pages[pick]!.events[next[pick]!]!;
      if (!best || e.receivedAt < best.receivedAt) pick = i;
    }
    const page = pages[pick]!;
    out.push({ hub: page.hub, event: page.events[next[pick]!]! });
    next[pick] = next[pick]! + 1;
  }
  return out;
}
