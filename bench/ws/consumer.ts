/**
 * @module The live consumer of the WebSocket-path bench: the project's typed client (client/index.ts) on the
 * Worker's `GET /events` with CONSUMER_TOKEN, and the ledger that matches what it receives against what the
 * simulator sent. Sender and consumer are in this one Node process, so one clock (`performance.now()`) times both
 * ends: latency is the receive time minus the send time of the same message id.
 */
import { connectEvents, type EventFrame, type EventsClient } from '../../client/index.ts';
import { waitFor } from '../../test/support/wait.ts';

/** Send and receive times of one run, by message id. */
export class Ledger {
  readonly sentAt = new Map<string, number>();
  readonly receivedAt = new Map<string, number>();
  duplicates = 0;
  /** Events whose id this run never sent (left over from an earlier run, or not ours). */
  foreign = 0;
  /** Notifications the simulator reported as not delivered to the shard's socket. */
  notDelivered = 0;
  private waiter: (() => void) | null = null;

  sent(id: string, at: number): void {
    this.sentAt.set(id, at);
  }

  received(id: string, at: number): void {
    if (!this.sentAt.has(id)) this.foreign++;
    else if (this.receivedAt.has(id)) this.duplicates++;
    else this.receivedAt.set(id, at);
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Sent and not yet received. */
  get inFlight(): number {
    return this.sentAt.size - this.receivedAt.size;
  }

  /** Resolves at the next receipt, or after `ms` so the caller can check its own deadline. */
  progress(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve();
      }, ms);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** The client plus what the bench reads from it. Receipts go to `ledger`, which each run replaces with its own. */
export class Consumer {
  ledger = new Ledger();
  /** Times the client lost its socket and reconnected. */
  reconnects = 0;
  /** Frames that were not JSON, or a handler that threw (client/index.ts `onError`). */
  errors = 0;
  readonly client: EventsClient;

  constructor(workerUrl: string, token: string, types: readonly string[]) {
    this.client = connectEvents({
      url: workerUrl,
      token,
      types,
      // Acknowledge often: the ConsumerHub closes a socket with 2,000 frames unacknowledged (consumer/sockets.ts).
      ackEvery: 50,
      onEvent: (e: EventFrame) => this.ledger.received(e.message_id, performance.now()),
      onStatus: (s) => {
        if (s === 'reconnecting') this.reconnects++;
      },
      onError: () => this.errors++,
    });
  }
}

export async function connectConsumer(workerUrl: string, token: string, types: readonly string[]): Promise<Consumer> {
  const consumer = new Consumer(workerUrl, token, types);
  try {
    await waitFor('the consumer to be live on GET /events', () => consumer.client.status === 'live', {
      timeoutMs: 15_000,
      intervalMs: 20,
    });
  } catch (err) {
    consumer.client.close();
    throw err;
  }
  return consumer;
}
