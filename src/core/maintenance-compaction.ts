/**
 * @module The compaction state machine (conduit-notes.md "Maintenance"; one compaction at a time): begin one when a
 * compact window's outage enters its lead time, stay compacted until the endpoint proves itself after the window,
 * then grow back (paced by maintenance-pace.ts) and forget it once Twitch lists every shard home and enabled. A
 * layout change drops it: the conduit then simply follows the new layout.
 */
import { compactPairs, type CompactPairs } from './maintenance-compact.ts';
import type { Compaction, Decision, MaintenanceInput } from './maintenance-types.ts';
import type { Outage } from './maintenance-windows.ts';
import type { ActualShard } from './plan-types.ts';
import { shardVerdict } from './shard-verdict.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export interface Ctx {
  input: MaintenanceInput;
  outages: Map<string, Outage>;
  byId: Map<number, ActualShard>;
  decisions: Decision[];
  probes: { endpoint: string; reason: string }[];
}

/** The shard is where `endpoint` would put it and enabled: a restore or compaction step for it is complete. */
export function settledOn(ctx: Ctx, id: number, endpoint: string): boolean {
  const e = ctx.input.endpoints[endpoint];
  const a = ctx.byId.get(id);
  return !!e && !!a && a.status === 'enabled' && shardVerdict(e, a, ctx.input.applied[id]).kind === 'ok';
}

function verifiedSince(ctx: Ctx, endpoint: string, since: number): boolean {
  const h = ctx.input.health[endpoint];
  return h?.healthy === true && h.verifiedAt !== null && h.verifiedAt >= since;
}

/** Carry on, finish, undo or begin a compaction (one at a time). */
export function advanceCompaction(ctx: Ctx): { c: Compaction | null; pairs: CompactPairs | null; began: boolean } {
  const { desired, now, state } = ctx.input;
  let c = state.compaction;
  let pairs = c ? compactPairs(desired, c.endpoint) : null;
  if (c && (desired.length !== c.shardCount || !pairs)) {
    ctx.decisions.push({
      kind: 'ignore',
      windowId: c.windowId,
      endpoint: c.endpoint,
      reason: `the layout changed during the compaction for window ${c.windowId}: it is dropped, the conduit follows the new layout`,
    });
    c = null;
    pairs = null;
  }
  if (c && pairs) {
    const o = ctx.outages.get(c.endpoint);
    if (o) return { c: { ...c, phase: 'active', clearAfter: o.endsAt }, pairs, began: false };
    c = { ...c, clearAfter: Math.min(c.clearAfter, now) };
    if (c.phase === 'restoring') {
      const done =
        ctx.input.shardCount === c.shardCount &&
        pairs.pairs.every(({ gap }) => settledOn(ctx, gap, c!.endpoint)) &&
        desired.every((e, i) => i < pairs!.keep || settledOn(ctx, i, e));
      if (!done) return { c, pairs, began: false };
      ctx.decisions.push({
        kind: 'restored',
        windowId: c.windowId,
        endpoint: c.endpoint,
        reason: `compaction for window ${c.windowId} undone: the conduit is back to ${c.shardCount} shards, '${c.endpoint}' carries its own`,
      });
      return { c: null, pairs: null, began: false };
    }
    const kind = ctx.input.endpoints[c.endpoint]?.kind;
    if (verifiedSince(ctx, c.endpoint, c.clearAfter)) {
      ctx.decisions.push({
        kind: 'expand',
        windowId: c.windowId,
        endpoint: c.endpoint,
        reason: `'${c.endpoint}' proved itself after window ${c.windowId}: the conduit grows back ${pairs.keep} → ${c.shardCount}, one shard at a time, and the gaps go home`,
      });
      return { c: { ...c, phase: 'restoring' }, pairs, began: true };
    }
    ctx.decisions.push({
      kind: 'wait',
      windowId: c.windowId,
      endpoint: c.endpoint,
      reason: `window ${c.windowId} is over; the conduit stays at ${pairs.keep} shards until '${c.endpoint}' ${kind === 'websocket' ? 'has a live session' : 'answers a signed test challenge'}`,
    });
    if (kind === 'webhook') ctx.probes.push({ endpoint: c.endpoint, reason: 'compaction waits to grow back' });
    return { c, pairs, began: false };
  }
  const compactOutages = [...ctx.outages.values()]
    .filter((o) => o.compact)
    .sort((a, b) => a.startsAt - b.startsAt || a.endpoint.localeCompare(b.endpoint));
  for (const o of compactOutages) {
    const p = compactPairs(desired, o.endpoint);
    const id = o.windowIds[0]!;
    if (!p) {
      if (desired.includes(o.endpoint)) {
        ctx.decisions.push({
          kind: 'refuse',
          windowId: id,
          endpoint: o.endpoint,
          reason: `compact window ${id}: every shard is on '${o.endpoint}' and a conduit keeps at least one, so it cannot compact; substitutes instead`,
        });
      }
      continue;
    }
    if (c) {
      ctx.decisions.push({
        kind: 'compact',
        windowId: id,
        endpoint: o.endpoint,
        reason: `one compaction at a time: window ${id} on '${o.endpoint}' gets substitutes while window ${c.windowId} is compacted`,
      });
      continue;
    }
    c = {
      windowId: id,
      endpoint: o.endpoint,
      shardCount: desired.length,
      clearAfter: o.endsAt,
      since: now,
      phase: 'active',
    };
    pairs = p;
    const gaps = p.pairs.map((x) => x.gap);
    ctx.decisions.push({
      kind: 'compact',
      windowId: id,
      endpoint: o.endpoint,
      reason:
        `window ${id} on '${o.endpoint}' ${o.started ? `began at ${iso(o.startsAt)} (already in progress)` : `starts at ${iso(o.startsAt)}`}: ` +
        `compact ${desired.length} → ${p.keep} shards; ${gaps.length} gap(s) take copies of the last shards, then the count drops`,
      shards: gaps.slice(0, 50),
      count: gaps.length,
    });
  }
  return { c, pairs, began: c !== null };
}
