/**
 * @module `GET /events` test helpers: open a consumer socket through the Worker's own entry point (the returned
 * socket is accepted in the test isolate), collect its frames, wait for frames or the close with timeouts, and
 * ingest events for a broadcaster into the hub the webhook route would pick.
 */
import { runInDurableObject } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { loadConfig } from '../../../src/config.ts';
import type { ConsumerFrame, EventFrame } from '../../../src/core/consumer-frames.ts';
import { bucketOf } from '../../../src/core/hash.ts';
import { hubName } from '../../../src/core/ingest-types.ts';
import type { ConsumerHub } from '../../../src/durable/consumer-hub.ts';
import type { ConsumerPolicy } from '../../../src/durable/consumer/sockets.ts';
import { DEFAULT_CONSUMER_POLICY } from '../../../src/durable/consumer/sockets.ts';
import { CONSUMER_HUB_NAME } from '../../../src/durable/consumer-types.ts';
import type { EventHub } from '../../../src/durable/event-hub.ts';
import { waitFor, withTimeout } from '../../support/wait.ts';
import { FOLLOW, inbound, notificationBody } from './hub.ts';

export const HUB_COUNT = loadConfig(env).HUB_COUNT;

export interface Consumer {
  ws: WebSocket;
  frames: ConsumerFrame[];
  events(): EventFrame[];
  closed: Promise<{ code: number; reason: string }>;
  /** Wait until `n` event frames have arrived (or the predicate holds). */
  waitEvents(n: number, timeoutMs?: number): Promise<EventFrame[]>;
  waitFrame(frame: ConsumerFrame['frame'], timeoutMs?: number): Promise<ConsumerFrame>;
  close(): void;
}

export function eventsRequest(query = '', headers: Record<string, string> = {}): Request {
  return new Request(`http://worker.test/events${query}`, { headers: { Upgrade: 'websocket', ...headers } });
}

export const tokenHeader = { Authorization: `Bearer ${env.CONSUMER_TOKEN}` };

/**
 * Open a socket; throws with the status and body when the upgrade is refused. It acknowledges every frame
 * (`ack 1`) unless `ack` is false: a reader that never acknowledges is what "too slow" looks like to the object.
 */
export async function connect(
  query = '',
  headers: Record<string, string> = tokenHeader,
  { ack = true }: { ack?: boolean } = {},
): Promise<Consumer> {
  const res = await exports.default.fetch(eventsRequest(query, headers));
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
  const ws = res.webSocket;
  const frames: ConsumerFrame[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason })),
  );
  ws.addEventListener('message', (m) => {
    frames.push(JSON.parse(String(m.data)) as ConsumerFrame);
    if (ack && ws.readyState === WebSocket.OPEN) ws.send('ack 1');
  });
  ws.accept();
  const events = () => frames.filter((f): f is EventFrame => f.frame === 'event');
  return {
    ws,
    frames,
    events,
    closed,
    waitEvents: (n, timeoutMs = 5_000) =>
      waitFor(`${n} event frames (have ${events().length})`, () => events().length >= n && events(), { timeoutMs }),
    waitFrame: (frame, timeoutMs = 5_000) =>
      waitFor(`a ${frame} frame`, () => frames.find((f) => f.frame === frame), { timeoutMs }),
    close: () => ws.close(1000, 'done'),
  };
}

/** Status and JSON body of a refused upgrade. */
export async function refused(query: string, headers: Record<string, string> = tokenHeader) {
  const res = await exports.default.fetch(eventsRequest(query, headers));
  return { status: res.status, body: await res.json<{ error: string }>(), socket: res.webSocket };
}

export function hubOf(broadcaster: string) {
  return env.EVENT_HUB.getByName(hubName(bucketOf(broadcaster, HUB_COUNT)));
}

/** Ingest one event per entry into the broadcaster's hub (as the webhook route would), in order. */
export async function ingest(broadcaster: string, count = 1, type = 'channel.follow'): Promise<string[]> {
  const messages = Array.from({ length: count }, () =>
    inbound({
      routingKey: broadcaster,
      subscriptionType: type,
      body: notificationBody(type, '2', { ...FOLLOW, broadcaster_user_id: broadcaster }),
    }),
  );
  await hubOf(broadcaster).ingest(messages);
  return messages.map((m) => m.messageId);
}

/** Wait until the hub has offered everything it recorded to the ConsumerHub. */
export async function published(broadcaster: string): Promise<void> {
  await withTimeout(
    'the hub to publish',
    runInDurableObject(hubOf(broadcaster), (hub: EventHub) => hub.published()),
  );
}

export function consumerHub() {
  return env.CONSUMER_HUB.getByName(CONSUMER_HUB_NAME);
}

/** Broadcaster ids that land on distinct hubs (and differ from every other test's, by prefix). */
export function broadcastersOnDistinctHubs(prefix: string, n: number): string[] {
  const out: string[] = [];
  const used = new Set<number>();
  for (let i = 0; out.length < n && i < 10_000; i++) {
    const b = `${prefix}${i}`;
    const h = bucketOf(b, HUB_COUNT);
    if (used.has(h)) continue;
    used.add(h);
    out.push(b);
  }
  if (out.length < n) throw new Error(`could not find ${n} broadcasters on distinct hubs`);
  return out;
}

/** Change the ConsumerHub's policy for one test; the returned function restores the default. */
export async function consumerPolicy(over: Partial<ConsumerPolicy>): Promise<() => Promise<void>> {
  await runInDurableObject(consumerHub(), (ch: ConsumerHub) => {
    ch.policy = { ...DEFAULT_CONSUMER_POLICY, ...over };
  });
  return () =>
    runInDurableObject(consumerHub(), (ch: ConsumerHub) => {
      ch.policy = DEFAULT_CONSUMER_POLICY;
    });
}

/**
 * Hold the ConsumerHub's replay reads of one hub: `before` the read or `after` it (before its answer reaches the
 * replay). `held` turns true once a read is waiting; `release` lets it (and later ones) go; `restore` unwraps.
 */
export async function holdReplay(index: number, when: 'before' | 'after') {
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const state = { held: false };
  let restore = () => {};
  await runInDurableObject(consumerHub(), (ch: ConsumerHub) => {
    const original = ch.hub;
    ch.hub = (i) => {
      const real = original(i);
      if (i !== index) return real;
      return {
        head: () => real.head(),
        replay: async (after, query) => {
          if (when === 'before') {
            state.held = true;
            await gate;
          }
          const page = await real.replay(after, query);
          if (when === 'after') {
            state.held = true;
            await gate;
          }
          return page;
        },
      };
    };
    restore = () => {
      ch.hub = original;
    };
  });
  return {
    held: () => waitFor('a replay read to be held', () => state.held),
    release: () => release(),
    restore: async () => {
      release();
      await runInDurableObject(consumerHub(), () => restore());
    },
  };
}
