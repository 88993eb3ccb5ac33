/**
 * @module The parts of a running simulator and the interfaces between them. Each part is built in its own module
 * and reaches the others only through this context.
 */
import type { SimClock } from './clock.ts';
import type { SimConfig } from './config.ts';
import type { Conduit, Shard, SimState, Subscription } from './state.ts';
import type { Timers } from './timers.ts';

/** The EventSub WebSocket server (sim/ws/). */
export interface WsHub {
  /** Send a JSON frame to the socket that currently carries the session. False if none is open. */
  sendFrame(sessionId: string, frame: unknown): boolean;
  /** Send session_reconnect; the old socket keeps delivering until the new one is welcomed. */
  reconnect(sessionId: string): boolean;
  /** `code` 0 or `'drop'` is an abrupt TCP drop. False if no socket carries the session or the code is unsendable. */
  close(sessionId: string, code: number | 'drop', reason?: string): boolean;
  /** Stop keepalives and pings on the session, as if the edge had hung (sim choice: notifications still go out). */
  silence(sessionId: string): boolean;
  /** Close every socket (used by reset and shutdown). */
  closeAll(): void;
}

export type WebhookMessageType = 'notification' | 'webhook_callback_verification' | 'revocation';

export interface WebhookAttempt {
  ok: boolean;
  status?: number;
  error?: string;
}

/** Signed webhook delivery (sim/webhook/). */
export interface WebhookOut {
  /** Challenge a newly assigned webhook shard; moves it to enabled or verification_failed. */
  challengeShard(conduit: Conduit, shard: Shard): Promise<boolean>;
  /** Challenge a plain webhook subscription; moves it to enabled or verification_failed. */
  challengeSubscription(sub: Subscription): Promise<boolean>;
  /**
   * Send one message with Twitch's retry rules on the same URL. Resolves with the first attempt's result; later
   * retries run in the background and update stats and statuses.
   */
  send(target: WebhookTarget, message: OutboundMessage): Promise<WebhookAttempt>;
}

export interface WebhookTarget {
  callback: string;
  secret: string;
  /** Set for webhook shards (failures count against the shard); absent for plain subscriptions. */
  shard?: { conduit: Conduit; shard: Shard };
  subscription?: Subscription;
}

/** A notification or revocation, transport-neutral. */
export interface OutboundMessage {
  messageId: string;
  type: 'notification' | 'revocation';
  subscription: Subscription;
  /** JSON body for webhooks: `{subscription, event}` or `{subscription, events}` or `{subscription}`. */
  payload: Record<string, unknown>;
  /** Shift the signed timestamp (stale/future replay tests); see NotifyInput.timestamp_offset_ms. */
  timestampOffsetMs?: number;
}

export interface DeliveryResult {
  subscription_id: string;
  /** The transport that carried it; `conduit` when it was dropped before reaching any shard's transport. */
  transport: 'webhook' | 'websocket' | 'conduit';
  conduit_id?: string;
  shard_id?: string;
  /** The first shard the hash chose, when the event was re-sent to another one. */
  hashed_shard_id?: string;
  status: 'delivered' | 'dropped' | 'failed' | 'retrying';
  message_id: string;
  reason?: string;
}

export interface NotifyInput {
  type: string;
  version: string;
  condition?: Record<string, string>;
  event?: Record<string, unknown>;
  /** Re-use a message id (to make the simulator send a duplicate). */
  message_id?: string;
  /** Send the same message this many extra times (duplicates). */
  duplicates?: number;
  /** Shift the signed timestamp (negative = stale), for replay tests. */
  timestamp_offset_ms?: number;
}

/** The conduit routing engine (sim/delivery.ts). */
export interface Delivery {
  notify(input: NotifyInput): Promise<DeliveryResult[]>;
  revoke(sub: Subscription, status: Subscription['status']): Promise<void>;
}

export interface Sim {
  config: SimConfig;
  clock: SimClock;
  state: SimState;
  timers: Timers;
  ws: WsHub;
  webhooks: WebhookOut;
  delivery: Delivery;
  /** e.g. http://127.0.0.1:8080 once listening */
  baseUrl: string;
}
