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
import type { RecordedEvent } from '../core/event-envelope.ts';
import type { InboundMessage, IngestOutcome } from '../core/ingest-types.ts';
import { loadConfig } from '../config.ts';
import { log, logError } from '../log.ts';
import { CONSUMER_HUB_NAME, parseHubName, type ConsumerRpc } from './consumer-types.ts';
import type { DeadLetterInput, HubEvent, HubPolicy, HubRpc, HubStats, ReplayPage, ReplayQuery } from './hub-types.ts';
import { Outbox, type EventSink } from './hub/outbox.ts';
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
  sendIntervalMs: 25,
  outboxGuardMs: 10_000,
};

/** With nothing to retry, the alarm still comes back this often to prune by age. */
const MAINTENANCE_MS = 60 * 60_000;
/** Outbox rows re-sent per alarm run; the alarm comes back at once while more are waiting. */
const OUTBOX_CHUNK = 500;

export type { EventSink } from './hub/outbox.ts';

export class EventHub extends DurableObject<Env> implements HubRpc {
  readonly store: HubStore;
  policy: HubPolicy = DEFAULT_HUB_POLICY;
  now: () => number = () => Date.now();
  sink: EventSink;
  readonly outbox: Outbox;
  private acceptedSincePrune = 0;
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
    this.outbox = new Outbox({
      hubName: this.name,
      sink: () => this.sink,
      policy: () => this.policy,
      markRouted: (cursors) => this.store.markRouted(cursors),
      retryLater: (ms) => this.armAlarm(this.now() + ms),
    });
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

  /**
   * Record each message once (duplicates answered as such) and answer: the record is durable when this returns
   * (the output gate, cloudflare.md §1.7). Routing follows without holding the answer (hub/outbox.ts), and the alarm
   * is armed before the answer, so an object that dies before its send still routes from the log. Throws only if
   * not recorded.
   */
  async ingest(messages: InboundMessage[]): Promise<IngestOutcome[]> {
    const { outcomes, fresh } = this.guard('ingest', () => {
      checkMessages(messages);
      return this.record(messages);
    });
    if (fresh.length > 0) {
      // Handed over before any await, so the alarm never finds them unrouted and idle; nothing leaves the object
      // before the write is durable (the output gate holds outgoing calls too).
      this.publish(fresh);
      this.outbox.enqueue(fresh);
      await this.armAlarm(this.now() + this.policy.outboxGuardMs).catch((err) =>
        logError(`EventHub:${this.name} ingest`, err),
      );
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

  /** Resolves once every event handed to the outbox so far has been sent or left to the alarm (tests). */
  async routed(): Promise<void> {
    await this.outbox.idle();
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
      const pending = this.store.unrouted(OUTBOX_CHUNK).filter((e) => !this.outbox.busy(e.cursor));
      let ok = true;
      if (pending.length > 0) {
        ok = await this.outbox.route(pending);
        if (ok) log('info', `EventHub:${this.name} alarm`, 'outbox re-sent', { events: pending.length });
        // With a full chunk sent, more may wait: come back at once.
        if (ok && pending.length >= OUTBOX_CHUNK) next = this.now() + 1_000;
      }
      // On failure route() armed the retry. Else unrouted events still on their way (outbox.busy) are checked
      // again after the guard delay.
      if (ok && next === null && this.store.stats().unrouted > 0) next = this.now() + this.policy.outboxGuardMs;
      if (next === null && this.store.stats().events > 0) next = this.now() + MAINTENANCE_MS;
    } catch (err) {
      logError(`EventHub:${this.name} alarm`, err);
      next = this.now() + this.outbox.retryDelay();
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
