/**
 * @module Worker entry: the HTTP app, the cron handler, and the Durable Object classes the runtime instantiates.
 */
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { controllerStub } from './durable/controller-stub.ts';
import { log, logError } from './log.ts';
import { consumeDeadLetters } from './queue/dead-letters.ts';
import { DEAD_LETTER_QUEUE, EVENTS_QUEUE } from './queue/envelope.ts';
import { consumeEvents } from './queue/events-consumer.ts';

export { ConduitController } from './durable/conduit-controller.ts';
export { ConsumerHub } from './durable/consumer-hub.ts';
export { EventHub } from './durable/event-hub.ts';
export { WebSocketShard } from './durable/websocket-shard.ts';

const app = createApp();

export default {
  fetch: app.fetch,

  /**
   * Every minute (wrangler.toml): the controller validates the app token when an hour has passed (§7.2) and
   * reconciles, or continues an unfinished reconcile, with maintenance windows and shard repairs in the plan
   * (design.md §6, docs/operations.md).
   */
  async scheduled(controller, env, _ctx): Promise<void> {
    try {
      const config = loadConfig(env);
      const outcome = await controllerStub(env, config).tick();
      if (outcome.ok) {
        const r = outcome.value.reconcile;
        log('info', 'worker:scheduled', 'cron tick', {
          cron: controller.cron,
          token_validated: outcome.value.validated,
          phase: r.progress.phase,
          steps: r.plan.steps.length,
          waiting: r.plan.waiting.length,
          continues: r.continues,
        });
      } else {
        log('error', 'worker:scheduled', `controller: ${outcome.error}`, {
          cron: controller.cron,
          status: outcome.status,
        });
      }
    } catch (err) {
      logError('worker:scheduled', err, { cron: controller.cron });
      throw err;
    }
  },

  /** Recorded events (wrangler.toml [[queues.consumers]]): handlers and forwards, then what failed for good. */
  async queue(batch, env, _ctx): Promise<void> {
    try {
      switch (batch.queue) {
        case EVENTS_QUEUE:
          return await consumeEvents(batch, env);
        case DEAD_LETTER_QUEUE:
          return await consumeDeadLetters(batch, env);
        default:
          // A queue bound to this Worker by mistake: keep its messages (retry, then its own dead-letter rules).
          log('error', 'worker:queue', 'no consumer for this queue', { queue: batch.queue });
          batch.retryAll();
      }
    } catch (err) {
      logError('worker:queue', err, { queue: batch.queue, messages: batch.messages.length });
      throw err;
    }
  },
} satisfies ExportedHandler<Env>;
