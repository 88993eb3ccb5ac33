/**
 * @module Per-endpoint webhook secrets (design.md §4, contract): lowercase hex of
 * HMAC-SHA256(key = EVENTSUB_SECRET, message = "conduit-webhook:" + NAME), 64 characters. Nothing to store, and
 * rotating the master secret re-keys every endpoint.
 */
import { toHex } from './hex.ts';
import { SettledCache } from './settled-cache.ts';
import { hmacKey } from './signature.ts';

export const ENDPOINT_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Derived secrets are computed once per (master, name) on the webhook hot path; the cache is bounded. */
const derived = new SettledCache<string>(256);

export async function endpointSecret(masterSecret: string, endpointName: string): Promise<string> {
  if (!ENDPOINT_NAME.test(endpointName)) throw new Error(`invalid endpoint name ${JSON.stringify(endpointName)}`);
  return derived.get(`${endpointName}\n${masterSecret}`, () => derive(masterSecret, endpointName));
}

async function derive(masterSecret: string, endpointName: string): Promise<string> {
  const mac = await crypto.subtle.sign(
    'HMAC',
    await hmacKey(masterSecret),
    new TextEncoder().encode(`conduit-webhook:${endpointName}`),
  );
  return toHex(new Uint8Array(mac));
}
