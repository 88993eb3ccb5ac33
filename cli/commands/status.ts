/**
 * @module `status`, `shards` and `actions`: reading the conduit. `shards` pages through `GET status` (1,000 shards a
 * page, as the route defaults) so that a 20,000-shard conduit is listed whole, then filters here.
 */
import { integer, text } from '../args.ts';
import { UsageError } from '../errors.ts';
import { fields, plural, table, when } from '../table.ts';
import type { Action, Endpoint, Shard, Status } from '../views.ts';
import type { Command } from './types.ts';

const PAGE = 1_000;
/** 20,000 shards (Twitch's maximum) at 1,000 a page, plus one page of slack if the conduit grows meanwhile. */
const MAX_PAGES = 21;

/** `none` stands for a shard Twitch does not report (not created yet, or listing not done). */
export function shardStatus(s: Shard): string {
  return s.actual?.status ?? 'none';
}

function transport(s: Shard): string | undefined {
  if (!s.actual) return undefined;
  return s.actual.callback ?? (s.actual.session_id ? `session ${s.actual.session_id}` : undefined);
}

export function shardTable(shards: readonly Shard[]): string {
  return table(
    ['ID', 'ENDPOINT', 'STATUS', 'METHOD', 'SINCE', 'CALLBACK / SESSION'],
    shards.map((s) => [
      s.id,
      // Desired → where maintenance has it now, when the two differ.
      s.effective_endpoint !== s.desired_endpoint
        ? `${s.desired_endpoint} → ${s.effective_endpoint}`
        : s.desired_endpoint,
      shardStatus(s),
      s.actual?.method,
      when(s.actual?.disconnected_at ?? s.actual?.connected_at),
      transport(s),
    ]),
  );
}

export function statusCounts(shards: readonly Shard[]): string {
  const counts = new Map<string, number>();
  for (const s of shards) counts.set(shardStatus(s), (counts.get(shardStatus(s)) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${status} ${n}`).join(', ');
}

function endpointDetail(e: Endpoint): string | undefined {
  if (e.socket) {
    const s = e.socket;
    return [s.phase, s.session_id && `session ${s.session_id}`, s.problem && `problem: ${s.problem}`]
      .filter(Boolean)
      .join(' · ');
  }
  return e.callback ?? e.base_url;
}

export function endpointTable(endpoints: readonly Endpoint[]): string {
  return table(
    ['NAME', 'KIND', 'SOURCE', 'SHARDS', 'CALLBACK / SOCKET'],
    endpoints.map((e) => [e.name, e.kind, e.mode ? `${e.source} (${e.mode})` : e.source, e.shards, endpointDetail(e)]),
  );
}

export function actionTable(actions: readonly Action[]): string {
  return table(
    ['ID', 'AT', 'KIND', 'RESULT', 'REASON'],
    actions.map((a) => [a.id, when(a.at), a.kind, a.result, a.reason]),
  );
}

export function renderStatus(s: Status): string {
  const r = s.reconcile;
  const cost =
    s.subscriptions.max_total_cost === null
      ? ''
      : ` · cost ${s.subscriptions.total_cost ?? '?'} of ${s.subscriptions.max_total_cost}`;
  const listed = s.shards.length < s.shards_total ? ` (first ${s.shards.length} counted)` : '';
  const head = fields([
    ['conduit', s.conduit ? `${s.conduit.id} · ${plural(s.conduit.shard_count, 'shard')}` : 'none'],
    ['bootstrap', s.bootstrap.ok ? 'ok' : `failed: ${s.bootstrap.error ?? 'unknown'}`],
    [
      'app token',
      `${s.token.valid ? 'valid' : 'INVALID'} · expires ${when(s.token.expires_at)} · validated ${when(s.token.validated_at)}`,
    ],
    [
      'reconcile',
      `${r.phase} · ${r.steps_done}/${r.steps_total} steps · ${plural(r.helix_calls, 'Helix call')} · started ${when(r.started_at)}${r.last_error ? ` · last error: ${r.last_error}` : ''}`,
    ],
    ['subscriptions', `${s.subscriptions.desired} desired${cost}`],
    ['shards', `${s.shards_total}${s.shards.length ? `: ${statusCounts(s.shards)}` : ''}${listed}`],
  ]);
  const windows = s.windows.length
    ? table(
        ['WINDOW', 'ENDPOINT', 'STARTS', 'ENDS'],
        s.windows.map((w) => [w.id, w.endpoint, when(w.starts_at), when(w.ends_at)]),
      )
    : 'no maintenance windows';
  const recent = s.actions.slice(0, 5);
  return [
    head,
    endpointTable(s.endpoints),
    windows,
    recent.length ? `recent actions\n${actionTable(recent)}` : 'no actions yet',
  ].join('\n\n');
}

export const statusCommands: Command[] = [
  {
    name: 'status',
    summary: 'the conduit, endpoints, windows, app token, reconcile progress and recent actions',
    usage: '',
    async run(ctx) {
      ctx.emit(await ctx.api().get<Status>('/status'), renderStatus);
    },
  },
  {
    name: 'shards',
    summary: 'every shard: desired endpoint and what Twitch reports',
    usage: '[--status S] [--endpoint E]',
    options: { status: { type: 'string' }, endpoint: { type: 'string' } },
    async run(ctx, { values }) {
      const api = ctx.api();
      const all: Shard[] = [];
      let total = 0;
      for (let page = 0; page < MAX_PAGES; page++) {
        const s = await api.get<Status>(`/status?shard_offset=${all.length}&shard_limit=${PAGE}`);
        total = s.shards_total;
        all.push(...s.shards);
        if (s.shards.length === 0 || all.length >= total) break;
      }
      const status = text(values.status);
      const endpoint = text(values.endpoint);
      const shown = all.filter(
        (s) => (!status || shardStatus(s) === status) && (!endpoint || s.desired_endpoint === endpoint),
      );
      const filter = [status && `status ${status}`, endpoint && `endpoint ${endpoint}`].filter(Boolean).join(', ');
      ctx.emit(shown, (list) =>
        [shardTable(list), `${list.length} of ${plural(total, 'shard')}${filter ? ` (${filter})` : ''}`].join('\n'),
      );
    },
  },
  {
    name: 'actions',
    summary: 'the audit log, newest first',
    usage: '[--limit N] [--before ID]',
    options: { limit: { type: 'string' }, before: { type: 'string' } },
    async run(ctx, { values }) {
      const limit = integer(text(values.limit), '--limit', 1) ?? 20;
      const before = integer(text(values.before), '--before');
      if (limit > 1000) throw new UsageError('--limit must be at most 1000');
      const query = `?limit=${limit}${before === undefined ? '' : `&before=${before}`}`;
      ctx.emit(await ctx.api().get<Action[]>(`/actions${query}`), (list) =>
        list.length ? actionTable(list) : 'no actions',
      );
    },
  },
];
