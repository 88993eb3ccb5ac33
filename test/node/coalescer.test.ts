/**
 * The publish coalescer (src/core/coalescer.ts): the first item after a quiet spell goes at once; while a send is in
 * flight, and until the interval since the last send has passed, items gather into one batch; batches respect the
 * count and weight limits; a failed send is reported and does not stop later ones; past `maxPending` the oldest
 * items are dropped and counted. Time and timers are a manual clock.
 */
import { describe, expect, it } from 'vitest';
import { Coalescer, type CoalescerOptions } from '../../src/core/coalescer.ts';

function harness(over: Partial<CoalescerOptions<number>> = {}) {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const sent: number[][] = [];
  const pending: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  const errors: number[] = [];
  const drops: number[][] = [];
  const c = new Coalescer<number>({
    send: (items) => {
      sent.push(items);
      return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
    },
    minIntervalMs: 100,
    maxBatch: 3,
    maxBatchWeight: 1_000,
    weigh: () => 1,
    maxPending: 10,
    now: () => now,
    setTimer: (fn, ms) => void timers.push({ at: now + ms, fn }),
    onError: (_err, n) => void errors.push(n),
    onDrop: (items) => void drops.push(items),
    ...over,
  });
  const flush = () => new Promise((r) => setTimeout(r, 0));
  return {
    c,
    sent,
    errors,
    drops,
    /** Move the clock and fire due timers. */
    advance(ms: number) {
      now += ms;
      for (const t of timers.splice(0)) {
        if (t.at <= now) t.fn();
        else timers.push(t);
      }
    },
    async settle(ok = true) {
      const p = pending.shift();
      if (!p) throw new Error('no send in flight');
      if (ok) p.resolve();
      else p.reject(new Error('down'));
      await flush();
    },
  };
}

describe('Coalescer', () => {
  it('sends the first item at once, then batches what arrives while a send is in flight', async () => {
    const h = harness();
    h.c.push([1]);
    expect(h.sent).toEqual([[1]]);
    h.c.push([2]);
    h.c.push([3]);
    expect(h.sent).toHaveLength(1);
    await h.settle();
    // In flight no longer, but the interval has not passed: a timer waits for it.
    expect(h.sent).toHaveLength(1);
    h.advance(100);
    expect(h.sent).toEqual([[1], [2, 3]]);
  });

  it('keeps sends at least the interval apart even when each finishes at once', async () => {
    const h = harness();
    h.c.push([1]);
    await h.settle();
    h.advance(30);
    h.c.push([2]);
    expect(h.sent).toHaveLength(1);
    h.advance(69);
    expect(h.sent).toHaveLength(1);
    h.advance(1);
    expect(h.sent).toEqual([[1], [2]]);
  });

  it('splits batches by count and by weight, a heavy item going alone', async () => {
    const h = harness({ weigh: (n) => (n >= 100 ? 950 : 100) });
    h.c.push([1]);
    h.c.push([2, 3, 4, 5, 100, 6]);
    await h.settle();
    h.advance(100);
    expect(h.sent[1]).toEqual([2, 3, 4]);
    await h.settle();
    h.advance(100);
    expect(h.sent[2]).toEqual([5]);
    await h.settle();
    h.advance(100);
    expect(h.sent[3]).toEqual([100]);
    await h.settle();
    h.advance(100);
    expect(h.sent[4]).toEqual([6]);
  });

  it('reports a failed send and goes on with the next batch', async () => {
    const h = harness();
    h.c.push([1, 2]);
    h.c.push([3]);
    await h.settle(false);
    expect(h.errors).toEqual([2]);
    h.advance(100);
    expect(h.sent).toEqual([[1, 2], [3]]);
    await h.settle();
    await h.c.idle();
    expect(h.c.pending).toBe(0);
  });

  it('drops the oldest items past maxPending and hands them over', async () => {
    const h = harness({ maxPending: 4 });
    h.c.push([0]);
    h.c.push([1, 2, 3, 4, 5, 6]);
    expect(h.drops).toEqual([[1, 2]]);
    expect(h.c.pending).toBe(4);
    await h.settle();
    h.advance(100);
    expect(h.sent[1]).toEqual([3, 4, 5]);
  });

  it('is idle only when nothing is queued or in flight', async () => {
    const h = harness();
    let idle = false;
    h.c.push([1]);
    void h.c.idle().then(() => (idle = true));
    await new Promise((r) => setTimeout(r, 0));
    expect(idle).toBe(false);
    await h.settle();
    expect(idle).toBe(true);
  });
});
