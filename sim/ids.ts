/**
 * @module Opaque identifiers shaped like Twitch's: UUIDs for conduits, subscriptions and messages, base64-ish
 * strings for WebSocket sessions (twitch-eventsub.md §0).
 */
import { randomBytes, randomUUID } from 'node:crypto';

export const uuid = (): string => randomUUID();

export function sessionId(): string {
  return 'AQoQ' + randomBytes(18).toString('base64url');
}

export function token(): string {
  return randomBytes(15).toString('hex');
}

/** Opaque pagination cursor: base64 of the next index, so callers cannot rely on its shape. */
export function encodeCursor(index: number): string {
  return Buffer.from(JSON.stringify({ i: index })).toString('base64url');
}

export function decodeCursor(cursor: string): number | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'i' in parsed && Number.isInteger(parsed.i)) {
      const i = parsed.i as number;
      return i >= 0 ? i : null;
    }
  } catch {
    // fall through: any undecodable cursor is invalid
  }
  return null;
}
