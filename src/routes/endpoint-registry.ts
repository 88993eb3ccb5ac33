/**
 * @module Which built-in webhook endpoints exist, for `POST /webhooks/:endpoint` (404 for any other name). The list
 * lives in the ConduitController; each isolate keeps a copy, refreshes it at most every REFRESH_MIN_MS, and keeps
 * using a stale copy if the controller cannot answer, so the webhook path depends on neither Twitch nor a round
 * trip per request (design.md §5: the route never calls Twitch).
 */
import type { Config } from '../config.ts';
import { controllerStub } from '../durable/controller-stub.ts';
import { logError } from '../log.ts';

/** At most one refresh per isolate this often, however many unknown names arrive. */
const REFRESH_MIN_MS = 2_000;
/** A known name is trusted this long before the list is refreshed on a later request. */
const MAX_AGE_MS = 30_000;

let cached: { names: Set<string>; at: number } | null = null;
let lastStart = -Infinity;
let inflight: Promise<void> | null = null;

function refresh(env: Env, config: Config): Promise<void> {
  if (inflight) return inflight;
  if (Date.now() - lastStart < REFRESH_MIN_MS) return Promise.resolve();
  lastStart = Date.now();
  inflight = (async () => {
    try {
      const outcome = await controllerStub(env, config).webhookEndpoints();
      if (outcome.ok) cached = { names: new Set(outcome.value), at: Date.now() };
      else logError('webhooks:registry', new Error(outcome.error));
    } catch (err) {
      logError('webhooks:registry', err);
    } finally {
      inflight = null;
    }
  })();
  return inflight;
}

export async function isWebhookEndpoint(env: Env, config: Config, name: string): Promise<boolean> {
  if (cached?.names.has(name) && Date.now() - cached.at < MAX_AGE_MS) return true;
  // A miss right after a refresh waits for the next allowed one rather than answering 404 at once: an endpoint added
  // a moment ago still gets its challenge answered (Twitch waits seconds for it), and junk names cost the controller
  // at most one refresh per REFRESH_MIN_MS, shared by every request waiting.
  const wait = REFRESH_MIN_MS - (Date.now() - lastStart);
  if (wait > 0 && !cached?.names.has(name)) await new Promise((r) => setTimeout(r, wait));
  await refresh(env, config);
  return cached?.names.has(name) ?? false;
}

/** Tests only: forget the cached list. */
export function forgetEndpointRegistry(): void {
  cached = null;
  lastStart = -Infinity;
}
