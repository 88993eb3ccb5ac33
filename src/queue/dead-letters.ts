/**
 * @module The `conduit-events-dlq` consumer: what still failed after `max_retries` is recorded on its hub (so the
 * events view shows it) and logged, tagged, with ids only. If the hub cannot take the record, the dead letter is
 * retried on this queue.
 */
import type { DeadLetterInput } from '../durable/hub-types.ts';
import { log, logError } from '../log.ts';
import { cursorOf, DEAD_LETTER_QUEUE, decodeEnvelope } from './envelope.ts';
import { hubStub } from './events-consumer.ts';

const TAG = `queue:${DEAD_LETTER_QUEUE}`;

export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const byHub = new Map<string, { msg: Message<unknown>; entry: DeadLetterInput }[]>();
  for (const msg of batch.messages) {
    const envelope = decodeEnvelope(msg.body);
    if (!envelope) {
      log('error', TAG, 'unreadable dead letter dropped', { queue_message_id: msg.id });
      msg.ack();
      continue;
    }
    const event = 'event' in envelope ? envelope.event : null;
    log('error', TAG, 'event dead-lettered after its retries', {
      hub: envelope.hub,
      cursor: cursorOf(envelope),
      message_id: event?.messageId,
      type: event?.type,
      queue_message_id: msg.id,
    });
    const list = byHub.get(envelope.hub) ?? [];
    list.push({ msg, entry: { cursor: cursorOf(envelope), queueMessageId: msg.id } });
    byHub.set(envelope.hub, list);
  }
  await Promise.all(
    [...byHub].map(async ([hub, list]) => {
      try {
        await hubStub(env, hub).recordDeadLetters(list.map((l) => l.entry));
        for (const l of list) l.msg.ack();
      } catch (err) {
        logError(TAG, err, { hub, step: 'recordDeadLetters', messages: list.length });
        for (const l of list) l.msg.retry();
      }
    }),
  );
}
