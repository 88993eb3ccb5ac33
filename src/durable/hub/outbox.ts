/**
 * @module The EventHub's path from its log to the `EVENTS` Queue. Ingest answers once the event is in the log (the
 * log is the outbox, design.md §2) and hands it here without waiting: sends are batched per hub (coalescer.ts: the
 * first event after a quiet spell goes at once, later ones gather while a send is in flight and for `sendIntervalMs`
 * after it) within the Queue's limits (event-envelope.ts), and each batch is marked routed in one write. A send that
 * fails or outlasts `sendTimeoutMs` leaves its events unrouted for the hub's alarm to re-send; the alarm skips what
 * is waiting here or in flight (`busy`), so nothing goes twice from one instance. If the object dies before a send,
 * nothing is lost either: ingest armed the alarm before answering (event-hub.ts).
 */
import { Coalescer } from '../../core/coalescer.ts';
import { envelopeFor, sendBatches, type EventEnvelope, type RecordedEvent } from '../../core/event-envelope.ts';
import { errorMessage, log } from '../../log.ts';
import type { HubPolicy } from '../hub-types.ts';

/** What the hub sends to: the `EVENTS` Queue producer (a test may swap it for one that fails). */
export type EventSink = Pick<Queue<EventEnvelope>, 'sendBatch'>;

export interface OutboxDeps {
  hubName: string;
  /** Read at each send, so a test can swap the hub's sink and policy on a live instance. */
  sink(): EventSink;
  policy(): HubPolicy;
  markRouted(cursors: number[]): void;
  /** A send failed: make sure the alarm comes back within `retryInMs`. */
  retryLater(retryInMs: number): Promise<void>;
}

class SendTimeout extends Error {
  constructor(ms: number) {
    super(`queue send still pending after ${ms} ms`);
    this.name = 'SendTimeout';
  }
}

/** Events waiting here at most; past it the oldest are left to the alarm (they stay unrouted in the log). */
const MAX_WAITING = 10_000;

export class Outbox {
  /** Cursors handed over but not sent yet, and cursors whose send is under way. */
  private readonly waiting = new Set<number>();
  private readonly inFlight = new Set<number>();
  private failedSends = 0;
  private coalescer: Coalescer<RecordedEvent> | null = null;

  constructor(private readonly deps: OutboxDeps) {}

  /** Hand newly recorded events over; never throws and never waits. */
  enqueue(events: RecordedEvent[]): void {
    for (const e of events) this.waiting.add(e.cursor);
    this.batcher().push(events);
  }

  /** The alarm leaves these alone: they are on their way. */
  busy(cursor: number): boolean {
    return this.waiting.has(cursor) || this.inFlight.has(cursor);
  }

  /** Resolves once nothing is waiting or in flight (tests, and the eviction test's "before the send"). */
  async idle(): Promise<void> {
    await this.coalescer?.idle();
  }

  /** The delay before the next retry, doubling per consecutive failed send. */
  retryDelay(): number {
    const p = this.deps.policy();
    return Math.min(p.retryMaxMs, p.retryBaseMs * 2 ** Math.max(0, this.failedSends - 1));
  }

  /**
   * Send events in batches within the Queue's limits; true if all went. A failure (or a send slower than
   * `sendTimeoutMs`) stops there, leaves the rest unrouted and asks for the alarm. A late send still marks its
   * events routed when it completes.
   */
  async route(events: RecordedEvent[]): Promise<boolean> {
    const batches = sendBatches(events.map((e) => ({ ...envelopeFor(this.deps.hubName, e), cursor: e.cursor })));
    try {
      for (const batch of batches) {
        await this.withTimeout(
          this.send(
            batch.map((b) => b.envelope),
            batch.map((b) => b.cursor),
          ),
        );
      }
      this.failedSends = 0;
      return true;
    } catch (err) {
      this.failedSends++;
      const retryIn = this.retryDelay();
      log(
        'warn',
        `EventHub:${this.deps.hubName} route`,
        `queue send failed; the outbox retries: ${errorMessage(err)}`,
        {
          events: events.length,
          retry_in_ms: retryIn,
        },
      );
      await this.deps.retryLater(retryIn);
      return false;
    }
  }

  private batcher(): Coalescer<RecordedEvent> {
    this.coalescer ??= new Coalescer<RecordedEvent>({
      send: async (events) => {
        for (const e of events) this.waiting.delete(e.cursor);
        await this.route(events);
      },
      minIntervalMs: this.deps.policy().sendIntervalMs,
      // One `sendBatch` when the envelopes are inline; route() splits anything bigger.
      maxBatch: 100,
      maxBatchWeight: 200_000,
      weigh: (e) => e.body.length,
      maxPending: MAX_WAITING,
      now: () => Date.now(),
      setTimer: (fn, ms) => void setTimeout(fn, ms),
      // route() catches and logs its own failures; anything else is a bug worth a line.
      onError: (err, n) => log('error', `EventHub:${this.deps.hubName} route`, errorMessage(err), { events: n }),
      onDrop: (dropped) => {
        for (const e of dropped) this.waiting.delete(e.cursor);
        log('warn', `EventHub:${this.deps.hubName} route`, 'send backlog full; the alarm sends the oldest', {
          events: dropped.length,
        });
      },
    });
    return this.coalescer;
  }

  private send(envelopes: EventEnvelope[], cursors: number[]): Promise<void> {
    for (const c of cursors) this.inFlight.add(c);
    const sent = this.deps
      .sink()
      .sendBatch(envelopes.map((body) => ({ body, contentType: 'json' as const })))
      .then(() => this.deps.markRouted(cursors));
    const release = () => cursors.forEach((c) => this.inFlight.delete(c));
    sent.then(release, release);
    return sent;
  }

  private withTimeout<T>(p: Promise<T>): Promise<T> {
    const ms = this.deps.policy().sendTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SendTimeout(ms)), ms);
    });
    return Promise.race([p, timeout]).finally(() => {
      if (timer !== null) clearTimeout(timer);
    });
  }
}
