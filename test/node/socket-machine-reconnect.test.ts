/**
 * Shard machine, Twitch-requested reconnect (twitch-eventsub.md §6.3, §5.3): open `reconnect_url` as a second
 * socket, keep ingesting from the old one until the new welcome (same session: no assign), then close the old one.
 */
import { describe, expect, it } from 'vitest';
import { statusOf } from '../../src/core/socket-machine.ts';
import type { Effect } from '../../src/core/socket-machine-types.ts';
import { keepaliveText, notificationText, reconnectText, welcomeText } from '../support/eventsub-ws-frames.ts';
import { BASE_URL, Driver, only } from '../support/socket-driver.ts';

const RECONNECT_URL = 'wss://cell-b.eventsub.test/ws?challenge=c-1&id=S1';
const ingested = (effects: readonly Effect[]): string[] =>
  only(effects, 'ingest').flatMap((e) => e.messages.map((m) => m.messageId));

describe('socket machine: session_reconnect', () => {
  it('ingests every notification from both sockets around the switch, without an assign', () => {
    const d = new Driver();
    const old = d.connect('S1');
    const start = d.history.length;
    const sent: string[] = [];
    const notify = (socket: number, id: string): void => {
      sent.push(id);
      d.now += 100;
      d.frame(socket, notificationText({ messageId: id }));
    };

    notify(old, 'a1');
    const fx = d.frame(old, reconnectText('S1', RECONNECT_URL));
    const successor = Driver.opened(fx);
    expect(successor.url).toBe(RECONNECT_URL);
    expect(only(fx, 'close')).toEqual([]);
    expect(statusOf(d.state).phase).toBe('reconnecting');

    notify(old, 'a2');
    d.send({ type: 'opened', socket: successor.socket });
    notify(old, 'a3');
    const switched = d.frame(successor.socket, welcomeText('S1'));
    expect(only(switched, 'close')).toEqual([{ type: 'close', socket: old, code: 1000, reason: 'reconnected' }]);
    // Frames still in flight on the old socket, and the new socket's own, all reach ingest (the hub dedupes).
    notify(old, 'a4');
    notify(successor.socket, 'b1');
    notify(old, 'b1');
    notify(successor.socket, 'b2');
    expect(d.send({ type: 'closed', socket: old, code: 1000, reason: '' }).filter((e) => e.type !== 'log')).toEqual([]);
    notify(successor.socket, 'b3');

    const during = d.history.slice(start);
    expect(ingested(during)).toEqual(sent);
    expect(only(during, 'assign')).toEqual([]);
    expect(only(during, 'open')).toHaveLength(1);
    expect(statusOf(d.state)).toMatchObject({ phase: 'connected', sessionId: 'S1', assigned: true, reconnectCount: 0 });
  });

  it('watches the new socket after the switch, not the old one', () => {
    const d = new Driver();
    const old = d.connect('S1');
    const successor = Driver.opened(d.frame(old, reconnectText('S1', RECONNECT_URL))).socket;
    d.now += 5_000;
    d.frame(successor, welcomeText('S1'));
    d.now += 10_000;
    d.frame(successor, keepaliveText());
    // 15 s after the old socket's last frame, 10 s after the new one's: alive.
    expect(only(d.send({ type: 'tick' }), 'open')).toEqual([]);
    expect(only(d.advance(12_000), 'close').map((c) => c.socket)).toEqual([successor]);
  });

  it('assigns when the reconnect comes back with a different session id (twitch-cli behaviour)', () => {
    const d = new Driver();
    const old = d.connect('S1');
    const successor = Driver.opened(d.frame(old, reconnectText('S1', RECONNECT_URL))).socket;
    const fx = d.frame(successor, welcomeText('S9'));
    expect(only(fx, 'assign')).toEqual([{ type: 'assign', sessionId: 'S9' }]);
    expect(only(fx, 'close').map((c) => c.socket)).toEqual([old]);
  });

  it('keeps the old socket when the reconnect socket fails, and reconnects fresh when Twitch then closes it', () => {
    const d = new Driver({}, undefined, () => 0);
    const old = d.connect('S1');
    const successor = Driver.opened(d.frame(old, reconnectText('S1', RECONNECT_URL))).socket;
    const failed = d.send({ type: 'open_failed', socket: successor, error: 'handshake refused' });
    expect(failed.filter((e) => e.type === 'close' || e.type === 'open')).toEqual([]);
    expect(ingested(d.frame(old, notificationText({ messageId: 'still-here' })))).toEqual(['still-here']);

    const fx = d.send({ type: 'closed', socket: old, code: 4004, reason: 'Reconnect grace time expired' });
    expect(Driver.opened(fx).url).toBe(BASE_URL);
  });

  it('closes a reconnect socket that is never welcomed, keeping the old one', () => {
    const d = new Driver({ timings: { connectTimeoutMs: 15_000 } });
    const old = d.connect('S1');
    const successor = Driver.opened(d.frame(old, reconnectText('S1', RECONNECT_URL))).socket;
    d.now += 10_000;
    d.frame(old, keepaliveText());
    const fx = d.advance(5_000);
    expect(only(fx, 'close')).toEqual([{ type: 'close', socket: successor, code: 3000, reason: 'no welcome' }]);
    expect(only(fx, 'open')).toEqual([]);
    expect(statusOf(d.state)).toMatchObject({ phase: 'connected', sessionId: 'S1' });
  });

  it('drops both sockets and reconnects fresh when the old one closes before the new welcome', () => {
    const d = new Driver({}, undefined, () => 0);
    const old = d.connect('S1');
    const successor = Driver.opened(d.frame(old, reconnectText('S1', RECONNECT_URL))).socket;
    const fx = d.send({ type: 'closed', socket: old, code: 4000, reason: '' });
    expect(only(fx, 'close').map((c) => c.socket)).toEqual([successor]);
    const fresh = Driver.opened(fx);
    expect(fresh.url).toBe(BASE_URL);
    expect(only(d.frame(fresh.socket, welcomeText('S2')), 'assign')).toEqual([{ type: 'assign', sessionId: 'S2' }]);
  });

  it('ignores a second session_reconnect while one is pending', () => {
    const d = new Driver();
    const old = d.connect('S1');
    d.frame(old, reconnectText('S1', RECONNECT_URL));
    expect(only(d.frame(old, reconnectText('S1', `${RECONNECT_URL}x`)), 'open')).toEqual([]);
  });
});
