/**
 * @module Route one event to its handler: a revocation to the revocation handler, a notification to the typed
 * handler of its type+version when its `event` passes that handler's schema, everything else to the catch-all.
 * A schema failure is not retried (the same bytes fail the same way): it is logged and goes to the catch-all with
 * the issues, so nothing is dropped silently and no retries are spent on it.
 */
import { log } from '../log.ts';
import type { EventContext, EventHandler, Handlers, Revocation } from './define.ts';
import { PayloadWire } from './events.wire.ts';

export type Dispatched = 'typed' | 'catch-all' | 'revocation';

export interface Dispatcher {
  dispatch(payload: unknown, ctx: EventContext): Promise<Dispatched>;
}

const keyOf = (type: string, version: string) => `${type}@${version}`;

export function createDispatcher(handlers: Handlers): Dispatcher {
  const typed = new Map<string, EventHandler>();
  for (const h of handlers.typed) {
    const key = keyOf(h.type, h.version);
    if (typed.has(key)) throw new Error(`two handlers for ${h.type} v${h.version}`);
    typed.set(key, h);
  }

  return {
    async dispatch(payload, ctx) {
      if (ctx.kind === 'revocation') {
        await handlers.revocation(revocationOf(payload, ctx), ctx);
        return 'revocation';
      }
      const parsed = PayloadWire.safeParse(payload);
      const handler = typed.get(keyOf(ctx.type, ctx.version));
      if (!handler) {
        await handlers.catchAll(payload, ctx, { kind: 'unknown_type' });
        return 'catch-all';
      }
      const run = await handler.run(parsed.success ? parsed.data.event : undefined, ctx);
      if (run.ran) return 'typed';
      log('warn', `handlers:${ctx.type}`, 'event failed its schema; passed to the catch-all', {
        message_id: ctx.messageId,
        version: ctx.version,
        issues: run.issues.slice(0, 5).join('; '),
      });
      await handlers.catchAll(payload, ctx, { kind: 'invalid_event', issues: run.issues });
      return 'catch-all';
    },
  };
}

/** A revocation's facts: the hub's record, and the status and condition from the body when it has them. */
export function revocationOf(
  payload: unknown,
  ctx: Pick<EventContext, 'subscriptionId' | 'type' | 'version'>,
): Revocation {
  const parsed = PayloadWire.safeParse(payload);
  const subscription = parsed.success ? parsed.data.subscription : null;
  return {
    subscriptionId: ctx.subscriptionId,
    type: ctx.type,
    version: ctx.version,
    status: subscription?.status ?? 'unknown',
    condition: subscription?.condition ?? {},
  };
}
