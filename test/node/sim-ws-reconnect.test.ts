/**
 * @module Twitch-requested reconnects over real sockets (twitch-eventsub.md §5.3, §6.3, §8.5): same session id,
 * delivery moving to the new socket after its welcome, the 4004 grace rule and the 4007 invalid-reconnect rule.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SimConfigInput } from '../../sim/config.ts';
import { EsClient } from '../support/ws-client.ts';
import { directSubscription, shardOnSession, startWsSim, type WsSim } from '../support/ws-harness.ts';

const FAST: SimConfigInput = {
  pinUnusedTimeout: true,
  unusedTimeoutMs: 60_000,
  pingIntervalMs: 60_000,
  reconnectGraceMs: 400,
};

const running: WsSim[] = [];
const clients: EsClient[] = [];
async function start(config: SimConfigInput = {}): Promise<WsSim> {
  const s = await startWsSim({ ...FAST, ...config });
  running.push(s);
  return s;
}
function open(url: string): EsClient {
  const c = EsClient.open(url);
  clients.push(c);
  return c;
}
afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const frame = (n: number) => ({ metadata: { message_type: 'test_frame' }, payload: { n } });

/** A connected session with a shard on it, and its session_reconnect already received. */
async function reconnecting(s: WsSim) {
  const old = open(s.wsUrl);
  const id = await old.sessionId();
  const seeded = await shardOnSession(s, id);
  expect(s.sim.ws.reconnect(id)).toBe(true);
  const msg = await old.next('session_reconnect');
  return { old, id, ...seeded, msg, url: String(msg.payload.session?.reconnect_url) };
}

describe('session_reconnect', () => {
  it('sends the §6.3 message with a challenge URL on this server', async () => {
    const s = await start();
    const { id, msg, url } = await reconnecting(s);
    const session = msg.payload.session!;
    expect(session).toMatchObject({ id, status: 'reconnecting', keepalive_timeout_seconds: null });
    expect(session.connected_at).toBe(s.sim.state.sessions.get(id)?.connectedAt);
    const u = new URL(url);
    expect(`${u.protocol}//${u.host}${u.pathname}`).toBe(s.wsUrl);
    expect(u.searchParams.get('challenge')).toMatch(/^[0-9a-f-]{36}$/);
    expect(u.searchParams.get('id')).toBe(id);
    expect(s.sim.state.sessions.get(id)?.status).toBe('reconnecting');
  });

  it('refuses a second reconnect while one is pending, and unknown sessions', async () => {
    const s = await start();
    const { id } = await reconnecting(s);
    expect(s.sim.ws.reconnect(id)).toBe(false);
    expect(s.sim.ws.reconnect('AQoQnope')).toBe(false);
  });
});

describe('hand-over', () => {
  it('welcomes the new socket with the same session id and moves delivery to it', async () => {
    const s = await start();
    const { old, id, shard, url } = await reconnecting(s);
    const transportBefore = structuredClone(shard.transport);

    // Until the new welcome, the old socket still carries frames.
    expect(s.sim.ws.sendFrame(id, frame(1))).toBe(true);
    expect((await old.next('test_frame')).payload).toEqual({ n: 1 });

    const fresh = open(url);
    const welcome = await fresh.welcome();
    expect(welcome).toMatchObject({ id, status: 'connected', keepalive_timeout_seconds: 10, reconnect_url: null });
    // Sim choice: the new welcome repeats the original connected_at, like the shard's unchanged transport.
    expect(welcome.connected_at).toBe(s.sim.state.sessions.get(id)?.connectedAt);

    expect(s.sim.ws.sendFrame(id, frame(2))).toBe(true);
    expect((await fresh.next('test_frame')).payload).toEqual({ n: 2 });
    expect(old.types()).toEqual(['session_welcome', 'session_reconnect', 'test_frame']);

    expect(shard.status).toBe('enabled');
    expect(shard.transport).toEqual(transportBefore);
    expect(s.sim.state.sessions.get(id)?.status).toBe('connected');

    // The client closes the old socket as §6.3 asks: nothing changes.
    old.ws.close(1000);
    await old.waitClosed();
    expect(shard.status).toBe('enabled');
    expect(s.sim.ws.sendFrame(id, frame(3))).toBe(true);
    expect((await fresh.next('test_frame')).payload).toEqual({ n: 3 });
  });

  it('closes the old socket with 4004 after the grace time if the client keeps it, without touching the shard', async () => {
    const s = await start();
    const { old, id, shard, url } = await reconnecting(s);
    const fresh = open(url);
    await fresh.welcome();
    expect(await old.waitClosed()).toEqual({ code: 4004, reason: 'Reconnect grace time expired' });
    expect(Date.now() - old.frames[1]!.at).toBeGreaterThanOrEqual(350);
    expect(shard.status).toBe('enabled');
    expect(s.sim.state.sessions.get(id)?.status).toBe('connected');
    expect(fresh.closedWith).toBeUndefined();
    expect(s.sim.ws.sendFrame(id, frame(4))).toBe(true);
    await fresh.next('test_frame');
  });

  it('the new socket can itself be asked to reconnect later', async () => {
    const s = await start();
    const { id, url } = await reconnecting(s);
    const second = open(url);
    await second.welcome();
    expect(s.sim.ws.reconnect(id)).toBe(true);
    const msg = await second.next('session_reconnect');
    const third = open(String(msg.payload.session?.reconnect_url));
    expect((await third.welcome()).id).toBe(id);
  });
});

