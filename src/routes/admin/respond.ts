/**
 * @module How admin routes answer: the controller's `Outcome` becomes the value (200, or 201 for a creation) or its
 * failure status with `{ error, details? }`. Failures arrive as data because error classes do not survive a Durable
 * Object RPC boundary (controller-types.ts).
 */
import type { Context } from 'hono';
import type { AppEnv } from '../../app.ts';
import { controllerStub } from '../../durable/controller-stub.ts';
import type { ControllerRpc, Outcome } from '../../durable/controller-types.ts';
import type { ErrorBody } from './schemas.ts';

export function respond<T, S extends 200 | 201>(c: Context<AppEnv>, outcome: Outcome<T>, status: S) {
  if (outcome.ok) return c.json(outcome.value, status);
  const body: ErrorBody = { error: outcome.error };
  if (outcome.details !== undefined) body.details = outcome.details;
  return c.json(body, outcome.status);
}

/**
 * The controller as the RPC surface it implements. The stub's own type maps results through `Rpc.Result`, which
 * drops the failure branch of `Outcome` (its `details?: unknown` is not provably serializable); the results are
 * plain data, so the interface in controller-types.ts describes them exactly.
 */
export function controller(c: Context<AppEnv>): ControllerRpc {
  return controllerStub(c.env, c.get('config')) as unknown as ControllerRpc;
}
