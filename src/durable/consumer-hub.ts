/**
 * @module ConsumerHub: the live consumers of `GET /events` (design.md §5), one job: hold their sockets with the
 * Hibernation API (cloudflare.md §2) and fan out what the EventHubs publish. The Worker authenticates and validates
 * before forwarding the upgrade; the object trusts the session it is handed and keeps it in the socket's attachment.
 *
 * Topology: one object, `consumers`, with every hub publishing to it. A socket lives in one object and a consumer
 * may want events from every hub (no broadcaster filter), so per-hub consumer objects would force clients to open
 * HUB_COUNT sockets. The request rate this object sees is bounded by construction instead: each hub sends at most
 * one publish at a time, at least `publishIntervalMs(HUB_COUNT)` apart (hub/publisher.ts), so all hubs together
 * stay near 500 requests per second at most, half the ~1,000/s soft limit of one object, however many events flow;
 * under load batches grow, not requests. Socket connects add to that; a replay reads only the hubs that hold
 * events after the cursor (and only those of the filtered broadcasters). Past a few thousand sockets the next step
 * is several such objects with each hub publishing to all of them.
 */
import { DurableObject } from 'cloudflare:workers';
import { loadConfig } from '../config.ts';
import { CLOSE_RESTART } from '../core/consumer-frames.ts';
import type { RecordedEvent } from '../core/event-envelope.ts';
import { errorMessage, log, logError } from '../log.ts';
import { fanOut } from './consumer/fanout.ts';
import { Heads } from './consumer/heads.ts';
import { replay, ReplayRun } from './consumer/replay.ts';
import { migrate } from './consumer/schema.ts';
import { DEFAULT_CONSUMER_POLICY, parseSession, Sockets, tagsFor, type ConsumerPolicy } from './consumer/sockets.ts';
import { consumerSuffix, SESSION_HEADER, type ConsumerRpc, type PublishAnswer } from './consumer-types.ts';
import type { HubRpc } from './hub-types.ts';

/** Pages read back per gap repair: a full log of 10,000 events in pages of 500, with room. */
const MAX_GAP_PAGES = 40;

