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

export function classify(status: number, message: string, remainingHeader: string | null): TwitchErrorKind {
  if (status === 429) {
    // twurple's rule: a 429 with tokens left in the bucket is a limit, not a rate limit.
    const bucketEmpty = remainingHeader === null || Number(remainingHeader) === 0;
    if (/conduit limit/i.test(message)) return 'conduit_limit';
    if (/subscription|cost/i.test(message) && !bucketEmpty) return 'subscription_limit';
    if (/subscriptions that you may create|exceeds the number of subscriptions/i.test(message)) {
      return 'subscription_limit';
    }
    return bucketEmpty ? 'rate_limited' : 'subscription_limit';
  }
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status >= 500) return 'server';
  return 'bad_request';
}
