/**
 * @module EventHub: one object per bucket of broadcasters (`hub:<n>`, design.md §2), one job: ingest and route.
 * `ingest` de-duplicates by message id and appends to the log in one synchronous transaction, so by the time it
 * returns the record is durable (the output gate holds the reply until the write is, cloudflare.md §1.7) and the
 * webhook can answer Twitch. Routing to the Queue comes after, from the log: the log is the outbox, and a failed
 * send leaves the event unrouted for the alarm to retry — Twitch is never asked to resend what is recorded. New
 * events are also published to the live consumers' ConsumerHub (hub/publisher.ts), which replays from the log.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Coalescer } from '../core/coalescer.ts';
import { envelopeFor, sendBatches, type RecordedEvent, type EventEnvelope } from '../core/event-envelope.ts';
import type { InboundMessage, IngestOutcome } from '../core/ingest-types.ts';
import { loadConfig } from '../config.ts';
import { errorMessage, log, logError } from '../log.ts';
import { CONSUMER_HUB_NAME, parseHubName, type ConsumerRpc } from './consumer-types.ts';
import type { DeadLetterInput, HubEvent, HubPolicy, HubRpc, HubStats, ReplayPage, ReplayQuery } from './hub-types.ts';
import { createPublisher } from './hub/publisher.ts';
import { lastSeq, replayPage } from './hub/replay.ts';
import { revocationStatus } from './hub/revocation.ts';
import { migrate } from './hub/schema.ts';
import { HubStore } from './hub/store.ts';
import { checkMessages } from './hub/validate.ts';

export const DEFAULT_HUB_POLICY: HubPolicy = {
  seenTtlMs: 20 * 60_000,
  maxEvents: 10_000,
  maxAgeMs: 24 * 60 * 60_000,
  pruneEvery: 100,
  retryBaseMs: 2_000,
  retryMaxMs: 5 * 60_000,
  sendTimeoutMs: 3_000,
};

/** With nothing to retry, the alarm still comes back this often to prune by age. */
const MAINTENANCE_MS = 60 * 60_000;
/** Outbox rows re-sent per alarm run; the alarm comes back at once while more are waiting. */
const OUTBOX_CHUNK = 500;

/** What the hub sends to: the `EVENTS` Queue producer (a test may swap it for one that fails). */
export type EventSink = Pick<Queue<EventEnvelope>, 'sendBatch'>;

class SendTimeout extends Error {
  constructor(ms: number) {
    super(`queue send still pending after ${ms} ms`);
    this.name = 'SendTimeout';
  }
}

