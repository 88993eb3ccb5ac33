/**
 * @module The WebSocket-path bench's Markdown (tables via bench/report.ts `table`) and its one-line run log. Pure
 * formatting: no I/O.
 */
import { median, table } from '../report.ts';
import type { WsRun } from './drive.ts';

type Count = 'sent' | 'delivered' | 'duplicates' | 'foreign' | 'missing' | 'notDelivered';

export const f = (x: number, digits = 0): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
export const ms = (x: number): string => (Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(1)) : 'n/a');
export const sum = (runs: readonly WsRun[], k: Count): number => runs.reduce((s, r) => s + r[k], 0);

export function describeRun(r: WsRun): string {
  return (
    `${r.delivered}/${r.sent} delivered, ${f(r.eps)} events/s (sent at ${f(r.sendRate)}/s), ` +
    `p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms, max ${ms(r.max)} ms, ${f(r.cpuUsPerEvent)} µs CPU/event` +
    (r.missing || r.duplicates ? `, ${r.missing} missing, ${r.duplicates} duplicates` : '') +
    (r.queueCaughtUp ? '' : ', Queue still behind')
  );
}

/** What one storage configuration measured. */
export interface TargetReport {
  name: string;
  max: readonly WsRun[];
  fixed: readonly WsRun[];
  /** Every run, warm-up included, for the delivery check. */
  all: readonly WsRun[];
  reconnects: number;
  consumerErrors: number;
  queue: { drained: number; sent: number };
}

export interface WsReport {
  eventType: string;
  broadcasters: number;
  window: number;
  rate: number;
  targets: readonly TargetReport[];
  /** Why fewer rounds ran than planned, or ''. */
  cut: string;
}

export function deliveryOk(t: TargetReport): boolean {
  const clean = (['missing', 'duplicates', 'foreign', 'notDelivered'] as const).every((k) => sum(t.all, k) === 0);
  return clean && t.queue.drained === t.queue.sent;
}

function shapeRow(target: string, label: string, runs: readonly WsRun[]): string[] {
  const eps = runs.map((r) => r.eps);
  return [
    target,
    label,
    String(runs.length),
    f(median(runs.map((r) => r.sent))),
    f(median(eps)),
    runs.length > 0 ? `${f(Math.min(...eps))}–${f(Math.max(...eps))}` : 'n/a',
    ms(median(runs.map((r) => r.p50))),
    ms(median(runs.map((r) => r.p99))),
    ms(median(runs.map((r) => r.max))),
    f(median(runs.map((r) => r.cpuUsPerEvent))),
    f(median(runs.map((r) => r.benchCores)), 2),
  ];
}

function checkTable(targets: readonly TargetReport[]): string {
  const row = (label: string, value: (t: TargetReport) => string) => [label, ...targets.map(value)];
  return table(
    ['check (all runs, warm-up included)', ...targets.map((t) => t.name)],
    [
      row('events the simulator sent over the shard socket', (t) => String(sum(t.all, 'sent'))),
      row('not accepted by the socket (simulator verdict)', (t) => String(sum(t.all, 'notDelivered'))),
      row('delivered to the consumer (distinct message ids)', (t) => String(sum(t.all, 'delivered'))),
      row('duplicates at the consumer', (t) => String(sum(t.all, 'duplicates'))),
      row('missing at the consumer (after the settle wait)', (t) => String(sum(t.all, 'missing'))),
      row('consumer reconnects / client errors', (t) => `${t.reconnects} / ${t.consumerErrors}`),
      row('events the Queue delivered / events sent', (t) => `${t.queue.drained} / ${t.queue.sent}`),
    ],
  );
}

export function renderMarkdown(r: WsReport): string {
  const rounds = Math.max(0, ...r.targets.map((t) => t.max.length));
  const runsTable = table(
    [
      'storage',
      'run',
      'rounds',
      'events/run',
      'events/s (median)',
      'events/s (min–max)',
      'p50 ms',
      'p99 ms',
      'max ms',
      'server CPU µs/event',
      'bench cores',
    ],
    r.targets.flatMap((t) => [
      shapeRow(t.name, `as fast as it goes (${r.window} in flight)`, t.max),
      shapeRow(t.name, `fixed ${r.rate} events/s`, t.fixed),
    ]),
  );
  const ok = r.targets.every(deliveryOk);
  return [
    `### WebSocket path: simulator → WebSocketShard → EventHubs → \`GET /events\` (${rounds} round${rounds === 1 ? '' : 's'}, medians)`,
    '',
    `The simulator, in the bench process and driven through its in-process delivery API, sends \`${r.eventType}\` ` +
      `for ${r.broadcasters} broadcasters over the EventSub socket of the production bundle on workerd (one ` +
      'websocket endpoint, the only shard); the typed client receives them on `GET /events`. Latency is receipt ' +
      'minus send of the same message id on one clock; events/s is receipts from first send to last receipt; server ' +
      'CPU is the workerd process (Worker, Durable Objects, Queue) until the Queue delivered the run; bench cores is ' +
      'the Node process (simulator, generator, consumer). Each storage configuration is its own workerd; they ' +
      'alternate within every round.',
    '',
    runsTable,
    ...(r.cut ? ['', r.cut] : []),
    '',
    '### WebSocket path: delivery check',
    '',
    checkTable(r.targets),
    '',
    ok
      ? 'Every event sent reached the consumer exactly once, and the Queue delivered exactly as many.'
      : '**FAILED**: sent, delivered and enqueued counts disagree (see above).',
  ].join('\n');
}
