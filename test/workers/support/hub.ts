/**
 * @module EventHub test helpers: messages shaped like the webhook route's (a Twitch `{subscription, event}` body),
 * hubs isolated per test by a unique `#suffix` on the name (as the controller tests do), and Queue sinks that
 * record, fail or hang, to put in place of `EVENTS` on one instance through `runInDurableObject`.
 */
import { env } from 'cloudflare:workers';
import type { EventEnvelope } from '../../../src/core/event-envelope.ts';
import type { InboundMessage } from '../../../src/core/ingest-types.ts';
import type { EventSink } from '../../../src/durable/event-hub.ts';

export function notificationBody(type: string, version: string, event: Record<string, unknown>, subId = 'sub-1') {
  return JSON.stringify({
    subscription: {
      id: subId,
      status: 'enabled',
      type,
      version,
      cost: 0,
      condition: { broadcaster_user_id: String(event.broadcaster_user_id ?? '141981764') },
      transport: { method: 'conduit', conduit_id: 'conduit-1' },
      created_at: '2026-11-01T00:00:00Z',
    },
    event,
  });
}

export const FOLLOW = {
  user_id: '1337',
  user_login: 'awesome_user',
  user_name: 'Awesome_User',
  broadcaster_user_id: '141981764',
  broadcaster_user_login: 'twitchdev',
  broadcaster_user_name: 'TwitchDev',
  followed_at: '2026-11-01T12:00:00Z',
};

export function inbound(overrides: Partial<InboundMessage> = {}): InboundMessage {
  return {
    messageId: crypto.randomUUID(),
    kind: 'notification',
    subscriptionId: 'sub-1',
    subscriptionType: 'channel.follow',
    subscriptionVersion: '2',
    sentAt: '2026-11-01T12:00:00.123456789Z',
    routingKey: '141981764',
    via: { transport: 'webhook', endpoint: 'default' },
    body: notificationBody('channel.follow', '2', FOLLOW),
    ...overrides,
  };
}

export function revocation(subscriptionId: string, status: string, type = 'channel.follow'): InboundMessage {
  return inbound({
    kind: 'revocation',
    subscriptionId,
    subscriptionType: type,
    body: JSON.stringify({
      subscription: {
        id: subscriptionId,
        status,
        type,
        version: '2',
        cost: 0,
        condition: { broadcaster_user_id: '141981764', moderator_user_id: '141981764' },
        transport: { method: 'conduit', conduit_id: 'conduit-1' },
        created_at: '2026-11-01T00:00:00Z',
      },
    }),
  });
}

/** A hub of its own for one test: `hub:<n>#<uuid>`. */
export function isolatedHubName(index = 0): string {
  return `hub:${index}#${crypto.randomUUID()}`;
}

export function hubStub(name: string) {
  return env.EVENT_HUB.getByName(name);
}

/** A namespace that maps `hub:<n>` to this test's own hubs, for code that names hubs itself (routes, consumer). */
export function isolatedHubs() {
  const suffix = crypto.randomUUID();
  const namespace = { getByName: (name: string) => env.EVENT_HUB.getByName(`${name}#${suffix}`) };
  return { namespace: namespace as unknown as Env['EVENT_HUB'], name: (index: number) => `hub:${index}#${suffix}` };
}

export interface RecordingSink extends EventSink {
  batches: EventEnvelope[][];
  mode: 'ok' | 'fail';
}

/** Records every batch; in `fail` mode throws as a Queue outage would. */
export function recordingSink(): RecordingSink {
  const sink: RecordingSink = {
    batches: [],
    mode: 'ok',
    async sendBatch(messages) {
      if (sink.mode === 'fail') throw new Error('queue unavailable (test)');
      sink.batches.push([...messages].map((m) => m.body));
      return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } } as unknown as QueueSendBatchResponse;
    },
  };
  return sink;
}
