/**
 * Shard machine, 4003 "connection unused" (twitch-eventsub.md §5.3, §6.4): pause a minute (as twitch4j does) instead
 * of the backoff, then connect fresh and ask for the assignment in the welcome's own step.
 */
import { describe, expect, it } from 'vitest';
import { statusOf } from '../../src/core/socket-machine.ts';
import { welcomeText } from '../support/eventsub-ws-frames.ts';
import { Driver, only } from '../support/socket-driver.ts';

describe('socket machine: 4003 pause', () => {
  it('waits the pause, whatever the backoff would say, then assigns the next welcome at once', () => {
    const d = new Driver({}, undefined, () => 0);
    const { socket } = Driver.opened(d.send({ type: 'start' }));
    d.frame(socket, welcomeText('S1'));
    // The assign never came back; Twitch gives up after 10 s.
    d.now += 10_000;
    const fx = d.send({ type: 'closed', socket, code: 4003, reason: 'Connection unused' });
    expect(only(fx, 'log').some((l) => l.level === 'warn' && /connection unused/.test(l.message))).toBe(true);
    expect(only(fx, 'open')).toEqual([]);

    const retryAt = statusOf(d.state).retryAt;
    expect(retryAt).toBe(d.now + 60_000);
    // Heartbeat alarms during the pause open nothing, and none sleeps past the end of the pause.
    for (let i = 0; i < 10 && d.alarm !== null && d.alarm < (retryAt ?? 0); i++) {
      expect(only(d.fireAlarm(), 'open')).toEqual([]);
    }
    expect(d.alarm).toBe(retryAt);
    const reopen = Driver.opened(d.fireAlarm());

    const welcomed = d.frame(reopen.socket, welcomeText('S2'));
    expect(only(welcomed, 'assign')).toEqual([{ type: 'assign', sessionId: 'S2' }]);
  });

  it('honours a configured pause', () => {
    const d = new Driver({ timings: { unusedPauseMs: 5_000 } });
    const socket = d.connect('S1');
    d.send({ type: 'closed', socket, code: 4003, reason: '' });
    expect(only(d.advance(4_999), 'open')).toEqual([]);
    expect(only(d.advance(1), 'open')).toHaveLength(1);
  });

  it('counts the pause as a failed attempt, so a later backoff keeps growing', () => {
    const d = new Driver({ timings: { unusedPauseMs: 5_000 } }, undefined, () => 1 - Number.EPSILON);
    const first = Driver.opened(d.send({ type: 'start' })).socket;
    d.frame(first, welcomeText('S1'));
    d.send({ type: 'closed', socket: first, code: 4003, reason: '' });
    const second = Driver.opened(d.advance(5_000)).socket;
    d.send({ type: 'closed', socket: second, code: 1006, reason: '' });
    expect((statusOf(d.state).retryAt ?? 0) - d.now).toBe(1_999);
  });
});
