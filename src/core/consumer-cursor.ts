/**
 * @module The composite cursor of `GET /events?since=` (design.md §5): one position per EventHub, the last sequence
 * number of that hub's log the consumer holds (0: nothing yet). Each hub's sequence increases, and one broadcaster
 * lives on one hub, so "everything after these positions" is a gap-free, duplicate-free resume point that keeps
 * per-broadcaster order.
 *
 * Text form: the positions in base 36, in hub order, joined by `.` (`"1f.0.2a3"` for three hubs). It is URL-safe
 * without escaping and short enough that at the default 8 hubs it fits a WebSocket close reason (123 bytes, RFC 6455
 * §5.5) next to the "too slow" message. Clients treat it as opaque.
 */

export type Positions = readonly number[];

/** HUB_COUNT's maximum (config.ts). */
export const MAX_HUBS = 256;
/** base 36 of Number.MAX_SAFE_INTEGER has 11 digits. */
const PART = /^[0-9a-z]{1,11}$/;

export function encodeCursor(positions: Positions): string {
  return positions.map((p) => p.toString(36)).join('.');
}

/** The positions, or null when the text is not a cursor (wrong characters, too many hubs, unsafe integers). */
export function decodeCursor(text: string): number[] | null {
  if (text.length === 0 || text.length > MAX_HUBS * 12) return null;
  const parts = text.split('.');
  if (parts.length > MAX_HUBS) return null;
  const out: number[] = [];
  for (const part of parts) {
    if (!PART.test(part)) return null;
    const n = parseInt(part, 36);
    if (!Number.isSafeInteger(n)) return null;
    out.push(n);
  }
  return out;
}

/** Element-wise maximum: a live consumer holds everything up to its own floor and everything fanned out since. */
export function maxPositions(a: Positions, b: Positions): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => Math.max(a[i] ?? 0, b[i] ?? 0));
}

/** True when every position of `a` is at or below the one of `b`. */
export function dominatedBy(a: Positions, b: Positions): boolean {
  return a.every((p, i) => p <= (b[i] ?? 0));
}

export function withPosition(positions: Positions, hub: number, seq: number): number[] {
  const out = [...positions];
  out[hub] = seq;
  return out;
}
