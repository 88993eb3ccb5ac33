/**
 * @module Guard on the ingest RPC: callers are our own webhook route and WebSocket shards, so a malformed message is
 * a bug to refuse loudly (nothing recorded), not data to repair. Bodies are capped below the 2 MB Durable Object
 * SQLite row limit; the webhook route already refuses bodies over 1 MiB (design.md §5).
 */
import type { InboundMessage } from '../../core/ingest-types.ts';

export const MAX_MESSAGES_PER_INGEST = 100;
export const MAX_BODY_CHARS = 1_048_576;

const TEXT_FIELDS = ['messageId', 'subscriptionId', 'subscriptionType', 'subscriptionVersion', 'sentAt', 'routingKey'];

function problem(m: unknown): string | null {
  if (typeof m !== 'object' || m === null) return 'not an object';
  const r = m as Record<string, unknown>;
  for (const f of TEXT_FIELDS) if (typeof r[f] !== 'string' || r[f] === '') return `${f} must be a non-empty string`;
  if (r.kind !== 'notification' && r.kind !== 'revocation') return 'kind must be notification or revocation';
  const via = r.via as Record<string, unknown> | null | undefined;
  if (typeof via !== 'object' || via === null) return 'via must be an object';
  if (via.transport !== 'webhook' && via.transport !== 'websocket') return 'via.transport must be webhook or websocket';
  if (typeof via.endpoint !== 'string') return 'via.endpoint must be a string';
  if (typeof r.body !== 'string' || r.body === '') return 'body must be a non-empty string';
  if (r.body.length > MAX_BODY_CHARS) return `body is over ${MAX_BODY_CHARS} characters`;
  return null;
}

export function checkMessages(messages: unknown): asserts messages is InboundMessage[] {
  if (!Array.isArray(messages)) throw new TypeError('ingest: messages must be an array');
  if (messages.length > MAX_MESSAGES_PER_INGEST) {
    throw new TypeError(`ingest: at most ${MAX_MESSAGES_PER_INGEST} messages per call`);
  }
  messages.forEach((m, i) => {
    const p = problem(m);
    if (p) throw new TypeError(`ingest: messages[${i}]: ${p}`);
  });
}
