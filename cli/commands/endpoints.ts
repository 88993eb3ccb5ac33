/**
 * @module `endpoints list|add|remove`: named transports (design.md §6). An external webhook's secret is
 * write-only: it goes to the API and is never printed (the API does not return it either).
 */
import { required, text } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { Endpoint, Removed } from '../views.ts';
import { endpointTable } from './status.ts';
import type { Command } from './types.ts';

const KINDS = ['webhook', 'websocket'];

export const endpointCommands: Command[] = [
  {
    name: 'endpoints list',
    summary: 'endpoints and how many shards each carries (never a secret)',
    usage: '',
    async run(ctx) {
      ctx.emit(await ctx.api().get<Endpoint[]>('/endpoints'), (list) =>
        list.length ? endpointTable(list) : 'no endpoints',
      );
    },
  },
  {
    name: 'endpoints add',
    summary: 'add a built-in webhook, an external webhook (--callback, --secret) or a websocket endpoint',
    usage: 'NAME --kind webhook|websocket [--base-url U | --callback U --secret S] [--mode fixed|auto]',
    args: ['NAME'],
    options: {
      kind: { type: 'string' },
      'base-url': { type: 'string' },
      callback: { type: 'string' },
      secret: { type: 'string' },
      mode: { type: 'string' },
    },
    async run(ctx, { args, values }) {
      const kind = required(values.kind, 'kind');
      if (!KINDS.includes(kind)) throw new UsageError('--kind must be webhook or websocket');
      const optional = {
        base_url: values['base-url'],
        callback: values.callback,
        secret: values.secret,
        mode: values.mode,
      };
      const body = {
        name: args[0],
        kind,
        ...Object.fromEntries(Object.entries(optional).filter(([, v]) => text(v) !== undefined)),
      };
      ctx.emit(
        await ctx.api().post<Endpoint>('/endpoints', body),
        (e) => `added endpoint ${e.name}\n${endpointTable([e])}`,
      );
    },
  },
  {
    name: 'endpoints remove',
    summary: 'remove endpoint NAME (no shard may be laid out on it)',
    usage: 'NAME',
    args: ['NAME'],
    async run(ctx, { args }) {
      const path = `/endpoints/${encodeURIComponent(args[0]!)}`;
      ctx.emit(await ctx.api().delete<Removed>(path), (r) => `removed endpoint ${r.removed}`);
    },
  },
];
