/**
 * @module Counting for the fault-injection scenarios (docs/reliability.md): a paced event stream through the
 * simulator's `/_sim/events` with fault actions at chosen points, the hubs' durable logs read back, and the one-line
 * report `[chaos] NAME: sent N, delivered N, duplicated N, lost N (notes)` that test/support/chaos-reporter.ts
 * collects. Sent = distinct notifications the simulator originated; delivered = those recorded in the hubs (the
 * point where the Worker has taken responsibility); duplicated = hub records beyond the first per message id;
 * lost = sent − delivered, split into what Twitch itself dropped (no enabled shard to take it, twitch-eventsub.md
 * §5.2), what was on a websocket as its object died (no acknowledgement, never re-sent, §6) and what the Worker lost.
 */
import { env } from 'cloudflare:workers';
import { waitFor } from '../../support/wait.ts';
import { sim, type Delivery } from '../../workers/support/ws-shard.ts';

export interface StreamOptions {
  broadcasters: string[];
  type?: string;
  version?: string;
  /** Events per second (the stream is paced, so that it spans the fault and the recovery). */
  rate: number;
  /** Stop after at least `min` events once `until` holds (checked every 10 events), and never after `max`. */
  min: number;
  max: number;
  until?: () => Promise<boolean>;
  /** Fault actions, started (not awaited) just before the event with that index. */
  at?: Record<number, () => Promise<unknown>>;
  /** Extra copies of each event, same message id (the simulator's duplicates hook). */
  duplicates?: number;
}

/** Where the simulator sent an event for `broadcaster`, and when it was asked and answered (epoch ms). */
export type TimedDelivery = Delivery & { broadcaster: string; sent_at: number; answered_at: number };

export interface Streamed {
  deliveries: TimedDelivery[];
  /** The fault actions' results, in the order they were started. */
  actions: unknown[];
  ms: number;
}

/** Events in flight at once: a slow webhook answer must not hold the stream back (Twitch sends in parallel). */
const MAX_IN_FLIGHT = 32;

/**
 * One event per broadcaster in turn, each sent when due whether or not the ones before have been answered (up to
 * MAX_IN_FLIGHT at once); answers where the simulator sent each (one entry per subscription).
 */
export async function stream(o: StreamOptions): Promise<Streamed> {
  const started = Date.now();
  const deliveries: TimedDelivery[] = [];
  const actions: Promise<unknown>[] = [];
  const inFlight = new Set<Promise<void>>();
  const errors: unknown[] = [];
  const send = (i: number) => {
    const sentAt = Date.now();
    const broadcaster = o.broadcasters[i % o.broadcasters.length]!;
    const p = sim
      .call<{ data: Delivery[] }>('POST', '/events', {
        type: o.type ?? 'channel.follow',
        version: o.version ?? '2',
        condition: { broadcaster_user_id: broadcaster },
        ...(o.duplicates ? { duplicates: o.duplicates } : {}),
      })
      .then((r) => {
        const answeredAt = Date.now();
        deliveries.push(...r.data.map((d) => ({ ...d, broadcaster, sent_at: sentAt, answered_at: answeredAt })));
      })
      .catch((err: unknown) => void errors.push(err))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  for (let i = 0; i < o.max; i++) {
    const action = o.at?.[i];
    if (action) {
      const p = action();
      // Awaited below; marked handled now so that a rejection meanwhile is not reported as unhandled.
      p.catch(() => undefined);
      actions.push(p);
    }
    if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    send(i);
    // `until` runs every 10 events from the start (a stopwatch inside it times the recovery), and ends the stream
    // only once `min` events went out.
    if ((i + 1) % 10 === 0) {
      const done = !o.until || (await o.until());
      if (done && i + 1 >= o.min) break;
    }
    // Pacing, not waiting for a condition: event i+1 is due at started + (i+1)/rate.
    const due = started + ((i + 1) * 1000) / o.rate;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
  }
  await Promise.all(inFlight);
  if (errors.length > 0) throw errors[0];
  return { deliveries, actions: await Promise.all(actions), ms: Date.now() - started };
}

/** Every message id in the hubs `hub:<n><suffix>`, repeats included (a hub holding one twice is a duplicate). */
export async function recordedIds(suffix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < Number(env.HUB_COUNT); i++) {
    const hub = env.EVENT_HUB.getByName(`hub:${i}${suffix}`);
    let cursor = 0;
    for (let page = 0; page < 100; page++) {
      const events = await hub.since(cursor, 1000);
      ids.push(...events.map((e) => e.messageId));
      if (events.length < 1000) break;
      cursor = events[events.length - 1]!.cursor;
    }
  }
  return ids;
}

