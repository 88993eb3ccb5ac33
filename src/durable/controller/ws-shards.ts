/**
 * @module The controller's hold on the WebSocketShard objects (design.md §7): start one when its websocket endpoint
 * is added, stop it when removed, poke every one from the cron (the second watchdog beside each object's own alarm,
 * cloudflare.md §1.6), ask one for a handover, and read their status for the admin API.
 */
import type { HandoverMethod } from '../../core/socket-machine-types.ts';
import { errorMessage, logError } from '../../log.ts';
import type { ConduitController } from '../conduit-controller.ts';
import type { EndpointView, SocketView } from '../controller-types.ts';
import { shardStub } from '../shard-stub.ts';
import type { ShardStatusView } from '../shard-types.ts';
import { ControllerFailure } from './failure.ts';
import type { HandoverView } from './session-types.ts';
import { layoutShardsOf, websocketRow } from './sessions.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export class WsShards {
  constructor(
    private readonly c: ConduitController,
    private readonly env: Env,
  ) {}

  private stub(endpoint: string) {
    return shardStub(this.env, this.c.name, endpoint);
  }

  private websocketEndpoints(): string[] {
    return this.c.store.endpoints().flatMap((e) => (e.kind === 'websocket' ? [e.name] : []));
  }

  /** Never throws: a shard object that cannot start now is started by the next cron poke. */
  async start(endpoint: string): Promise<void> {
    try {
      await this.stub(endpoint).start({ controller: this.c.name });
    } catch (err) {
      logError(`ConduitController:${this.c.name} start-shard`, err, { endpoint });
      this.c.records.record(
        'websocket',
        `could not start the shard object of '${endpoint}': ${errorMessage(err)}`,
        'failed',
      );
    }
  }

  /** The endpoint is gone: close its socket, forget its session. */
  async stop(endpoint: string): Promise<void> {
    this.c.wsSessions.remove(endpoint);
    try {
      await this.stub(endpoint).stop();
    } catch (err) {
      logError(`ConduitController:${this.c.name} stop-shard`, err, { endpoint });
    }
  }

  /** The cron's poke: `start` is idempotent and checks every deadline of the object's machine. */
  async pokeAll(except: Set<string> = new Set()): Promise<void> {
    await Promise.all(this.websocketEndpoints().flatMap((name) => (except.has(name) ? [] : [this.start(name)])));
  }

  /** The endpoint's object holds `sessionId` on a live socket (maintenance health, design.md §6). */
  async isLive(endpoint: string, sessionId: string): Promise<boolean> {
    try {
      const s = await this.stub(endpoint).status();
      return s.phase !== 'stopped' && s.phase !== 'waiting' && s.phase !== 'connecting' && s.sessionId === sessionId;
    } catch (err) {
      logError(`ConduitController:${this.c.name} is-live`, err, { endpoint });
      return false;
    }
  }

  /**
   * Maintenance asks for a fresh socket (design.md §6: Twitch disabled the endpoint's shard on the session it still
   * reports, or it has none). A live object does it as a `reassign` handover — new socket, PATCH, then close the old
   * one, so no gap is added; one that is not live is poked, and its machine reconnects. Not awaited by the caller (a
   * handover can take seconds); at most one request per endpoint is in flight.
   */
  reconnect(endpoint: string, reason: string): void {
    if (this.reconnecting.has(endpoint)) return;
    this.reconnecting.add(endpoint);
    const run = async () => {
      const status = await this.stub(endpoint).status();
      if (status.phase !== 'connected') {
        await this.start(endpoint);
        return `poked (${status.phase})`;
      }
      const r = await this.stub(endpoint).handover('reassign');
      if (!r.ok) throw new Error(r.error);
      return `new session ${r.to} in ${r.ms} ms`;
    };
    void run()
      .then((done) => this.c.records.record('websocket', `'${endpoint}' reconnect (${reason}): ${done}`, 'ok'))
      .catch((err: unknown) => {
        logError(`ConduitController:${this.c.name} reconnect`, err, { endpoint });
        this.c.records.record(
          'websocket',
          `'${endpoint}' reconnect (${reason}) failed: ${errorMessage(err)}`,
          'failed',
        );
      })
      .finally(() => this.reconnecting.delete(endpoint));
  }

  private readonly reconnecting = new Set<string>();

  /** Waits for the shard object to finish (or abandon) the handover; the old socket delivers throughout. */
  async handover(endpoint: string, method: HandoverMethod): Promise<HandoverView> {
    websocketRow(this.c, endpoint);
    if (layoutShardsOf(this.c.store.layout(), endpoint).length === 0) {
      throw new ControllerFailure(409, `endpoint '${endpoint}' carries no shard in the layout: nothing to hand over`);
    }
    const result = await this.stub(endpoint).handover(method);
    if (!result.ok) {
      this.c.records.record('handover', `'${endpoint}' (${method}) did not happen: ${result.error}`, 'failed');
      throw new ControllerFailure(409, `handover of '${endpoint}' did not happen: ${result.error}`);
    }
    this.c.records.record('handover', `'${endpoint}' (${method}): ${result.from} → ${result.to}`, 'ok', {
      ms: result.ms,
    });
    return { endpoint, method, from_session: result.from, to_session: result.to, ms: result.ms };
  }

  /** Endpoint views with each websocket endpoint's socket status (one RPC per websocket endpoint). */
  async withSockets(views: EndpointView[]): Promise<EndpointView[]> {
    return Promise.all(
      views.map(async (v) => {
        if (v.kind !== 'websocket') return v;
        try {
          return { ...v, socket: socketView(await this.stub(v.name).status()) };
        } catch (err) {
          return { ...v, socket: { phase: 'unknown', problem: errorMessage(err) } };
        }
      }),
    );
  }
}

function socketView(s: ShardStatusView): SocketView {
  return {
    phase: s.phase,
    session_id: s.sessionId,
    assigned: s.assigned,
    connected_since: iso(s.connectedSince),
    last_frame_at: iso(s.lastFrameAt),
    reconnect_count: s.reconnectCount,
    events_received: s.eventsReceived,
    handover: s.handover,
    problem: s.problem,
  };
}
