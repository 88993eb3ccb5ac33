/**
 * @module Queue-consumer test helpers: envelopes made by a real hub (ingested with a recording sink), batches built
 * from them with `createMessageBatch`, handlers that record what they were given (or throw), a recording
 * controller, and a forward sender that captures requests instead of opening connections — the consumer takes its
 * sender as a dependency, so no global `fetch` is patched.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type { EventEnvelope } from '../../../src/core/event-envelope.ts';
import type { InboundMessage } from '../../../src/core/ingest-types.ts';
import type { EventHub } from '../../../src/durable/event-hub.ts';
import type { Outcome } from '../../../src/durable/controller-types.ts';
import {
  defineHandler,
  type CatchAllReason,
  type EventContext,
  type Revocation,
} from '../../../src/handlers/define.ts';
import { ChannelFollowV2 } from '../../../src/handlers/events.wire.ts';
import { EVENTS_QUEUE } from '../../../src/queue/envelope.ts';
import { consumeEvents, defaultConsumerDeps, type ConsumerDeps } from '../../../src/queue/events-consumer.ts';
import { hubStub, isolatedHubName, recordingSink } from './hub.ts';

/** Ingest into a fresh hub whose sink records, and return the hub and the envelopes it would have queued. */
export async function envelopesFor(messages: InboundMessage[]) {
  const name = isolatedHubName();
  const stub = hubStub(name);
  const sink = recordingSink();
  await runInDurableObject(stub, (hub: EventHub) => {
    hub.sink = sink;
  });
  await stub.ingest(messages);
  return { stub, name, envelopes: sink.batches.flat() };
}

export function batchOf(envelopes: EventEnvelope[], attempts = 1, queue = EVENTS_QUEUE) {
  return createMessageBatch<unknown>(
    queue,
    envelopes.map((body, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts, body })),
  );
}

export interface Recorder {
  typed: { event: unknown; ctx: EventContext }[];
  catchAll: { payload: unknown; ctx: EventContext; reason: CatchAllReason }[];
  revocations: { revocation: Revocation; ctx: EventContext }[];
  notes: { subscriptionId: string; status: string }[];
  forwards: { url: string; headers: Headers; body: string }[];
  /** Make the typed handler throw. */
  throwInHandler: boolean;
  controllerAnswer: Outcome<{ matched: number }>;
  /** Status per forward URL (default 204); `'network'` throws like an unreachable host. */
  forwardStatus: Record<string, number | 'network'>;
}

/** Consumer dependencies that record every call; change the recorder's fields to script failures. */
export function recordingDeps(): { deps: ConsumerDeps; rec: Recorder } {
  const rec: Recorder = {
    typed: [],
    catchAll: [],
    revocations: [],
    notes: [],
    forwards: [],
    throwInHandler: false,
    controllerAnswer: { ok: true, value: { matched: 1 } },
    forwardStatus: {},
  };
  const deps: ConsumerDeps = {
    handlers: {
      typed: [
        defineHandler('channel.follow', '2', ChannelFollowV2, (event, ctx) => {
          if (rec.throwInHandler) throw new Error('handler failed (test)');
          rec.typed.push({ event, ctx });
        }),
      ],
      catchAll: (payload, ctx, reason) => void rec.catchAll.push({ payload, ctx, reason }),
      revocation: (revocation, ctx) => void rec.revocations.push({ revocation, ctx }),
    },
    controller: () => ({
      noteRevocation: async (subscriptionId: string, status: string) => {
        rec.notes.push({ subscriptionId, status });
        return rec.controllerAnswer;
      },
    }),
    send: async (url, init) => {
      rec.forwards.push({ url, headers: new Headers(init.headers), body: String(init.body) });
      const status = rec.forwardStatus[url] ?? 204;
      if (status === 'network') throw new TypeError('Network connection lost.');
      return new Response(null, { status });
    },
    now: defaultConsumerDeps.now,
  };
  return { deps, rec };
}

/** Run the consumer on a batch and collect what it acked and retried. */
export async function consume(batch: MessageBatch<unknown>, deps: ConsumerDeps, testEnv: Env = env) {
  await consumeEvents(batch, testEnv, deps);
  return getQueueResult(batch, createExecutionContext());
}
