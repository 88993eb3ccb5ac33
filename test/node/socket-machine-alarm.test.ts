/**
 * Shard machine, the alarm (cloudflare.md §1.6, style-anchors.md §7.4): while connected is desired an alarm is
 * always armed, never later than now + 30 s nor than the earliest pending deadline; once stopped, none is re-armed.
 * Checked after every step of seeded random conversations with a misbehaving Twitch.
 */
import { describe, expect, it } from 'vitest';
import { nextDeadline } from '../../src/core/socket-machine.ts';
import type { Input } from '../../src/core/socket-machine-types.ts';
import { keepaliveText, notificationText, reconnectText, welcomeText } from '../support/eventsub-ws-frames.ts';
import { seededRng, type Rng } from '../support/prng.ts';
import { Driver, only } from '../support/socket-driver.ts';

const HEARTBEAT_MS = 30_000;
const CODES = [1000, 1006, 4000, 4001, 4002, 4003, 4004, 4005, 4006, 4007];

/** One plausible next input, given the sockets the machine has opened so far. */
function nextInput(rng: Rng, d: Driver, sockets: number[]): Input | 'fire' | 'advance' {
  const socket =
    sockets.length > 0 && rng.chance(0.9)
      ? sockets[sockets.length - 1 - rng.int(0, Math.min(2, sockets.length - 1))]
      : rng.int(1, 50);
  const session = `S${rng.int(1, 4)}`;
  const roll = rng.int(0, 99);
  if (roll < 15) return 'fire';
  if (roll < 30) return 'advance';
  if (roll < 38) return { type: 'opened', socket: socket as number };
  if (roll < 50)
    return { type: 'frame', socket: socket as number, text: welcomeText(session, rng.pick([10, 30, null])) };
  if (roll < 62)
    return { type: 'frame', socket: socket as number, text: rng.chance(0.5) ? keepaliveText() : notificationText() };
  if (roll < 66)
    return {
      type: 'frame',
      socket: socket as number,
      text: reconnectText(session, `wss://cell.test/ws?c=${rng.int(1, 9)}`),
    };
  if (roll < 70) return { type: 'frame', socket: socket as number, text: '{broken' };
  if (roll < 76) return { type: 'closed', socket: socket as number, code: rng.pick(CODES), reason: '' };
  if (roll < 80) return { type: 'open_failed', socket: socket as number, error: 'refused' };
  if (roll < 88) return { type: 'assigned', sessionId: d.state.saved.sessionId ?? session };
  if (roll < 94) return { type: 'assign_failed', sessionId: d.state.saved.sessionId ?? session, error: 'Helix 503' };
  if (roll < 97) return { type: 'stop' };
  return { type: 'start' };
}

describe('socket machine: the alarm', () => {
  it.each([1, 2, 3, 4, 5])('stays armed while connected is desired (seed %i)', (seed) => {
    const rng = seededRng(seed);
    const d = new Driver({}, undefined, rng.next);
    d.send({ type: 'start' });
    const sockets: number[] = [];
    let stoppedSteps = 0;
    for (let i = 0; i < 1_500; i++) {
      const next = nextInput(rng, d, sockets);
      const before = d.history.length;
      if (next === 'fire') {
        if (d.alarm !== null) d.fireAlarm();
      } else if (next === 'advance') {
        d.advance(rng.int(1, 20_000));
      } else {
        d.now += rng.int(0, 2_000);
        d.send(next);
      }
      sockets.push(...only(d.history.slice(before), 'open').map((o) => o.socket));
      const context = `seed ${seed}, step ${i}, input ${JSON.stringify(next)}`;
      if (d.state.saved.desired === 'connected') {
        expect(d.alarm, context).not.toBeNull();
        expect(d.alarm ?? Infinity, context).toBeLessThanOrEqual(d.now + HEARTBEAT_MS);
        const deadline = nextDeadline(d.state);
        if (deadline !== null) expect(d.alarm ?? Infinity, context).toBeLessThanOrEqual(deadline);
      } else {
        stoppedSteps++;
        expect(d.alarm, context).toBeNull();
        expect(only(d.history.slice(before), 'setAlarm'), context).toEqual([]);
      }
    }
    // The run really went through both states and many sockets.
    expect(stoppedSteps).toBeGreaterThan(0);
    expect(sockets.length).toBeGreaterThan(20);
    expect(only(d.history, 'assign').length).toBeGreaterThan(5);
    expect(only(d.history, 'ingest').length).toBeGreaterThan(5);
  });

  it('beats every 30 s on a quiet, healthy connection with a long keepalive', () => {
    const d = new Driver({ keepaliveTimeoutSeconds: 600 });
    const socket = Driver.opened(d.send({ type: 'start' })).socket;
    d.frame(socket, welcomeText('S1', 600));
    d.send({ type: 'assigned', sessionId: 'S1' });
    // The first alarm is still the connect deadline armed at start; from then on, the heartbeat.
    expect(d.alarm).toBeLessThanOrEqual(d.now + HEARTBEAT_MS);
    d.fireAlarm();
    for (let i = 0; i < 10; i++) {
      const at = d.alarm;
      expect(at).toBe(d.now + HEARTBEAT_MS);
      d.fireAlarm();
      d.frame(socket, keepaliveText());
    }
  });

  it('re-arms after the alarm fires even when the clock reads a little before the armed time', () => {
    const d = new Driver();
    d.connect('S1');
    const armed = d.alarm ?? 0;
    d.now = armed - 5;
    d.alarm = null;
    const fx = d.send({ type: 'tick', alarm: true });
    expect(only(fx, 'setAlarm')).toHaveLength(1);
    expect(d.alarm).not.toBeNull();
  });
});
