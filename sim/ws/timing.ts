/**
 * @module The WebSocket server's timing rules that depend on the connect URL and the config (twitch-eventsub.md
 * §6.1, §6.3).
 */
import type { SimConfig } from '../config.ts';

export const MIN_KEEPALIVE_SECONDS = 10;
export const MAX_KEEPALIVE_SECONDS = 600;

/**
 * §6.1: an integer N is clamped to 10..600; absent or non-numeric means 10. A fractional number is truncated
 * (sim choice: Twitch documents an integer and says nothing about fractions).
 */
export function clampKeepalive(raw: string | null): number {
  if (raw === null || raw.trim() === '') return MIN_KEEPALIVE_SECONDS;
  const n = Number(raw);
  if (!Number.isFinite(n)) return MIN_KEEPALIVE_SECONDS;
  return Math.min(MAX_KEEPALIVE_SECONDS, Math.max(MIN_KEEPALIVE_SECONDS, Math.trunc(n)));
}

/**
 * §6.3 / §10 item 11: the docs give both "10 seconds" and the keepalive as the window to subscribe. Sim choice:
 * max(unusedTimeoutMs, keepalive), unless `pinUnusedTimeout` pins it to `unusedTimeoutMs`.
 */
export function unusedWindowMs(config: SimConfig, keepaliveSeconds: number): number {
  if (config.pinUnusedTimeout) return config.unusedTimeoutMs;
  return Math.max(config.unusedTimeoutMs, keepaliveSeconds * 1000);
}
