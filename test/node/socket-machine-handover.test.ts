/**
 * Shard machine, handover (design.md §7, conduit-notes.md "HandOver a socket"): a second socket on the base URL,
 * its new session assigned with the handover method, and only then the old socket retired; every notification from
 * both sockets reaches ingest, and every way the handover can fail leaves the old socket delivering.
 */
import { describe, expect, it } from 'vitest';
import { statusOf } from '../../src/core/socket-machine.ts';
import type { Effect } from '../../src/core/socket-machine-types.ts';
import { notificationText, welcomeText } from '../support/eventsub-ws-frames.ts';
import { BASE_URL, Driver, only } from '../support/socket-driver.ts';

const ingested = (effects: readonly Effect[]): string[] =>
  only(effects, 'ingest').flatMap((e) => e.messages.map((m) => m.messageId));

/** Connected on S1, a handover started and its socket welcomed as S2; returns both sockets. */
function handingOver(d: Driver, method: 'reassign' | 'swap' = 'reassign'): { old: number; next: number } {
  const old = d.connect('S1');
  const next = Driver.opened(d.send({ type: 'handover', method })).socket;
  d.send({ type: 'opened', socket: next });
  d.frame(next, welcomeText('S2'));
  return { old, next };
}

describe('socket machine: handover', () => {
  it('reassign: opens the base URL, keeps the old socket until the new session is assigned, ingests both', () => {
    const d = new Driver();
    const old = d.connect('S1');
    const start = d.history.length;
    const sent: string[] = [];
    const notify = (socket: number, id: string): void => {
      sent.push(id);
      d.now += 50;
      d.frame(socket, notificationText({ messageId: id }));
    };

    const begin = d.send({ type: 'handover', method: 'reassign' });
    const next = Driver.opened(begin);
    expect(next.url).toBe(BASE_URL);
    expect(only(begin, 'close')).toEqual([]);
    expect(statusOf(d.state).phase).toBe('handing-over');

    notify(old, 'a1');
    d.send({ type: 'opened', socket: next.socket });
    const welcomed = d.frame(next.socket, welcomeText('S2'));
    expect(only(welcomed, 'assign')).toEqual([{ type: 'assign', sessionId: 'S2', handover: 'reassign' }]);
    expect(only(welcomed, 'close')).toEqual([]);
    notify(old, 'a2');
    notify(next.socket, 'b1');
    // Still S1 until the controller answers: the status must not claim the new session early.
    expect(statusOf(d.state)).toMatchObject({ sessionId: 'S1', assigned: true, phase: 'handing-over' });

    const done = d.send({ type: 'assigned', sessionId: 'S2' });
    expect(only(done, 'close')).toEqual([{ type: 'close', socket: old, code: 1000, reason: 'handed over' }]);
    expect(only(done, 'persist')[0]?.data).toMatchObject({ sessionId: 'S2', assignedSessionId: 'S2' });
    notify(old, 'a3');
    notify(next.socket, 'b2');

    expect(ingested(d.history.slice(start))).toEqual(sent);
    expect(only(d.history.slice(start), 'assign')).toHaveLength(1);
    expect(statusOf(d.state)).toMatchObject({ phase: 'connected', sessionId: 'S2', assigned: true, reconnectCount: 0 });
  });

  it('swap: the assign carries the method', () => {
    const d = new Driver();
    const old = d.connect('S1');
    const next = Driver.opened(d.send({ type: 'handover', method: 'swap' })).socket;
    d.send({ type: 'opened', socket: next });
    expect(only(d.frame(next, welcomeText('S2')), 'assign')).toEqual([
      { type: 'assign', sessionId: 'S2', handover: 'swap' },
    ]);
    expect(only(d.send({ type: 'assigned', sessionId: 'S2' }), 'close').map((c) => c.socket)).toEqual([old]);
  });

  it('refuses without a live assigned session, and while another handover is under way', () => {
    const d = new Driver();
    const { socket } = Driver.opened(d.send({ type: 'start' }));
    d.send({ type: 'opened', socket });
    d.frame(socket, welcomeText('S1'));
    const early = d.send({ type: 'handover', method: 'reassign' });
    expect(only(early, 'open')).toEqual([]);
    expect(only(early, 'log').some((l) => l.level === 'warn' && l.message.includes('not assigned'))).toBe(true);

    d.send({ type: 'assigned', sessionId: 'S1' });
    expect(only(d.send({ type: 'handover', method: 'reassign' }), 'open')).toHaveLength(1);
    expect(only(d.send({ type: 'handover', method: 'swap' }), 'open')).toEqual([]);
  });

  it('a failed assign closes the new socket, keeps the old one and re-asserts its session', () => {
    const d = new Driver();
    const { old, next } = handingOver(d);
    const fx = d.send({ type: 'assign_failed', sessionId: 'S2', error: 'Twitch refused shard 0' });
    expect(only(fx, 'close')).toEqual([{ type: 'close', socket: next, code: 3000, reason: 'handover abandoned' }]);
    expect(only(fx, 'assign')).toEqual([{ type: 'assign', sessionId: 'S1' }]);
    expect(only(fx, 'open')).toEqual([]);
    expect(ingested(d.frame(old, notificationText({ messageId: 'kept' })))).toEqual(['kept']);
    d.send({ type: 'assigned', sessionId: 'S1' });
    expect(statusOf(d.state)).toMatchObject({ phase: 'connected', sessionId: 'S1', assigned: true });
  });

  it('abandons when the new socket closes before its assign is answered, and re-asserts on a late success', () => {
    const d = new Driver();
    const { old, next } = handingOver(d);
    const closed = d.send({ type: 'closed', socket: next, code: 4003, reason: 'Connection unused' });
    expect(closed.filter((e) => e.type === 'close' || e.type === 'open')).toEqual([]);
    expect(statusOf(d.state)).toMatchObject({ phase: 'connected', sessionId: 'S1' });
    // The controller's PATCH landed after all: the shards sit on a closed session, so S1 is assigned again.
    expect(only(d.send({ type: 'assigned', sessionId: 'S2' }), 'assign')).toEqual([
      { type: 'assign', sessionId: 'S1' },
    ]);
    expect(ingested(d.frame(old, notificationText({ messageId: 'still' })))).toEqual(['still']);
  });

  it('abandons a new socket that is never welcomed within the connect timeout', () => {
    const d = new Driver({ timings: { connectTimeoutMs: 15_000 } });
    const old = d.connect('S1');
    const next = Driver.opened(d.send({ type: 'handover', method: 'reassign' })).socket;
    d.now += 9_000;
    d.frame(old, notificationText());
    const fx = d.advance(6_000);
    expect(only(fx, 'close')).toEqual([{ type: 'close', socket: next, code: 3000, reason: 'handover abandoned' }]);
    expect(statusOf(d.state)).toMatchObject({ phase: 'connected', sessionId: 'S1', assigned: true });
  });

  it('abandons a welcomed new socket that falls silent while its assign is pending', () => {
    const d = new Driver();
    const { old, next } = handingOver(d);
    d.now += 10_000;
    d.frame(old, notificationText());
    expect(d.alarm).toBeLessThanOrEqual(d.now + 2_000);
    const fx = d.advance(2_000);
    expect(only(fx, 'close').map((c) => c.socket)).toEqual([next]);
    expect(statusOf(d.state).phase).toBe('connected');
  });

  it('when the old socket dies mid-handover, drops both and reconnects fresh', () => {
    const d = new Driver({}, undefined, () => 0);
    const { old, next } = handingOver(d);
    const fx = d.send({ type: 'closed', socket: old, code: 4005, reason: '' });
    expect(only(fx, 'close').map((c) => c.socket)).toEqual([next]);
    expect(Driver.opened(fx).url).toBe(BASE_URL);
    expect(statusOf(d.state).phase).toBe('connecting');
  });

  it('stop closes both sockets', () => {
    const d = new Driver();
    const { old, next } = handingOver(d);
    expect(
      only(d.send({ type: 'stop' }), 'close')
        .map((c) => c.socket)
        .sort(),
    ).toEqual([old, next].sort());
    expect(d.state.run.handover).toBeNull();
  });
});
