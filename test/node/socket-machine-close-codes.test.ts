/**
 * Shard machine, close codes (twitch-eventsub.md §6.4): every loss of the session's socket reconnects to the BASE
 * url with a new session and a new assign; the code picks the wait (backoff, or the 4003 pause) and the log level.
 */
import { describe, expect, it } from 'vitest';
import { statusOf } from '../../src/core/socket-machine.ts';
import { reconnectText, welcomeText } from '../support/eventsub-ws-frames.ts';
import { BASE_URL, Driver, only } from '../support/socket-driver.ts';

/** With random = 0.5 the first backoff is 500 ms; the 4003 pause is 60 s. */
const CASES: [code: number, waitMs: number, level: 'warn' | 'error'][] = [
  [4000, 500, 'warn'],
  [4001, 500, 'error'],
  [4002, 500, 'error'],
  [4003, 60_000, 'warn'],
  [4004, 500, 'warn'],
  [4005, 500, 'warn'],
  [4006, 500, 'warn'],
  [4007, 500, 'warn'],
  [1006, 500, 'warn'],
  [1000, 500, 'warn'],
];

describe('socket machine: close codes', () => {
  it.each(CASES)('after %i waits %i ms, logs at %s, reopens the base URL and re-assigns', (code, waitMs, level) => {
    const d = new Driver({ keepaliveTimeoutSeconds: 10 });
    const socket = d.connect('S1');
    const fx = d.send({ type: 'closed', socket, code, reason: 'server says so' });
    // The socket is already closed: nothing to close, nothing to open yet.
    expect(only(fx, 'close')).toEqual([]);
    expect(only(fx, 'open')).toEqual([]);
    const logs = only(fx, 'log');
    expect(logs.some((l) => l.level === level && l.message.includes(`closed ${code}`))).toBe(true);
    expect(statusOf(d.state)).toMatchObject({ phase: 'waiting', sessionId: null, retryAt: d.now + waitMs });
    expect(d.alarm).toBeLessThanOrEqual(d.now + waitMs);

    expect(only(d.advance(waitMs - 1), 'open')).toEqual([]);
    const reopen = Driver.opened(d.advance(1));
    expect(reopen.url).toBe(`${BASE_URL}?keepalive_timeout_seconds=10`);
    expect(only(d.frame(reopen.socket, welcomeText('S2')), 'assign')).toEqual([{ type: 'assign', sessionId: 'S2' }]);
    expect(statusOf(d.state).reconnectCount).toBe(1);
  });

  it('logs a 4001 or 4002 as a bug', () => {
    for (const code of [4001, 4002]) {
      const d = new Driver();
      const socket = d.connect('S1');
      const [error] = only(d.send({ type: 'closed', socket, code, reason: '' }), 'log').filter(
        (l) => l.level === 'error',
      );
      expect(error?.message).toMatch(/bug/);
    }
  });

  it('after 4007 on a socket opened from a reconnect_url, reconnects to the base URL, not that one', () => {
    const d = new Driver({}, undefined, () => 0);
    const old = d.connect('S1');
    const moved = Driver.opened(d.frame(old, reconnectText('S1', 'wss://cell-c.eventsub.test/ws?challenge=z'))).socket;
    d.frame(moved, welcomeText('S1'));
    const fx = d.send({ type: 'closed', socket: moved, code: 4007, reason: 'Invalid reconnect' });
    expect(Driver.opened(fx).url).toBe(BASE_URL);
  });

  it('ignores the close of the old socket after a completed switch', () => {
    const d = new Driver();
    const old = d.connect('S1');
    const moved = Driver.opened(d.frame(old, reconnectText('S1', 'wss://cell-c.eventsub.test/ws?challenge=z'))).socket;
    d.frame(moved, welcomeText('S1'));
    for (const code of [1000, 4004, 1006]) {
      const fx = d.send({ type: 'closed', socket: old, code, reason: '' });
      expect(fx.filter((e) => e.type !== 'log')).toEqual([]);
      expect(only(fx, 'log').every((l) => l.level === 'debug')).toBe(true);
    }
    expect(statusOf(d.state)).toMatchObject({ phase: 'connected', sessionId: 'S1', assigned: true });
  });
});