export class EventHub extends DurableObject<Env> implements HubRpc {
  readonly store: HubStore;
  policy: HubPolicy = DEFAULT_HUB_POLICY;
  now: () => number = () => Date.now();
  sink: EventSink;
  /** Cursors whose send is under way: the alarm leaves them alone so they are not sent twice. */
  private readonly inFlight = new Set<number>();
  private acceptedSincePrune = 0;
  private failedSends = 0;
  /** The armed alarm as last read or set (undefined: not read yet in this instance). */
  private alarmAt: number | null | undefined = undefined;
  private broken: unknown = null;
  /** Where new events go for live consumers; a test may swap it (`consumers`). Undefined: not built yet. */
  consumers: ConsumerRpc | undefined;
  private publisher: Coalescer<RecordedEvent> | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new HubStore(ctx.storage.sql);
    this.sink = env.EVENTS;
    void ctx.blockConcurrencyWhile(async () => {
      try {
        migrate(ctx.storage.sql);
      } catch (err) {
        // Never let an error escape blockConcurrencyWhile (the object would be reset): log, and fail every call.
        logError(`EventHub:${this.name} migrate`, err);
        this.broken = err;
      }
    });
  }

  get name(): string {
    return this.ctx.id.name ?? this.ctx.id.toString();
  }

  /** Record each message once (duplicates answered as such), then route the new ones. Throws only if not recorded. */
  async ingest(messages: InboundMessage[]): Promise<IngestOutcome[]> {
    const { outcomes, fresh } = this.guard('ingest', () => {
      checkMessages(messages);
      return this.record(messages);
    });
    if (fresh.length > 0) {
      this.publish(fresh);
      await this.route(fresh);
      // Keep an alarm armed while there are events, so age-based pruning happens even if traffic stops.
      await this.armAlarm(this.now() + MAINTENANCE_MS).catch((err) => logError(`EventHub:${this.name} ingest`, err));
    }
    return outcomes;
  }

  private record(messages: InboundMessage[]): { outcomes: IngestOutcome[]; fresh: RecordedEvent[] } {
    const now = this.now();
    const outcomes: IngestOutcome[] = [];
    const fresh: RecordedEvent[] = [];
    // One transaction: the id is remembered if and only if the event is logged (no await inside).
    this.ctx.storage.transactionSync(() => {
      for (const m of messages) {
        if (this.store.isSeen(m.messageId, now)) {
          outcomes.push({ messageId: m.messageId, status: 'duplicate', cursor: null });
          continue;
        }
        this.store.remember(m.messageId, now + this.policy.seenTtlMs);
        const event = this.store.append(m, now);
        if (m.kind === 'revocation') this.store.recordRevocation(event, revocationStatus(m.body));
        fresh.push(event);
        outcomes.push({ messageId: m.messageId, status: 'accepted', cursor: String(event.cursor) });
      }
      this.acceptedSincePrune += fresh.length;
      if (this.acceptedSincePrune >= this.policy.pruneEvery) {
        this.store.prune(now, this.policy);
        this.acceptedSincePrune = 0;
      }
    });
    return { outcomes, fresh };
  }

  /**
   * Send events to the Queue in batches within its limits; true if all went. A failure (or a send slower than
   * `sendTimeoutMs`) stops here, leaves the rest unrouted and arms the alarm. A late send still marks its events
   * routed when it completes.
   */
  private async route(events: RecordedEvent[]): Promise<boolean> {
    const batches = sendBatches(events.map((e) => ({ ...envelopeFor(this.name, e), cursor: e.cursor })));
    try {
      for (const batch of batches) {
        const envelopes = batch.map((b) => b.envelope);
        const cursors = batch.map((b) => b.cursor);
        await this.withTimeout(this.send(envelopes, cursors));
      }
      this.failedSends = 0;
      return true;
    } catch (err) {
      this.failedSends++;
      const retryIn = this.retryDelay();
      log('warn', `EventHub:${this.name} route`, `queue send failed; the outbox retries: ${errorMessage(err)}`, {
        events: events.length,
        retry_in_ms: retryIn,
      });
      await this.armAlarm(this.now() + retryIn);
      return false;
    }
  }

  /** Hand new events to the consumer publisher; never throws and never delays ingest (hub/publisher.ts). */
  private publish(events: RecordedEvent[]): void {
    try {
      if (this.publisher === undefined) {
        const parsed = parseHubName(this.name);
        this.publisher = parsed
          ? createPublisher({
              target: () =>
                (this.consumers ??= this.env.CONSUMER_HUB.getByName(
                  `${CONSUMER_HUB_NAME}${parsed.suffix}`,
                ) as unknown as ConsumerRpc),
              hub: parsed.index,
              hubCount: loadConfig(this.env).HUB_COUNT,
              tag: `EventHub:${this.name}`,
            })
          : null;
      }
      this.publisher?.push(events);
    } catch (err) {
      this.publisher = undefined;
      logError(`EventHub:${this.name} publish`, err);
    }
  }

  /** Resolves once every event recorded so far has been offered to the ConsumerHub (tests). */
  async published(): Promise<void> {
    await this.publisher?.idle();
  }

  private send(envelopes: EventEnvelope[], cursors: number[]): Promise<void> {
    for (const c of cursors) this.inFlight.add(c);
    const sent = this.sink
      .sendBatch(envelopes.map((body) => ({ body, contentType: 'json' as const })))
      .then(() => this.store.markRouted(cursors));
    sent.then(
      () => cursors.forEach((c) => this.inFlight.delete(c)),
      () => cursors.forEach((c) => this.inFlight.delete(c)),
    );
    return sent;
  }

  private withTimeout<T>(p: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SendTimeout(this.policy.sendTimeoutMs)), this.policy.sendTimeoutMs);
    });
    return Promise.race([p, timeout]).finally(() => {
      if (timer !== null) clearTimeout(timer);
    });
  }

  private retryDelay(): number {
    return Math.min(this.policy.retryMaxMs, this.policy.retryBaseMs * 2 ** Math.max(0, this.failedSends - 1));
  }

  /** Arm the alarm for `at` unless one is already due sooner (one slot: the earliest deadline wins). */
  private async armAlarm(at: number): Promise<void> {
    const current = this.alarmAt === undefined ? (this.alarmAt = await this.ctx.storage.getAlarm()) : this.alarmAt;
    if (current !== null && current <= at) return;
    await this.ctx.storage.setAlarm(at);
    this.alarmAt = at;
  }

  /** Heartbeat and watchdog: prune, re-send the outbox, and re-arm in `finally` (style-anchors.md §7.4). */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    let next: number | null = null;
    try {
      if (this.broken) return;
      const now = this.now();
      this.store.prune(now, this.policy);
      this.acceptedSincePrune = 0;
      const pending = this.store.unrouted(OUTBOX_CHUNK).filter((e) => !this.inFlight.has(e.cursor));
      if (pending.length > 0) {
        const ok = await this.route(pending);
        if (ok) log('info', `EventHub:${this.name} alarm`, 'outbox re-sent', { events: pending.length });
        // On failure route() armed the retry; with more waiting, come back at once.
        if (ok && this.store.stats().unrouted > 0) next = this.now() + 1_000;
      }
      if (next === null && this.store.stats().events > 0) next = this.now() + MAINTENANCE_MS;
    } catch (err) {
      logError(`EventHub:${this.name} alarm`, err);
      next = this.now() + this.retryDelay();
    } finally {
      if (next !== null) await this.armAlarm(next);
    }
  }

  recent(opts: { limit: number; type?: string }): Promise<HubEvent[]> {
    return this.read('recent', () => this.store.recent(clampLimit(opts.limit), opts.type));
  }

  /** Events after `cursor`, oldest first: replay for live consumers. */
  since(cursor: number, limit: number): Promise<HubEvent[]> {
    return this.read('since', () => this.store.since(cursor, clampLimit(limit)));
  }

  /** Events by cursor: how the consumer reads back an event sent as a reference. */
  events(cursors: number[]): Promise<HubEvent[]> {
    return this.read('events', () => this.store.events(cursors));
  }

  markHandled(cursors: number[]): Promise<void> {
    return this.read('markHandled', () => this.store.markHandled(cursors));
  }

  handledCounts(cursors: number[]): Promise<Record<number, number>> {
    return this.read('handledCounts', () => this.store.handledCounts(cursors));
  }

  recordDeadLetters(entries: DeadLetterInput[]): Promise<void> {
    return this.read('recordDeadLetters', () => this.store.addDeadLetters(entries, this.now()));
  }

  stats(): Promise<HubStats> {
    return this.read('stats', () => this.store.stats());
  }

  /** A page of the log after `after` for live consumers (hub/replay.ts). */
  replay(after: number, query: ReplayQuery): Promise<ReplayPage> {
    return this.read('replay', () =>
      replayPage(this.ctx.storage.sql, after, {
        ...query,
        limit: clampLimit(query.limit),
        maxBytes: Math.min(Math.max(query.maxBytes, 1), 8 * 1024 * 1024),
      }),
    );
  }

  /** The last sequence assigned (0: none): where a new consumer starts. */
  head(): Promise<number> {
    return this.read('head', () => lastSeq(this.ctx.storage.sql));
  }

  /** Run a synchronous storage call: fail if storage never migrated; catch, tag and log, then rethrow. */
  private guard<T>(method: string, fn: () => T): T {
    if (this.broken) throw new Error('event hub storage failed to migrate');
    try {
      return fn();
    } catch (err) {
      logError(`EventHub:${this.name} ${method}`, err);
      throw err;
    }
  }

  private async read<T>(method: string, fn: () => T): Promise<T> {
    return this.guard(method, fn);
  }
}

function clampLimit(limit: number): number {
  return Number.isInteger(limit) ? Math.min(Math.max(limit, 1), 1_000) : 50;
}
