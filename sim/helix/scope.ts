/**
 * @module Whose subscriptions a Helix caller sees (twitch-eventsub.md §2.2) and what they cost (§2.5): an app
 * token owns the client's webhook and conduit subscriptions, a user token the WebSocket ones that user made.
 */
import type { Sim } from '../context.ts';
import type { Subscription, TokenInfo } from '../state.ts';

/** §2.5: the WebSocket (user token) cost ceiling is 10, whatever the app ceiling is. */
const WS_MAX_TOTAL_COST = 10;

/** Subscriptions that still count towards cost and duplicate limits. */
export const isActive = (s: Subscription): boolean =>
  s.status === 'enabled' || s.status === 'webhook_callback_verification_pending';

/** What the caller may list and delete, oldest first (§2.2). */
export function callerSubscriptions(sim: Sim, auth: TokenInfo): Subscription[] {
  return [...sim.state.subscriptions.values()].filter((s) =>
    s.clientId !== auth.clientId
      ? false
      : auth.kind === 'app'
        ? s.transport.method !== 'websocket'
        : s.transport.method === 'websocket' && s.userId === auth.userId,
  );
}

export function maxTotalCost(sim: Sim, auth: TokenInfo): number {
  return auth.kind === 'app' ? sim.config.maxTotalCost : Math.min(WS_MAX_TOTAL_COST, sim.config.maxTotalCost);
}

export function totals(sim: Sim, auth: TokenInfo): { total: number; total_cost: number; max_total_cost: number } {
  const mine = callerSubscriptions(sim, auth);
  const cost = mine.filter(isActive).reduce((sum, s) => sum + s.cost, 0);
  return { total: mine.length, total_cost: cost, max_total_cost: maxTotalCost(sim, auth) };
}