export interface ChaosReport {
  scenario: string;
  sent: number;
  delivered: number;
  duplicated: number;
  lost: number;
  /** Lost because the simulator found no enabled shard for them (Twitch's own drop, §5.2). */
  twitchDropped: number;
  /** Lost on a websocket written to while its object was being aborted (SettleOptions.onDyingSocket). */
  inFlight: number;
  /** Lost although the simulator handed them to a shard, outside those cases: the Worker's loss. */
  workerLost: number;
  notes: string[];
}

export interface SettleOptions<D extends Delivery> {
  timeoutMs?: number;
  /**
   * Marks a lost websocket delivery as written to a socket while it died (an object abort): WebSocket messages have
   * no acknowledgement and Twitch never re-sends them (twitch-eventsub.md §6), so no receiver can keep such an event.
   */
  onDyingSocket?: (d: D) => boolean;
}

/**
 * Wait (bounded) until every event the simulator handed to a shard is in the hubs, then count and print the report.
 * A timeout is not thrown here: what is missing is reported as lost, and the scenario's assertions fail on it.
 */
export async function settle<D extends Delivery>(
  scenario: string,
  suffix: string,
  deliveries: D[],
  notes: string[] = [],
  opts: SettleOptions<D> = {},
): Promise<ChaosReport> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const firstAnswer = new Map<string, D>();
  for (const d of deliveries) if (!firstAnswer.has(d.message_id)) firstAnswer.set(d.message_id, d);
  const handed = [...firstAnswer.values()].filter((d) => d.status !== 'dropped').map((d) => d.message_id);
  let recorded: string[];
  try {
    recorded = await waitFor(
      `${handed.length} events in the hubs`,
      async () => {
        const ids = await recordedIds(suffix);
        const have = new Set(ids);
        return handed.every((id) => have.has(id)) ? ids : null;
      },
      { timeoutMs, intervalMs: 200 },
    );
  } catch {
    recorded = await recordedIds(suffix);
  }
  const counts = new Map<string, number>();
  for (const id of recorded) counts.set(id, (counts.get(id) ?? 0) + 1);
  let delivered = 0;
  let duplicated = 0;
  let twitchDropped = 0;
  let workerLost = 0;
  let inFlight = 0;
  /** Where the Worker's losses had been handed: `transport shard N` → count. */
  const lostVia = new Map<string, number>();
  for (const [id, d] of firstAnswer) {
    const n = counts.get(id) ?? 0;
    if (n > 0) delivered++;
    if (n > 1) duplicated += n - 1;
    if (n === 0 && d.status === 'dropped') twitchDropped++;
    if (n === 0 && d.status === 'delivered' && d.transport === 'websocket' && opts.onDyingSocket?.(d)) {
      inFlight++;
    } else if (n === 0 && d.status !== 'dropped') {
      workerLost++;
      const via = `${d.transport} shard ${d.shard_id ?? '?'} (${d.status})`;
      lostVia.set(via, (lostVia.get(via) ?? 0) + 1);
    }
  }
  const lostWhere = [...lostVia].map(([via, n]) => `${n} on ${via}`).join(', ');
  const report: ChaosReport = {
    scenario,
    sent: firstAnswer.size,
    delivered,
    duplicated,
    lost: firstAnswer.size - delivered,
    twitchDropped,
    inFlight,
    workerLost,
    notes: [
      ...(twitchDropped > 0 ? [`${twitchDropped} dropped by Twitch: no enabled shard could take them`] : []),
      ...(inFlight > 0
        ? [`${inFlight} written to the websocket as it died: no acknowledgement, and Twitch never re-sends`]
        : []),
      ...(workerLost > 0 ? [`${workerLost} lost by the Worker: ${lostWhere}`] : []),
      ...notes,
    ],
  };
  const tail = report.notes.length > 0 ? ` (${report.notes.join('; ')})` : '';
  console.log(
    `[chaos] ${scenario}: sent ${report.sent}, delivered ${delivered}, duplicated ${duplicated}, lost ${report.lost}${tail}`,
  );
  return report;
}

export interface SimTotals {
  sent: number;
  delivered: number;
  /** Copies re-sent to another shard because the hashed one was not enabled (§5.2), or webhook re-sends. */
  retried: number;
  dropped: number;
  failed: number;
}

/** The simulator's delivery counters, summed over shards. */
export async function simTotals(): Promise<SimTotals> {
  return (await sim.call<{ totals: SimTotals }>('GET', '/stats')).totals;
}

/**
 * One shard's counters (keyed `conduit/shard` in the simulator). On the shard an event hashed to, `retried` counts
 * re-sends to another shard (§5.2); on a webhook shard it also counts re-sends to the same URL after a failure (§3.5).
 */
export async function simShardStats(shard: number): Promise<SimTotals> {
  const stats = await sim.call<{ shards: Record<string, SimTotals> }>('GET', '/stats');
  const zero: SimTotals = { sent: 0, delivered: 0, retried: 0, dropped: 0, failed: 0 };
  return Object.entries(stats.shards).find(([key]) => key.endsWith(`/${shard}`))?.[1] ?? zero;
}
