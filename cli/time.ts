/**
 * @module Times on the command line: an RFC 3339 date-time as the admin API takes it (design.md §5), or `now` /
 * `now+30m` / `+2h` for operators scheduling a window from a shell. Always sent as UTC RFC 3339.
 */
import { UsageError } from './errors.ts';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const RELATIVE = /^(?:now)?(?:\+(\d{1,6})([smhd]))?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/;

export function parseTime(input: string, option: string, now: number = Date.now()): string {
  const rel = RELATIVE.exec(input);
  if (rel && input !== '') {
    const [, amount, unit] = rel;
    const offset = amount ? Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS] : 0;
    return new Date(now + offset).toISOString();
  }
  const ms = RFC3339.test(input) ? Date.parse(input.replace(' ', 'T')) : NaN;
  if (!Number.isFinite(ms))
    throw new UsageError(`${option} must be an RFC 3339 time with a zone (2030-01-01T10:00:00Z) or now+30m / +2h`);
  return new Date(ms).toISOString();
}
