/**
 * @module Validation of transports sent to Update Conduit Shards and Create EventSub Subscription, with Twitch's
 * documented error messages (twitch-eventsub.md §1.7, §2.1, §3.1).
 */
import type { Sim } from '../context.ts';
import type { Session, WebhookTransport } from '../state.ts';

export const TRANSPORT_ERRORS = {
  method: 'The value specified in the method field is not valid.',
  callbackRequired: 'The callback field is required if you specify the webhook transport method.',
  callbackInvalid:
    "The URL in the transport's callback field is not valid. The URL must use the HTTPS protocol and the 443 port number.",
  secret: 'The length of the string in the secret field is not valid.',
  sessionRequired: 'The session_id field is required if you specify the WebSocket transport method.',
  sessionNotConnected: 'The websocket session is not connected.',
  conduitRequired: 'The conduit_id field is required if you specify the Conduit transport method.',
} as const;

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/** The request's transport as an object with a method, or null. */
export function transportOf(raw: unknown): (Record<string, unknown> & { method: unknown }) | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  return { method: undefined, ...(raw as Record<string, unknown>) };
}

/**
 * Callback and secret rules. The https-on-443 rule applies only with `strictCallbacks`, so local `http://`
 * receivers work (design.md §8); any callback must still be an absolute http(s) URL.
 */
export function checkWebhook(sim: Sim, t: Record<string, unknown>): Checked<WebhookTransport> {
  const { callback, secret } = t;
  if (typeof callback !== 'string' || callback === '') return { ok: false, message: TRANSPORT_ERRORS.callbackRequired };
  let url: URL;
  try {
    url = new URL(callback);
  } catch {
    return { ok: false, message: TRANSPORT_ERRORS.callbackInvalid };
  }
  const strictOk = url.protocol === 'https:' && url.port === '';
  const looseOk = url.protocol === 'https:' || url.protocol === 'http:';
  if (!(sim.config.strictCallbacks ? strictOk : looseOk))
    return { ok: false, message: TRANSPORT_ERRORS.callbackInvalid };
  // §1.7: the secret is 10..100 ASCII characters (printable, since it travels in HMAC keys typed by people).
  if (typeof secret !== 'string' || !/^[\x20-\x7e]{10,100}$/.test(secret)) {
    return { ok: false, message: TRANSPORT_ERRORS.secret };
  }
  return { ok: true, value: { method: 'webhook', callback, secret } };
}

/** A WebSocket transport must name a session that is connected right now (§1.7). */
export function checkSession(sim: Sim, t: Record<string, unknown>): Checked<Session> {
  const id = t.session_id;
  if (typeof id !== 'string' || id === '') return { ok: false, message: TRANSPORT_ERRORS.sessionRequired };
  const session = sim.state.sessions.get(id);
  if (session?.status !== 'connected') return { ok: false, message: TRANSPORT_ERRORS.sessionNotConnected };
  return { ok: true, value: session };
}
