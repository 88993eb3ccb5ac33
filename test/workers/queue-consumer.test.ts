/**
 * The `conduit-events` consumer (design.md §2): each event reaches the handler for its type with the event parsed
 * and validated; an unknown type or an event its schema refuses reaches the catch-all (not retried); a throwing
 * handler retries the message; a revocation is reported to the ConduitController, then reaches the revocation
 * handler; forwards are signed so `verifyForward` accepts them, and a failed forward retries the message without
 * running its handler again. Batches come from `createMessageBatch`, results from `getQueueResult`; handlers,
 * controller and forward sender are the consumer's injected dependencies. The last tests go through the Worker's
 * real `queue()` entry and the real Queue.
 */
import { createExecutionContext, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import worker from '../../src/index.ts';
import { consumeEvents, defaultConsumerDeps } from '../../src/queue/events-consumer.ts';
import { verifyForward } from '../../src/verify/forward-signature.ts';
import { simControl } from '../support/sim-control.ts';
import { waitFor } from '../support/wait.ts';
import { batchOf, consume, envelopesFor, recordingDeps } from './support/consumer.ts';
import { FOLLOW, hubStub, inbound, isolatedHubName, notificationBody, revocation } from './support/hub.ts';

const FORWARD_SECRET = 'forward-secret-0123456789';
const URLS = ['http://receiver-a.test/hook', 'http://receiver-b.test/in?key=k'];
const forwardEnv = { ...env, FORWARD_URLS: URLS.join(','), FORWARD_SECRET } as Env;
const sim = simControl(env.SIM_BASE);

describe('queue consumer: handlers', () => {
  it('calls the typed handler with the parsed event and its context, acks, and counts one handler run', async () => {
    const m = inbound();
    const { stub, name, envelopes } = await envelopesFor([m]);
    const { deps, rec } = recordingDeps();
    const batch = batchOf(envelopes);
    const result = await consume(batch, deps);
    expect(rec.typed).toHaveLength(1);
    expect(rec.typed[0]!.event).toEqual(FOLLOW);
    expect(rec.typed[0]!.ctx).toMatchObject({
      hub: name,
      cursor: 1,
      messageId: m.messageId,
      kind: 'notification',
      type: 'channel.follow',
      version: '2',
      routingKey: '141981764',
      attempts: 1,
      subscription: { id: 'sub-1', type: 'channel.follow' },
    });
    expect(rec.catchAll).toEqual([]);
    expect(result).toMatchObject({ explicitAcks: ['msg-0'], retryMessages: [] });
    expect((await stub.events([1]))[0]!.handled).toBe(1);
  });

  it('gives an unknown type to the catch-all and acks it', async () => {
    const body = notificationBody('channel.ban', '1', { broadcaster_user_id: '1', user_id: '2' });
    const { envelopes } = await envelopesFor([
      inbound({ subscriptionType: 'channel.ban', subscriptionVersion: '1', body }),
    ]);
    const { deps, rec } = recordingDeps();
    const result = await consume(batchOf(envelopes), deps);
    expect(rec.typed).toEqual([]);
    expect(rec.catchAll).toHaveLength(1);
    expect(rec.catchAll[0]!.reason).toEqual({ kind: 'unknown_type' });
    expect(rec.catchAll[0]!.payload).toEqual(JSON.parse(body));
    expect(result.explicitAcks).toEqual(['msg-0']);
  });

  it('gives an event its schema refuses to the catch-all with the issues, without retrying it', async () => {
    const { user_id: _dropped, ...noUser } = FOLLOW;
    const { envelopes } = await envelopesFor([inbound({ body: notificationBody('channel.follow', '2', noUser) })]);
    const { deps, rec } = recordingDeps();
    const result = await consume(batchOf(envelopes), deps);
    expect(rec.typed).toEqual([]);
    expect(rec.catchAll).toHaveLength(1);
    const reason = rec.catchAll[0]!.reason;
    expect(reason.kind).toBe('invalid_event');
    expect(reason.kind === 'invalid_event' && reason.issues.join(' ')).toMatch(/^user_id: /);
    expect(result).toMatchObject({ explicitAcks: ['msg-0'], retryMessages: [] });
  });

  it('accepts fields Twitch adds later (tolerant schemas)', async () => {
    const body = notificationBody('channel.follow', '2', { ...FOLLOW, new_field: { nested: true } });
    const { envelopes } = await envelopesFor([inbound({ body })]);
    const { deps, rec } = recordingDeps();
    await consume(batchOf(envelopes), deps);
    expect(rec.typed[0]!.event).toMatchObject({ new_field: { nested: true } });
  });

  it('retries only the message whose handler throws, and counts no handler run for it', async () => {
    const { stub, envelopes } = await envelopesFor([inbound()]);
    const { deps, rec } = recordingDeps();
    rec.throwInHandler = true;
    const result = await consume(batchOf(envelopes), deps);
    expect(result).toMatchObject({ explicitAcks: [], retryMessages: [{ msgId: 'msg-0' }] });
    expect((await stub.events([1]))[0]!.handled).toBe(0);

    rec.throwInHandler = false;
    const again = await consume(batchOf(envelopes, 2), deps);
    expect(again.explicitAcks).toEqual(['msg-0']);
    expect(rec.typed).toHaveLength(1);
    expect((await stub.events([1]))[0]!.handled).toBe(1);
  });

  it('reads back an event sent by reference (body over ~100 KB) from its hub', async () => {
    const event = { ...FOLLOW, user_name: 'x'.repeat(120_000) };
    const { envelopes } = await envelopesFor([inbound({ body: notificationBody('channel.follow', '2', event) })]);
    expect(envelopes[0]).not.toHaveProperty('event');
    const { deps, rec } = recordingDeps();
    const result = await consume(batchOf(envelopes), deps);
    expect(rec.typed[0]!.event).toEqual(event);
    expect(result.explicitAcks).toEqual(['msg-0']);
  });

  it('retries a reference whose event is not in its hub (it goes to the dead-letter queue after max_retries)', async () => {
    const { deps, rec } = recordingDeps();
    const result = await consume(batchOf([{ hub: isolatedHubName(), ref: 42 }]), deps);
    expect(result.retryMessages).toEqual([{ msgId: 'msg-0' }]);
    expect(rec.typed).toEqual([]);
  });

  it('drops (acks) a message that is not an envelope at all, and runs nothing', async () => {
    const { deps, rec } = recordingDeps();
    const batch = batchOf([{ nope: true } as never]);
    const result = await consume(batch, deps);
    expect(result.explicitAcks).toEqual(['msg-0']);
    expect(rec.typed).toEqual([]);
    expect(rec.catchAll).toEqual([]);
  });
});

describe('queue consumer: revocations', () => {
  it('reports a revocation to the controller, then runs the revocation handler', async () => {
    const { stub, envelopes } = await envelopesFor([revocation('sub-7', 'authorization_revoked')]);
    const { deps, rec } = recordingDeps();
    const result = await consume(batchOf(envelopes), deps);
    expect(rec.notes).toEqual([{ subscriptionId: 'sub-7', status: 'authorization_revoked' }]);
    expect(rec.revocations).toHaveLength(1);
    expect(rec.revocations[0]!.revocation).toMatchObject({
      subscriptionId: 'sub-7',
      type: 'channel.follow',
      status: 'authorization_revoked',
      condition: { broadcaster_user_id: '141981764' },
    });
    expect(rec.catchAll).toEqual([]);
    expect(result.explicitAcks).toEqual(['msg-0']);
    expect((await stub.events([1]))[0]!.handled).toBe(1);
  });

  it('retries a revocation the controller did not take, before running the handler', async () => {
    const { envelopes } = await envelopesFor([revocation('sub-7', 'user_removed')]);
    const { deps, rec } = recordingDeps();
    rec.controllerAnswer = { ok: false, status: 503, error: 'controller storage failed to migrate' };
    const result = await consume(batchOf(envelopes), deps);
    expect(result.retryMessages).toEqual([{ msgId: 'msg-0' }]);
    expect(rec.revocations).toEqual([]);
  });

  describe('with the real ConduitController', () => {
    beforeEach(async () => {
      await sim.reset();
    });

    it('marks the desired subscription with the revocation status', async () => {
      const suffix = crypto.randomUUID();
      const controllers = {
        getByName: (n: string) => env.CONDUIT_CONTROLLER.getByName(`${n}#${suffix}`),
      } as unknown as Env['CONDUIT_CONTROLLER'];
      const controller = controllers.getByName(`conduit:${env.CONDUIT_ID}`);
      const added = await controller.addSubscription({
        type: 'stream.online',
        version: '1',
        condition: { broadcaster_user_id: '141981764' },
      });
      expect(added.ok).toBe(true);
      const subId = added.ok ? added.value.subscription_id! : '';
      const { envelopes } = await envelopesFor([revocation(subId, 'authorization_revoked', 'stream.online')]);
      const { deps } = recordingDeps();
      const result = await consume(
        batchOf(envelopes),
        { ...deps, controller: defaultConsumerDeps.controller },
        {
          ...env,
          CONDUIT_CONTROLLER: controllers,
        },
      );
      expect(result.explicitAcks).toEqual(['msg-0']);
      const list = await controller.listSubscriptions();
      expect(list.ok && list.value.desired[0]).toMatchObject({
        subscription_id: subId,
        status: 'authorization_revoked',
        last_error: 'revoked by Twitch: authorization_revoked',
      });
      const actions = await controller.actions({ limit: 5 });
      expect(actions.ok && actions.value.some((a) => a.kind === 'revocation' && a.reason.includes(subId))).toBe(true);
    });
  });
});

describe('queue consumer: HTTP forwards', () => {
  it('POSTs each event to every FORWARD_URL, signed so that verifyForward accepts it', async () => {
    const m = inbound();
    const { name, envelopes } = await envelopesFor([m]);
    const { deps, rec } = recordingDeps();
    const result = await consume(batchOf(envelopes), deps, forwardEnv);
    expect(result.explicitAcks).toEqual(['msg-0']);
    expect(rec.forwards.map((f) => f.url)).toEqual(URLS);
    for (const f of rec.forwards) {
      expect(f.headers.get('content-type')).toBe('application/json');
      const ok = await verifyForward({
        secret: FORWARD_SECRET,
        body: f.body,
        timestamp: f.headers.get('x-conduit-timestamp'),
        signature: f.headers.get('x-conduit-signature'),
      });
      expect(ok).toBe(true);
      expect(
        await verifyForward({
          secret: 'another-secret-0123456789',
          body: f.body,
          timestamp: f.headers.get('x-conduit-timestamp'),
          signature: f.headers.get('x-conduit-signature'),
        }),
      ).toBe(false);
      expect(JSON.parse(f.body)).toEqual({
        hub: name,
        cursor: 1,
        message_id: m.messageId,
        kind: 'notification',
        type: 'channel.follow',
        version: '2',
        subscription_id: 'sub-1',
        routing_key: '141981764',
        sent_at: m.sentAt,
        received_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        payload: JSON.parse(m.body),
      });
    }
  });

  it('retries on a non-2xx or a network error, and on the retry forwards again without re-running the handler', async () => {
    const { stub, envelopes } = await envelopesFor([inbound()]);
    const { deps, rec } = recordingDeps();
    rec.forwardStatus[URLS[1]!] = 500;
    const first = await consume(batchOf(envelopes), deps, forwardEnv);
    expect(first).toMatchObject({ explicitAcks: [], retryMessages: [{ msgId: 'msg-0' }] });
    expect(rec.typed).toHaveLength(1);
    expect((await stub.events([1]))[0]!.handled).toBe(1);

    rec.forwardStatus[URLS[1]!] = 'network';
    const second = await consume(batchOf(envelopes, 2), deps, forwardEnv);
    expect(second.retryMessages).toEqual([{ msgId: 'msg-0' }]);

    delete rec.forwardStatus[URLS[1]!];
    const third = await consume(batchOf(envelopes, 3), deps, forwardEnv);
    expect(third.explicitAcks).toEqual(['msg-0']);
    expect(rec.typed).toHaveLength(1);
    expect((await stub.events([1]))[0]!.handled).toBe(1);
    expect(rec.forwards).toHaveLength(6);
  });

  it('sends through fetch by default: a real receiver answering 404 (the simulator) retries the message', async () => {
    const { envelopes } = await envelopesFor([inbound()]);
    const { deps } = recordingDeps();
    const realSender = { ...deps, send: defaultConsumerDeps.send };
    const toSim = { ...env, FORWARD_URLS: `${env.SIM_BASE}/no-such-receiver`, FORWARD_SECRET } as Env;
    const result = await consume(batchOf(envelopes), realSender, toSim);
    expect(result.retryMessages).toEqual([{ msgId: 'msg-0' }]);
  });

  it('names a failing forward by its position, never by its URL, in the logs', async () => {
    const { envelopes } = await envelopesFor([inbound()]);
    const { deps, rec } = recordingDeps();
    rec.forwardStatus[URLS[1]!] = 502;
    const lines: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
    try {
      await consume(batchOf(envelopes), deps, forwardEnv);
    } finally {
      console.error = original;
    }
    const logged = lines.join('\n');
    expect(logged).toContain('FORWARD_URLS[1] answered 502');
    expect(logged).not.toContain('receiver-b.test');
    expect(logged).not.toContain(FORWARD_SECRET);
  });
});

describe('queue consumer: the Worker entry and the real Queue', () => {
  it('routes the conduit-events queue to the consumer through the worker queue() entry', async () => {
    const { stub, envelopes } = await envelopesFor([inbound()]);
    const batch = batchOf(envelopes);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(['msg-0']);
    expect((await stub.events([1]))[0]!.handled).toBe(1);
  });

  it('retries every message of a queue it has no consumer for', async () => {
    const batch = batchOf([{ hub: 'hub:0', ref: 1 }], 1, 'some-other-queue');
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).retryBatch.retry).toBe(true);
  });

  it('delivers an ingested event through the real Queue to a handler exactly once', async () => {
    const stub = hubStub(isolatedHubName());
    await stub.ingest([inbound()]);
    const [event] = await waitFor(
      'the consumer to report the handler run',
      async () => {
        const events = await stub.recent({ limit: 1 });
        return events[0]?.handled ? events : null;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(event).toMatchObject({ routed: true, handled: 1 });
  });

  it('consumeEvents is what the entry calls (a direct call behaves the same)', async () => {
    const { envelopes } = await envelopesFor([inbound()]);
    const batch = batchOf(envelopes);
    await consumeEvents(batch, env);
    expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toEqual(['msg-0']);
  });
});
