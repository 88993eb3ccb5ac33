/**
 * Shard machine, reconnect backoff: failed opens wait full-jitter exponential delays (src/core/backoff.ts) drawn
 * from the injected random source; the attempt counter resets only after a welcome whose assign was confirmed.
 */
import { describe, expect, it } from 'vitest';
import { statusOf } from '../../src/core/socket-machine.ts';
import { welcomeText } from '../support/eventsub-ws-frames.ts';
import { Driver, only } from '../support/socket-driver.ts';

/**
 * Fails `n` opens in a row; returns the wait before each next open (read from the machine's `retryAt`) and the
 * socket of the open that followed the last failure.
 */
function failOpens(d: Driver, n: number): { waits: number[]; socket: number } {
  const waits: number[] = [];
  let socket = Driver.opened(d.send({ type: 'start' })).socket;
  for (let i = 0; i < n; i++) {
    d.send({ type: 'open_failed', socket, error: 'connection refused' });
    const retryAt = statusOf(d.state).retryAt;
    if (retryAt === null) throw new Error('no retry scheduled');
    waits.push(retryAt - d.now);
    d.now = retryAt;
    socket = Driver.opened(d.send({ type: 'tick' })).socket;
  }
  return { waits, socket };
}

describe('socket machine: reconnect backoff', () => {
  it('grows the ceiling 1 s, 2 s, 4 s … up to 60 s', () => {
    const d = new Driver({}, undefined, () => 1 - Number.EPSILON);
    expect(failOpens(d, 9).waits).toEqual([999, 1_999, 3_999, 7_999, 15_999, 31_999, 59_999, 59_999, 59_999]);
    expect(statusOf(d.state)).toMatchObject({ attempt: 9, reconnectCount: 9 });
  });

  it('jitters each wait by the injected random draw', () => {
    const draws = [0.25, 0.9, 0.1, 0.5];
    const d = new Driver({}, undefined, () => draws.shift() ?? 0);
    expect(failOpens(d, 4).waits).toEqual([250, 1_800, 400, 4_000]);
  });

  it('does not open before the wait is over, and keeps the alarm at or before it', () => {
    const d = new Driver({}, undefined, () => 0.5);
    const { socket } = failOpens(d, 3);
    d.send({ type: 'open_failed', socket, error: 'refused' });
    const retryAt = statusOf(d.state).retryAt ?? 0;
    expect(retryAt - d.now).toBe(4_000);
    expect(d.alarm).toBeLessThanOrEqual(retryAt);
    expect(only(d.advance(3_999), 'open')).toEqual([]);
    expect(only(d.advance(1), 'open')).toHaveLength(1);
  });

  it('resets the attempt counter after a welcome that was assigned, not after a bare welcome', () => {
    const d = new Driver({}, undefined, () => 1 - Number.EPSILON);
    const { socket } = failOpens(d, 3);
    d.frame(socket, welcomeText('S1'));
    expect(statusOf(d.state).attempt).toBe(3);
    d.send({ type: 'assigned', sessionId: 'S1' });
    expect(statusOf(d.state).attempt).toBe(0);

    d.send({ type: 'closed', socket, code: 4005, reason: '' });
    expect((statusOf(d.state).retryAt ?? 0) - d.now).toBe(999);
  });

  it('keeps growing when a welcomed session is lost before its assign was confirmed', () => {
    const d = new Driver({}, undefined, () => 1 - Number.EPSILON);
    const { socket } = failOpens(d, 2);
    d.frame(socket, welcomeText('S1'));
    d.send({ type: 'closed', socket, code: 4005, reason: '' });
    expect((statusOf(d.state).retryAt ?? 0) - d.now).toBe(3_999);
  });
});
