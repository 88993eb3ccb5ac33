/**
 * @module Substitutes (design.md §6): a shard whose endpoint is in (or entering) a window, or is broken, is carried by
 * a copy of a healthy endpoint's transport instead — an endpoint that is not in maintenance and has proved itself.
 * New substitutes go to the least-loaded candidate, ties by name, which from an empty start is round robin, so they
 * are spread rather than piled on one endpoint. A shard goes home only once its endpoint has answered a signed test
 * challenge (or shown a live session) after the window or failure ended; until then it stays where it is.
 */
import type { EndpointState } from './plan-types.ts';
import type { Decision, EndpointHealth, Substitution } from './maintenance-types.ts';
import type { Outage } from './maintenance-windows.ts';

export interface SubstituteContext {
  /** The home of each shard in range (the layout, or a compaction's copies). */
  base: string[];
  endpoints: Record<string, EndpointState>;
  outages: Map<string, Outage>;
  health: Record<string, EndpointHealth>;
  /** Endpoints that cannot carry their shards now, with why (a failed test challenge, no session past the grace). */
  broken: Map<string, string>;
  records: Substitution[];
  now: number;
}

export interface SubstituteResult {
  records: Map<number, Substitution>;
  decisions: Decision[];
  probes: { endpoint: string; reason: string }[];
  /** Shards whose restore would begin in this pass (the caller may hold them back). */
  restoreStarts: Set<number>;
}

const iso = (ms: number) => new Date(ms).toISOString();
const listed = (ids: number[]) => ({ shards: ids.slice(0, 50), count: ids.length });

/** Groups shard ids under a key, keeping the first value seen for the key (its description). */
class Groups<T> {
  readonly map = new Map<string, { value: T; ids: number[] }>();
  add(key: string, value: T, id: number): { value: T; ids: number[] } {
    const g = this.map.get(key) ?? { value, ids: [] };
    g.ids.push(id);
    this.map.set(key, g);
    return g;
  }
}

function spread(targets: string[]): string {
  const counts = new Map<string, number>();
  for (const t of targets) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].map(([name, n]) => `'${name}' ×${n}`).join(', ');
}

