/** Shard machine, first connect: start → open the base URL → welcome → assign at once → ingest notifications. */
import { describe, expect, it } from 'vitest';
import { initialState, statusOf, step } from '../../src/core/socket-machine.ts';
import { notificationText, welcomeText } from '../support/eventsub-ws-frames.ts';
import { BASE_URL, Driver, only, T0 } from '../support/socket-driver.ts';

describe('socket machine: first connect', () => {
  it('stays idle until started', () => {
    const d = new Driver();
    expect(d.send({ type: 'tick' })).toEqual([]);
    expect(statusOf(d.state).phase).toBe('stopped');
  });

  it('opens the base URL with the configured keepalive, arms the alarm and persists the desired state', () => {
    const d = new Driver({ keepaliveTimeoutSeconds: 30 });
    const fx = d.send({ type: 'start' });
    expect(only(fx, 'open')).toEqual([{ type: 'open', socket: 1, url: `${BASE_URL}?keepalive_timeout_seconds=30` }]);
    expect(only(fx, 'persist')[0]?.data).toMatchObject({ desired: 'connected', nextSocket: 2 });
    expect(d.alarm).not.toBeNull();
    expect(statusOf(d.state).phase).toBe('connecting');
  });

  it('opens the base URL unchanged when no keepalive is configured', () => {
    expect(Driver.opened(new Driver().send({ type: 'start' })).url).toBe(BASE_URL);
  });

  it('asks for the assignment in the same step as the welcome, and reports it once confirmed', () => {
    const d = new Driver();
    const { socket } = Driver.opened(d.send({ type: 'start' }));
    expect(d.send({ type: 'opened', socket }).filter((e) => e.type !== 'log')).toEqual([]);
    d.now += 250;
    const fx = d.frame(socket, welcomeText('S1'));
    expect(only(fx, 'assign')).toEqual([{ type: 'assign', sessionId: 'S1' }]);
    expect(only(fx, 'persist')[0]?.data).toMatchObject({ sessionId: 'S1', connectedSince: T0 + 250 });
    expect(statusOf(d.state)).toMatchObject({ phase: 'connected', sessionId: 'S1', assigned: false });

    d.send({ type: 'assigned', sessionId: 'S1' });
    expect(statusOf(d.state)).toMatchObject({ assigned: true, attempt: 0, reconnectCount: 0 });
  });

  it('takes a welcome that arrives before the open report', () => {
    const d = new Driver();
    const { socket } = Driver.opened(d.send({ type: 'start' }));
    expect(only(d.frame(socket, welcomeText('S1')), 'assign')).toHaveLength(1);
  });

  it('passes notifications to ingest as transport-neutral messages', () => {
    const d = new Driver();
    const socket = d.connect('S1');
    const fx = d.frame(socket, notificationText({ messageId: 'n-1', broadcaster: '4242', subscriptionId: 'sub-7' }));
    const [ingest] = only(fx, 'ingest');
    expect(ingest?.messages).toHaveLength(1);
    const m = ingest?.messages[0];
    expect(m).toMatchObject({
      messageId: 'n-1',
      kind: 'notification',
      subscriptionId: 'sub-7',
      subscriptionType: 'channel.follow',
      subscriptionVersion: '2',
      routingKey: '4242',
      via: { transport: 'websocket', endpoint: 'ws-main' },
    });
    expect(m?.sentAt).toMatch(/\.\d{9}Z$/);
    expect(JSON.parse(m?.body ?? '')).toHaveProperty('event.broadcaster_user_id', '4242');
    expect(statusOf(d.state)).toMatchObject({ eventsReceived: 1, lastFrameAt: d.now });
  });

  it('gives up on a socket that is not welcomed within the connect timeout and reconnects', () => {
    const d = new Driver({ timings: { connectTimeoutMs: 15_000 } }, undefined, () => 0);
    const { socket } = Driver.opened(d.send({ type: 'start' }));
    expect(only(d.advance(14_999), 'close')).toEqual([]);
    const fx = d.advance(1);
    expect(only(fx, 'close')).toEqual([{ type: 'close', socket, code: 3000, reason: 'no welcome' }]);
    expect(Driver.opened(fx).url).toBe(BASE_URL);
  });

  it('does not mutate the state it is given', () => {
    const s = initialState({ baseUrl: BASE_URL, endpoint: 'e' });
    const copy = structuredClone(s);
    step(s, { type: 'start' }, T0);
    expect(s).toEqual(copy);
  });

  it('rejects bad configuration eagerly', () => {
    const bad = [
      { baseUrl: 'not a url', endpoint: 'e' },
      { baseUrl: 'https://eventsub.test/ws', endpoint: 'e' },
      { baseUrl: BASE_URL, endpoint: '' },
      { baseUrl: BASE_URL, endpoint: 'e', keepaliveTimeoutSeconds: 9 },
      { baseUrl: BASE_URL, endpoint: 'e', keepaliveTimeoutSeconds: 601 },
      { baseUrl: BASE_URL, endpoint: 'e', keepaliveTimeoutSeconds: 10.5 },
      { baseUrl: BASE_URL, endpoint: 'e', timings: { heartbeatMs: 0 } },
      { baseUrl: BASE_URL, endpoint: 'e', timings: { maxAssignAttempts: 1.5 } },
      { baseUrl: BASE_URL, endpoint: 'e', timings: { backoff: { baseMs: 10, capMs: 1 } } },
    ];
    for (const config of bad) expect(() => initialState(config), JSON.stringify(config)).toThrow();
  });
});
