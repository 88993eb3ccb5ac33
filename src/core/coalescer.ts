/**
 * @module Batches items for a sender that must not be called too often: at most one send in flight, and sends start
 * at least `minIntervalMs` apart, so the receiver's request rate is bounded whatever the item rate (the EventHub's
 * publishes to the ConsumerHub, whose object has a soft limit of about 1,000 requests per second, cloudflare.md §0
 * and §2: "batch 10–100 messages, or every 50–100 ms"). The first item after a quiet spell goes at once. What waits
 * is bounded: past `maxPending` the oldest items are dropped and reported (their receiver can read them back).
 */

export interface CoalescerOptions<T> {
  send(items: T[]): Promise<void>;
  minIntervalMs: number;
  /** Items per send, and their summed `weigh` (e.g. bytes); a single heavier item still goes alone. */
  maxBatch: number;
  maxBatchWeight: number;
  weigh(item: T): number;
  maxPending: number;
  now(): number;
  setTimer(fn: () => void, ms: number): void;
  onError(err: unknown, items: number): void;
  /** The items dropped (oldest first): a caller that tracks them can let go. */
  onDrop(items: T[]): void;
}

export class Coalescer<T> {
  private readonly queue: T[] = [];
  private inFlight = false;
  private timerArmed = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private waiters: (() => void)[] = [];

  constructor(private readonly o: CoalescerOptions<T>) {}

  get pending(): number {
    return this.queue.length;
  }

  push(items: readonly T[]): void {
    if (items.length === 0) return;
    this.queue.push(...items);
    const excess = this.queue.length - this.o.maxPending;
    if (excess > 0) {
      this.o.onDrop(this.queue.splice(0, excess));
    }
    this.schedule();
  }

  /** Resolves once nothing is queued or in flight (tests, and a caller that wants to wait). */
  idle(): Promise<void> {
    if (!this.inFlight && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private schedule(): void {
    if (this.inFlight || this.timerArmed || this.queue.length === 0) return;
    const wait = this.lastStart + this.o.minIntervalMs - this.o.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timerArmed = true;
    this.o.setTimer(() => {
      this.timerArmed = false;
      this.schedule();
    }, wait);
  }

  private takeBatch(): T[] {
    let weight = 0;
    let n = 0;
    while (n < this.queue.length && n < this.o.maxBatch) {
      const w = this.o.weigh(this.queue[n]!);
      if (n > 0 && weight + w > this.o.maxBatchWeight) break;
      weight += w;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private flush(): void {
    const batch = this.takeBatch();
    this.inFlight = true;
    this.lastStart = this.o.now();
    let sent: Promise<void>;
    try {
      sent = this.o.send(batch);
    } catch (err) {
      sent = Promise.reject(err);
    }
    void sent
      .catch((err: unknown) => this.o.onError(err, batch.length))
      .finally(() => {
        this.inFlight = false;
        if (this.queue.length > 0) this.schedule();
        else this.wake();
      });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
