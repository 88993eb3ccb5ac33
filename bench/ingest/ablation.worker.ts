/**
 * @module Where the full pipeline's cost goes (issue #8: "look for the cause"): the production entry with one stage
 * replaced, chosen by the `BENCH_ABLATION` var. `route`: the EventHub is a stub that records nothing, so what is
 * left is the route itself (registry, verification, parsing, hub choice). `no-send`: the real EventHub with a Queue
 * sink that drops, so what is left is the RPC to the hub and its durable write. Anything else: production as is.
 * Never deployed; `npm run bench` builds it like the real Worker.
 */
import worker from '../../src/index.ts';
import { EventHub as ProductionHub } from '../../src/durable/event-hub.ts';

export { ConduitController } from '../../src/durable/conduit-controller.ts';
export { ConsumerHub } from '../../src/durable/consumer-hub.ts';
export { WebSocketShard } from '../../src/durable/websocket-shard.ts';

type AblationEnv = Env & { BENCH_ABLATION?: string };

const droppingSink = {
  sendBatch: async () => ({ metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } }) as QueueSendBatchResponse,
};

export class EventHub extends ProductionHub {
  constructor(ctx: DurableObjectState, env: AblationEnv) {
    super(ctx, env);
    if (env.BENCH_ABLATION === 'no-send') this.sink = droppingSink;
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
