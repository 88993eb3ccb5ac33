/**
 * @module Which built-in webhook endpoints exist, for `POST /webhooks/:endpoint` (404 for any other name). The list
 * lives in the ConduitController; each isolate keeps a copy and refreshes it at most every few seconds, and keeps
 * using a stale copy if the controller cannot answer, so the webhook path depends on neither Twitch nor a fresh
 * round trip per request (design.md §5: the route never calls Twitch).
 */
import type { Config } from '../config.ts';
import { controllerStub } from '../durable/controller-stub.ts';
import { logError } from '../log.ts';

/** A name not in the list triggers a refresh no more often than this (junk names cannot hammer the controller). */
const REFRESH_MIN_MS = 2_000;
/** A known name is trusted this long before the list is refreshed in the background of a later request. */
const MAX_AGE_MS = 30_000;

let cached: { names: Set<string>; at: number } | null = null;
let inflight: Promise<void> | null = null;

async function refresh(env: Env, config: Config): Promise<void> {
  inflight ??= (async () => {
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
  await inflight;
}

export async function isWebhookEndpoint(env: Env, config: Config, name: string): Promise<boolean> {
  const age = cached ? Date.now() - cached.at : Infinity;
  if (cached?.names.has(name) && age < MAX_AGE_MS) return true;
  if (age >= REFRESH_MIN_MS) await refresh(env, config);
  return cached?.names.has(name) ?? false;
}

/** Tests only: forget the cached list. */
export function forgetEndpointRegistry(): void {
  cached = null;
}
