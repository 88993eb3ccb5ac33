/**
 * @module Full-jitter exponential backoff (style-anchors.md §7.6, like agents' `jitterBackoff`): the delay before
 * reconnect attempt n is uniform in [0, min(cap, base·2ⁿ)), so shards that lost their sockets together (a deploy
 * drops them all, cloudflare.md §1.3) do not reconnect in lockstep.
 */

export interface BackoffOptions {
  /** Upper bound of the first attempt's delay, ms. */
  baseMs: number;
  /** Upper bound of any delay, ms. */
  capMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = { baseMs: 1_000, capMs: 60_000 };

/** Throws on parameters that would make every delay 0, NaN or unbounded; returns them for chaining. */
export function validateBackoff(options: BackoffOptions): BackoffOptions {
  const { baseMs, capMs } = options;
  if (!Number.isFinite(baseMs) || baseMs <= 0)
    throw new Error(`backoff baseMs must be a positive number, got ${baseMs}`);
  if (!Number.isFinite(capMs) || capMs < baseMs) {
    throw new Error(`backoff capMs must be a finite number >= baseMs (${baseMs}), got ${capMs}`);
  }
  return options;
}

/**
 * Delay in whole ms before attempt `attempt` (0 = the first retry). `random` is uniform in [0, 1), like
 * `Math.random`; tests inject a fixed or seeded one.
 */
export function delay(attempt: number, random: () => number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  validateBackoff(options);
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new Error(`backoff attempt must be a non-negative integer, got ${attempt}`);
  }
  const r = random();
  if (!(r >= 0 && r < 1)) throw new Error(`backoff random source must return a number in [0, 1), got ${r}`);
  // 2 ** attempt overflows to Infinity past ~1023, which min() turns into the cap.
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** attempt);
  return Math.floor(r * ceiling);
}
