/**
 * Shard machine, bad input: an invalid frame is logged and ignored without killing the session; frames and events
 * from unknown or stale sockets change nothing (a late `opened` is closed so no socket lingers unwatched).
 */
import { describe, expect, it } from 'vitest';
import { statusOf } from '../../src/core/socket-machine.ts';
import { notificationText, welcomeText } from '../support/eventsub-ws-frames.ts';
import { Driver, only } from '../support/socket-driver.ts';

const quiet = (effects: readonly { type: string }[]) => effects.filter((e) => e.type !== 'log');

describe('socket machine: invalid frames and stale sockets', () => {
  it.each([
    ['not JSON', 'not json at all'],
    ['no metadata', '{"payload":{}}'],
    [
      'a notification without subscription',
      JSON.stringify({
        metadata: {
          message_id: 'x',
          message_type: 'notification',
          message_timestamp: '2026-01-01T00:00:00.123456789Z',
        },
        payload: { event: {} },
      }),
    ],
  ])('logs and ignores %s, keeping the session', (_name, text) => {
    const d = new Driver();
    const socket = d.connect('S1');
    const fx = d.frame(socket, text);
    expect(quiet(fx)).toEqual([]);
    expect(only(fx, 'log').some((l) => l.level === 'warn' && l.message.includes('invalid frame'))).toBe(true);
    expect(statusOf(d.state)).toMatchObject({ phase: 'connected', sessionId: 'S1', assigned: true, eventsReceived: 0 });
    expect(only(d.frame(socket, notificationText()), 'ingest')).toHaveLength(1);
  });

  it('never echoes frame content into the log', () => {
    const d = new Driver();
    const socket = d.connect('S1');
    const [line] = only(d.frame(socket, '{"metadata": "user-data-here"'), 'log');
    expect(line?.message).not.toContain('user-data-here');
  });

  it('ignores an unknown message type at debug level', () => {
    const d = new Driver();
    const socket = d.connect('S1');
    const text = JSON.stringify({
      metadata: { message_id: 'x', message_type: 'session_teleport', message_timestamp: '2026-01-01T00:00:00Z' },
      payload: {},
    });
    const fx = d.frame(socket, text);
    expect(quiet(fx)).toEqual([]);
    expect(only(fx, 'log').map((l) => l.level)).toEqual(['debug']);
  });

  it('ignores frames from a socket it never opened', () => {
    const d = new Driver();
    d.connect('S1');
    const fx = [...d.frame(99, notificationText()), ...d.frame(99, welcomeText('S9'))];
    expect(quiet(fx)).toEqual([]);
    expect(only(fx, 'log').every((l) => /unknown socket 99/.test(l.message))).toBe(true);
    expect(statusOf(d.state)).toMatchObject({ sessionId: 'S1', eventsReceived: 0 });
  });

  it('ignores frames from a retired socket once it has closed', () => {
    const d = new Driver({}, undefined, () => 0);
    const old = d.connect('S1');
    d.now += 12_000;
    const fresh = Driver.opened(d.send({ type: 'tick' })).socket;
    d.send({ type: 'closed', socket: old, code: 1000, reason: '' });
    d.frame(fresh, welcomeText('S2'));
    expect(quiet(d.frame(old, notificationText()))).toEqual([]);
    expect(quiet(d.frame(old, welcomeText('S1')))).toEqual([]);
    expect(statusOf(d.state).sessionId).toBe('S2');
  });

  it('closes a socket that reports open after it was given up, and ignores close/failure of unknown ones', () => {
    const d = new Driver({ timings: { connectTimeoutMs: 1_000 } }, undefined, () => 0.99);
    const { socket } = Driver.opened(d.send({ type: 'start' }));
    d.advance(1_000);
    expect(only(d.send({ type: 'opened', socket }), 'close')).toEqual([
      { type: 'close', socket, code: 1000, reason: 'socket no longer wanted' },
    ]);
    const retryAt = statusOf(d.state).retryAt;
    expect(quiet(d.send({ type: 'closed', socket: 77, code: 1006, reason: '' }))).toEqual([]);
    expect(quiet(d.send({ type: 'open_failed', socket: 78, error: 'x' }))).toEqual([]);
    expect(statusOf(d.state).retryAt).toBe(retryAt);
  });
});
