/**
 * @module Tracked timers: every timeout the simulator arms is registered here, so `reset` and `close` can cancel
 * them all and a test run never leaves a loop behind.
 */

export class Timers {
  private readonly live = new Set<NodeJS.Timeout>();

  after(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.live.delete(t);
      fn();
    }, ms);
    t.unref?.();
    this.live.add(t);
    return t;
  }

  every(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setInterval(fn, ms);
    t.unref?.();
    this.live.add(t);
    return t;
  }

  cancel(t: NodeJS.Timeout | undefined): void {
    if (!t) return;
    clearTimeout(t);
    clearInterval(t);
    this.live.delete(t);
  }

  cancelAll(): void {
    for (const t of this.live) {
      clearTimeout(t);
      clearInterval(t);
    }
    this.live.clear();
  }
}
