/**
 * @module How long to wait after a PATCH before asking Twitch whether the moved shard's challenge has passed. A paced
 * step (maintenance-pace.ts) must see no shard pending before the next one moves; polling at once nearly always
 * finds the challenge still under way (Twitch → our Worker → Twitch), and every poll is a Helix call out of 800 a
 * minute. So the wait is learned: after a step that settled only on a later poll, the next first wait is about the
 * time that took; after one that settled at the first poll, it shrinks a little, to find out whether less would do.
 * Bounded both ways: Twitch gives a challenge 10 s (twitch-eventsub.md §8.4), and an invocation should not idle long.
 */

export const CHALLENGE_WAIT = { initialMs: 20, minMs: 5, maxMs: 2_000 } as const;

export class ChallengeTimer {
  private estimate: number = CHALLENGE_WAIT.initialMs;

  /** The current estimate of a challenge's round trip, ms. */
  get estimateMs(): number {
    return this.estimate;
  }

  /** How long to wait before the first poll, `sinceApplyMs` after the PATCH (null: not applied here, poll now). */
  firstWait(sinceApplyMs: number | null): number {
    if (sinceApplyMs === null) return 0;
    return Math.max(0, Math.round(this.estimate - sinceApplyMs));
  }

  /** A step settled: at its first poll, or `observedMs` after its PATCH on a later one. */
  observe(settledAtFirstPoll: boolean, observedMs: number): void {
    const next = settledAtFirstPoll ? this.estimate * 0.9 : observedMs * 1.2;
    this.estimate = Math.min(CHALLENGE_WAIT.maxMs, Math.max(CHALLENGE_WAIT.minMs, next));
  }
}
