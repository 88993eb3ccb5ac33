/**
 * @module The simulator's whole world (twitch-eventsub.md §8.1): apps, tokens, conduits and shards, WebSocket
 * sessions, subscriptions and delivery counters. Mutations that other modules react to go through methods that
 * emit events, so the WebSocket server, the webhook sender and the delivery engine stay decoupled.
 */
import { EventEmitter } from 'node:events';
import { CallLog } from './call-log.ts';
import type { SimClock } from './clock.ts';
import type { SimConfig } from './config.ts';

export const DEFAULT_CLIENT_ID = 'sim-client-id';
export const DEFAULT_CLIENT_SECRET = 'sim-client-secret';

export const SHARD_STATUSES = [
  'enabled',
  'webhook_callback_verification_pending',
  'webhook_callback_verification_failed',
  'notification_failures_exceeded',
  'websocket_disconnected',
  'websocket_failed_ping_pong',
  'websocket_received_inbound_traffic',
  'websocket_internal_error',
  'websocket_network_timeout',
  'websocket_network_error',
  'websocket_failed_to_reconnect',
] as const;

/** Shard statuses of twitch-eventsub.md §1.8. */
export type ShardStatus = (typeof SHARD_STATUSES)[number];

export type SubscriptionStatus =
  | ShardStatus
  | 'authorization_revoked'
  | 'moderator_removed'
  | 'user_removed'
  | 'chat_user_banned'
  | 'version_removed'
  | 'beta_maintenance'
  | 'websocket_connection_unused'
  | 'conduit_deleted';

export interface WebhookTransport {
  method: 'webhook';
  callback: string;
  secret: string;
}
export interface WebSocketTransport {
  method: 'websocket';
  session_id: string;
  connected_at: string;
  disconnected_at?: string;
}
export interface ConduitTransport {
  method: 'conduit';
  conduit_id: string;
}
export type ShardTransport = WebhookTransport | WebSocketTransport;
export type SubscriptionTransport = ShardTransport | ConduitTransport;

export interface Shard {
  id: string;
  status: ShardStatus;
  transport: ShardTransport;
  /** Consecutive notification failures on a webhook shard. */
  failures: number;
  /** When the shard last left `enabled` (for the 72-hour rule). */
  disabledSince?: number;
}

export interface Conduit {
  id: string;
  clientId: string;
  shardCount: number;
  /** Sparse: index = shard id; undefined = never assigned. */
  shards: (Shard | undefined)[];
  createdAt: number;
}

export interface Client {
  clientId: string;
  secret: string;
}

export interface TokenInfo {
  token: string;
  clientId: string;
  kind: 'app' | 'user';
  userId?: string;
  login?: string;
  scopes: string[];
  expiresAt: number;
}

export interface Session {
  id: string;
  connectedAt: string;
  keepaliveSeconds: number;
  status: 'connected' | 'reconnecting' | 'closed';
  /** A shard or a direct subscription uses this session (the 4003 "unused" rule). */
  used: boolean;
}

export interface Subscription {
  id: string;
  clientId: string;
  type: string;
  version: string;
  condition: Record<string, string>;
  transport: SubscriptionTransport;
  status: SubscriptionStatus;
  cost: number;
  createdAt: string;
  /** For user-token (websocket) subscriptions: whose token created it. */
  userId?: string;
  isBatchingEnabled?: boolean;
}

export interface ShardStats {
  sent: number;
  delivered: number;
  retried: number;
  dropped: number;
  failed: number;
}

export interface SimEvents {
  /** A shard left `enabled` (twitch-eventsub.md §4: sim emits conduit.shard.disabled on every such transition). */
  shardDisabled: [conduit: Conduit, shard: Shard];
  conduitDeleted: [conduit: Conduit];
}

export class SimState extends EventEmitter<SimEvents> {
  clients = new Map<string, Client>();
  tokens = new Map<string, TokenInfo>();
  conduits = new Map<string, Conduit>();
  sessions = new Map<string, Session>();
  subscriptions = new Map<string, Subscription>();
  /** Broadcaster/user ids that have authorized each client (cost 0 instead of 1, §2.5). */
  authorizations = new Map<string, Set<string>>();
  /** Delivery counters, keyed `conduitId/shardId`, plus the `direct` key for non-conduit transports. */
  stats = new Map<string, ShardStats>();
  /** Every Helix request answered, oldest first, bounded (GET /_sim/calls). */
  calls = new CallLog();

  constructor(
    readonly config: SimConfig,
    readonly clock: SimClock,
  ) {
    super();
    this.reset();
  }

  reset(): void {
    this.clients.clear();
    this.tokens.clear();
    this.conduits.clear();
    this.sessions.clear();
    this.subscriptions.clear();
    this.authorizations.clear();
    this.stats.clear();
    this.calls.clear();
    this.clients.set(DEFAULT_CLIENT_ID, { clientId: DEFAULT_CLIENT_ID, secret: DEFAULT_CLIENT_SECRET });
  }

  statsFor(key: string): ShardStats {
    let s = this.stats.get(key);
    if (!s) {
      s = { sent: 0, delivered: 0, retried: 0, dropped: 0, failed: 0 };
      this.stats.set(key, s);
    }
    return s;
  }

  /**
   * The one way a shard's status changes. Emits `shardDisabled` on every transition away from `enabled`.
   */
  setShardStatus(conduit: Conduit, shard: Shard, status: ShardStatus): void {
    const was = shard.status;
    shard.status = status;
    if (status === 'enabled') {
      shard.failures = 0;
      delete shard.disabledSince;
    } else if (was === 'enabled' || shard.disabledSince === undefined) {
      shard.disabledSince = this.clock.now();
    }
    if (was === 'enabled' && status !== 'enabled') this.emit('shardDisabled', conduit, shard);
  }

  /** Shards (of any conduit) whose WebSocket transport is the given session. */
  shardsOnSession(sessionId: string): { conduit: Conduit; shard: Shard }[] {
    const out: { conduit: Conduit; shard: Shard }[] = [];
    for (const conduit of this.conduits.values()) {
      for (const shard of conduit.shards) {
        if (shard?.transport.method === 'websocket' && shard.transport.session_id === sessionId) {
          out.push({ conduit, shard });
        }
      }
    }
    return out;
  }

  isAuthorized(clientId: string, userId: string): boolean {
    return this.authorizations.get(clientId)?.has(userId) ?? false;
  }

  authorize(clientId: string, userIds: string[]): void {
    let set = this.authorizations.get(clientId);
    if (!set) {
      set = new Set();
      this.authorizations.set(clientId, set);
    }
    for (const id of userIds) set.add(id);
  }
}
