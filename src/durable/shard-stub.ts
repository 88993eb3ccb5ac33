/**
 * @module How the controller finds an endpoint's WebSocketShard: `ws:<endpoint>`, plus the `#suffix` of the
 * controller's own name when it has one (tests run isolated controllers that way, controller-stub.ts), so that each
 * controller reaches only its own shard objects. The shard carries the suffix on to the hubs it ingests into.
 */
import type { ShardRpc } from './shard-types.ts';

/** The `#…` part of an object name, or ''. */
export function suffixOf(name: string): string {
  const i = name.indexOf('#');
  return i < 0 ? '' : name.slice(i);
}

export function shardName(controllerName: string, endpoint: string): string {
  return `ws:${endpoint}${suffixOf(controllerName)}`;
}

/** The endpoint a shard object serves, from its name; null for a name not made by `shardName`. */
export function endpointOfShard(name: string): string | null {
  const m = /^ws:([a-z0-9][a-z0-9-]{0,31})(#.*)?$/.exec(name);
  return m ? m[1]! : null;
}

/**
 * Typed as the RPC surface it implements: the stub's own type maps results through `Rpc.Result`, which the
 * interface in shard-types.ts describes exactly (the same reasoning as routes/admin/respond.ts).
 */
export function shardStub(env: Env, controllerName: string, endpoint: string): ShardRpc {
  return env.WEBSOCKET_SHARD.getByName(shardName(controllerName, endpoint)) as unknown as ShardRpc;
}
