/**
 * @module `subscriptions list|add|remove`: the desired EventSub subscriptions on the conduit. `--condition` takes
 * `k=v` pairs, comma-separated or repeated, which is how Twitch's condition objects read (all values are strings).
 */
import { required, texts } from '../args.ts';
import { UsageError } from '../errors.ts';
import { pairs, table } from '../table.ts';
import type { Removed, Subscription, Subscriptions } from '../views.ts';
import type { Command } from './types.ts';

export function parseCondition(items: readonly string[]): Record<string, string> {
  const condition: Record<string, string> = {};
  for (const pair of items.flatMap((i) => i.split(','))) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim();
    if (eq < 1 || key === '') throw new UsageError(`--condition takes key=value pairs, got '${pair}'`);
    if (key in condition) throw new UsageError(`--condition names '${key}' twice`);
    condition[key] = pair.slice(eq + 1).trim();
  }
  if (Object.keys(condition).length === 0) throw new UsageError('missing --condition');
  return condition;
}

export function subscriptionTable(list: readonly Subscription[]): string {
  return table(
    ['KEY', 'TYPE', 'VERSION', 'CONDITION', 'STATUS', 'SUBSCRIPTION ID', 'LAST ERROR'],
    list.map((s) => [s.key, s.type, s.version, pairs(s.condition), s.status, s.subscription_id, s.last_error]),
  );
}

function renderList(s: Subscriptions): string {
  const cost = s.max_total_cost === null ? 'cost unknown' : `total cost ${s.total_cost ?? '?'} of ${s.max_total_cost}`;
  return s.desired.length
    ? `${subscriptionTable(s.desired)}\n${s.desired.length} desired · ${cost}`
    : `no subscriptions · ${cost}`;
}

export const subscriptionCommands: Command[] = [
  {
    name: 'subscriptions list',
    summary: 'desired subscriptions, their status on Twitch and the total cost',
    usage: '',
    async run(ctx) {
      ctx.emit(await ctx.api().get<Subscriptions>('/subscriptions'), renderList);
    },
  },
  {
    name: 'subscriptions add',
    summary: 'subscribe the conduit to an event type',
    usage: '--type T --version V --condition k=v[,k=v]',
    options: { type: { type: 'string' }, version: { type: 'string' }, condition: { type: 'string', multiple: true } },
    async run(ctx, { values }) {
      const body = {
        type: required(values.type, 'type'),
        version: required(values.version, 'version'),
        condition: parseCondition(texts(values.condition)),
      };
      ctx.emit(
        await ctx.api().post<Subscription>('/subscriptions', body),
        (s) => `added subscription ${s.key}\n${subscriptionTable([s])}`,
      );
    },
  },
  {
    name: 'subscriptions remove',
    summary: 'remove subscription KEY (here and on Twitch)',
    usage: 'KEY',
    args: ['KEY'],
    async run(ctx, { args }) {
      const path = `/subscriptions/${encodeURIComponent(args[0]!)}`;
      ctx.emit(await ctx.api().delete<Removed>(path), (r) => `removed subscription ${r.removed}`);
    },
  },
];
