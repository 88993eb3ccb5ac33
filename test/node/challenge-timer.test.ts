/**
 * The learned wait before a paced step's first poll (src/core/challenge-timer.ts): none when nothing was applied in
 * this instance, the estimate minus the time already gone otherwise; it grows to what a slow challenge took and
 * shrinks while the first poll keeps finding the challenge done, within its bounds.
 */
import { describe, expect, it } from 'vitest';
import { CHALLENGE_WAIT, ChallengeTimer } from '../../src/core/challenge-timer.ts';

describe('ChallengeTimer', () => {
  it('does not wait when the step before was not applied by this instance', () => {
    expect(new ChallengeTimer().firstWait(null)).toBe(0);
  });

  it('waits the estimate less the time already gone since the PATCH', () => {
    const t = new ChallengeTimer();
    expect(t.firstWait(0)).toBe(CHALLENGE_WAIT.initialMs);
    expect(t.firstWait(15)).toBe(CHALLENGE_WAIT.initialMs - 15);
    expect(t.firstWait(500)).toBe(0);
  });

  it('learns a slower challenge from a step that needed more polls', () => {
    const t = new ChallengeTimer();
    t.observe(false, 300);
    expect(t.estimateMs).toBe(360);
    expect(t.firstWait(0)).toBe(360);
  });

  it('shrinks while the first poll keeps finding the challenge done, down to its floor', () => {
    const t = new ChallengeTimer();
    t.observe(true, 20);
    expect(t.estimateMs).toBeCloseTo(18);
    for (let i = 0; i < 100; i++) t.observe(true, 5);
    expect(t.estimateMs).toBe(CHALLENGE_WAIT.minMs);
  });

  it('never waits longer than its ceiling, however slow a challenge was', () => {
    const t = new ChallengeTimer();
    t.observe(false, 9_000);
    expect(t.estimateMs).toBe(CHALLENGE_WAIT.maxMs);
  });
});
