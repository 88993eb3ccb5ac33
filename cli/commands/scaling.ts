/**
 * @module `scale`, `remove-shard`, `handover` and `reconcile`: changes to the conduit. Each answer is the plan the
 * controller made, with its progress; work past the subrequest budget continues from the controller's alarm
 * (README "Admin API"), which the output says rather than implying the change is finished.
 */
import { integer, required, text } from '../args.ts';
import { UsageError } from '../errors.ts';
import { fields, plural, table, when } from '../table.ts';
import type { Handover, Reconcile } from '../views.ts';
import type { Command } from './types.ts';

type Step = Reconcile['plan']['steps'][number];

function stepRows(step: Step): (string | number)[][] {
  if (step.kind === 'assign') return step.shards.map((s) => ['assign', `shard ${s.id} → ${s.endpoint}`, s.reason]);
  return [[step.kind, `${step.from} → ${step.to} shards`, step.reason]];
}

export function renderPlan(r: Reconcile): string {
  const { plan, progress: p } = r;
  const steps = plan.steps.flatMap(stepRows);
  const waiting = plan.waiting.map((s) => ['waiting', `shard ${s.id} → ${s.endpoint}`, s.reason]);
  const parts = [
    steps.length || waiting.length
      ? table(['STEP', 'CHANGE', 'REASON'], [...steps, ...waiting])
      : 'nothing to change: Twitch matches the layout',
    `${plural(plan.unchanged, 'shard')} unchanged`,
  ];
  if (r.dry_run) {
    parts.push('dry run: nothing was applied');
    return parts.join('\n');
  }
  parts.push(
    fields([
      [
        'progress',
        `${p.phase} · ${p.steps_done}/${p.steps_total} steps · ${plural(p.helix_calls, 'Helix call')} · started ${when(p.started_at)}`,
      ],
      ...(p.last_error ? ([['last error', p.last_error]] as const) : []),
      ...(r.continues ? ([['continues', 'in a later invocation (subrequest budget)']] as const) : []),
    ]),
  );
  return parts.join('\n');
}

const METHODS = ['reassign', 'swap'] as const;

export const scalingCommands: Command[] = [
  {
    name: 'scale',
    summary: 'grow or shrink the conduit to N shards (new shards go on --endpoint, default the last shard’s)',
    usage: 'N [--endpoint E]',
    args: ['N'],
    options: { endpoint: { type: 'string' } },
    async run(ctx, { args, values }) {
      const shard_count = integer(args[0], 'N', 1)!;
      const endpoint = text(values.endpoint);
      ctx.emit(
        await ctx.api().post<Reconcile>('/scale', { shard_count, ...(endpoint ? { endpoint } : {}) }),
        renderPlan,
      );
    },
  },
  {
    name: 'remove-shard',
    summary: 'remove shard ID from the middle: the last shard moves into its place, then the count drops',
    usage: 'ID',
    args: ['ID'],
    async run(ctx, { args }) {
      const id = integer(args[0], 'ID')!;
      ctx.emit(await ctx.api().post<Reconcile>(`/shards/${id}/remove`), renderPlan);
    },
  },
  {
    name: 'handover',
    summary: 'move a websocket endpoint to a new socket without a gap',
    usage: '--endpoint E --method reassign|swap',
    options: { endpoint: { type: 'string' }, method: { type: 'string' } },
    async run(ctx, { values }) {
      const endpoint = required(values.endpoint, 'endpoint');
      const method = required(values.method, 'method');
      if (!(METHODS as readonly string[]).includes(method)) throw new UsageError('--method must be reassign or swap');
      ctx.emit(
        await ctx.api().post<Handover>('/handover', { endpoint, method }),
        (h) => `handed over '${h.endpoint}' (${h.method}): session ${h.from_session} → ${h.to_session} in ${h.ms} ms`,
      );
    },
  },
  {
    name: 'reconcile',
    summary: 'reconcile the conduit with the layout now (--dry-run: only show the plan)',
    usage: '[--dry-run]',
    options: { 'dry-run': { type: 'boolean' } },
    async run(ctx, { values }) {
      const path = values['dry-run'] === true ? '/reconcile?dry_run=1' : '/reconcile';
      ctx.emit(await ctx.api().post<Reconcile>(path), renderPlan);
    },
  },
];
