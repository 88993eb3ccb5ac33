/**
 * The dashboard's pure logic (src/dashboard/client/model.ts): status colour groups, drift, the search syntax, event
 * rates from a sample, a shard's estimated rate, endpoint health and the timeline's scale.
 */
import { describe, expect, it } from 'vitest';
import {
  drifted,
  endpointHealth,
  eventRates,
  groupOf,
  relative,
  searchedShard,
  shardMatcher,
  shardRate,
  timelineScale,
  windowState,
} from '../../src/dashboard/client/model.ts';
import type { Endpoint, RecentEvent, Shard, Window } from '../../src/dashboard/client/types.ts';

const NOW = Date.parse('2030-01-01T12:00:00Z');
const CB = (name: string) => `https://w.example/webhooks/${name}`;

function endpoint(name: string, kind: 'webhook' | 'websocket' = 'webhook', session?: string): Endpoint {
  return {
    name,
    kind,
    source: kind === 'webhook' ? 'builtin' : 'websocket',
    shards: 0,
    created_at: '2030-01-01T00:00:00Z',
    ...(kind === 'webhook' ? { callback: CB(name) } : { socket: { phase: 'connected', session_id: session ?? null } }),
  };
}

function shard(
  id: number,
  desired: string | null,
  status: string | null,
  transport: Partial<Shard['actual']> = {},
  effective = desired,
): Shard {
  return {
    id,
    desired_endpoint: desired,
    effective_endpoint: effective,
    actual:
      status === null ? null : { status, method: 'webhook', callback: desired ? CB(desired) : undefined, ...transport },
  };
}

const EPS = new Map([
  ['a', endpoint('a')],
  ['b', endpoint('b')],
  ['ws', endpoint('ws', 'websocket', 'S1')],
]);

describe('groupOf', () => {
  it.each([
    ['enabled', 'enabled'],
    ['webhook_callback_verification_pending', 'pending'],
    ['webhook_callback_verification_failed', 'failed'],
    ['notification_failures_exceeded', 'failed'],
    ['websocket_disconnected', 'disconnected'],
    ['websocket_network_timeout', 'disconnected'],
    [null, 'unknown'],
  ])('%s → %s', (status, group) => expect(groupOf(status)).toBe(group));
});

describe('drifted', () => {
  it('is false when Twitch has the desired callback or session, or when it cannot tell', () => {
    expect(drifted(shard(0, 'a', 'enabled'), EPS)).toBe(false);
    expect(
      drifted(shard(1, 'ws', 'enabled', { method: 'websocket', callback: undefined, session_id: 'S1' }), EPS),
    ).toBe(false);
    expect(drifted(shard(2, 'a', null), EPS)).toBe(false);
    expect(drifted(shard(3, 'gone', 'enabled'), EPS)).toBe(false);
  });

  it('measures against the endpoint maintenance moved the shard to, not the desired one', () => {
    expect(drifted(shard(0, 'a', 'enabled', { callback: CB('b') }, 'b'), EPS)).toBe(false);
    expect(drifted(shard(1, 'a', 'enabled', { callback: CB('a') }, 'b'), EPS)).toBe(true);
  });

  it('is true for another callback, another session or another transport', () => {
    expect(drifted(shard(0, 'a', 'enabled', { callback: CB('b') }), EPS)).toBe(true);
    expect(drifted(shard(1, 'ws', 'enabled', { method: 'websocket', session_id: 'OLD' }), EPS)).toBe(true);
    expect(drifted(shard(2, 'ws', 'enabled'), EPS)).toBe(true);
    expect(drifted(shard(3, 'a', 'enabled', { method: 'websocket', session_id: 'S1' }), EPS)).toBe(true);
  });
});

describe('shardMatcher', () => {
  const shards = [
    shard(0, 'a', 'enabled'),
    shard(1, 'b', 'webhook_callback_verification_pending'),
    shard(2, 'b', 'notification_failures_exceeded'),
    shard(12, 'ws', 'websocket_disconnected', { method: 'websocket', callback: undefined, session_id: 'SESSION-xyz' }),
    shard(21, null, null),
  ];
  const ids = (q: string) => shards.filter(shardMatcher(q) ?? (() => false)).map((s) => s.id);

  it('matches nothing for an empty query', () => expect(shardMatcher('   ')).toBeNull());
  it('matches an id exactly, not as a substring', () => expect(ids('1')).toEqual([1]));
  it('matches id:N and ranges', () => {
    expect(ids('id:12')).toEqual([12]);
    expect(ids('1-12')).toEqual([1, 2, 12]);
  });
  it('matches a status or a group', () => {
    expect(ids('status:pending')).toEqual([1]);
    expect(ids('status:failed')).toEqual([2]);
    expect(ids('status:websocket_')).toEqual([12]);
    expect(ids('status:unknown')).toEqual([21]);
  });
  it('matches the desired endpoint exactly with endpoint:', () => expect(ids('endpoint:b')).toEqual([1, 2]));
  it('matches free text in endpoint, status, callback or session, case-insensitively', () => {
    expect(ids('session-XYZ')).toEqual([12]);
    expect(ids('webhooks/a')).toEqual([0]);
  });
  it('ANDs words', () => expect(ids('endpoint:b failures')).toEqual([2]));
});

