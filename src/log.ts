/**
 * @module Structured logging for every platform entry point: one JSON line per event, tagged with where it
 * happened. Only messages and names are logged, never env values, request headers or bodies, so no secret can leak.
 */

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export function log(level: 'info' | 'warn' | 'error', tag: string, message: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ level, tag, message, ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** Log an error caught at an entry point (`fetch`, `scheduled`, `alarm`, RPC), tagged with its origin. */
export function logError(tag: string, err: unknown, fields: LogFields = {}): void {
  log('error', tag, errorMessage(err), fields);
}
