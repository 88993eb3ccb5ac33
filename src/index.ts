/**
 * @module Worker entry: the HTTP app, the cron handler, and the Durable Object classes the runtime instantiates.
 */
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { controllerStub } from './durable/controller-stub.ts';
import { log, logError } from './log.ts';

export { ConduitController } from './durable/conduit-controller.ts';

const app = createApp();

export default {
  fetch: app.fetch,

  /**
   * Every minute (wrangler.toml): the controller validates the app token when an hour has passed (§7.2) and
   * reconciles, or continues an unfinished reconcile. Maintenance windows and shard repair build on this (issue #6).
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
} satisfies ExportedHandler<Env>;
