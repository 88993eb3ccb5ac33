/**
 * Shard machine, recovery after eviction, crash or deploy (cloudflare.md §1.3: sockets die, storage and the alarm
 * survive). Proves that a state rebuilt from the last `persist` effect plus one `tick` reconnects and re-assigns,
 * and that the state is plain JSON. Does not prove the DO saves and loads the record: that is the glue's test.
 */
import { describe, expect, it } from 'vitest';
import { initialState, statusOf, step } from '../../src/core/socket-machine.ts';
import type { Persisted, SocketConfig } from '../../src/core/socket-machine-types.ts';
import { keepaliveText, notificationText, reconnectText, welcomeText } from '../support/eventsub-ws-frames.ts';
import { BASE_URL, Driver, only } from '../support/socket-driver.ts';

const CONFIG: SocketConfig = { baseUrl: BASE_URL, endpoint: 'ws-main', keepaliveTimeoutSeconds: 10 };

function lastPersisted(d: Driver): Persisted {
  const all = only(d.history, 'persist');
  const last = all[all.length - 1];
  if (!last) throw new Error('nothing was persisted');
  return last.data;
}

describe('socket machine: recovery after eviction', () => {
  it('a fresh state from the persisted record plus a tick opens the base URL and assigns the new session', () => {
    const d = new Driver(CONFIG);
    const oldSocket = d.connect('S1');
    d.frame(oldSocket, notificationText());
    d.advance(5_000);
    const saved = lastPersisted(d);
    expect(saved).toMatchObject({ desired: 'connected', sessionId: 'S1', assignedSessionId: 'S1', eventsReceived: 1 });

    // The instance is gone; the alarm it armed fires on a new one.
    const revived = new Driver(CONFIG, JSON.parse(JSON.stringify(saved)) as Persisted, () => 0.5, d.now + 20_000);
    const fx = revived.send({ type: 'tick' });
    const open = Driver.opened(fx);
    expect(open.url).toBe(`${BASE_URL}?keepalive_timeout_seconds=10`);
    expect(open.socket).toBeGreaterThan(oldSocket);
    expect(revived.alarm).not.toBeNull();

    const welcomed = revived.frame(open.socket, welcomeText('S2'));
    expect(only(welcomed, 'assign')).toEqual([{ type: 'assign', sessionId: 'S2' }]);
    revived.send({ type: 'assigned', sessionId: 'S2' });
    expect(statusOf(revived.state)).toMatchObject({
      phase: 'connected',
      sessionId: 'S2',
      assigned: true,
      reconnectCount: 1,
      eventsReceived: 1,
    });
  });

  it('a stopped record stays stopped', () => {
    const revived = new Driver(CONFIG, { ...initialState(CONFIG).saved, desired: 'stopped' });
    expect(revived.send({ type: 'tick' })).toEqual([]);
  });

  it('a rebuilt instance keeps a persisted pause (no reconnect storm across restarts)', () => {
    const d = new Driver(CONFIG);
    const socket = d.connect('S1');
    d.send({ type: 'closed', socket, code: 4003, reason: '' });
    const saved = lastPersisted(d);
    expect(saved.retryAt).toBe(d.now + 60_000);

    const revived = new Driver(CONFIG, saved, () => 0.5, d.now + 1_000);
    expect(only(revived.send({ type: 'tick' }), 'open')).toEqual([]);
    expect(revived.alarm).not.toBeNull();
    expect(revived.alarm ?? Infinity).toBeLessThanOrEqual(saved.retryAt ?? 0);
    revived.now = saved.retryAt ?? 0;
    expect(only(revived.send({ type: 'tick' }), 'open')).toHaveLength(1);
  });

  it('persists on lifecycle changes, and per-frame counters only on the next tick', () => {
    const d = new Driver(CONFIG);
    const socket = d.connect('S1');
    for (let i = 0; i < 5; i++) expect(only(d.frame(socket, notificationText()), 'persist')).toEqual([]);
    expect(only(d.frame(socket, keepaliveText()), 'persist')).toEqual([]);
    const [onTick] = only(d.send({ type: 'tick' }), 'persist');
    expect(onTick?.data).toMatchObject({ eventsReceived: 5, lastFrameAt: d.now });
    expect(only(d.send({ type: 'tick' }), 'persist')).toEqual([]);
  });

  it('runs the same from a JSON round-tripped state at every step', () => {
    const inputs = [
      { type: 'start' },
      { type: 'opened', socket: 1 },
      { type: 'frame', socket: 1, text: welcomeText('S1') },
      { type: 'assigned', sessionId: 'S1' },
      { type: 'frame', socket: 1, text: notificationText({ messageId: 'n1' }) },
      { type: 'frame', socket: 1, text: reconnectText('S1', 'wss://cell.test/ws?challenge=1') },
      { type: 'frame', socket: 2, text: welcomeText('S1') },
      { type: 'tick' },
      { type: 'closed', socket: 2, code: 4005, reason: '' },
      { type: 'tick' },
    ] as const;
    let direct = initialState(CONFIG);
    let viaJson = initialState(CONFIG);
    let now = 1_000_000;
    for (const input of inputs) {
      now += 700;
      const a = step(direct, input, now, () => 0.25);
      const b = step(JSON.parse(JSON.stringify(viaJson)), input, now, () => 0.25);
      expect(b.effects).toEqual(a.effects);
      expect(JSON.parse(JSON.stringify(b.state))).toEqual(JSON.parse(JSON.stringify(a.state)));
      direct = a.state;
      viaJson = b.state;
    }
    expect(statusOf(direct).reconnectCount).toBe(1);
  });
});
