/**
 * @module How an EventHub hands what it has just recorded to the live consumers' ConsumerHub (design.md §2: "fan out
 * to subscribed client sockets"). It starts after the durable write (the output gate holds the RPC until the write
 * is confirmed, cloudflare.md §1.7, so a consumer never sees an event that could still be lost), ingest does not
 * wait for it, and a failure is logged, never thrown: the webhook's answer does not depend on consumers. Publishes
 * are batched per hub (coalescer.ts) with an interval that grows with HUB_COUNT, so that all hubs together send the
 * single ConsumerHub at most ~500 requests per second (its soft limit is ~1,000, cloudflare.md §0) whatever the
 * event rate. A lost publish is repaired by the ConsumerHub: the next one shows the gap and it reads the log.
 */
import { Coalescer } from '../../core/coalescer.ts';
import type { RecordedEvent } from '../../core/event-envelope.ts';
import { errorMessage, log } from '../../log.ts';
import type { ConsumerRpc } from '../consumer-types.ts';

/** Total publishes per second the hubs may send the ConsumerHub, at most. */
const PUBLISH_BUDGET_PER_S = 500;
const MIN_INTERVAL_MS = 50;

export function publishIntervalMs(hubCount: number): number {
  return Math.max(MIN_INTERVAL_MS, Math.ceil((hubCount * 1_000) / PUBLISH_BUDGET_PER_S));
}

export function createPublisher(deps: {
  target: () => ConsumerRpc;
  hub: number;
  hubCount: number;
  tag: string;
}): Coalescer<RecordedEvent> {
  return new Coalescer<RecordedEvent>({
    send: async (events) => {
      await deps.target().publish(deps.hub, events);
    },
    minIntervalMs: publishIntervalMs(deps.hubCount),
    maxBatch: 500,
    // Well under the 32 MiB of one RPC message; Twitch payloads are at most 1 MiB (the webhook's body limit).
    maxBatchWeight: 4 * 1024 * 1024,
    weigh: (e) => e.body.length,
    // The log keeps 10,000 events per hub; beyond that the ConsumerHub could not read the dropped ones back.
    maxPending: 5_000,
    now: () => Date.now(),
    setTimer: (fn, ms) => void setTimeout(fn, ms),
    onError: (err, n) =>
      log(
        'warn',
        `${deps.tag} publish`,
        `consumer publish failed; the next one repairs the gap: ${errorMessage(err)}`,
        {
          events: n,
        },
      ),
    onDrop: (dropped) =>
      log('warn', `${deps.tag} publish`, 'consumer publish backlog full; oldest dropped', { events: dropped.length }),
  });
}
