/**
 * @module The simulator's clock: real time plus an offset that tests can move, so rules stated in wall-clock
 * terms (token expiry, the 72-hour conduit rule, message timestamps) can be exercised without waiting.
 */

export class SimClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }

  /** RFC3339 with nanosecond precision, as EventSub writes timestamps (twitch-eventsub.md §0). */
  rfc3339(ms = this.now()): string {
    const iso = new Date(ms).toISOString(); // 2024-06-01T12:00:00.123Z
    const nanos = String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0');
    return `${iso.slice(0, 23)}${nanos}Z`;
  }
}
