/**
 * @module The `conduit-events` consumer (design.md §2): each message is one recorded event. It reads back events
 * sent by reference, reports revocations to the ConduitController, runs the event's handler, POSTs the HTTP
 * forwards, and acks; any throw retries that message alone (up to `max_retries`, then the dead-letter queue).
 * Handler runs are reported to the hub (`markHandled`, one call per hub per batch). A retried message whose handler
 * already ran (the forwards failed) is not handled again: only its forwards are repeated. Messages of one
 * broadcaster run in order; different broadcasters run concurrently.
 */
import { loadConfig, type Config } from '../config.ts';
import type { EventEnvelope, RecordedEvent } from '../core/event-envelope.ts';
import { controllerStub } from '../durable/controller-stub.ts';
import type { ControllerRpc } from '../durable/controller-types.ts';
import type { HubEvent, HubRpc } from '../durable/hub-types.ts';
import type { EventContext, Handlers } from '../handlers/define.ts';
import { createDispatcher, revocationOf, type Dispatcher } from '../handlers/dispatch.ts';
import { handlers as ownerHandlers } from '../handlers/index.ts';
import { log, logError } from '../log.ts';
import { cursorOf, decodeEnvelope, EVENTS_QUEUE } from './envelope.ts';
import { forward, forwardBody, type ForwardSender } from './forward.ts';

const TAG = `queue:${EVENTS_QUEUE}`;
const FORWARD_TIMEOUT_MS = 10_000;

export interface ConsumerDeps {
  handlers: Handlers;
  /** How forwards leave; `fetch` in production. */
  send: ForwardSender;
  /** Where revocations are reported. */
  controller: (env: Env, config: Config) => Pick<ControllerRpc, 'noteRevocation'>;
  now: () => number;
}

export const defaultConsumerDeps: ConsumerDeps = {
  handlers: ownerHandlers,
  // Bounded, so a receiver that never answers costs one retry instead of holding the batch (15 min wall time).
  send: (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS) }),
  // The stub's own type drops Outcome's failure branch (see routes/admin/respond.ts); the interface is exact.
  controller: (env, config) => controllerStub(env, config) as unknown as ControllerRpc,
  now: () => Date.now(),
};

interface Item {
  msg: Message<unknown>;
  envelope: EventEnvelope;
  event: RecordedEvent | null;
  /** A handler already ran for it on an earlier attempt. */
  handledBefore: boolean;
}

const dispatchers = new WeakMap<Handlers, Dispatcher>();

function dispatcherFor(handlers: Handlers): Dispatcher {
  let d = dispatchers.get(handlers);
  if (!d) dispatchers.set(handlers, (d = createDispatcher(handlers)));
  return d;
}

export const hubStub = (env: Env, name: string) => env.EVENT_HUB.getByName(name) as unknown as HubRpc;

export async function consumeEvents(
  batch: MessageBatch<unknown>,
  env: Env,
  deps: ConsumerDeps = defaultConsumerDeps,
): Promise<void> {
  const config = loadConfig(env);
  const dispatcher = dispatcherFor(deps.handlers);
  const items: Item[] = [];
  for (const msg of batch.messages) {
    const envelope = decodeEnvelope(msg.body);
    if (!envelope) {
      // Nothing can ever make it readable: log and drop rather than spend retries on it.
      log('error', TAG, 'unreadable queue message dropped', { queue_message_id: msg.id });
      msg.ack();
      continue;
    }
    items.push({ msg, envelope, event: 'event' in envelope ? envelope.event : null, handledBefore: false });
  }
  await readBack(items, env);

  const handled = new Map<string, number[]>();
  const byKey = new Map<string, Item[]>();
  for (const item of items) {
    if (!item.event) continue;
    const list = byKey.get(item.event.routingKey) ?? [];
    list.push(item);
    byKey.set(item.event.routingKey, list);
  }
  await Promise.all(
    [...byKey.values()].map(async (group) => {
      for (const item of group) {
        if (await processOne(item, { env, config, deps, dispatcher })) {
          const list = handled.get(item.envelope.hub) ?? [];
          list.push(item.event!.cursor);
          handled.set(item.envelope.hub, list);
        }
      }
    }),
  );

  await Promise.all(
    [...handled].map(async ([hub, cursors]) => {
      try {
        await hubStub(env, hub).markHandled(cursors);
      } catch (err) {
        // The messages stay acked: re-running handlers to repair a counter would be worse than a wrong count.
        logError(TAG, err, { hub, step: 'markHandled', events: cursors.length });
      }
    }),
  );
}

