/**
 * @module WebSocketShard: one object per websocket endpoint (`ws:<endpoint>`, design.md §7), one job: hold that
 * endpoint's EventSub socket. The protocol is the pure machine of src/core/socket-machine.ts; this class turns socket
 * events, the alarm, an in-memory timer and the controller's answers into inputs, and carries out the effects (open
 * and close sockets, ask the controller to assign, ingest into the hubs, arm the alarm, persist the record). It never
 * sends a data frame: Twitch closes a socket that does with 4001 (twitch-eventsub.md §6.1).
 */
import { DurableObject } from 'cloudflare:workers';
import { loadConfig } from '../config.ts';
import { handoverRefusal, initialState, nextDeadline, statusOf, step } from '../core/socket-machine.ts';
import { DEFAULT_TIMINGS } from '../core/socket-machine-state.ts';
import type { Effect, HandoverMethod, Input, SocketId, SocketState } from '../core/socket-machine-types.ts';
import { errorMessage, log, logError } from '../log.ts';
import type { SessionRpc } from './controller/session-types.ts';
import { DeadlineTimer } from './shard/deadline-timer.ts';
import { HandoverWait } from './shard/handover-wait.ts';
import { HubFeed } from './shard/hub-feed.ts';
import { machineConfig, mergeSettings, ShardStorage, type ShardSettings } from './shard/settings.ts';
import { endpointOfShard, suffixOf } from './shard-stub.ts';
import type { HandoverResult, ShardRpc, ShardStartOptions, ShardStatusView } from './shard-types.ts';
import { openSocket, type OutboundSocket } from './socket-adapter.ts';
import { stoppedStatus } from './shard/status.ts';

