/**
 * @module The Worker's own callback for `conduit.shard.disabled` (twitch-eventsub.md §4: deliver it over a transport
 * independent of the conduit, or the notice may land on the dead shard it reports). Its name starts with `_`, which
 * no endpoint name can (design.md §6), so it never collides with a built-in endpoint; its secret follows the same
 * formula as theirs (design.md §4): HMAC-SHA256(key = EVENTSUB_SECRET, message = `conduit-webhook:_shard-events`).
 */
import { toHex } from './hex.ts';
import { hmacKey } from './signature.ts';

export const SHARD_EVENTS_NAME = '_shard-events';
export const SHARD_EVENTS_PATH = `/webhooks/${SHARD_EVENTS_NAME}`;

export async function shardEventsSecret(masterSecret: string): Promise<string> {
  const mac = await crypto.subtle.sign(
    'HMAC',
    await hmacKey(masterSecret),
    new TextEncoder().encode(`conduit-webhook:${SHARD_EVENTS_NAME}`),
  );
  return toHex(new Uint8Array(mac));
}

/** `BASE/webhooks/_shard-events` on the Worker's public URL. */
export function shardEventsCallback(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${SHARD_EVENTS_PATH}`;
}
