/**
 * EventHub ingest (design.md §2): a message is recorded once (a duplicate id, in a later call or in the same call,
 * is answered `duplicate` and not logged or routed again), the record is in storage when `ingest` returns, and the
 * log is the Queue's outbox: a failed or slow send leaves the event unrouted, ingest still succeeds, and the alarm
 * re-sends it. Seen ids expire after their TTL; the log is bounded by count and age but never drops unrouted events.
 * The Queue sink and the clock are swapped on one instance through runInDurableObject; everything else is real.
 */
import { abortAllDurableObjects, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../src/core/event-envelope.ts';
import { DEFAULT_HUB_POLICY, type EventHub } from '../../src/durable/event-hub.ts';
import type { HubPolicy } from '../../src/durable/hub-types.ts';
import { waitFor } from '../support/wait.ts';
import { hubStub, inbound, isolatedHubName, recordingSink, revocation } from './support/hub.ts';

const MINUTE = 60_000;

/** A hub with a recording sink, a settable clock and, optionally, a changed policy. */
async function setUp(policy: Partial<HubPolicy> = {}) {
  const name = isolatedHubName();
  const stub = hubStub(name);
  const sink = recordingSink();
  // Real time, so that alarms set from this clock are in the future (an alarm in the past fires at once).
  const clock = { now: Date.now() };
  await runInDurableObject(stub, (hub: EventHub) => {
    hub.sink = sink;
    hub.now = () => clock.now;
    hub.policy = { ...DEFAULT_HUB_POLICY, ...policy };
  });
  return { name, stub, sink, clock };
}

const sent = (batches: EventEnvelope[][]) => batches.flat();

describe('EventHub ingest', () => {
  it('records a new message, answers accepted with its cursor, and routes it to the Queue', async () => {
    const { stub, sink, clock } = await setUp();
    const m = inbound();
    expect(await stub.ingest([m])).toEqual([{ messageId: m.messageId, status: 'accepted', cursor: '1' }]);
    const [e] = await stub.recent({ limit: 10 });
    expect(e).toMatchObject({
      cursor: 1,
      messageId: m.messageId,
      kind: 'notification',
      type: 'channel.follow',
      version: '2',
      subscriptionId: 'sub-1',
      routingKey: '141981764',
      via: { transport: 'webhook', endpoint: 'default' },
      sentAt: m.sentAt,
      receivedAt: clock.now,
      body: m.body,
    });
    // Routing follows the answer (hub/outbox.ts).
    await stub.routed();
    expect((await stub.recent({ limit: 10 }))[0]!.routed).toBe(true);
    const envelopes = sent(sink.batches);
    expect(envelopes).toHaveLength(1);
    expect(envelopes[0]).toMatchObject({ event: { cursor: 1, messageId: m.messageId, body: m.body } });
  });

  it('answers a resend of the same message id duplicate, and neither logs nor routes it again', async () => {
    const { stub, sink } = await setUp();
    const m = inbound();
    await stub.ingest([m]);
    expect(await stub.ingest([{ ...m, body: m.body }])).toEqual([
      { messageId: m.messageId, status: 'duplicate', cursor: null },
    ]);
    expect((await stub.stats()).events).toBe(1);
    await stub.routed();
    expect(sent(sink.batches)).toHaveLength(1);
  });

  it('accepts the first of two messages with one id in the same call and answers the second duplicate', async () => {
    const { stub, sink } = await setUp();
    const m = inbound();
    const other = inbound();
    const outcomes = await stub.ingest([m, m, other]);
    expect(outcomes.map((o) => [o.status, o.cursor])).toEqual([
      ['accepted', '1'],
      ['duplicate', null],
      ['accepted', '2'],
    ]);
    await stub.routed();
    expect(sent(sink.batches).map((e) => ('event' in e ? e.event.messageId : null))).toEqual([
      m.messageId,
      other.messageId,
    ]);
  });

  it('forgets a message id after the seen TTL (20 minutes, past the 10-minute freshness window)', async () => {
    const { stub, clock } = await setUp();
    expect(DEFAULT_HUB_POLICY.seenTtlMs).toBe(20 * MINUTE);
    const m = inbound();
    await stub.ingest([m]);
    clock.now += 20 * MINUTE - 1;
    expect((await stub.ingest([m]))[0]!.status).toBe('duplicate');
    clock.now += 1;
    expect((await stub.ingest([m]))[0]).toMatchObject({ status: 'accepted', cursor: '2' });
    // The expired row is pruned in the alarm; the fresh one stays.
    clock.now += 1;
    await runDurableObjectAlarm(stub);
    expect((await stub.stats()).seen).toBe(1);
  });

  it('keeps only the newest events by count, pruning on insert', async () => {
    const { stub } = await setUp({ maxEvents: 5, pruneEvery: 1 });
    // Each routed before the next arrives: pruning never drops an unrouted event.
    for (let i = 0; i < 12; i++) {
      await stub.ingest([inbound()]);
      await stub.routed();
    }
    const stats = await stub.stats();
    expect(stats).toMatchObject({ events: 5, oldestCursor: 8, newestCursor: 12 });
    expect((await stub.recent({ limit: 100 })).map((e) => e.cursor)).toEqual([12, 11, 10, 9, 8]);
  });

  it('drops routed events older than the age limit in the alarm, but never an unrouted one', async () => {
    const { stub, sink, clock } = await setUp({ maxAgeMs: 60 * MINUTE, retryBaseMs: 10 * MINUTE });
    await stub.ingest([inbound()]);
    await stub.routed();
    sink.mode = 'fail';
    await stub.ingest([inbound()]);
    await stub.routed();
    clock.now += 61 * MINUTE;
    sink.mode = 'fail';
    await runDurableObjectAlarm(stub);
    let left = await stub.recent({ limit: 10 });
    expect(left.map((e) => [e.cursor, e.routed])).toEqual([[2, false]]);
    sink.mode = 'ok';
    await runDurableObjectAlarm(stub);
    left = await stub.recent({ limit: 10 });
    expect(left.map((e) => [e.cursor, e.routed])).toEqual([[2, true]]);
  });

  it('has the record in storage when ingest returns: a fresh instance after eviction still has it', async () => {
    const { stub } = await setUp();
    const m = inbound();
    await stub.ingest([m]);
    await evictDurableObject(stub);
    const fresh = await stub.recent({ limit: 10 });
    expect(fresh.map((e) => e.messageId)).toEqual([m.messageId]);
    // The seen id survived too: a resend after the restart is still a duplicate.
    expect((await stub.ingest([m]))[0]!.status).toBe('duplicate');
  });

  it('keeps an event whose Queue send fails as the outbox: ingest succeeds, the alarm re-sends it', async () => {
    const { stub, sink, clock } = await setUp({ retryBaseMs: 10 * MINUTE, retryMaxMs: 60 * MINUTE });
    sink.mode = 'fail';
    const m = inbound();
    expect(await stub.ingest([m])).toEqual([{ messageId: m.messageId, status: 'accepted', cursor: '1' }]);
    await stub.routed();
    expect(await stub.stats()).toMatchObject({ events: 1, unrouted: 1 });
    // Armed by ingest before it answered (the guard comes before the 10-minute retry the failure asked for).
    const alarm = await runInDurableObject(stub, (_hub, state) => state.storage.getAlarm());
    expect(alarm).toBe(clock.now + DEFAULT_HUB_POLICY.outboxGuardMs);

    // Still failing: nothing is lost and the alarm comes back after the doubled retry delay.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.stats()).toMatchObject({ unrouted: 1 });
    expect(await runInDurableObject(stub, (_hub, state) => state.storage.getAlarm())).toBe(clock.now + 20 * MINUTE);

    sink.mode = 'ok';
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.stats()).toMatchObject({ unrouted: 0 });
    expect(sent(sink.batches).map((e) => ('event' in e ? e.event.messageId : null))).toEqual([m.messageId]);
    // A resend from Twitch meanwhile is a duplicate, not a second event.
    expect((await stub.ingest([m]))[0]!.status).toBe('duplicate');
  });

  it('does not wait on a hanging Queue send: ingest returns, and the late send still marks the event routed', async () => {
    const { stub } = await setUp({ sendTimeoutMs: 50, retryBaseMs: 10 * MINUTE });
    const pending: (() => void)[] = [];
    await runInDurableObject(stub, (hub: EventHub) => {
      hub.sink = {
        sendBatch: () =>
          new Promise((resolve) => {
            pending.push(() => resolve({ metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } }));
          }),
      };
    });
    const [outcome] = await stub.ingest([inbound()]);
    expect(outcome!.status).toBe('accepted');
    expect(await stub.stats()).toMatchObject({ unrouted: 1 });
    expect(pending).toHaveLength(1);
    // Resolve it from inside the object: a promise belongs to the request context that created it.
    await runInDurableObject(stub, () => pending[0]!());
    await waitFor('the late send to mark the event routed', async () => (await stub.stats()).unrouted === 0);
  });

  it('answers before its Queue send: an object that dies before the send loses nothing, the alarm sends it', async () => {
    // A long send interval keeps the second event waiting in the outbox when the object is killed.
    const { name, stub, sink } = await setUp({ sendIntervalMs: 60 * MINUTE });
    const [first, second] = [inbound(), inbound()];
    await stub.ingest([first]);
    await stub.ingest([second]);
    expect(sent(sink.batches).map((e) => ('event' in e ? e.event.messageId : null))).toEqual([first.messageId]);
    expect(await stub.stats()).toMatchObject({ events: 2, unrouted: 1 });
    const armed = await runInDurableObject(stub, (_hub, state) => state.storage.getAlarm());
    expect(armed).not.toBeNull();
    expect(armed!).toBeLessThanOrEqual(Date.now() + DEFAULT_HUB_POLICY.outboxGuardMs);

    // A crash or deploy (its pending send timer would keep it from idle eviction, cloudflare.md §1.2).
    await abortAllDurableObjects();
    const fresh = hubStub(name);
    // The fresh instance sends to the real Queue; what matters is that the log no longer holds it unrouted.
    expect(await runDurableObjectAlarm(fresh)).toBe(true);
    expect(await fresh.stats()).toMatchObject({ events: 2, unrouted: 0 });
    expect((await fresh.recent({ limit: 10 })).map((e) => [e.messageId, e.routed])).toEqual([
      [second.messageId, true],
      [first.messageId, true],
    ]);
  });

  it('gathers events that arrive within the send interval into one Queue send', async () => {
    const { stub, sink } = await setUp({ sendIntervalMs: 200 });
    await stub.ingest([inbound()]);
    await Promise.all(Array.from({ length: 5 }, () => stub.ingest([inbound()])));
    // The alarm leaves waiting events alone: running it now sends nothing twice.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await stub.routed();
    expect(sink.batches.map((b) => b.length)).toEqual([1, 5]);
    expect(await stub.stats()).toMatchObject({ events: 6, unrouted: 0 });
  });

  it('sends a body over ~100 KB as a reference the consumer reads back with events()', async () => {
    const { stub, sink } = await setUp();
    const big = inbound({
      body: JSON.stringify({ subscription: { id: 'sub-1' }, event: { pad: 'x'.repeat(150_000) } }),
    });
    await stub.ingest([big]);
    await stub.routed();
    const [envelope] = sent(sink.batches);
    expect(envelope).toEqual({ hub: expect.stringMatching(/^hub:0#/), ref: 1 });
    const [back] = await stub.events([1]);
    expect(back!.body).toBe(big.body);
  });

  it('splits a large ingest into sends within the Queue limits (≤ 100 messages, ≤ 256 KB)', async () => {
    const { stub, sink } = await setUp();
    const messages = Array.from({ length: 100 }, () => inbound({ body: JSON.stringify({ pad: 'y'.repeat(9_000) }) }));
    await stub.ingest(messages);
    await stub.routed();
    expect(sink.batches.length).toBeGreaterThan(1);
    for (const batch of sink.batches) {
      expect(batch.length).toBeLessThanOrEqual(100);
      const bytes = batch.reduce((n, e) => n + new TextEncoder().encode(JSON.stringify(e)).length + 100, 0);
      expect(bytes).toBeLessThanOrEqual(256_000);
    }
    expect(sent(sink.batches)).toHaveLength(100);
    expect((await stub.stats()).unrouted).toBe(0);
  });

  it('stores a revocation with its status and routes it like a notification', async () => {
    const { stub, sink } = await setUp();
    await stub.ingest([revocation('sub-9', 'authorization_revoked')]);
    await stub.routed();
    expect(await stub.stats()).toMatchObject({ events: 1, revocations: 1 });
    expect(sent(sink.batches)[0]).toMatchObject({ event: { kind: 'revocation', subscriptionId: 'sub-9' } });
  });

  it('refuses a malformed message and records nothing from that call', async () => {
    const { stub } = await setUp();
    const good = inbound();
    const bad = { ...inbound(), messageId: '' };
    const refused = await stub.ingest([good, bad]).then(
      () => null,
      (err: unknown) => err,
    );
    expect(String(refused)).toMatch(/messages\[1\]: messageId must be a non-empty string/);
    expect((await stub.stats()).events).toBe(0);
    expect((await stub.ingest([good]))[0]!.status).toBe('accepted');
  });
});
