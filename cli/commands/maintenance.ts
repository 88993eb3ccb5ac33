/**
 * @module `maintenance add|list|cancel`: planned outages of an endpoint (design.md §6). The controller records them;
 * moving shards away for the window is the planner's job (README "Admin API").
 */
import { integer, required, text } from '../args.ts';
import { table, when } from '../table.ts';
import { parseTime } from '../time.ts';
import type { RemovedWindow, Window } from '../views.ts';
import type { Command } from './types.ts';

export function windowTable(windows: readonly Window[]): string {
  return table(
    ['ID', 'ENDPOINT', 'STARTS', 'ENDS', 'COMPACT', 'NOTE'],
    windows.map((w) => [w.id, w.endpoint, when(w.starts_at), when(w.ends_at), w.compact ? 'yes' : 'no', w.note]),
  );
}

export const maintenanceCommands: Command[] = [
  {
    name: 'maintenance add',
    summary: 'schedule a window in which an endpoint is unavailable (times: RFC 3339, or now+30m / +2h)',
    usage: '--endpoint E --starts-at T --ends-at T [--note N] [--compact]',
    options: {
      endpoint: { type: 'string' },
      'starts-at': { type: 'string' },
      'ends-at': { type: 'string' },
      note: { type: 'string' },
      compact: { type: 'boolean' },
    },
    async run(ctx, { values }) {
      // One instant for both, so `--starts-at +1h --ends-at +2h` is exactly an hour long.
      const now = Date.now();
      const body = {
        endpoint: required(values.endpoint, 'endpoint'),
        starts_at: parseTime(required(values['starts-at'], 'starts-at'), '--starts-at', now),
        ends_at: parseTime(required(values['ends-at'], 'ends-at'), '--ends-at', now),
        ...(text(values.note) === undefined ? {} : { note: text(values.note) }),
        ...(values.compact === true ? { compact: true } : {}),
      };
      ctx.emit(await ctx.api().post<Window>('/maintenance', body), (w) => `added window ${w.id}\n${windowTable([w])}`);
    },
  },
  {
    name: 'maintenance list',
    summary: 'maintenance windows',
    usage: '',
    async run(ctx) {
      ctx.emit(await ctx.api().get<Window[]>('/maintenance'), (list) =>
        list.length ? windowTable(list) : 'no maintenance windows',
      );
    },
  },
  {
    name: 'maintenance cancel',
    summary: 'remove maintenance window ID',
    usage: 'ID',
    args: ['ID'],
    async run(ctx, { args }) {
      const id = integer(args[0], 'ID')!;
      ctx.emit(await ctx.api().delete<RemovedWindow>(`/maintenance/${id}`), (r) => `cancelled window ${r.removed}`);
    },
  },
];
