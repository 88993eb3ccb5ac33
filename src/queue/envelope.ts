/**
 * @module The Queue's message bodies as the consumer reads them: validated at this edge like any other input, since
 * a queue can hold messages from an older deployment. Shapes in src/core/event-envelope.ts.
 */
import { z } from 'zod';
import type { EventEnvelope } from '../core/event-envelope.ts';

export const EVENTS_QUEUE = 'conduit-events';
export const DEAD_LETTER_QUEUE = 'conduit-events-dlq';

/** `hub:<n>`, optionally `#suffix` (isolated instances in tests, like the controller's names). */
export const HUB_NAME = /^hub:\d{1,3}(#[A-Za-z0-9-]{1,64})?$/;

const RecordedEventSchema = z.object({
  cursor: z.number().int().positive(),
  messageId: z.string().min(1),
  kind: z.enum(['notification', 'revocation']),
  type: z.string().min(1),
  version: z.string().min(1),
  subscriptionId: z.string(),
  routingKey: z.string(),
  via: z.object({ transport: z.enum(['webhook', 'websocket']), endpoint: z.string() }),
  sentAt: z.string(),
  receivedAt: z.number(),
  body: z.string(),
});

const hub = z.string().regex(HUB_NAME);

export const EnvelopeSchema: z.ZodType<EventEnvelope> = z.union([
  z.object({ hub, event: RecordedEventSchema }),
  z.object({ hub, ref: z.number().int().positive() }),
]);

/** The envelope, or null when the body is not one (logged by the caller, never retried: it cannot improve). */
export function decodeEnvelope(body: unknown): EventEnvelope | null {
  const parsed = EnvelopeSchema.safeParse(body);
  return parsed.success ? parsed.data : null;
}

export function cursorOf(envelope: EventEnvelope): number {
  return 'event' in envelope ? envelope.event.cursor : envelope.ref;
}
