/**
 * @module Worker entry: the HTTP app, the cron handler, and the Durable Object classes the runtime instantiates.
 */
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { log, logError } from './log.ts';

export { ConduitController } from './durable/conduit-controller.ts';

const app = createApp();

export default {
  fetch: app.fetch,

  async scheduled(controller, env, _ctx): Promise<void> {
    try {
      loadConfig(env);
      // The caretaker (reconcile, watchdog pokes, token validation) arrives with issues #3, #5 and #6; until then the
      // cron only proves the configuration parses.
      log('info', 'worker:scheduled', 'cron tick', { cron: controller.cron, scheduledTime: controller.scheduledTime });
    } catch (err) {
      logError('worker:scheduled', err, { cron: controller.cron });
      throw err;
    }
  },
} satisfies ExportedHandler<Env>;
