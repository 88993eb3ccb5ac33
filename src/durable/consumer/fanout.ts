/**
 * @module Fan-out of one published batch (all from one hub, in sequence order, all above that hub's head) to the
 * sockets that want it. A live socket gets each matching event above its floor, with its resume cursor: the heads
 * with this event's position, raised to the socket's floor where that is higher. A replaying socket gets nothing
 * yet: the events are buffered for its replay to send at the end. Each event's JSON is built once, and so is its
 * cursor for the common case of a socket with no floor above the heads.
 */
import { dominatedBy, encodeCursor, maxPositions, withPosition } from '../../core/consumer-cursor.ts';
import { eventFrameText, eventTail } from '../../core/consumer-frames.ts';
import { matches } from '../../core/consumer-filter.ts';
import type { RecordedEvent } from '../../core/event-envelope.ts';
import type { ReplayRun } from './replay.ts';
import { ANY_TAG, broadcasterTag, type ConsumerPolicy, type Sockets } from './sockets.ts';

export interface FanOutDeps {
  ctx: DurableObjectState;
  sockets: Sockets;
  replaying: Map<WebSocket, ReplayRun>;
  policy: ConsumerPolicy;
  /** The heads before this batch, one per hub. */
  base: number[];
}

function candidates(ctx: DurableObjectState, events: readonly RecordedEvent[]): Set<WebSocket> {
  const out = new Set<WebSocket>(ctx.getWebSockets(ANY_TAG));
  for (const key of new Set(events.map((e) => e.routingKey))) {
    for (const ws of ctx.getWebSockets(broadcasterTag(key))) out.add(ws);
  }
  return out;
}

export function fanOut(d: FanOutDeps, hub: number, events: readonly RecordedEvent[]): void {
  const tails = new Map<number, string>();
  const tail = (e: RecordedEvent) => {
    let t = tails.get(e.cursor);
    if (t === undefined) tails.set(e.cursor, (t = eventTail(hub, e, false)));
    return t;
  };
  const shared = new Map<number, string>();
  const sharedCursor = (seq: number) => {
    let c = shared.get(seq);
    if (c === undefined) shared.set(seq, (c = encodeCursor(withPosition(d.base, hub, seq))));
    return c;
  };

  for (const ws of candidates(d.ctx, events)) {
    if (d.sockets.isClosed(ws)) continue;
    const state = d.sockets.state(ws);
    if (!state) continue;
    const run = d.replaying.get(ws);
    if (run) {
      for (const event of events) if (matches(run.filter, event)) run.buffer.push({ hub, event });
      if (run.backlog > d.policy.maxReplayBuffer) d.sockets.tooSlow(ws, run.cursor);
      continue;
    }
    if (!state.live) {
      // Accepted but its replay is not running in this instance: the object restarted in between.
      d.sockets.restart(ws, encodeCursor(state.floor));
      continue;
    }
    const plain = dominatedBy(state.floor, d.base);
    for (const event of events) {
      if (event.cursor <= (state.floor[hub] ?? 0) || !matches(state.filter, event)) continue;
      const cursor = plain
        ? sharedCursor(event.cursor)
        : encodeCursor(maxPositions(state.floor, withPosition(d.base, hub, event.cursor)));
      if (!d.sockets.send(ws, eventFrameText(cursor, tail(event)), cursor)) break;
    }
  }
}
