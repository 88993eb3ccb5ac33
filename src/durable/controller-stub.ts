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

/**
 * The object's name is `conduit:<CONDUIT_ID>` (controller-stub.ts), optionally with `#<suffix>` so that tests can
 * run isolated controllers: the name, not the environment, says which conduit this object owns.
 */
export function conduitSettingOf(name: string, fallback: string): string {
  const m = /^conduit:([^#]+)(#.*)?$/.exec(name);
  return m ? m[1]! : fallback;
}
