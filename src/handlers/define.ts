/**
 * @module The typed handler registry's building blocks: `defineHandler(type, version, schema, fn)` pairs an EventSub
 * type with a zod schema for its `event` and the function to run; a catch-all takes what no typed handler does, and
 * a revocation handler takes revocations. Handlers run from the Queue, at least once: make them idempotent (the
 * message id in the context is the key).
 */
import type { z } from 'zod';

export interface EventContext {
  hub: string;
  cursor: number;
  messageId: string;
  kind: 'notification' | 'revocation';
  type: string;
  version: string;
  subscriptionId: string;
  routingKey: string;
  via: { transport: 'webhook' | 'websocket'; endpoint: string };
  /** Twitch's message timestamp, as sent. */
  sentAt: string;
  /** When the hub recorded it (ISO 8601). */
  receivedAt: string;
  /** Delivery attempt of the Queue message (1 on the first). */
  attempts: number;
  /** The payload's `subscription` object (type, version, condition, transport, …). */
  subscription: Record<string, unknown>;
  env: Env;
}

export type HandlerRun = { ran: true } | { ran: false; issues: string[] };

export interface EventHandler {
  readonly type: string;
  readonly version: string;
  /** Validate `event` with the handler's schema; run the handler only if it passes. */
  run(event: unknown, ctx: EventContext): Promise<HandlerRun>;
}

export function defineHandler<S extends z.ZodType>(
  type: string,
  version: string,
  schema: S,
  fn: (event: z.output<S>, ctx: EventContext) => void | Promise<void>,
): EventHandler {
  return {
    type,
    version,
    async run(event, ctx) {
      const parsed = schema.safeParse(event);
      if (!parsed.success) {
        return {
          ran: false,
          issues: parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(event)'}: ${i.message}`),
        };
      }
      await fn(parsed.data, ctx);
      return { ran: true };
    },
  };
}

/** Why the catch-all got an event: no typed handler for its type+version, or its schema refused the event. */
export type CatchAllReason = { kind: 'unknown_type' } | { kind: 'invalid_event'; issues: string[] };

export type CatchAllHandler = (payload: unknown, ctx: EventContext, reason: CatchAllReason) => void | Promise<void>;

export interface Revocation {
  subscriptionId: string;
  type: string;
  version: string;
  /** Why Twitch revoked it: user_removed, authorization_revoked, notification_failures_exceeded, version_removed… */
  status: string;
  condition: Record<string, unknown>;
}

export type RevocationHandler = (revocation: Revocation, ctx: EventContext) => void | Promise<void>;

export interface Handlers {
  typed: readonly EventHandler[];
  catchAll: CatchAllHandler;
  revocation: RevocationHandler;
}
