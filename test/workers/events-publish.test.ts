/**
 * How recorded events reach live consumers (design.md §2; hub/publisher.ts): a signed webhook POST ends up on a
 * consumer socket; ingest neither fails nor waits when the ConsumerHub publish fails or hangs; and a lost publish
 * is repaired by the next one, which shows the ConsumerHub the gap so it reads the missing events from the hub's
 * log and delivers them first, in order. The hub's publish target is swapped on its instance for the failing cases.
 */
import { runInDurableObject } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { EventHub } from '../../src/durable/event-hub.ts';
import type { ConsumerRpc } from '../../src/durable/consumer-types.ts';
import { endpointSecret } from '../../src/verify/derive.ts';
import { sign } from '../../src/verify/signature.ts';
import { withTimeout } from '../support/wait.ts';
import { bucketOf } from '../../src/core/hash.ts';
import { connect, consumerHub, HUB_COUNT, hubOf, ingest, published } from './support/events.ts';

async function setTarget(broadcaster: string, target: ConsumerRpc | undefined) {
  await runInDurableObject(hubOf(broadcaster), (hub: EventHub) => {
    hub.consumers = target;
  });
}

/** A broadcaster whose hub has not published to the ConsumerHub yet in this file (no head recorded). */
async function broadcasterOnUnpublishedHub(prefix: string): Promise<string> {
  const known = await runInDurableObject(consumerHub(), (_ch, state) =>
    state.storage.sql
      .exec<{ hub: number }>('SELECT hub FROM heads')
      .toArray()
      .map((r) => r.hub),
  );
  for (let i = 0; i < 1_000; i++) {
    if (!known.includes(bucketOf(`${prefix}${i}`, HUB_COUNT))) return `${prefix}${i}`;
  }
  throw new Error('every hub has published already');
}

async function webhookNotification(broadcaster: string): Promise<{ status: number; id: string }> {
  const id = crypto.randomUUID();
  const timestamp = new Date().toISOString();
  const body = new TextEncoder().encode(
    JSON.stringify({
      subscription: {
        id: 'sub-pub',
        status: 'enabled',
        type: 'channel.follow',
        version: '2',
        cost: 0,
        condition: { broadcaster_user_id: broadcaster, moderator_user_id: broadcaster },
        transport: { method: 'conduit', conduit_id: 'c-1' },
        created_at: '2026-11-01T00:00:00Z',
      },
      event: {
        user_id: '1',
        user_login: 'u',
        user_name: 'U',
        broadcaster_user_id: broadcaster,
        broadcaster_user_login: 'b',
        broadcaster_user_name: 'B',
        followed_at: timestamp,
      },
    }),
  );
  const secret = await endpointSecret(env.EVENTSUB_SECRET, 'default');
  const res = await exports.default.fetch(
    new Request('http://worker.test/webhooks/default', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Twitch-Eventsub-Message-Id': id,
        'Twitch-Eventsub-Message-Retry': '0',
        'Twitch-Eventsub-Message-Type': 'notification',
        'Twitch-Eventsub-Message-Timestamp': timestamp,
        'Twitch-Eventsub-Message-Signature': await sign(secret, id, timestamp, body),
        'Twitch-Eventsub-Subscription-Type': 'channel.follow',
        'Twitch-Eventsub-Subscription-Version': '2',
      },
      body,
    }),
  );
  return { status: res.status, id };
}

describe('publishing to live consumers', () => {
  it('delivers a signed webhook notification to a consumer socket', async () => {
    const c = await connect('?broadcaster=pub1');
    await c.waitFrame('live');
    const { status, id } = await webhookNotification('pub1');
    expect(status).toBe(204);
    const [e] = await c.waitEvents(1);
    expect(e).toMatchObject({ message_id: id, broadcaster: 'pub1', type: 'channel.follow', replayed: false });
    c.close();
  });

  it.each([
    ['after earlier publishes from that hub', true],
    ['before any publish from that hub reached the consumer hub', false],
  ])('accepts events whose publish failed, and the next publish delivers them first, %s', async (_name, primed) => {
    const b = await broadcasterOnUnpublishedHub(`pub2${primed ? 'p' : 'u'}`);
    const c = await connect(`?broadcaster=${b}`);
    await c.waitFrame('live');
    const earlier = primed ? await ingest(b, 1) : [];
    await published(b);
    await setTarget(b, { publish: () => Promise.reject(new Error('consumer hub down (test)')) });
    let lost: string[];
    try {
      lost = await ingest(b, 2);
      await published(b);
    } finally {
      await setTarget(b, undefined);
    }
    expect(c.events()).toHaveLength(earlier.length);
    const next = await ingest(b, 1);
    const events = await c.waitEvents(earlier.length + 3);
    expect(events.map((e) => e.message_id)).toEqual([...earlier, ...lost, ...next]);
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    c.close();
  });

  it('does not make ingest wait for a publish that hangs', async () => {
    let release = () => {};
    const hanging = new Promise<never>((_, reject) => (release = () => reject(new Error('released (test)'))));
    await setTarget('pub3', { publish: () => hanging });
    try {
      const ids = await withTimeout('ingest with a hanging publish', ingest('pub3', 2), 3_000);
      expect(ids).toHaveLength(2);
      expect((await hubOf('pub3').stats()).events).toBeGreaterThanOrEqual(2);
    } finally {
      release();
      await published('pub3');
      await setTarget('pub3', undefined);
    }
  });
});