describe('failed reconnects', () => {
  it('no new connection within the grace time: 4004 and websocket_failed_to_reconnect', async () => {
    const s = await start();
    const disabled: string[] = [];
    s.sim.state.on('shardDisabled', (_c, sh) => disabled.push(sh.status));
    const old = open(s.wsUrl);
    const id = await old.sessionId();
    const { shard } = await shardOnSession(s, id);
    const sub = await directSubscription(s, id);
    expect(s.sim.ws.reconnect(id)).toBe(true);
    const url = String((await old.next('session_reconnect')).payload.session?.reconnect_url);

    expect((await old.waitClosed()).code).toBe(4004);
    expect(shard.status).toBe('websocket_failed_to_reconnect');
    expect(shard.transport.method === 'websocket' && shard.transport.disconnected_at).toMatch(/Z$/);
    expect(sub.status).toBe('websocket_failed_to_reconnect');
    expect(disabled).toEqual(['websocket_failed_to_reconnect']);
    expect(s.sim.state.sessions.get(id)?.status).toBe('closed');
    expect(s.sim.ws.sendFrame(id, frame(1))).toBe(false);

    // The token died with the session.
    expect(await open(url).waitClosed()).toEqual({ code: 4007, reason: 'Invalid reconnect' });
  });

  it('a used token gets 4007', async () => {
    const s = await start();
    const { id, url } = await reconnecting(s);
    await open(url).welcome();
    const again = open(url);
    expect((await again.waitClosed()).code).toBe(4007);
    expect(again.frames).toHaveLength(0);
    expect(s.sim.state.sessions.get(id)?.status).toBe('connected');
  });

  it.each([
    ['an unknown token', (u: URL) => u.searchParams.set('challenge', '00000000-0000-4000-8000-000000000000')],
    ['a token for another session id', (u: URL) => u.searchParams.set('id', 'AQoQsomeoneelse')],
    ['a token without the id', (u: URL) => u.searchParams.delete('id')],
  ])('%s gets 4007 and leaves the pending reconnect intact', async (_name, tamper) => {
    const s = await start();
    const { id, url, shard } = await reconnecting(s);
    const bad = new URL(url);
    tamper(bad);
    expect((await open(bad.toString()).waitClosed()).code).toBe(4007);
    expect((await open(url).welcome()).id).toBe(id);
    expect(shard.status).toBe('enabled');
  });

  it('closing the old socket before the new welcome is a plain disconnect and kills the token (pyTwitchAPI #310)', async () => {
    const s = await start();
    const { old, id, url, shard } = await reconnecting(s);
    old.ws.close(1000);
    await old.waitClosed();
    expect(shard.status).toBe('websocket_disconnected');
    expect(s.sim.state.sessions.get(id)?.status).toBe('closed');
    expect((await open(url).waitClosed()).code).toBe(4007);
    expect(shard.status).toBe('websocket_disconnected');
  });
});