/**
 * One call per hub: events sent by reference are read back, and for retried messages the handled count says
 * whether the handler already ran. A message whose hub cannot answer, or whose event is gone, is retried.
 */
async function readBack(items: Item[], env: Env): Promise<void> {
  const byHub = new Map<string, Item[]>();
  for (const item of items) {
    if (item.event && item.msg.attempts <= 1) continue;
    const list = byHub.get(item.envelope.hub) ?? [];
    list.push(item);
    byHub.set(item.envelope.hub, list);
  }
  await Promise.all(
    [...byHub].map(async ([hub, list]) => {
      let found: Map<number, HubEvent>;
      try {
        const events = await hubStub(env, hub).events(list.map((i) => cursorOf(i.envelope)));
        found = new Map(events.map((e) => [e.cursor, e]));
      } catch (err) {
        logError(TAG, err, { hub, step: 'events' });
        for (const item of list) retry(item);
        return;
      }
      for (const item of list) {
        const stored = found.get(cursorOf(item.envelope));
        if (stored) {
          item.handledBefore = stored.handled > 0;
          item.event ??= stored;
        } else if (!item.event) {
          log('error', TAG, 'referenced event is no longer in its hub', { hub, cursor: cursorOf(item.envelope) });
          retry(item);
        }
      }
    }),
  );
}

function retry(item: Item): void {
  item.event = null;
  item.msg.retry();
}

/** Handle, forward, ack; on a throw, retry. True when a handler ran on this attempt. */
async function processOne(
  item: Item,
  run: { env: Env; config: Config; deps: ConsumerDeps; dispatcher: Dispatcher },
): Promise<boolean> {
  const { env, config, deps, dispatcher } = run;
  const event = item.event!;
  const hub = item.envelope.hub;
  let ran = false;
  try {
    const payload = parseBody(event.body);
    if (!item.handledBefore) {
      const ctx = contextOf(hub, event, item.msg.attempts, payload, env);
      if (event.kind === 'revocation') await noteRevocation(payload, ctx, env, config, deps);
      await dispatcher.dispatch(payload, ctx);
      ran = true;
    }
    if (config.FORWARD_URLS && config.FORWARD_SECRET) {
      await forward({
        urls: config.FORWARD_URLS,
        secret: config.FORWARD_SECRET,
        body: forwardBody(hub, event, payload),
        now: deps.now(),
        send: deps.send,
      });
    }
    item.msg.ack();
  } catch (err) {
    logError(TAG, err, {
      hub,
      cursor: event.cursor,
      message_id: event.messageId,
      type: event.type,
      attempts: item.msg.attempts,
      handler_ran: ran || item.handledBefore,
    });
    item.msg.retry();
  }
  return ran;
}

/** Tell the controller first, so the subscription is marked for recreation even if the owner's handler throws. */
async function noteRevocation(payload: unknown, ctx: EventContext, env: Env, config: Config, deps: ConsumerDeps) {
  const r = revocationOf(payload, ctx);
  const outcome = await deps.controller(env, config).noteRevocation(r.subscriptionId, r.status);
  if (!outcome.ok) throw new Error(`controller did not take the revocation: ${outcome.status} ${outcome.error}`);
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    // Bodies are verified JSON before ingest; if one is not, the catch-all gets `undefined`.
    return undefined;
  }
}

function contextOf(hub: string, e: RecordedEvent, attempts: number, payload: unknown, env: Env): EventContext {
  const sub =
    typeof payload === 'object' && payload !== null && 'subscription' in payload ? payload.subscription : undefined;
  return {
    hub,
    cursor: e.cursor,
    messageId: e.messageId,
    kind: e.kind,
    type: e.type,
    version: e.version,
    subscriptionId: e.subscriptionId,
    routingKey: e.routingKey,
    via: e.via,
    sentAt: e.sentAt,
    receivedAt: new Date(e.receivedAt).toISOString(),
    attempts,
    subscription: typeof sub === 'object' && sub !== null ? (sub as Record<string, unknown>) : {},
    env,
  };
}
