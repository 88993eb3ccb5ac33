import worker from '../src/index.ts';
import { EventHub as ProductionHub } from '../src/durable/event-hub.ts';
import type { InboundMessage, IngestOutcome } from '../src/core/ingest-types.ts';
export { ConduitController } from '../src/durable/conduit-controller.ts';
export { ConsumerHub } from '../src/durable/consumer-hub.ts';
export { WebSocketShard } from '../src/durable/websocket-shard.ts';
type E = Env & { BENCH_ABLATION?: string };
const drop = { sendBatch: async () => ({}) as QueueSendBatchResponse };
export class EventHub extends ProductionHub {
  private mode: string;
  constructor(ctx: DurableObjectState, env: E) {
    super(ctx, env);
    this.mode = env.BENCH_ABLATION ?? '';
    if (this.mode !== 'full' && !this.mode.startsWith('group')) this.sink = drop;
  }
  override async ingest(messages: InboundMessage[]): Promise<IngestOutcome[]> {
    if (this.mode === 'rpc') return [];
    if (this.mode === 'record') {
      const r = (this as unknown as { record(m: InboundMessage[]): { outcomes: IngestOutcome[] } }).record(messages);
      return r.outcomes;
    }
    if (this.mode === 'record-publish') {
      const r = this as unknown as {
        record(m: InboundMessage[]): { outcomes: IngestOutcome[]; fresh: unknown[] };
        publish(e: unknown[]): void;
      };
      const out = r.record(messages);
      r.publish(out.fresh);
      return out.outcomes;
    }
    return super.ingest(messages);
  }
}
export default worker;

type Waiter = { messages: InboundMessage[]; resolve: (o: IngestOutcome[]) => void; reject: (e: unknown) => void };
type Internals = {
  record(m: InboundMessage[]): { outcomes: IngestOutcome[]; fresh: { cursor: number }[] };
  publish(e: unknown[]): void;
  route(e: unknown[]): Promise<boolean>;
  armAlarm(at: number): Promise<void>;
};
export class GroupHub extends EventHub {}
const outbox = new WeakMap<object, { events: unknown[]; timer: boolean }>();
const pending = new WeakMap<object, { q: Waiter[]; flushing: boolean }>();
const origIngest = EventHub.prototype.ingest;
EventHub.prototype.ingest = function (this: EventHub & { mode?: string }, messages: InboundMessage[]) {
  const self = this as unknown as { mode: string; ctx: DurableObjectState } & Internals;
  if (!self.mode.startsWith('group')) return origIngest.call(this, messages);
  let st = pending.get(this);
  if (!st) pending.set(this, (st = { q: [], flushing: false }));
  const state = st;
  return new Promise<IngestOutcome[]>((resolve, reject) => {
    state.q.push({ messages, resolve, reject });
    if (state.flushing) return;
    state.flushing = true;
    void (async () => {
      try {
        while (state.q.length > 0) {
          const batch = state.q.splice(0);
          let r: ReturnType<Internals['record']>;
          try {
            r = self.record(batch.flatMap((b) => b.messages));
          } catch (err) {
            batch.forEach((b) => b.reject(err));
            continue;
          }
          await self.ctx.storage.sync();
          let k = 0;
          for (const b of batch) {
            b.resolve(r.outcomes.slice(k, k + b.messages.length));
            k += b.messages.length;
          }
          if (r.fresh.length > 0 && self.mode === 'group-outbox') {
            self.publish(r.fresh);
            const o = (outbox.get(self) ?? outbox.set(self, { events: [], timer: false }).get(self))!;
            o.events.push(...r.fresh);
            if (!o.timer) {
              o.timer = true;
              setTimeout(() => {
                const events = o.events.splice(0);
                o.timer = false;
                void self.route(events).then(() => self.armAlarm(Date.now() + 3_600_000));
              }, 50);
            }
          } else if (r.fresh.length > 0) {
            self.publish(r.fresh);
            const routed = self.route(r.fresh).then(() => self.armAlarm(Date.now() + 3_600_000));
            if (self.mode === 'group-await') await routed;
          }
          // Let the answers leave before the next write, so the output gate does not hold them behind it.
          await new Promise((res) => setTimeout(res, 0));
        }
      } finally {
        state.flushing = false;
      }
    })();
  });
};
