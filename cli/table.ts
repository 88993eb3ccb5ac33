/**
 * @module Plain-text output for people: aligned tables and label/value blocks. Scripts use `--json` instead, so
 * this layout is free to change.
 */

export type Cell = string | number | boolean | null | undefined;

/** `null` and `undefined` print as a dash, so an empty cell is never mistaken for a misaligned column. */
export function cell(value: Cell): string {
  if (value === null || value === undefined || value === '') return '-';
  return String(value);
}

/** Columns padded to their widest cell; the last column is not padded, so lines carry no trailing spaces. */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = [headers.map(String), ...rows.map((r) => headers.map((_, i) => cell(r[i])))];
  const widths = headers.map((_, i) => Math.max(...text.map((r) => r[i]!.length)));
  return text
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Label/value lines, labels padded to the longest. */
export function fields(pairs: readonly (readonly [string, Cell])[]): string {
  const width = Math.max(0, ...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${label.padEnd(width)}  ${cell(value)}`).join('\n');
}

/** An ISO time to the second (`2030-01-01T10:00:00Z`): milliseconds and nanoseconds only widen tables. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '-';
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z') : iso;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** `{a: "1", b: "2"}` as `a=1,b=2`, the same form `--condition` takes. */
export function pairs(record: Record<string, string>): string {
  return Object.entries(record)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
