/**
 * @module A `Sim` with the real webhook sender and delivery engine, a recording fake WebSocket hub, and helpers
 * that seed conduits, shards and subscriptions straight into `sim.state` (no Helix or WebSocket server needed).
 */
import { SimClock } from '../../sim/clock.ts';
import { makeConfig, type SimConfigInput } from '../../sim/config.ts';
import type { Sim, WsHub } from '../../sim/context.ts';
import { createDelivery } from '../../sim/delivery.ts';
import { sessionId, uuid } from '../../sim/ids.ts';
import {
  DEFAULT_CLIENT_ID,
  SimState,
  type Conduit,
  type Shard,
  type ShardStatus,
  type Subscription,
  type SubscriptionTransport,
} from '../../sim/state.ts';
import { Timers } from '../../sim/timers.ts';
import { createWebhookOut } from '../../sim/webhook/sender.ts';

export interface SentFrame {
  sessionId: string;
  frame: {
    metadata: Record<string, string>;
    payload: {
      subscription: { id: string; status: string; transport: Record<string, string> };
      event?: Record<string, unknown>;
    };
  };
}

export interface FakeWsHub extends WsHub {
  frames: SentFrame[];
  /** Sessions with an open socket; sendFrame to any other session fails. */
  open: Set<string>;
}

export interface Harness {
  sim: Sim;
  ws: FakeWsHub;
  addConduit(shardCount: number, clientId?: string): Conduit;
  webhookShard(conduit: Conduit, index: number, callback: string, secret: string, status?: ShardStatus): Shard;
  /** A WebSocket shard whose session is open unless the status says otherwise. */
  socketShard(conduit: Conduit, index: number, status?: ShardStatus): Shard;
  subscribe(s: {
    type: string;
    version?: string;
    condition: Record<string, string>;
    transport: SubscriptionTransport;
    status?: Subscription['status'];
    clientId?: string;
    isBatchingEnabled?: boolean;
  }): Subscription;
  close(): void;
}

function fakeWsHub(): FakeWsHub {
  const frames: SentFrame[] = [];
  const open = new Set<string>();
  return {
    frames,
    open,
    sendFrame(id, frame) {
      if (!open.has(id)) return false;
      frames.push({ sessionId: id, frame: frame as SentFrame['frame'] });
      return true;
    },
    reconnect: (id) => open.has(id),
    close: (id) => open.delete(id),
    silence: (id) => open.has(id),
    closeAll: () => open.clear(),
  };
}

export function createHarness(config: SimConfigInput = {}): Harness {
  const cfg = makeConfig({ webhookTimeoutMs: 1_000, webhookRetryDelaysMs: [20, 20], ...config });
  const clock = new SimClock();
  const ws = fakeWsHub();
  const parts: Omit<Sim, 'webhooks' | 'delivery'> = {
    config: cfg,
    clock,
    state: new SimState(cfg, clock),
    timers: new Timers(),
    ws,
    baseUrl: '',
  };
  const sim = parts as Sim;
  sim.webhooks = createWebhookOut(sim);
  sim.delivery = createDelivery(sim);

  return {
    sim,
    ws,
    addConduit(shardCount, clientId = DEFAULT_CLIENT_ID) {
      const conduit: Conduit = { id: uuid(), clientId, shardCount, shards: [], createdAt: clock.now() };
      sim.state.conduits.set(conduit.id, conduit);
      return conduit;
    },
    webhookShard(conduit, index, callback, secret, status = 'enabled') {
      const shard: Shard = {
        id: String(index),
        status,
        failures: 0,
        transport: { method: 'webhook', callback, secret },
      };
      conduit.shards[index] = shard;
      return shard;
    },
    socketShard(conduit, index, status = 'enabled') {
      const id = sessionId();
      if (status === 'enabled') ws.open.add(id);
      const transport = { method: 'websocket' as const, session_id: id, connected_at: clock.rfc3339() };
      const shard: Shard = { id: String(index), status, failures: 0, transport };
      conduit.shards[index] = shard;
      return shard;
    },
    subscribe(s) {
      const sub: Subscription = {
        id: uuid(),
        clientId: s.clientId ?? DEFAULT_CLIENT_ID,
        type: s.type,
        version: s.version ?? '1',
        condition: s.condition,
        transport: s.transport,
        status: s.status ?? 'enabled',
        cost: 0,
        createdAt: clock.rfc3339(),
        isBatchingEnabled: s.isBatchingEnabled,
      };
      sim.state.subscriptions.set(sub.id, sub);
      return sub;
    },
    close() {
      sim.timers.cancelAll();
      ws.closeAll();
    },
  };
}