export class ConsumerHub extends DurableObject<Env> implements ConsumerRpc {
  policy: ConsumerPolicy = DEFAULT_CONSUMER_POLICY;
  readonly sockets: Sockets;
  private heads: Heads | null = null;
  private readonly replaying = new Map<WebSocket, ReplayRun>();
  /** One chain per hub: its publishes are handled one at a time, in order. */
  private readonly lanes = new Map<number, Promise<unknown>>();
  private broken: unknown = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sockets = new Sockets(() => this.policy, `ConsumerHub:${this.name}`);
    // Answered by the runtime without waking the object (cloudflare.md §2): clients may keep the socket warm.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
    void ctx.blockConcurrencyWhile(async () => {
      try {
        migrate(ctx.storage.sql);
        this.heads = new Heads(ctx.storage.sql);
      } catch (err) {
        // Never let an error escape blockConcurrencyWhile (the object would be reset): log, and fail every call.
        logError(`ConsumerHub:${this.name} migrate`, err);
        this.broken = err;
      }
    });
  }

  get name(): string {
    return this.ctx.id.name ?? this.ctx.id.toString();
  }

  private get hubCount(): number {
    return loadConfig(this.env).HUB_COUNT;
  }

  /** The hub of an index, in this object's scope; a test may wrap it (to hold a replay read, for instance). */
  hub: (index: number) => Pick<HubRpc, 'replay' | 'head'> = (index) =>
    this.env.EVENT_HUB.getByName(`hub:${index}${consumerSuffix(this.name)}`) as unknown as HubRpc;

  private live(): Heads {
    if (this.broken || !this.heads) throw new Error('consumer hub storage failed to migrate');
    return this.heads;
  }

  override async fetch(request: Request): Promise<Response> {
    try {
      const heads = this.live();
      if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
        return Response.json({ error: 'expected Upgrade: websocket' }, { status: 426 });
      }
      const session = parseSession(request.headers.get(SESSION_HEADER));
      if (!session) return Response.json({ error: 'invalid consumer session' }, { status: 400 });
      const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
      this.ctx.acceptWebSocket(server, tagsFor(session.filter));
      this.sockets.save(server, { v: 1, filter: session.filter, floor: [], live: false });
      // Registered before the first await: from here every published event is buffered for it.
      const run = new ReplayRun(server, session.filter, session.since);
      this.replaying.set(server, run);
      this.ctx.waitUntil(this.start(run, heads));
      return new Response(null, { status: 101, webSocket: client });
    } catch (err) {
      logError(`ConsumerHub:${this.name} fetch`, err);
      return Response.json({ error: 'internal error' }, { status: 500 });
    }
  }

  private async start(run: ReplayRun, heads: Heads): Promise<void> {
    try {
      await replay(run, {
        hub: (i) => this.hub(i),
        heads,
        hubCount: this.hubCount,
        sockets: this.sockets,
        policy: this.policy,
      });
    } catch (err) {
      logError(`ConsumerHub:${this.name} replay`, err);
      this.sockets.close(run.ws, CLOSE_RESTART, 'replay failed; resume with ?since from the last frame', run.cursor);
    } finally {
      this.replaying.delete(run.ws);
    }
  }

  async publish(hub: number, events: RecordedEvent[]): Promise<PublishAnswer> {
    const prev = this.lanes.get(hub) ?? Promise.resolve();
    const next = prev.then(() => this.handle(hub, events));
    this.lanes.set(
      hub,
      next.catch(() => undefined),
    );
    return next;
  }

  private async handle(hub: number, published: RecordedEvent[]): Promise<PublishAnswer> {
    try {
      const heads = this.live();
      const sockets = this.ctx.getWebSockets().length;
      const known = heads.get(hub);
      let events = [...published].sort((a, b) => a.cursor - b.cursor);
      const first = events[0];
      if (!first) return { sockets };
      // Nothing fanned out from this hub yet: the sockets' own positions say where they need events from.
      const from = sockets > 0 ? (known ?? this.lowestFloor(hub)) : undefined;
      if (from !== undefined && first.cursor > from + 1) {
        events = [...(await this.readGap(hub, from, first.cursor)), ...events];
      }
      if (known !== undefined) events = events.filter((e) => e.cursor > known);
      if (events.length === 0) return { sockets };
      if (sockets > 0) {
        const base = heads.snapshot(this.hubCount);
        fanOut(
          { ctx: this.ctx, sockets: this.sockets, replaying: this.replaying, policy: this.policy, base },
          hub,
          events,
        );
      }
      heads.advance(hub, events[events.length - 1]!.cursor);
      return { sockets };
    } catch (err) {
      logError(`ConsumerHub:${this.name} publish`, err, { hub });
      throw err;
    }
  }

  private lowestFloor(hub: number): number | undefined {
    let low: number | undefined;
    for (const ws of this.ctx.getWebSockets()) {
      const run = this.replaying.get(ws);
      // A start still being looked up (replay.ts) says nothing yet; that socket's replay reads what it needs.
      const floor = run ? (run.started ? run.floor[hub] : undefined) : this.sockets.state(ws)?.floor[hub];
      if (floor !== undefined) low = Math.min(low ?? floor, floor);
    }
    return low;
  }

  /** Events a lost publish carried: read back from the hub's log, up to (not including) `before`. */
  private async readGap(hub: number, after: number, before: number): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    let position = after;
    const query = { limit: this.policy.replayPage, maxBytes: this.policy.replayBytes, types: null, keys: null };
    for (let page = 0; page < MAX_GAP_PAGES && position < before - 1; page++) {
      const p = await this.hub(hub).replay(position, query);
      if (page === 0 && p.firstKept > after + 1) {
        log('warn', `ConsumerHub:${this.name} publish`, 'events lost before live sockets got them (pruned)', { hub });
      }
      out.push(...p.events.filter((e) => e.cursor < before));
      position = p.scannedTo;
      if (!p.more) break;
    }
    return out;
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    // Acknowledgements (sockets.ts); "ping" never arrives here, the auto-response answers it without waking us.
    this.sockets.received(ws, message);
  }

  override webSocketClose(ws: WebSocket, code: number, _reason: string, _wasClean: boolean): void {
    // Under web_socket_auto_reply_to_close (compat 2026-04-07) the runtime answers the close itself.
    this.replaying.delete(ws);
    this.sockets.forget(ws);
    log('info', `ConsumerHub:${this.name} webSocketClose`, 'consumer left', { code });
  }

  override webSocketError(ws: WebSocket, err: unknown): void {
    this.replaying.delete(ws);
    this.sockets.forget(ws);
    log('warn', `ConsumerHub:${this.name} webSocketError`, errorMessage(err));
  }
}
