/**
 * @module How a WebSocketShard hands frames to the EventHubs (design.md §2: the same ingest as webhooks). One queue
 * per hub keeps each broadcaster's order (the hub is chosen by broadcaster) and batches frames that arrive while a
 * call is in flight. A WebSocket notification is never re-sent by Twitch, so a failed ingest is retried a few times
 * before it is logged as lost; a repeat is harmless, the hub de-duplicates by message id.
 */
import { bucketOf } from '../../core/hash.ts';
import { hubName, type InboundMessage } from '../../core/ingest-types.ts';
import { errorMessage, log } from '../../log.ts';

/** Attempts per batch and the pause before each retry (a hub being restarted answers within a second or two). */
const RETRY_DELAYS_MS = [100, 500, 2_000];
/** Messages per ingest call. */
const MAX_BATCH = 100;

export interface HubTarget {
  ingest(messages: InboundMessage[]): Promise<unknown>;
}

interface Lane {
  buffer: InboundMessage[];
  running: boolean;
}

export class HubFeed {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly deps: {
      /** `hub:<n>` plus the shard's name suffix (shard-stub.ts). */
      hub: (name: string) => HubTarget;
      hubCount: number;
      suffix: string;
      tag: string;
    },
  ) {}

  push(messages: InboundMessage[]): void {
    for (const m of messages) {
      const name = `${hubName(bucketOf(m.routingKey, this.deps.hubCount))}${this.deps.suffix}`;
      let lane = this.lanes.get(name);
      if (!lane) this.lanes.set(name, (lane = { buffer: [], running: false }));
      lane.buffer.push(m);
      if (!lane.running) void this.drain(name, lane);
    }
  }

  /** Messages not yet accepted by a hub (for status and tests). */
  get backlog(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.buffer.length;
    return n;
  }

  private async drain(name: string, lane: Lane): Promise<void> {
    lane.running = true;
    try {
      while (lane.buffer.length > 0) await this.deliver(name, lane.buffer.splice(0, MAX_BATCH));
    } finally {
      lane.running = false;
    }
  }

  private async deliver(name: string, batch: InboundMessage[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        // A fresh stub per attempt: a stub that threw may stay broken (cloudflare.md §1.3).
        await this.deps.hub(name).ingest(batch);
        return;
      } catch (err) {
        const wait = RETRY_DELAYS_MS[attempt];
        if (wait === undefined) {
          log('error', this.deps.tag, `ingest into ${name} failed ${attempt + 1} times; messages lost`, {
            error: errorMessage(err),
            messages: batch.length,
            first_message_id: batch[0]?.messageId,
          });
          return;
        }
        log('warn', this.deps.tag, `ingest into ${name} failed; retrying in ${wait} ms`, { error: errorMessage(err) });
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
}
