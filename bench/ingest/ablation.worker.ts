/**
 * @module Where the full pipeline's cost goes (issue #8: "look for the cause"): the production entry with one stage
 * replaced, chosen by the `BENCH_ABLATION` var. `route`: the EventHub is a stub outside the object, so what is left
 * is the route itself (registry, verification, parsing, hub choice). `rpc`: the real EventHub answers at once, so
 * the RPC into the object is added. `record`: the hub records (de-duplicates and writes the log durably) and
 * answers, without publishing to consumers or handing events to the Queue. Anything else: production as is.
 * Never deployed; `npm run bench` builds it like the real Worker.
 */
import type { InboundMessage, IngestOutcome } from '../../src/core/ingest-types.ts';
import { EventHub as ProductionHub } from '../../src/durable/event-hub.ts';
import worker from '../../src/index.ts';

export { ConduitController } from '../../src/durable/conduit-controller.ts';
export { ConsumerHub } from '../../src/durable/consumer-hub.ts';
export { WebSocketShard } from '../../src/durable/websocket-shard.ts';

type AblationEnv = Env & { BENCH_ABLATION?: string };

/** The hub's own recording step, reached past TypeScript's `private` (bench only). */
type Recorder = { record(messages: InboundMessage[]): { outcomes: IngestOutcome[] } };

export class EventHub extends ProductionHub {
  private readonly ablation: string;

  constructor(ctx: DurableObjectState, env: AblationEnv) {
    super(ctx, env);
    this.ablation = env.BENCH_ABLATION ?? '';
  }

  override async ingest(messages: InboundMessage[]): Promise<IngestOutcome[]> {
    if (this.ablation === 'rpc') return [];
    if (this.ablation === 'record') return (this as unknown as Recorder).record(messages).outcomes;
    return super.ingest(messages);
  }
}

const stubHubs = { getByName: () => ({ ingest: async () => [] }) } as unknown as Env['EVENT_HUB'];
/** One stubbed env per real one: the config is parsed once per env object (src/config.ts), as in production. */
const stubbed = new WeakMap<object, AblationEnv>();

export default {
  ...worker,
  fetch(request: Request, env: AblationEnv, ctx: ExecutionContext) {
    let e = env;
    if (env.BENCH_ABLATION === 'route') {
      e = stubbed.get(env) ?? { ...env, EVENT_HUB: stubHubs };
      stubbed.set(env, e);
    }
    return worker.fetch(request, e, ctx);
  },
} satisfies ExportedHandler<AblationEnv>;
