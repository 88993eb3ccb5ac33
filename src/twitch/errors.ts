/**
 * @module Errors from Twitch, classified so callers can act on them: a 429 is a rate limit only when the bucket is
 * empty; "conduit limit" and "too many subscriptions" 429s are limits you hit, not waits (twitch-eventsub.md §7.3).
 * Messages carry Twitch's status and text, never a token or secret.
 */

export type TwitchErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'bad_request'
  | 'rate_limited'
  | 'conduit_limit'
  | 'subscription_limit'
  | 'server'
  | 'network'
  | 'bad_response';

export class TwitchError extends Error {
  constructor(
    readonly kind: TwitchErrorKind,
    readonly status: number | null,
    message: string,
    /** For `rate_limited`: when the bucket is full again (epoch ms). */
    readonly retryAt?: number,
  ) {
    super(status === null ? message : `Twitch ${status}: ${message}`);
    this.name = 'TwitchError';
  }
}

/** A 202 from Update Conduit Shards whose `errors` named some shards: the whole call is not a success (§1.7). */
export class ShardUpdateError extends Error {
  constructor(readonly failures: { id: number; message: string; code?: string }[]) {
    super(
      `Twitch refused ${failures.length} shard(s): ${failures.map((f) => `shard ${f.id}: ${f.message}`).join('; ')}`,
    );
    this.name = 'ShardUpdateError';
  }
}

/** Twitch's wording for the two 429s that are limits, not waits (§1.3, §2.1, §2.5). */
const CONDUIT_LIMIT = /conduit limit/i;
const SUBSCRIPTION_LIMIT = /subscriptions that you may create|exceeds the number of subscriptions|cost/i;

export function classify(status: number, message: string, remainingHeader: string | null): TwitchErrorKind {
  if (status === 429) {
    // A known limit message wins even when this very call took the bucket's last point (Remaining: 0).
    if (CONDUIT_LIMIT.test(message)) return 'conduit_limit';
    if (SUBSCRIPTION_LIMIT.test(message)) return 'subscription_limit';
    // twurple's rule for the rest: a 429 with points left in the bucket is a limit, not a rate limit.
    const bucketEmpty = remainingHeader === null || Number(remainingHeader) === 0;
    return bucketEmpty ? 'rate_limited' : 'subscription_limit';
  }
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status >= 500) return 'server';
  return 'bad_request';
}

/** Text from the network or from Twitch, with any of the given secrets or tokens (raw or form-encoded) cut out. */
export function redact(text: string, secrets: (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of new Set([
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
    ])) {
      out = out.split(form).join('(redacted)');
    }
  }
  return out;
}
