/**
 * Shard machine, keepalive watchdog (twitch-eventsub.md §6.3): 1.2 × the welcome's keepalive from the last frame of
 * any type; on silence close that socket, reconnect to the base URL and assign the new session.
 */
import { describe, expect, it } from 'vitest';
import { nextDeadline, statusOf } from '../../src/core/socket-machine.ts';
import { keepaliveText, notificationText, welcomeText } from '../support/eventsub-ws-frames.ts';
import { BASE_URL, Driver, only } from '../support/socket-driver.ts';

describe('socket machine: keepalive watchdog', () => {
  it('closes a silent socket at 1.2 × keepalive, reopens the base URL and assigns the new session', () => {
    const d = new Driver({ keepaliveTimeoutSeconds: 10 }, undefined, () => 0);
    const socket = d.connect('S1');
    expect(nextDeadline(d.state)).toBe(d.now + 12_000);
    expect(d.advance(11_999).filter((e) => e.type === 'close' || e.type === 'open')).toEqual([]);

    const fx = d.advance(1);
    expect(only(fx, 'close')).toEqual([{ type: 'close', socket, code: 3000, reason: 'keepalive timeout' }]);
    const reopened = Driver.opened(fx);
    expect(reopened.url).toBe(`${BASE_URL}?keepalive_timeout_seconds=10`);
    expect(reopened.socket).not.toBe(socket);
    expect(only(fx, 'log').some((l) => l.level === 'warn' && /keepalive timeout/.test(l.message))).toBe(true);

    d.send({ type: 'opened', socket: reopened.socket });
    expect(only(d.frame(reopened.socket, welcomeText('S2')), 'assign')).toEqual([{ type: 'assign', sessionId: 'S2' }]);
    expect(statusOf(d.state)).toMatchObject({ sessionId: 'S2', reconnectCount: 1 });
  });

  it('counts a frame of any type, even an unparsable one, as life', () => {
    const d = new Driver();
    const socket = d.connect('S1');
    for (const text of [keepaliveText(), notificationText(), '{"not": "a frame"}']) {
      d.now += 11_000;
      d.frame(socket, text);
      expect(only(d.send({ type: 'tick' }), 'close')).toEqual([]);
    }
    expect(only(d.advance(12_000), 'close')).toHaveLength(1);
  });

  it('uses the keepalive the welcome announces, not the one asked for', () => {
    const d = new Driver({ keepaliveTimeoutSeconds: 10 });
    const { socket } = Driver.opened(d.send({ type: 'start' }));
    d.frame(socket, welcomeText('S1', 30));
    expect(only(d.advance(35_999), 'close')).toEqual([]);
    expect(only(d.advance(1), 'close')).toHaveLength(1);
  });

  it('falls back to the configured keepalive, then to 10 s, when the welcome has none', () => {
    const withConfig = new Driver({ keepaliveTimeoutSeconds: 20 });
    const a = Driver.opened(withConfig.send({ type: 'start' })).socket;
    withConfig.frame(a, welcomeText('S1', null));
    expect(nextDeadline(withConfig.state)).toBe(withConfig.now + 24_000);

    const bare = new Driver();
    const b = Driver.opened(bare.send({ type: 'start' })).socket;
    bare.frame(b, welcomeText('S1', null));
    expect(nextDeadline(bare.state)).toBe(bare.now + 12_000);
  });
});