export function substitute(ctx: SubstituteContext): SubstituteResult {
  const { base, outages, broken, health, now } = ctx;
  const decisions: Decision[] = [];
  const probes: { endpoint: string; reason: string }[] = [];
  const restoreStarts = new Set<number>();
  const out = new Map<number, Substitution>();

  const prev = new Map<number, Substitution>();
  const dropped: number[] = [];
  for (const r of ctx.records) {
    if (r.shard < base.length && base[r.shard] === r.home) prev.set(r.shard, r);
    else dropped.push(r.shard);
  }
  if (dropped.length > 0) {
    decisions.push({
      kind: 'ignore',
      reason: `${dropped.length} substitution(s) dropped: the layout no longer puts those shards where they were taken from`,
      ...listed(dropped),
    });
  }

  const candidates = Object.keys(ctx.endpoints)
    .filter((e) => !outages.has(e) && !broken.has(e) && health[e]?.healthy === true)
    .filter((e) => {
      const s = ctx.endpoints[e];
      return s !== undefined && (s.kind === 'webhook' || s.sessionId !== null);
    })
    .sort();
  // A substitute already carrying shards keeps them unless it is known to be unfit: in maintenance, failing, or a
  // websocket without a session. Not having been tested lately is no reason to move shards that Twitch delivers to.
  const keepable = (e: string): boolean => {
    const s = ctx.endpoints[e];
    return !!s && !outages.has(e) && !broken.has(e) && (s.kind === 'webhook' || s.sessionId !== null);
  };
  const load = new Map(candidates.map((c) => [c, 0]));
  for (const r of prev.values()) if (load.has(r.substitute)) load.set(r.substitute, load.get(r.substitute)! + 1);
  const pick = (): string | null => {
    let best: string | null = null;
    for (const c of candidates) if (best === null || load.get(c)! < load.get(best)!) best = c;
    if (best !== null) load.set(best, load.get(best)! + 1);
    return best;
  };

  const why = (home: string): { text: string; cause: Substitution['cause']; windowId: number | null } => {
    const o = outages.get(home);
    if (o) {
      const when = o.started ? `began at ${iso(o.startsAt)} (already in progress)` : `starts at ${iso(o.startsAt)}`;
      return {
        text: `window ${o.windowIds.join('+')} on '${home}' ${when}`,
        cause: 'window',
        windowId: o.windowIds[0]!,
      };
    }
    return { text: `'${home}' is failing (${broken.get(home)})`, cause: 'repair', windowId: null };
  };

  const placed = new Groups<{ text: string; targets: string[] }>();
  const refused = new Groups<string>();
  const waiting = new Groups<string>();
  const starting = new Groups<string>();

  for (let i = 0; i < base.length; i++) {
    const home = base[i]!;
    const r = prev.get(i);
    const needed = outages.has(home) || broken.has(home);
    if (!r && !needed) continue;
    if (needed) {
      const w = why(home);
      const clearAfter = w.cause === 'window' ? outages.get(home)!.endsAt : now;
      let target: string | null = r && keepable(r.substitute) ? r.substitute : null;
      if (target === null) {
        target = pick();
        // A shard that had a substitute which can no longer carry it is moved again; the reason says which.
        const text = r ? `substitute '${r.substitute}' is no longer usable (${w.text})` : w.text;
        if (target !== null) placed.add(`${home}|${text}`, { text, targets: [] }, i).value.targets.push(target);
      }
      if (target !== null && r && !outages.has(home)) {
        const h = health[home];
        waiting.add(home, h?.reason ? ` (last check: ${h.reason})` : ` (${broken.get(home)})`, i);
      }
      if (target === null) {
        refused.add(home, w.text, i);
        if (r) out.set(i, { ...r, phase: 'substituted', clearAfter: Math.max(r.clearAfter, clearAfter) });
        continue;
      }
      out.set(i, {
        shard: i,
        home,
        substitute: target,
        cause: w.cause,
        windowId: w.windowId,
        since: r?.since ?? now,
        clearAfter,
        phase: 'substituted',
      });
      continue;
    }
    // r exists and its home needs no substitute any more (window over or cancelled, failure gone).
    const clearAfter = Math.min(r!.clearAfter, now);
    const rec: Substitution = { ...r!, clearAfter };
    if (rec.phase === 'restoring') {
      out.set(i, rec);
      continue;
    }
    const h = health[home];
    if (h?.healthy === true && h.verifiedAt !== null && h.verifiedAt >= clearAfter) {
      out.set(i, { ...rec, phase: 'restoring' });
      restoreStarts.add(i);
      starting.add(home, `'${home}' proved itself at ${iso(h.verifiedAt)}`, i);
      continue;
    }
    // Not home yet: keep the substitute if it can still carry the shard, else move it to another candidate.
    if (!keepable(rec.substitute)) {
      const target = pick();
      if (target !== null) {
        const text = `substitute '${rec.substitute}' is no longer usable`;
        placed.add(`${home}|moved`, { text, targets: [] }, i).value.targets.push(target);
        rec.substitute = target;
      }
    }
    out.set(i, rec);
    const reason = h?.healthy === false && h.reason ? ` (last check: ${h.reason})` : '';
    waiting.add(home, reason, i);
  }

  for (const [key, g] of placed.map) {
    const home = key.slice(0, key.indexOf('|'));
    decisions.push({
      kind: 'substitute',
      endpoint: home,
      reason: `${g.value.text}: ${g.ids.length} shard(s) get substitutes on ${spread(g.value.targets)}`,
      ...listed(g.ids),
    });
  }
  for (const [home, g] of refused.map) {
    decisions.push({
      kind: 'refuse',
      endpoint: home,
      reason:
        `${g.value}: no healthy endpoint outside maintenance can take ${g.ids.length} shard(s); nothing is moved ` +
        `onto an endpoint that is down — they stay where they are`,
      ...listed(g.ids),
    });
  }
  for (const [home, g] of waiting.map) {
    const kind = ctx.endpoints[home]?.kind;
    decisions.push({
      kind: 'wait',
      endpoint: home,
      reason:
        `${g.ids.length} shard(s) stay on their substitutes until '${home}' ` +
        `${kind === 'websocket' ? 'has a live session' : 'answers a signed test challenge'}${g.value}`,
      ...listed(g.ids),
    });
    if (kind === 'webhook') probes.push({ endpoint: home, reason: `${g.ids.length} shard(s) wait to go home` });
  }
  for (const [home, g] of starting.map) {
    decisions.push({
      kind: 'restore',
      endpoint: home,
      reason: `${g.value}: ${g.ids.length} shard(s) go home`,
      ...listed(g.ids),
    });
  }
  for (const home of broken.keys()) {
    if (ctx.endpoints[home]?.kind === 'webhook') probes.push({ endpoint: home, reason: 'failing: is it back?' });
  }
  // New substitutes are about to be placed (or cannot be): endpoints of unknown health are tested first, so that
  // the substitutes spread over every endpoint that can take them, not only the ones proven lately.
  if (placed.map.size > 0 || refused.map.size > 0) {
    for (const e of Object.keys(ctx.endpoints).sort()) {
      if (!outages.has(e) && !broken.has(e) && health[e] === undefined && ctx.endpoints[e]!.kind === 'webhook') {
        probes.push({ endpoint: e, reason: 'a possible substitute of unknown health' });
      }
    }
  }
  return { records: out, decisions, probes, restoreStarts };
}
