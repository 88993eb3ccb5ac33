/**
 * @module How the Worker finds the ConduitController: one object per configured conduit, named deterministically
 * (style-anchors.md §7.3) so the cron, the admin API and shard objects all reach the same single writer.
 */
import type { Config } from '../config.ts';

export function controllerName(config: Pick<Config, 'CONDUIT_ID'>): string {
  return `conduit:${config.CONDUIT_ID}`;
}

export function controllerStub(env: Env, config: Pick<Config, 'CONDUIT_ID'>) {
  return env.CONDUIT_CONTROLLER.getByName(controllerName(config));
}
