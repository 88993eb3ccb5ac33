/**
 * @module Scripted Helix failures for fault-injection runs (control API `POST /_sim/faults`): the next `count`
 * requests whose path starts with `path_prefix` (and whose method matches, when one is given) are answered with
 * `status` and Twitch's error body (twitch-eventsub.md §0), before authentication or the rate limit see them, as an
 * outage at Twitch's edge would. Not a Twitch behaviour: a test hook, like the rest of `/_sim/`.
 */
import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Sim } from '../context.ts';
import type { SimState } from '../state.ts';
import { fail } from './params.ts';

export interface Fault {
  status: number;
  /** Requests still to fail. */
  remaining: number;
  pathPrefix: string;
  method?: string;
}

/** Keyed by state, as the rate-limit buckets are, so that simulators in one process never share faults. */
const pending = new WeakMap<SimState, Fault[]>();

function faultsOf(sim: Sim): Fault[] {
  let list = pending.get(sim.state);
  if (!list) {
    list = [];
    pending.set(sim.state, list);
  }
  return list;
}

/** Queue a fault; faults are consumed in the order they were added. */
export function addFault(sim: Sim, fault: Fault): void {
  faultsOf(sim).push({ ...fault, ...(fault.method ? { method: fault.method.toUpperCase() } : {}) });
}

/** Faults with requests left to fail, as the control API shows them. */
export function describeFaults(
  sim: Sim,
): { status: number; remaining: number; path_prefix: string; method?: string }[] {
  return faultsOf(sim).map((f) => ({
    status: f.status,
    remaining: f.remaining,
    path_prefix: f.pathPrefix,
    ...(f.method ? { method: f.method } : {}),
  }));
}

/** Forget every fault (the control API's reset and `DELETE /_sim/faults`). */
export function clearFaults(sim: Sim): void {
  faultsOf(sim).length = 0;
}

const STATUS_MESSAGES: Record<number, string> = {
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function helixFaults(sim: Sim): MiddlewareHandler {
  return async (c, next) => {
    const list = faultsOf(sim);
    if (list.length === 0) return next();
    const path = new URL(c.req.url).pathname;
    const i = list.findIndex((f) => path.startsWith(f.pathPrefix) && (!f.method || f.method === c.req.method));
    if (i < 0) return next();
    const fault = list[i]!;
    if (--fault.remaining <= 0) list.splice(i, 1);
    return fail(c, fault.status as ContentfulStatusCode, STATUS_MESSAGES[fault.status] ?? 'Injected fault');
  };
}
