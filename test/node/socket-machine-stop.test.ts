/** Shard machine, stop: close every socket, clear the alarm, and stay quiet until started again. */
import { describe, expect, it } from 'vitest';
import { statusOf } from '../../src/core/socket-machine.ts';
import { notificationText, reconnectText, welcomeText } from '../support/eventsub-ws-frames.ts';
import { Driver, only } from '../support/socket-driver.ts';

describe('socket machine: stop', () => {
  it('closes the session socket and a pending reconnect socket, clears the alarm, persists stopped', () => {
    const d = new Driver();
    const socket = d.connect('S1');
    const successor = Driver.opened(d.frame(socket, reconnectText('S1', 'wss://cell.test/ws?challenge=1'))).socket;
    const fx = d.send({ type: 'stop' });
    expect(only(fx, 'close')).toEqual([
      { type: 'close', socket, code: 1000, reason: 'stopped' },
      { type: 'close', socket: successor, code: 1000, reason: 'stopped' },
    ]);
    expect(only(fx, 'clearAlarm')).toHaveLength(1);
    expect(only(fx, 'setAlarm')).toEqual([]);
    expect(only(fx, 'persist')[0]?.data).toMatchObject({ desired: 'stopped', sessionId: null });
    expect(d.alarm).toBeNull();
    expect(statusOf(d.state).phase).toBe('stopped');
  });

  it('arms no alarm, opens nothing and reconnects nothing afterwards', () => {
    const d = new Driver();
    const socket = d.connect('S1');
    d.send({ type: 'stop' });
    const after = [
      ...d.advance(60_000),
      ...d.send({ type: 'closed', socket, code: 1000, reason: '' }),
      ...d.advance(600_000),
      ...d.send({ type: 'assigned', sessionId: 'S1' }),
    ];
    expect(after.filter((e) => ['open', 'setAlarm', 'assign', 'close'].includes(e.type))).toEqual([]);
    expect(d.alarm).toBeNull();
  });

  it('still ingests notifications already in flight on the closed socket, and nothing else from it', () => {
    const d = new Driver();
    const socket = d.connect('S1');
    d.send({ type: 'stop' });
    expect(only(d.frame(socket, notificationText({ messageId: 'late' })), 'ingest')).toHaveLength(1);
    expect(d.frame(socket, welcomeText('S7')).filter((e) => e.type !== 'log')).toEqual([]);
  });

  it('is idempotent, and a start afterwards connects again', () => {
    const d = new Driver();
    d.connect('S1');
    d.send({ type: 'stop' });
    expect(d.send({ type: 'stop' })).toEqual([]);
    const fx = d.send({ type: 'start' });
    expect(only(fx, 'open')).toHaveLength(1);
    expect(d.alarm).not.toBeNull();
    expect(statusOf(d.state)).toMatchObject({ phase: 'connecting', reconnectCount: 0 });
  });

  it('a second start while connected changes nothing', () => {
    const d = new Driver();
    d.connect('S1');
    expect(d.send({ type: 'start' }).filter((e) => e.type !== 'log')).toEqual([]);
  });
});
