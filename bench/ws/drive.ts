/**
 * @module One measured run of the WebSocket path: the simulator's in-process delivery API (`sim.delivery.notify`,
 * what `POST /_sim/events` calls, without the HTTP hop in the generator) sends each notification frame over the
 * shard's EventSub socket; the consumer's ledger times its arrival on `GET /events`. Two shapes: `max` keeps a
 * bounded window of events in flight and refills it as they arrive (as fast as the path takes them); `fixed` sends
 * on an open-loop schedule at a set rate (latency). Every loop is bounded by a count and a deadline.
 */
import { percentile } from '../ingest/load.ts';
import { cpuMs } from '../ingest/proc.ts';
import { Ledger, type Consumer } from './consumer.ts';
import { EVENT_TYPE, type WsStack } from './stack.ts';

export type RunShape =
  { kind: 'max'; events: number; window: number } | { kind: 'fixed'; rate: number; events: number };

export interface WsRun {
  shape: RunShape['kind'];
  sent: number;
  delivered: number;
  duplicates: number;
  /** Received with an id this run did not send. */
  foreign: number;
  missing: number;
  /** Sent by the simulator but not accepted by the shard's socket (the simulator's own verdict). */
  notDelivered: number;
  /** Events delivered to the consumer per second, first send to last receipt. */
  eps: number;
  /** Events the generator sent per second, first send to last send. */
  sendRate: number;
  p50: number;
  p99: number;
  max: number;
  /** workerd CPU (user + system) per delivered event, from the first send until the Queue drained the run. */
  cpuUsPerEvent: number;
  /** This Node process (simulator, generator and consumer) in cores over the run. */
  benchCores: number;
  /** The Queue caught up with every event of the run within the wait. */
  queueCaughtUp: boolean;
}

export interface DriveOptions {
  /** How long to wait for stragglers after the last send before counting the rest missing. */
  settleMs: number;
  /** Hard stop for the sending phase. */
  sendDeadlineMs: number;
}

/** The Queue batches for up to 1 s (max_batch_timeout), so its last batch lags the consumer by about that much. */
const QUEUE_WAIT_MS = 5_000;

function sendOne(stack: WsStack, ledger: Ledger, i: number): void {
  const broadcaster = stack.broadcasters[i % stack.broadcasters.length] as string;
  const id = crypto.randomUUID();
  // The frame is written to the socket synchronously inside notify (sim/route.ts viaSocket), so the time taken right
  // after the call is when the simulator sent it.
  const result = stack.sim.sim.delivery.notify({
    type: EVENT_TYPE,
    version: '1',
    condition: { broadcaster_user_id: broadcaster },
    message_id: id,
  });
  ledger.sent(id, performance.now());
  stack.sent++;
  void result.then(
    (legs) => {
      if (legs.length !== 1 || legs[0]?.status !== 'delivered') ledger.notDelivered++;
    },
    () => ledger.notDelivered++,
  );
}

async function sendMax(stack: WsStack, ledger: Ledger, shape: { events: number; window: number }, stopAt: number) {
  let i = 0;
  while (i < shape.events && performance.now() < stopAt) {
    while (i < shape.events && ledger.inFlight < shape.window) sendOne(stack, ledger, i++);
    await ledger.progress(100);
  }
}

async function sendFixed(stack: WsStack, ledger: Ledger, shape: { rate: number; events: number }, stopAt: number) {
  const start = performance.now();
  let i = 0;
  while (i < shape.events && performance.now() < stopAt) {
    const due = Math.min(shape.events, Math.floor(((performance.now() - start) * shape.rate) / 1000) + 1);
    while (i < due) sendOne(stack, ledger, i++);
    // Pacing, not synchronisation: yield so sockets are serviced, then send whatever has fallen due.
    await new Promise((r) => setTimeout(r, 1));
  }
}

export async function drive(stack: WsStack, consumer: Consumer, shape: RunShape, opts: DriveOptions): Promise<WsRun> {
  const ledger = new Ledger();
  consumer.ledger = ledger;
  const drainedBefore = await stack.drained();
  const sentBefore = stack.sent;
  const cpuBefore = cpuMs(stack.pid);
  const selfBefore = process.cpuUsage();
  const t0 = performance.now();
  const stopAt = t0 + opts.sendDeadlineMs;
  if (shape.kind === 'max') await sendMax(stack, ledger, shape, stopAt);
  else await sendFixed(stack, ledger, shape, stopAt);
  const lastSend = performance.now();
  const settleBy = lastSend + opts.settleMs;
  while (ledger.inFlight > 0 && performance.now() < settleBy) await ledger.progress(100);
  const self = process.cpuUsage(selfBefore);
  const wallS = (performance.now() - t0) / 1000;
  // The Queue is part of the pipeline: its deliveries to the drain consumer count in the run's CPU.
  const expected = drainedBefore + (stack.sent - sentBefore);
  let queueCaughtUp = false;
  const queueBy = performance.now() + QUEUE_WAIT_MS;
  while (performance.now() < queueBy) {
    if ((await stack.drained()) >= expected) {
      queueCaughtUp = true;
      break;
    }
    // Each poll is a request into workerd (about 0.7 ms of its CPU here); a slow poll keeps that out of the figure.
    await new Promise((r) => setTimeout(r, 200));
  }
  const cpuAfter = cpuMs(stack.pid);

  const latencies: number[] = [];
  let lastReceipt = t0;
  for (const [id, at] of ledger.receivedAt) {
    latencies.push(at - (ledger.sentAt.get(id) as number));
    lastReceipt = Math.max(lastReceipt, at);
  }
  const sorted = Float64Array.from(latencies).sort();
  const delivered = ledger.receivedAt.size;
  const sent = ledger.sentAt.size;
  return {
    shape: shape.kind,
    sent,
    delivered,
    duplicates: ledger.duplicates,
    foreign: ledger.foreign,
    missing: sent - delivered,
    notDelivered: ledger.notDelivered,
    eps: delivered > 0 ? (delivered * 1000) / (lastReceipt - t0) : 0,
    sendRate: sent > 1 ? (sent * 1000) / (lastSend - t0) : NaN,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : NaN,
    cpuUsPerEvent: delivered > 0 ? ((cpuAfter - cpuBefore) * 1000) / delivered : NaN,
    benchCores: (self.user + self.system) / 1e6 / wallS,
    queueCaughtUp,
  };
}
