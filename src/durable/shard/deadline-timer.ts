/**
 * @module The WebSocketShard's fast watchdog (cloudflare.md §1.6): one in-memory timer at the machine's next deadline,
 * moved only when the deadline moves. The alarm stays the backstop: timers die with the instance.
 */

export class DeadlineTimer {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private at: number | null = null;

  constructor(private readonly fire: () => void) {}

  /** Fire at `at` (ms epoch), or never for null. */
  set(at: number | null): void {
    if (at === this.at) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.at = at;
    if (at === null) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.at = null;
        this.fire();
      },
      Math.max(0, at - Date.now()),
    );
  }
}
