/**
 * @module Which built-in webhook endpoints exist, for `POST /webhooks/:endpoint` (404 for any other name). The list
 * lives in the ConduitController; each isolate keeps a copy, refreshes it at most every REFRESH_MIN_MS, and keeps
 * using a stale copy if the controller cannot answer, so the webhook path depends on neither Twitch nor a round
 * trip per request (design.md §5: the route never calls Twitch).
 *
 * Only settled values are shared between requests. The request that starts a refresh is the only one awaiting its
 * call; others that need the list poll the cached copy on their own timers. An isolate's requests must not await one
 * pending promise: workerd ties it to the request that created it, and cancels the others' continuations if that
 * request ends or is cancelled first, which would hang every later request waiting on it.
 */
import type { Config } from '../config.ts';
import { controllerStub } from '../durable/controller-stub.ts';
import { logError } from '../log.ts';

/** At most one refresh per isolate this often, however many unknown names arrive. */
const REFRESH_MIN_MS = 2_000;
/** A known name is trusted this long before the list is refreshed on a later request. */
const MAX_AGE_MS = 30_000;
/** A refresh not finished by then is presumed lost with its request; another may start. */
const REFRESH_STALE_MS = 5_000;
/** How long a request waits for a list newer than the one it missed in, at most, and how often it looks. */
const WAIT_MAX_MS = 4_000;
const POLL_MS = 25;

let cached: { names: Set<string>; at: number } | null = null;
let lastStart = -Infinity;
/** When the refresh under way started; null when none is. */
let refreshing: number | null = null;

async function refresh(env: Env, config: Config): Promise<void> {
  const started = Date.now();
  refreshing = lastStart = started;
  try {
    const outcome = await controllerStub(env, config).webhookEndpoints();
    if (outcome.ok) cached = { names: new Set(outcome.value), at: Date.now() };
    else logError('webhooks:registry', new Error(outcome.error));
  } catch (err) {
    logError('webhooks:registry', err);
  } finally {
    if (refreshing === started) refreshing = null;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function isWebhookEndpoint(env: Env, config: Config, name: string): Promise<boolean> {
  if (cached?.names.has(name) && Date.now() - cached.at < MAX_AGE_MS) return true;
  // A miss waits for a newer list rather than answering 404 at once: an endpoint added a moment ago still gets its
  // challenge answered (Twitch waits seconds for it), and junk names cost the controller at most one refresh per
  // REFRESH_MIN_MS, whoever starts it.
  const missedIn = cached?.at ?? -Infinity;
  const deadline = Date.now() + WAIT_MAX_MS;
  while ((cached?.at ?? -Infinity) <= missedIn && Date.now() < deadline) {
    const now = Date.now();
    const busy = refreshing !== null && now - refreshing < REFRESH_STALE_MS;
    const allowedIn = lastStart + REFRESH_MIN_MS - now;
    if (!busy && allowedIn <= 0) {
      await refresh(env, config);
      break;
    }
    await sleep(Math.min(busy ? POLL_MS : allowedIn, deadline - now));
  }
  return cached?.names.has(name) ?? false;
}

/** Tests only: forget the cached list. */
export function forgetEndpointRegistry(): void {
  cached = null;
  lastStart = -Infinity;
  refreshing = null;
}
