/**
 * @module Pure unit tests for the WebSocket server's message builders, keepalive clamping, the unused window and
 * the close-code → status table (twitch-eventsub.md §6.1, §6.3, §6.4, §6.6).
 */
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../sim/clock.ts';
import { makeConfig } from '../../sim/config.ts';
import type { Session } from '../../sim/state.ts';
import {
  CLOSE_REASONS,
  isValidCloseCode,
  shardStatusForClose,
  subscriptionStatusForClose,
} from '../../sim/ws/close-codes.ts';
import { keepaliveFrame, reconnectFrame, reconnectUrl, welcomeFrame } from '../../sim/ws/frames.ts';
import { clampKeepalive, unusedWindowMs } from '../../sim/ws/timing.ts';

const RFC3339_NANOS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const clock = new SimClock();
const session: Session = {
  id: 'AQoQexAWVYKSTIu4ec_2VAxyuhAB',
  connectedAt: '2023-07-19T14:56:51.616329898Z',
  keepaliveSeconds: 42,
  status: 'connected',
  used: false,
};

describe('clampKeepalive (§6.1)', () => {
  it.each([
    [null, 10],
    ['', 10],
    ['abc', 10],
    ['5', 10],
    ['-3', 10],
    ['10', 10],
    ['30', 30],
    ['600', 600],
    ['9999', 600],
    ['12.7', 12],
    ['Infinity', 10],
  ])('%s → %d', (raw, want) => {
    expect(clampKeepalive(raw)).toBe(want);
  });
});

describe('unusedWindowMs (§6.3 sim choice)', () => {
  it('is max(unusedTimeoutMs, keepalive) unless pinned', () => {
    expect(unusedWindowMs(makeConfig(), 10)).toBe(10_000);
    expect(unusedWindowMs(makeConfig(), 30)).toBe(30_000);
    expect(unusedWindowMs(makeConfig({ unusedTimeoutMs: 15_000 }), 10)).toBe(15_000);
    expect(unusedWindowMs(makeConfig({ pinUnusedTimeout: true }), 30)).toBe(10_000);
    expect(unusedWindowMs(makeConfig({ pinUnusedTimeout: true, unusedTimeoutMs: 250 }), 600)).toBe(250);
  });
});

describe('frames (§6.2, §6.3)', () => {
  it('session_welcome has the documented shape, in order', () => {
    const f = welcomeFrame(clock, session);
    expect(Object.keys(f.metadata)).toEqual(['message_id', 'message_type', 'message_timestamp']);
    expect(f.metadata.message_type).toBe('session_welcome');
    expect(f.metadata.message_id).toMatch(UUID);
    expect(f.metadata.message_timestamp).toMatch(RFC3339_NANOS);
    expect(f.payload).toEqual({
      session: {
        id: session.id,
        status: 'connected',
        connected_at: session.connectedAt,
        keepalive_timeout_seconds: 42,
        reconnect_url: null,
        recovery_url: null,
      },
    });
    expect(Object.keys(f.payload.session as object)).toEqual([
      'id',
      'status',
      'connected_at',
      'keepalive_timeout_seconds',
      'reconnect_url',
      'recovery_url',
    ]);
  });

  it('every frame gets a fresh message id', () => {
    expect(welcomeFrame(clock, session).metadata.message_id).not.toBe(welcomeFrame(clock, session).metadata.message_id);
  });

  it('session_keepalive has an empty payload', () => {
    const f = keepaliveFrame(clock);
    expect(f.metadata.message_type).toBe('session_keepalive');
    expect(f.metadata.message_timestamp).toMatch(RFC3339_NANOS);
    expect(f.payload).toEqual({});
  });

  it('session_reconnect keeps id and connected_at, nulls the keepalive', () => {
    const f = reconnectFrame(clock, session, 'ws://x/ws?challenge=c&id=i');
    expect(f.metadata.message_type).toBe('session_reconnect');
    expect(f.payload.session).toMatchObject({
      id: session.id,
      status: 'reconnecting',
      keepalive_timeout_seconds: null,
      reconnect_url: 'ws://x/ws?challenge=c&id=i',
      connected_at: session.connectedAt,
    });
  });

  it('reconnectUrl turns http into ws and carries challenge and id', () => {
    const u = new URL(reconnectUrl('http://127.0.0.1:8080', 'tok', session.id));
    expect(u.protocol).toBe('ws:');
    expect(u.host).toBe('127.0.0.1:8080');
    expect(u.pathname).toBe('/ws');
    expect(u.searchParams.get('challenge')).toBe('tok');
    expect(u.searchParams.get('id')).toBe(session.id);
    expect(reconnectUrl('https://sim.example', 't', 'i')).toMatch(/^wss:\/\/sim\.example\/ws\?/);
  });
});

describe('close codes → status (§6.4, §6.6)', () => {
  it.each([
    [4000, 'websocket_internal_error'],
    [4001, 'websocket_received_inbound_traffic'],
    [4002, 'websocket_failed_ping_pong'],
    [4004, 'websocket_failed_to_reconnect'],
    [4005, 'websocket_network_timeout'],
    [4006, 'websocket_network_error'],
    [1000, 'websocket_disconnected'],
    [4003, 'websocket_disconnected'],
  ] as const)('server close %d → shard %s', (code, status) => {
    expect(shardStatusForClose({ by: 'server', code })).toBe(status);
  });

  it('client close and TCP drop are websocket_disconnected', () => {
    expect(shardStatusForClose({ by: 'client' })).toBe('websocket_disconnected');
    expect(shardStatusForClose({ by: 'drop' })).toBe('websocket_disconnected');
    expect(subscriptionStatusForClose({ by: 'client' })).toBe('websocket_disconnected');
  });

  it('4003 is websocket_connection_unused for subscriptions only', () => {
    expect(subscriptionStatusForClose({ by: 'server', code: 4003 })).toBe('websocket_connection_unused');
    expect(subscriptionStatusForClose({ by: 'server', code: 4002 })).toBe('websocket_failed_ping_pong');
  });

  it('names every documented code', () => {
    expect(Object.keys(CLOSE_REASONS).map(Number)).toEqual([4000, 4001, 4002, 4003, 4004, 4005, 4006, 4007]);
    expect(CLOSE_REASONS[4003]).toBe('Connection unused');
    expect(CLOSE_REASONS[4007]).toBe('Invalid reconnect');
  });

  it('isValidCloseCode follows RFC 6455', () => {
    for (const ok of [1000, 1001, 1011, 3000, 4000, 4999]) expect(isValidCloseCode(ok)).toBe(true);
    for (const bad of [0, 999, 1004, 1005, 1006, 1015, 2000, 5000, 4000.5]) expect(isValidCloseCode(bad)).toBe(false);
  });
});
