/**
 * Dead letters: a message the events consumer keeps failing is retried `max_retries` times by the Queue, then lands
 * on `conduit-events-dlq`, whose consumer records it on the event's hub (the events view shows the count) and logs
 * it. The first test goes through the real local Queue end to end; the rest drive the DLQ consumer directly.
 */
import { createExecutionContext, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { consumeDeadLetters } from '../../src/queue/dead-letters.ts';
import { DEAD_LETTER_QUEUE } from '../../src/queue/envelope.ts';
import { waitFor } from '../support/wait.ts';
import { batchOf, envelopesFor } from './support/consumer.ts';
import { hubStub, inbound, isolatedHubName } from './support/hub.ts';

async function captureErrors<T>(fn: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  try {
    return { value: await fn(), lines };
  } finally {
    console.error = original;
  }
}

describe('dead letters', () => {
  it('a message that keeps failing ends in the dead-letter queue and is recorded on its hub', async () => {
    // A reference to an event its hub does not hold fails on every attempt (the consumer retries it).
    const name = isolatedHubName();
    const stub = hubStub(name);
    await env.EVENTS.send({ hub: name, ref: 99 }, { contentType: 'json' });
    const stats = await waitFor(
      'the dead letter to be recorded',
      async () => {
        const s = await stub.stats();
        return s.deadLetters > 0 ? s : null;
      },
      { timeoutMs: 25_000, intervalMs: 200 },
    );
    expect(stats.deadLetters).toBe(1);
  });

  it('records each dead letter on its own hub, shows it on the event, logs it tagged, and acks', async () => {
    const { stub, envelopes } = await envelopesFor([inbound(), inbound()]);
    const batch = batchOf(envelopes, 1, DEAD_LETTER_QUEUE);
    const { lines } = await captureErrors(() => consumeDeadLetters(batch, env));
    const result = await getQueueResult(batch, createExecutionContext());
    expect(result.explicitAcks.sort()).toEqual(['msg-0', 'msg-1']);
    expect((await stub.stats()).deadLetters).toBe(2);
    expect((await stub.events([1, 2])).map((e) => e.deadLetters)).toEqual([1, 1]);
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({ level: 'error', tag: 'queue:conduit-events-dlq', cursor: 1 });
    expect(lines.join('\n')).not.toContain('awesome_user');
  });

  it('retries the dead letters of a hub that cannot record them', async () => {
    const { envelopes } = await envelopesFor([inbound()]);
    const batch = batchOf(envelopes, 1, DEAD_LETTER_QUEUE);
    const broken = {
      ...env,
      EVENT_HUB: {
        getByName: () => ({
          recordDeadLetters: async () => {
            throw new Error('hub unavailable (test)');
          },
        }),
      } as unknown as Env['EVENT_HUB'],
    };
    await captureErrors(() => consumeDeadLetters(batch, broken));
    const result = await getQueueResult(batch, createExecutionContext());
    expect(result).toMatchObject({ explicitAcks: [], retryMessages: [{ msgId: 'msg-0' }] });
  });

  it('drops an unreadable dead letter with a log line', async () => {
    const batch = batchOf([{ garbage: 1 } as never], 1, DEAD_LETTER_QUEUE);
    const { lines } = await captureErrors(() => consumeDeadLetters(batch, env));
    expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toEqual(['msg-0']);
    expect(lines.join('\n')).toContain('unreadable dead letter dropped');
  });
});
