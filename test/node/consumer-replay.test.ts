/**
 * Pure replay steps (src/core/consumer-replay.ts): a start position is kept, flagged when retention dropped events
 * after it, and moved back to the hub's end when it is ahead of it; pages from several hubs are merged by arrival
 * while each hub's own order is kept, even when arrival times disagree with it.
 */
import { describe, expect, it } from 'vitest';
import { checkStart, mergeByArrival } from '../../src/core/consumer-replay.ts';
import type { RecordedEvent } from '../../src/core/event-envelope.ts';

const ev = (cursor: number, receivedAt: number): RecordedEvent => ({
  cursor,
  messageId: `m-${cursor}-${receivedAt}`,
  kind: 'notification',
  type: 'channel.follow',
  version: '2',
  subscriptionId: 's',
  routingKey: '1',
  via: { transport: 'webhook', endpoint: 'default' },
  sentAt: '2026-11-01T00:00:00Z',
  receivedAt,
  body: '{}',
});

describe('replay start', () => {
  it('keeps a position inside the log', () => {
    expect(checkStart(5, { firstKept: 3, last: 10 })).toEqual({ start: 5, gap: null });
    expect(checkStart(2, { firstKept: 3, last: 10 })).toEqual({ start: 2, gap: null });
    expect(checkStart(10, { firstKept: 11, last: 10 })).toEqual({ start: 10, gap: null });
    expect(checkStart(0, { firstKept: 1, last: 0 })).toEqual({ start: 0, gap: null });
  });

  it('flags a position before the oldest kept event', () => {
    expect(checkStart(1, { firstKept: 3, last: 10 })).toEqual({ start: 1, gap: 'retention' });
    expect(checkStart(4, { firstKept: 11, last: 10 })).toEqual({ start: 4, gap: 'retention' });
  });

  it('moves a position past the last sequence back to it', () => {
    expect(checkStart(12, { firstKept: 3, last: 10 })).toEqual({ start: 10, gap: 'cursor_ahead' });
    expect(checkStart(1, { firstKept: 1, last: 0 })).toEqual({ start: 0, gap: 'cursor_ahead' });
  });
});

describe('merging pages', () => {
  it('orders by arrival across hubs', () => {
    const merged = mergeByArrival([
      { hub: 0, events: [ev(1, 10), ev(2, 30)] },
      { hub: 3, events: [ev(7, 20), ev(8, 40)] },
      { hub: 5, events: [] },
    ]);
    expect(merged.map((m) => [m.hub, m.event.cursor])).toEqual([
      [0, 1],
      [3, 7],
      [0, 2],
      [3, 8],
    ]);
  });

  it('never reorders one hub, even when its clock went backwards', () => {
    const merged = mergeByArrival([
      { hub: 1, events: [ev(1, 50), ev(2, 10), ev(3, 60)] },
      { hub: 2, events: [ev(1, 20)] },
    ]);
    const hub1 = merged.filter((m) => m.hub === 1).map((m) => m.event.cursor);
    expect(hub1).toEqual([1, 2, 3]);
    expect(merged).toHaveLength(4);
  });
});
