/**
 * @module `events tail` (live, from `GET /events`, design.md §5) and `events recent` (the hubs' logs through the
 * admin API). A tail prints one line per event, or with `--json` one raw frame per line (NDJSON) for `jq`.
 */
import type { AdminApi } from '../api.ts';
import { integer, text, texts } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { EventFrame } from '../../client/index.ts';
import { tailEvents } from '../live.ts';
import { table, when } from '../table.ts';
import type { Command, Ctx } from './types.ts';

/** `AT  TYPE vV  broadcaster  {event}`, the event cut short so that each event stays on one line. */
export function eventLine(e: EventFrame): string {
  const payload = e.payload as { event?: unknown } | null;
  const body = payload?.event === undefined ? '' : JSON.stringify(payload.event);
  const short = body.length > 160 ? `${body.slice(0, 159)}…` : body;
  const revoked = e.kind === 'revocation' ? '(revocation)' : '';
  return [when(e.received_at), `${e.type} v${e.version}`, e.broadcaster, short, revoked].filter(Boolean).join('  ');
}

/** An entry of `GET events/recent` (src/routes/admin/events.ts), as far as the table reads it. */
interface RecentEvent {
  hub: string;
  cursor: number;
  type: string;
  routing_key: string;
  received_at: string;
  routed: boolean;
  handled: number;
  dead_letters: number;
}

interface Recent {
  events: RecentEvent[];
  hubs: number;
  unavailable: string[];
}

interface Ticket {
  ticket: string;
}

/** Without a consumer token, the admin token mints a short-lived ticket (POST tickets) before every attempt. */
function ticketAuth(api: AdminApi, types: string[], broadcasters: string[]) {
  return {
    ticket: async () => (await api.post<Ticket>('/tickets', { types, broadcasters, ttl_seconds: 60 })).ticket,
  };
}

async function tail(ctx: Ctx, values: Record<string, unknown>): Promise<number> {
  const limit = integer(text(values.limit), '--limit', 1);
  const types = texts(values.type);
  const broadcasters = texts(values.broadcaster);
  // Without a consumer token, an operator's admin token mints short-lived tickets (POST tickets), one per attempt.
  const token = ctx.consumerTokenIfAny();
  if (!token && !ctx.hasAdminToken)
    throw new UsageError('no token for /events: set CONSUMER_TOKEN (or ADMIN_TOKEN, to mint a ticket)');
  const auth = token ? { token } : ticketAuth(ctx.api(), types, broadcasters);
  return tailEvents({
    url: ctx.base.toString(),
    auth,
    types,
    broadcasters,
    since: text(values.since),
    limit,
    onInterrupt: (h) => ctx.io.onInterrupt(h),
    onNotice: (line) => ctx.io.stderr(`conduit-worker: ${line}`),
    onEvent: (frame) => ctx.io.stdout(ctx.json ? JSON.stringify(frame) : eventLine(frame)),
  });
}

export const eventCommands: Command[] = [
  {
    name: 'events tail',
    summary: 'print live events from /events until --limit N events or Ctrl-C (consumer token, or admin token)',
    usage: '[--type T]… [--broadcaster B]… [--since CURSOR] [--limit N]',
    options: {
      type: { type: 'string', multiple: true },
      broadcaster: { type: 'string', multiple: true },
      since: { type: 'string' },
      limit: { type: 'string' },
    },
    run: (ctx, { values }) => tail(ctx, values),
  },
  {
    name: 'events recent',
    summary: 'the newest events of every hub, newest first, and what became of each',
    usage: '[--type T] [--limit N]',
    options: { type: { type: 'string' }, limit: { type: 'string' } },
    async run(ctx, { values }) {
      const limit = integer(text(values.limit), '--limit', 1) ?? 20;
      if (limit > 1000) throw new UsageError('--limit must be at most 1000');
      const type = text(values.type);
      const query = `?limit=${limit}${type ? `&type=${encodeURIComponent(type)}` : ''}`;
      ctx.emit(await ctx.api().get<Recent>(`/events/recent${query}`), (r) => {
        const rows = r.events.map((e) => [
          when(e.received_at),
          e.type,
          e.routing_key,
          `${e.hub}#${e.cursor}`,
          e.routed ? 'yes' : 'no',
          e.handled,
          e.dead_letters,
        ]);
        const missing = r.unavailable.length ? `\nhubs not answering: ${r.unavailable.join(', ')}` : '';
        return `${rows.length ? table(['RECEIVED', 'TYPE', 'BROADCASTER', 'HUB#CURSOR', 'ROUTED', 'HANDLED', 'DEAD'], rows) : 'no events'}${missing}`;
      });
    },
  },
];
