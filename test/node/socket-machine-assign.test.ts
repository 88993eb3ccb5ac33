/**
 * Shard machine, assignment (twitch-eventsub.md §5.3): asked for in the welcome's step; a failure is retried 1 s
 * later, a few times inside Twitch's 10 s window, then the socket is dropped and a fresh session tried.
 */
import { describe, expect, it } from 'vitest';
import { statusOf } from '../../src/core/socket-machine.ts';
import { welcomeText } from '../support/eventsub-ws-frames.ts';
import { BASE_URL, Driver, only } from '../support/socket-driver.ts';

function welcomed(d: Driver, sessionId = 'S1'): number {
  const { socket } = Driver.opened(d.send({ type: 'start' }));
  d.send({ type: 'opened', socket });
  d.frame(socket, welcomeText(sessionId));
  return socket;
}

describe('socket machine: assignment', () => {
  it('retries a failed assign after 1 s and settles when it succeeds', () => {
    const d = new Driver();
    welcomed(d);
    const failed = d.send({ type: 'assign_failed', sessionId: 'S1', error: 'Helix 503' });
    expect(only(failed, 'assign')).toEqual([]);
    expect(only(failed, 'log').some((l) => l.level === 'warn' && l.message.includes('Helix 503'))).toBe(true);
    expect(d.alarm).toBe(d.now + 1_000);
    expect(only(d.advance(999), 'assign')).toEqual([]);
    expect(only(d.advance(1), 'assign')).toEqual([{ type: 'assign', sessionId: 'S1' }]);
    d.send({ type: 'assigned', sessionId: 'S1' });
    expect(statusOf(d.state).assigned).toBe(true);
    expect(only(d.advance(5_000), 'assign')).toEqual([]);
  });

  it('gives up after the last attempt, inside the 10 s window: closes, reconnects, assigns the new session', () => {
    const d = new Driver({}, undefined, () => 0);
    const welcomeAt = d.now;
    const socket = welcomed(d);
    let asked = 1;
    for (let i = 0; i < 10; i++) {
      const fx = d.send({ type: 'assign_failed', sessionId: 'S1', error: 'Helix 500' });
      const closes = only(fx, 'close');
      if (closes.length > 0) {
        expect(closes).toEqual([{ type: 'close', socket, code: 3000, reason: 'shard assignment failed' }]);
        expect(only(fx, 'log').some((l) => l.level === 'error')).toBe(true);
        const reopen = Driver.opened(fx);
        expect(reopen.url).toBe(BASE_URL);
        expect(only(d.frame(reopen.socket, welcomeText('S2')), 'assign')).toEqual([
          { type: 'assign', sessionId: 'S2' },
        ]);
        break;
      }
      asked += only(d.advance(1_000), 'assign').length;
    }
    expect(asked).toBe(4);
    expect(d.now - welcomeAt).toBeLessThan(10_000);
  });

  it('ignores answers about a session that is no longer current', () => {
    const d = new Driver({}, undefined, () => 0);
    const socket = welcomed(d, 'S1');
    const reopen = Driver.opened(d.send({ type: 'closed', socket, code: 4005, reason: '' }));
    d.frame(reopen.socket, welcomeText('S2'));

    const lateOk = d.send({ type: 'assigned', sessionId: 'S1' });
    expect(lateOk.filter((e) => e.type !== 'log')).toEqual([]);
    expect(statusOf(d.state)).toMatchObject({ sessionId: 'S2', assigned: false });
    const lateFail = d.send({ type: 'assign_failed', sessionId: 'S1', error: 'x' });
    expect(lateFail.filter((e) => e.type !== 'log')).toEqual([]);
    expect(only(d.advance(1_000), 'assign')).toEqual([]);
  });

  it('does not retry while an assign is still in flight', () => {
    const d = new Driver();
    welcomed(d);
    expect(only(d.advance(5_000), 'assign')).toEqual([]);
  });
});
