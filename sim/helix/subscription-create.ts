/**
 * @module Create EventSub Subscription (twitch-eventsub.md §2.1, §2.5, §4): validation against the catalog, the
 * token kind each transport needs, cost, the 409/429 duplicate rules and the total-cost ceiling.
 */
import type { Context } from 'hono';
import { catalogEntry, conditionUserIds, validateCondition } from '../catalog.ts';
import type { Sim } from '../context.ts';
import { uuid } from '../ids.ts';
import type { Session, Subscription, SubscriptionTransport, TokenInfo } from '../state.ts';
import { subscriptionWire } from '../wire.ts';
import type { HelixEnv } from './auth.ts';
import { fail, readBody } from './params.ts';
import { callerSubscriptions, isActive, maxTotalCost, totals } from './scope.ts';
import { type Checked, checkSession, checkWebhook, transportOf, TRANSPORT_ERRORS } from './transport.ts';

const APP_ONLY =
  'The Authorization header is required and must specify an app access token if the transport method is webhook or conduit.';
const USER_ONLY =
  'The Authorization header is required and must specify a user access token if the transport method is websocket.';
/** §2.5 (RFC 0014): at most three subscriptions with the same type, version and condition. */
const MAX_COPIES = 3;

export async function createSubscription(sim: Sim, c: Context<HelixEnv>): Promise<Response> {
  const auth = c.get('auth');
  const body = await readBody(c);
  if (!body) return fail(c, 400, 'The request body is not valid JSON.');
  const { type, version } = body;
  if (typeof type !== 'string' || type === '') return fail(c, 400, 'The type field is required.');
  if (typeof version !== 'string' || version === '') return fail(c, 400, 'The version field is required.');
  const entry = catalogEntry(type, version);
  if (!entry) return fail(c, 400, 'The combination of values in the version and type fields is not valid.');

  const t = transportOf(body.transport);
  if (!t) return fail(c, 400, 'The transport field is required.');
  if (t.method === 'webhook' || t.method === 'conduit') {
    if (auth.kind !== 'app') return fail(c, 401, APP_ONLY);
  } else if (t.method === 'websocket') {
    if (auth.kind !== 'user') return fail(c, 401, USER_ONLY);
  } else {
    return fail(c, 400, TRANSPORT_ERRORS.method);
  }

  const checked = validateCondition(entry, body.condition);
  if (!checked.ok) return fail(c, 400, checked.message);
  const condition = checked.condition;
  const denied = conditionDenied(sim, auth, condition);
  if (denied) return fail(c, 403, denied);

  const resolved = resolveTransport(sim, auth.clientId, t);
  if (!resolved.ok) return fail(c, 400, resolved.message);
  const { transport, session } = resolved.value;

  // §2.5: free when every user in the condition authorized the client; a user token stands for its own user.
  const free = conditionUserIds(condition).every(
    (id) => sim.state.isAuthorized(auth.clientId, id) || (auth.kind === 'user' && id === auth.userId),
  );
  const cost = free ? 0 : 1;

  const active = callerSubscriptions(sim, auth).filter(isActive);
  const copies = active.filter(
    (s) => s.type === type && s.version === version && sameCondition(s.condition, condition),
  );
  if (copies.some((s) => sameTransport(s.transport, transport))) {
    return fail(c, 409, 'A subscription already exists for the specified event type and condition combination.');
  }
  if (copies.length >= MAX_COPIES) {
    return fail(
      c,
      429,
      'The request exceeds the number of subscriptions that you may create with the same combination of type and condition values.',
    );
  }
  const max = maxTotalCost(sim, auth);
  if (totals(sim, auth).total_cost + cost > max) {
    return fail(c, 429, `The subscription would raise total_cost above max_total_cost (${max}).`);
  }

  const sub: Subscription = {
    id: uuid(),
    clientId: auth.clientId,
    type,
    version,
    condition,
    transport,
    status: transport.method === 'webhook' ? 'webhook_callback_verification_pending' : 'enabled',
    cost,
    createdAt: sim.clock.rfc3339(),
  };
  if (auth.kind === 'user') sub.userId = auth.userId;
  if (body.is_batching_enabled === true) sub.isBatchingEnabled = true;
  if (session) session.used = true;
  sim.state.subscriptions.set(sub.id, sub);

  const response = c.json({ data: [subscriptionWire(sub, 'api')], ...totals(sim, auth) }, 202);
  if (transport.method === 'webhook') void sim.webhooks.challengeSubscription(sub).catch(() => undefined);
  return response;
}

/**
 * §4: a condition that names a client must name the caller, and a named conduit must be the caller's. Sim choice:
 * both are 403, as authorization failures are for other types; an unknown conduit is treated as foreign.
 */
function conditionDenied(sim: Sim, auth: TokenInfo, condition: Record<string, string>): string | undefined {
  if (condition.client_id !== undefined && condition.client_id !== auth.clientId) {
    return 'The client_id in the condition must match the client ID in the access token.';
  }
  if (condition.conduit_id !== undefined && sim.state.conduits.get(condition.conduit_id)?.clientId !== auth.clientId) {
    return "The conduit's owner must match the client ID in the access token.";
  }
  return undefined;
}

function resolveTransport(
  sim: Sim,
  clientId: string,
  t: Record<string, unknown>,
): Checked<{ transport: SubscriptionTransport; session?: Session }> {
  if (t.method === 'webhook') {
    const checked = checkWebhook(sim, t);
    return checked.ok ? { ok: true, value: { transport: checked.value } } : checked;
  }
  if (t.method === 'websocket') {
    const checked = checkSession(sim, t);
    if (!checked.ok) return checked;
    const s = checked.value;
    return {
      ok: true,
      value: { transport: { method: 'websocket', session_id: s.id, connected_at: s.connectedAt }, session: s },
    };
  }
  const id = t.conduit_id;
  if (typeof id !== 'string' || id === '') return { ok: false, message: TRANSPORT_ERRORS.conduitRequired };
  // §2.1: Twitch's answer for an unknown or foreign conduit is unknown; sim choice: 400.
  if (sim.state.conduits.get(id)?.clientId !== clientId) {
    return { ok: false, message: 'The conduit_id field does not name a conduit owned by the client.' };
  }
  return { ok: true, value: { transport: { method: 'conduit', conduit_id: id } } };
}

function sameCondition(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function sameTransport(a: SubscriptionTransport, b: SubscriptionTransport): boolean {
  switch (a.method) {
    case 'webhook':
      return b.method === 'webhook' && a.callback === b.callback;
    case 'websocket':
      return b.method === 'websocket' && a.session_id === b.session_id;
    case 'conduit':
      return b.method === 'conduit' && a.conduit_id === b.conduit_id;
  }
}
