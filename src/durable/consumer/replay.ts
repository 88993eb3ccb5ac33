/**
 * @module One socket's start (design.md §5 `?since=`): read what it missed from the hubs' logs, page by page, while
 * live events published meanwhile are buffered; then send the buffered ones it has not already had (sequence above
 * its replayed position) and, with no await between finding the buffer empty and the switch, mark it live.
 * Gap-free because the socket is registered for buffering before the first read, and duplicate-free because both
 * paths compare per-hub sequences. A replay waits for the consumer's acknowledgements when its window is full
 * (sockets.ts). Without `?since=` the same path starts it at the current heads (asking a hub only the first time,
 * when no head is known).
 */
import { encodeCursor, maxPositions } from '../../core/consumer-cursor.ts';
import { eventFrameText, eventTail, frameText, type WelcomeFrame } from '../../core/consumer-frames.ts';
import { hubsOf, type ConsumerFilter } from '../../core/consumer-filter.ts';
import { checkStart, mergeByArrival } from '../../core/consumer-replay.ts';
import type { RecordedEvent } from '../../core/event-envelope.ts';
import type { HubRpc } from '../hub-types.ts';
import type { Heads } from './heads.ts';
import type { ConsumerPolicy, Sockets } from './sockets.ts';

/** Enough rounds for a full log (10,000 events per hub) in pages of 500 many times over; then resume. */
const MAX_ROUNDS = 200;

export interface ReplayDeps {
  hub(index: number): Pick<HubRpc, 'replay' | 'head'>;
  heads: Heads;
  hubCount: number;
  sockets: Sockets;
  policy: ConsumerPolicy;
}

export class ReplayRun {
  /** Live events published while replaying, in arrival order (each hub's in sequence order). */
  readonly buffer: { hub: number; event: RecordedEvent }[] = [];
  /** Buffered events already handled by the drain at the end. */
  drainedTo = 0;
  floor: number[] = [];
  /** The start positions are known (a fresh socket may first ask hubs for their heads). */
  started = false;
  sent = 0;

  constructor(
    readonly ws: WebSocket,
    readonly filter: ConsumerFilter,
    readonly since: number[] | null,
  ) {}

  get cursor(): string {
    return encodeCursor(this.floor);
  }

  /** Live events waiting for this socket. */
  get backlog(): number {
    return this.buffer.length - this.drainedTo;
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Where the socket starts, and the hubs whose logs hold events it may have missed. */
async function start(run: ReplayRun, d: ReplayDeps): Promise<{ toRead: number[]; welcome: WelcomeFrame['replay'] }> {
  const all = range(d.hubCount);
  if (run.since === null) {
    const unknown = all.filter((h) => d.heads.get(h) === undefined);
    run.floor = all.map((h) => d.heads.get(h) ?? 0);
    const heads = await Promise.all(unknown.map((h) => d.hub(h).head()));
    unknown.forEach((h, i) => (run.floor[h] = heads[i]!));
    return { toRead: [], welcome: null };
  }
  const relevant = hubsOf(run.filter, d.hubCount) ?? all;
  if (run.since.length !== d.hubCount) {
    // Broadcasters were re-bucketed: the positions mean nothing now, so send everything still kept.
    run.floor = all.map(() => 0);
    return { toRead: relevant, welcome: { truncated: true, reason: 'hub_count', hubs: relevant } };
  }
  run.floor = [...run.since];
  // Where the heads equal the position nothing newer was fanned out yet; anything later is published to us.
  const toRead = relevant.filter((h) => d.heads.get(h) !== run.floor[h]);
  return { toRead, welcome: { truncated: false, reason: null, hubs: [] } };
}

/** Replay, drain, go live. Returns false when the socket was closed on the way (too slow, or gone). */
export async function replay(run: ReplayRun, d: ReplayDeps): Promise<boolean> {
  const { ws, filter } = run;
  const started = await start(run, d);
  run.started = true;
  const welcome = started.welcome;
  let toRead = started.toRead;
  const query = {
    limit: d.policy.replayPage,
    maxBytes: d.policy.replayBytes,
    types: filter.types,
    keys: filter.broadcasters,
  };
  for (let round = 0; round === 0 || toRead.length > 0; round++) {
    if (round >= MAX_ROUNDS) {
      d.sockets.tooSlow(ws, run.cursor);
      return false;
    }
    const reading = toRead;
    const pages = await Promise.all(reading.map((h) => d.hub(h).replay(run.floor[h]!, query)));
    if (d.sockets.isClosed(ws)) return false;
    if (round === 0) {
      pages.forEach((p, i) => {
        const h = reading[i]!;
        const checked = checkStart(run.floor[h]!, p);
        run.floor[h] = checked.start;
        if (checked.gap && welcome) {
          welcome.truncated = true;
          welcome.reason ??= checked.gap;
          if (!welcome.hubs.includes(h)) welcome.hubs.push(h);
        }
      });
      const hello: WelcomeFrame = { frame: 'welcome', cursor: run.cursor, filters: filter, replay: welcome };
      if (!d.sockets.send(ws, frameText(hello), run.cursor)) return false;
    }
    const merged = mergeByArrival(pages.map((p, i) => ({ hub: reading[i]!, events: p.events })));
    for (const { hub, event } of merged) {
      if (!(await emit(run, d, hub, event, true))) return false;
      run.sent++;
    }
    pages.forEach((p, i) => {
      const h = reading[i]!;
      run.floor[h] = Math.max(run.floor[h]!, p.scannedTo);
    });
    toRead = reading.filter((_, i) => pages[i]!.more);
  }
  return goLive(run, d);
}

/** Send one event unless the socket already has it; false once the socket is closed or gave up acknowledging. */
async function emit(run: ReplayRun, d: ReplayDeps, hub: number, event: RecordedEvent, replayed: boolean) {
  if (event.cursor <= run.floor[hub]!) return true;
  if (!(await d.sockets.room(run.ws))) {
    d.sockets.tooSlow(run.ws, run.cursor);
    return false;
  }
  run.floor[hub] = event.cursor;
  const cursor = run.cursor;
  return d.sockets.send(run.ws, eventFrameText(cursor, eventTail(hub, event, replayed)), cursor);
}

async function goLive(run: ReplayRun, d: ReplayDeps): Promise<boolean> {
  const { ws } = run;
  // The buffer may grow while an emit waits; the loop ends only when it is empty at a synchronous check.
  for (; run.drainedTo < run.buffer.length; run.drainedTo++) {
    const { hub, event } = run.buffer[run.drainedTo]!;
    if (!(await emit(run, d, hub, event, false))) return false;
  }
  // No await from the last check of the buffer to here: nothing can be published in between.
  run.buffer.length = 0;
  // Everything fanned out while this socket replayed was buffered and is now sent: it holds all up to the heads.
  run.floor = maxPositions(run.floor, d.heads.snapshot(d.hubCount));
  d.sockets.save(ws, { v: 1, filter: run.filter, floor: run.floor, live: true });
  return d.sockets.send(ws, frameText({ frame: 'live', cursor: run.cursor, replayed: run.sent }), run.cursor);
}