export class WebSocketShard extends DurableObject<Env> implements ShardRpc {
  private readonly storage: ShardStorage;
  private machine: SocketState | null = null;
  private hubs: HubFeed | null = null;
  /** Why the machine cannot run (bad configuration), or null. */
  private problem: string | null = null;
  private readonly sockets = new Map<SocketId, OutboundSocket>();
  private readonly handoverWait = new HandoverWait();
  /** The fast watchdog at the machine's next deadline (the alarm is the backstop). */
  private readonly timer = new DeadlineTimer(() => {
    try {
      this.feed({ type: 'tick' });
    } catch (err) {
      logError(this.tag('timer'), err);
    }
  });

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.storage = new ShardStorage(ctx.storage.kv);
    // Synchronous reads, no network: an instance rebuilt after eviction, a crash or a deploy knows at once whether it
    // should be connected; its first alarm (or RPC) reconnects (cloudflare.md §1.3, §1.6).
    const settings = this.storage.settings;
    if (settings) this.build(settings);
  }

  get name(): string {
    return this.storage.settings?.name ?? this.ctx.id.name ?? this.ctx.id.toString();
  }

  private tag(method: string): string {
    return `WebSocketShard:${this.name} ${method}`;
  }

  /** (Re)build the machine's config from settings and env, keeping the record and any live sockets. */
  private build(settings: ShardSettings): void {
    try {
      const config = loadConfig(this.env);
      const saved = this.machine?.saved ?? this.storage.record;
      const fresh = initialState(machineConfig(settings, config.TWITCH_EVENTSUB_WS_URL), saved);
      this.machine = this.machine ? { ...fresh, run: this.machine.run } : fresh;
      this.hubs ??= new HubFeed({
        hub: (name) => this.env.EVENT_HUB.getByName(name),
        hubCount: config.HUB_COUNT,
        suffix: suffixOf(settings.name),
        tag: this.tag('ingest'),
      });
      this.problem = null;
    } catch (err) {
      // loadConfig names bad settings, never their values (config.ts).
      this.problem = errorMessage(err);
      logError(this.tag('configure'), err);
    }
  }

  /** Every entry point: catch, tag and log, then rethrow so the caller sees the failure. */
  private entry<T>(method: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      logError(this.tag(method), err);
      throw err;
    }
  }

  // RPC surface (ShardRpc)

  async start(opts: ShardStartOptions): Promise<ShardStatusView> {
    return this.entry('start', () => {
      const name = this.storage.settings?.name ?? this.ctx.id.name;
      const endpoint = name ? endpointOfShard(name) : null;
      if (!name || !endpoint) throw new Error('a WebSocketShard must be addressed as ws:<endpoint> (getByName)');
      const stored = this.storage.settings;
      const settings = mergeSettings(stored, name, endpoint, opts);
      if (!this.machine || JSON.stringify(settings) !== JSON.stringify(stored)) {
        this.storage.settings = settings;
        this.build(settings);
      }
      if (this.problem) throw new Error(this.problem);
      this.feed({ type: 'start' });
      // Also the cron's poke (the second watchdog, cloudflare.md §1.6): every deadline is checked now.
      this.feed({ type: 'tick' });
      return this.view();
    });
  }

  async stop(): Promise<ShardStatusView> {
    return this.entry('stop', () => {
      this.feed({ type: 'stop' });
      return this.view();
    });
  }

  async status(): Promise<ShardStatusView> {
    return this.entry('status', () => {
      this.feed({ type: 'tick' });
      return this.view();
    });
  }

  /** Resolves when the handover is done or abandoned (the old socket then still carries the shards). */
  async handover(method: HandoverMethod): Promise<HandoverResult> {
    const refused = this.entry('handover', () => {
      if (!this.machine) return this.problem ?? 'the shard was never started';
      if (this.handoverWait.busy) return 'a handover is already under way';
      return handoverRefusal(this.machine);
    });
    if (refused !== null) return { ok: false, error: refused };
    return this.handoverWait.wait(() => this.entry('handover', () => this.feed({ type: 'handover', method })));
  }

  /** Heartbeat and watchdog (cloudflare.md §1.6): the machine checks every deadline; re-armed in `finally`. */
  override async alarm(): Promise<void> {
    try {
      if (this.problem) log('error', this.tag('alarm'), `cannot run: ${this.problem}`);
      this.feed({ type: 'tick', alarm: true });
    } catch (err) {
      logError(this.tag('alarm'), err);
    } finally {
      try {
        const desired = this.machine?.saved.desired ?? this.storage.record?.desired;
        const armed = this.machine?.run.alarmAt ?? null;
        if (desired === 'connected' && (armed === null || armed <= Date.now())) {
          const every = this.machine?.config.timings.heartbeatMs ?? DEFAULT_TIMINGS.heartbeatMs;
          await this.ctx.storage.setAlarm(Date.now() + every);
        }
      } catch (err) {
        logError(this.tag('alarm'), err);
      }
    }
  }

  // The machine and its effects

  private feed(input: Input): void {
    const before = this.machine;
    if (!before) return;
    let result;
    try {
      result = step(before, input, Date.now());
    } catch (err) {
      logError(this.tag('step'), err, { input: input.type });
      return;
    }
    this.machine = result.state;
    for (const effect of result.effects) {
      try {
        this.carry(effect);
      } catch (err) {
        logError(this.tag(effect.type), err);
      }
    }
    this.handoverWait.settle(before, result.state, result.effects);
    this.timer.set(nextDeadline(result.state));
  }

  private carry(e: Effect): void {
    switch (e.type) {
      case 'open':
        return void this.open(e.socket, e.url);
      case 'close':
        this.sockets.get(e.socket)?.close(e.code, e.reason);
        this.sockets.delete(e.socket);
        return;
      case 'assign':
        return void this.assign(e.sessionId, e.handover);
      case 'ingest':
        return this.hubs?.push(e.messages);
      case 'setAlarm':
        return void this.ctx.storage.setAlarm(e.at).catch((err) => logError(this.tag('setAlarm'), err));
      case 'clearAlarm':
        return void this.ctx.storage.deleteAlarm().catch((err) => logError(this.tag('clearAlarm'), err));
      case 'persist':
        this.storage.record = e.data;
        return;
      case 'log':
        if (e.level !== 'debug') log(e.level, this.tag('socket'), e.message);
        return;
    }
  }

  private async open(socket: SocketId, url: string): Promise<void> {
    try {
      const opened = await openSocket(url, {
        text: (text) => this.feed({ type: 'frame', socket, text }),
        closed: (code, reason) => {
          this.sockets.delete(socket);
          this.feed({ type: 'closed', socket, code, reason });
        },
      });
      this.sockets.set(socket, opened);
      this.feed({ type: 'opened', socket });
    } catch (err) {
      this.feed({ type: 'open_failed', socket, error: errorMessage(err) });
    }
  }

  /** §5.3: the controller PATCHes the shards within 10 s of the welcome (its fast path, controller/sessions.ts). */
  private async assign(sessionId: string, handover?: HandoverMethod): Promise<void> {
    const settings = this.storage.settings;
    const started = Date.now();
    let input: Input;
    try {
      if (!settings) throw new Error('never started: no controller to ask');
      const controller = this.env.CONDUIT_CONTROLLER.getByName(settings.controller) as unknown as SessionRpc;
      const outcome =
        handover === 'swap'
          ? await controller.swapSession(settings.endpoint, sessionId)
          : await controller.assignSession(settings.endpoint, sessionId);
      input = outcome.ok
        ? { type: 'assigned', sessionId }
        : { type: 'assign_failed', sessionId, error: `${outcome.status} ${outcome.error}` };
    } catch (err) {
      input = { type: 'assign_failed', sessionId, error: errorMessage(err) };
    }
    const ok = input.type === 'assigned';
    log(ok ? 'info' : 'warn', this.tag('assign'), ok ? 'assigned' : `assign failed: ${errorText(input)}`, {
      session_id: sessionId,
      handover: handover ?? null,
      ms: Date.now() - started,
    });
    this.feed(input);
  }

  private view(): ShardStatusView {
    const settings = this.storage.settings;
    const base = this.machine ? statusOf(this.machine) : stoppedStatus(this.storage.record);
    return {
      ...base,
      endpoint: settings?.endpoint ?? null,
      handover: this.machine?.run.handover?.method ?? null,
      problem: this.problem ?? (settings ? null : 'never started'),
    };
  }
}

function errorText(input: Input): string {
  return input.type === 'assign_failed' ? input.error : '';
}
