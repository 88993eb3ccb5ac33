/**
 * What an EventHub puts on the Queue (cloudflare.md §4.2 limits): an event inline up to ~100 KB, else a reference;
 * sends grouped in order into batches of at most 100 messages and 256 KB, counting each message's metadata.
 */
import { describe, expect, it } from 'vitest';
import {
  envelopeFor,
  INLINE_MAX_BYTES,
  QUEUE_LIMITS,
  sendBatches,
  type RecordedEvent,
} from '../../src/core/event-envelope.ts';

function event(body: string, cursor = 7): RecordedEvent {
  return {
    cursor,
    messageId: 'm-1',
    kind: 'notification',
    type: 'channel.follow',
    version: '2',
    subscriptionId: 's-1',
    routingKey: '141981764',
    via: { transport: 'webhook', endpoint: 'default' },
    sentAt: '2026-11-01T12:00:00Z',
    receivedAt: 1,
    body,
  };
}

const utf8 = (s: string) => new TextEncoder().encode(s).length;

describe('envelopeFor', () => {
  it('keeps a small event inline and counts its JSON bytes plus metadata', () => {
    const { envelope, bytes } = envelopeFor('hub:3', event('{"a":1}'));
    expect(envelope).toEqual({ hub: 'hub:3', event: event('{"a":1}') });
    expect(bytes).toBe(utf8(JSON.stringify(envelope)) + QUEUE_LIMITS.metadataBytes);
  });

  it('sends a reference once the serialized envelope passes the inline limit, counting UTF-8 bytes', () => {
    expect(envelopeFor('hub:3', event('x'.repeat(INLINE_MAX_BYTES))).envelope).toEqual({ hub: 'hub:3', ref: 7 });
    // 40,000 three-byte characters: 40,000 UTF-16 units but 120,000 bytes.
    const wide = envelopeFor('hub:3', event('€'.repeat(40_000)));
    expect(wide.envelope).toEqual({ hub: 'hub:3', ref: 7 });
    const fits = envelopeFor('hub:3', event('€'.repeat(30_000)));
    expect('event' in fits.envelope).toBe(true);
    expect(fits.bytes).toBeGreaterThan(90_000);
  });
});

describe('sendBatches', () => {
  const item = (bytes: number, n: number) => ({ bytes, n });

  it('cuts at 100 messages', () => {
    const batches = sendBatches(Array.from({ length: 250 }, (_, n) => item(200, n)));
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batches.flat().map((i) => i.n)).toEqual(Array.from({ length: 250 }, (_, n) => n));
  });

  it('cuts before a batch would pass 256 KB', () => {
    const batches = sendBatches([item(100_000, 0), item(100_000, 1), item(56_000, 2), item(1, 3)]);
    expect(batches.map((b) => b.map((i) => i.n))).toEqual([[0, 1, 2], [3]]);
    for (const b of batches) expect(b.reduce((s, i) => s + i.bytes, 0)).toBeLessThanOrEqual(256_000);
  });

  it('returns nothing for nothing', () => {
    expect(sendBatches([])).toEqual([]);
  });
});