describe('searchedShard', () => {
  it('opens a single existing id', () => {
    expect(searchedShard(' 42 ', 100)).toBe(42);
    expect(searchedShard('id:7', 100)).toBe(7);
  });
  it('opens nothing for ranges, text or ids past the end', () => {
    expect(searchedShard('1-3', 100)).toBeNull();
    expect(searchedShard('second', 100)).toBeNull();
    expect(searchedShard('100', 100)).toBeNull();
  });
});

const ev = (hub: string, endpoint: string, agoMs: number): RecentEvent => ({
  hub,
  type: 'channel.follow',
  routing_key: '1',
  via: { transport: 'webhook', endpoint },
  received_at: new Date(NOW - agoMs).toISOString(),
});

describe('eventRates', () => {
  it('counts the last 5 minutes per hub and per endpoint, in events per minute', () => {
    const events = [
      ev('hub:0', 'a', 10_000),
      ev('hub:0', 'a', 20_000),
      ev('hub:1', 'b', 30_000),
      ev('hub:1', 'b', 400_000),
    ];
    const r = eventRates(events, 500, NOW, 3);
    expect(r.windowMs).toBe(300_000);
    expect(r.saturated).toBe(false);
    expect(r.total).toBeCloseTo(3 / 5);
    expect([...r.perHub]).toEqual([
      ['hub:0', 2 / 5],
      ['hub:1', 1 / 5],
      ['hub:2', 0],
    ]);
    expect(r.perEndpoint.get('a')).toBeCloseTo(2 / 5);
  });

  it('shortens the window to what a full sample covers', () => {
    const events = Array.from({ length: 10 }, (_, i) => ev('hub:0', 'a', i * 6_000)); // one every 6 s, oldest 54 s ago
    const r = eventRates(events, 10, NOW, 1);
    expect(r.saturated).toBe(true);
    expect(r.windowMs).toBe(54_000);
    expect(r.total).toBeCloseTo((10 * 60_000) / 54_000);
  });

  it('is zero everywhere without events', () => {
    const r = eventRates([], 500, NOW, 2);
    expect(r.total).toBe(0);
    expect([...r.perHub.values()]).toEqual([0, 0]);
  });
});

describe('shardRate and endpointHealth', () => {
  const shards = [
    shard(0, 'a', 'enabled'),
    shard(1, 'a', 'enabled'),
    shard(2, 'a', 'notification_failures_exceeded'),
    shard(3, 'b', null),
  ];
  const health = endpointHealth(shards, EPS);

  it('counts desired, enabled and drifted shards per endpoint', () => {
    expect(health.get('a')).toEqual({ desired: 3, enabled: 2, drifted: 0 });
    expect(health.get('b')).toEqual({ desired: 1, enabled: 0, drifted: 0 });
    expect(health.get('ws')).toEqual({ desired: 0, enabled: 0, drifted: 0 });
  });

  it("splits an endpoint's rate over its enabled shards; a disabled shard gets none", () => {
    const rates = eventRates([ev('hub:0', 'a', 1_000), ev('hub:0', 'a', 2_000)], 500, NOW, 1);
    const enabledOn = new Map([...health].map(([k, v]) => [k, v.enabled]));
    expect(shardRate(shards[0]!, rates, enabledOn)).toBeCloseTo(2 / 5 / 2);
    expect(shardRate(shards[2]!, rates, enabledOn)).toBe(0);
  });
});

describe('timelineScale', () => {
  const win = (starts: string, ends: string): Window => ({
    id: 1,
    endpoint: 'a',
    starts_at: starts,
    ends_at: ends,
    created_at: '2030-01-01T00:00:00Z',
  });

  it('spans 2 h back to 24 h ahead with hourly-or-coarser round ticks', () => {
    const s = timelineScale([], NOW);
    expect(s.start).toBe(NOW - 2 * 3_600_000);
    expect(s.end).toBe(NOW + 24 * 3_600_000);
    expect(s.ticks.length).toBeGreaterThan(2);
    expect(s.ticks.length).toBeLessThanOrEqual(9);
    expect(s.ticks.every((t) => t % 3_600_000 === 0)).toBe(true);
    expect(s.at(NOW)).toBeCloseTo((2 / 26) * 100);
  });

  it('stretches to include every window and clamps positions to the axis', () => {
    const s = timelineScale([win('2030-01-05T00:00:00Z', '2030-01-06T00:00:00Z')], NOW);
    expect(s.end).toBe(Date.parse('2030-01-06T00:00:00Z'));
    expect(s.at(Date.parse('2030-01-06T00:00:00Z'))).toBe(100);
    expect(s.at(0)).toBe(0);
  });

  it('says whether a window is past, active or upcoming', () => {
    expect(windowState(win('2030-01-01T10:00:00Z', '2030-01-01T11:00:00Z'), NOW)).toBe('past');
    expect(windowState(win('2030-01-01T11:00:00Z', '2030-01-01T13:00:00Z'), NOW)).toBe('active');
    expect(windowState(win('2030-01-01T13:00:00Z', '2030-01-01T14:00:00Z'), NOW)).toBe('upcoming');
  });
});

describe('relative', () => {
  it.each([
    ['2030-01-01T11:59:30Z', '30 s ago'],
    ['2030-01-01T12:05:00Z', 'in 5 min'],
    ['2030-01-01T09:00:00Z', '3 h ago'],
    ['2030-01-04T12:00:00Z', 'in 3 d'],
  ])('%s → %s', (iso, text) => expect(relative(iso, NOW)).toBe(text));
});
