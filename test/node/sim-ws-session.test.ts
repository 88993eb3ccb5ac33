/**
 * @module EventSub WebSocket sessions over real sockets (twitch-eventsub.md §6.1, §6.3, §8.5): the welcome,
 * keepalive clamping, the "unused" 4003 rule, keepalives, pings and the inbound-traffic rule.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientOptions } from 'ws';
import type { SimConfigInput } from '../../sim/config.ts';
import { EsClient } from '../support/ws-client.ts';
import {
  appToken,
  assignShard,
  createConduit,
  directSubscription,
  startWsSim,
  type WsSim,
} from '../support/ws-harness.ts';
import { waitFor } from '../support/wait.ts';

const RFC3339_NANOS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/;
/** Shrunk timings; the unused window is long unless a test shortens it, so it never interferes by accident. */
const FAST: SimConfigInput = { pinUnusedTimeout: true, unusedTimeoutMs: 60_000, pingIntervalMs: 60_000 };

const running: WsSim[] = [];
const clients: EsClient[] = [];
async function start(config: SimConfigInput = {}): Promise<WsSim> {
  const s = await startWsSim({ ...FAST, ...config });
  running.push(s);
  return s;
}
function connect(s: WsSim, query = '', options?: ClientOptions): EsClient {
  const c = EsClient.open(`${s.wsUrl}${query}`, options);
  clients.push(c);
  return c;
}
afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  await Promise.all(running.splice(0).map((s) => s.close()));
});

describe('welcome', () => {
  it('sends session_welcome first, with the §6.3 shape, and stores the session', async () => {
    const s = await start();
    const c = connect(s);
    const f = await c.next();
    expect(f.metadata.message_type).toBe('session_welcome');
    expect(f.metadata.message_timestamp).toMatch(RFC3339_NANOS);
    const session = f.payload.session!;
    expect(Object.keys(session)).toEqual([
      'id',
      'status',
      'connected_at',
      'keepalive_timeout_seconds',
      'reconnect_url',
      'recovery_url',
    ]);
    expect(session).toMatchObject({ status: 'connected', keepalive_timeout_seconds: 10, reconnect_url: null });
    expect(session.recovery_url).toBeNull();
    expect(String(session.id)).toMatch(/^AQoQ[\w-]+$/);
    expect(String(session.connected_at)).toMatch(RFC3339_NANOS);
    expect(s.sim.state.sessions.get(String(session.id))).toMatchObject({
      id: session.id,
      status: 'connected',
      used: false,
      keepaliveSeconds: 10,
      connectedAt: session.connected_at,
    });
  });

  it('gives every connection its own session', async () => {
    const s = await start();
    const [a, b] = [connect(s), connect(s)];
    expect(await a.sessionId()).not.toBe(await b.sessionId());
    expect(s.sim.state.sessions.size).toBe(2);
  });

  it.each([
    ['', 10],
    ['?keepalive_timeout_seconds=5', 10],
    ['?keepalive_timeout_seconds=9999', 600],
    ['?keepalive_timeout_seconds=abc', 10],
    ['?keepalive_timeout_seconds=45', 45],
  ])('keepalive %s → %d', async (query, want) => {
    const s = await start();
    const session = await connect(s, query).welcome();
    expect(session.keepalive_timeout_seconds).toBe(want);
  });

  it('refuses upgrades on any path other than /ws', async () => {
    const s = await start();
    const c = EsClient.open(`${s.url.replace('http', 'ws')}/eventsub`);
    clients.push(c);
    const unexpected = new Promise<number>((resolve) =>
      c.ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    const errored = new Promise<string>((resolve) => c.ws.on('error', (e) => resolve(e.message)));
    expect(await Promise.race([unexpected, errored])).toBe(404);
    expect(s.sim.state.sessions.size).toBe(0);
  });
});

describe('unused sessions (§1.7, §6.3)', () => {
  it('closes a session nobody assigned with 4003 after the unused window', async () => {
    const s = await start({ unusedTimeoutMs: 200 });
    const c = connect(s);
    const id = await c.sessionId();
    const closed = await c.waitClosed();
    expect(closed).toEqual({ code: 4003, reason: 'Connection unused' });
    expect(Date.now() - c.openedAt).toBeGreaterThanOrEqual(180);
    expect(s.sim.state.sessions.get(id)?.status).toBe('closed');
  });

  it('keeps a session that Helix assigned to a conduit shard within the window', async () => {
    const s = await start({ unusedTimeoutMs: 500 });
    // Token and conduit first, so only the PATCH races the window.
    const token = await appToken(s.url);
    const conduitId = await createConduit(s.url, token);
    const used = connect(s);
    const unused = connect(s);
    const id = await used.sessionId();
    const { shard } = await assignShard(s, token, conduitId, id);
    expect(s.sim.state.sessions.get(id)?.used).toBe(true);
    expect((await unused.waitClosed()).code).toBe(4003);
    expect(used.closedWith).toBeUndefined();
    expect(s.sim.state.sessions.get(id)?.status).toBe('connected');
    expect(shard.status).toBe('enabled');
  });

  it('a direct WebSocket subscription created through Helix also keeps the session', async () => {
    const s = await start({ unusedTimeoutMs: 500 });
    const used = connect(s);
    const unused = connect(s);
    const sub = await directSubscription(s, await used.sessionId());
    expect(sub.status).toBe('enabled');
    expect((await unused.waitClosed()).code).toBe(4003);
    expect(used.closedWith).toBeUndefined();
    expect(sub.status).toBe('enabled');
  });

  it('without pinning, the window is at least the keepalive (10 s here), not unusedTimeoutMs', async () => {
    const s = await start({ unusedTimeoutMs: 100, pinUnusedTimeout: false, pingIntervalMs: 100 });
    const c = connect(s);
    await c.welcome();
    // Server pings serve as the clock: six of them is well past the 100 ms unusedTimeoutMs.
    await waitFor('six pings', () => c.pingTimes.length >= 6);
    expect(c.closedWith).toBeUndefined();
    expect(c.ws.readyState).toBe(c.ws.OPEN);
  });
});

describe('keepalives (§6.3)', () => {
  it('sends one after keepalive_timeout_seconds of silence, restarts the window on a frame, stops when silenced', async () => {
    const s = await start({ pingIntervalMs: 1_000, pongTimeoutMs: 5_000 });
    const [plain, reset, silenced] = [connect(s), connect(s), connect(s)];
    const [, resetId, silencedId] = await Promise.all([plain.sessionId(), reset.sessionId(), silenced.sessionId()]);
    expect(s.sim.ws.silence(silencedId)).toBe(true);
    const silencedPingsAtSilence = silenced.pingTimes.length;

    // Four pings in (about 4 s): pings must not restart the window (§6.1); a frame must.
    await waitFor('four pings on the reset socket', () => reset.pingTimes.length >= 4, { timeoutMs: 8_000 });
    expect(s.sim.ws.sendFrame(resetId, { metadata: { message_type: 'test_frame' }, payload: {} })).toBe(true);
    const test = await reset.next('test_frame');
    expect(test.payload).toEqual({});
    const frameAt = reset.frames.at(-1)!.at;

    const ka = await plain.next('session_keepalive', 12_000);
    expect(ka.payload).toEqual({});
    const welcomeAt = plain.frames[0]!.at;
    const kaAt = plain.frames[1]!.at;
    expect(plain.types()).toEqual(['session_welcome', 'session_keepalive']);
    expect(kaAt - welcomeAt).toBeGreaterThanOrEqual(9_900);
    expect(kaAt - welcomeAt).toBeLessThan(11_500);
    expect(plain.pingTimes.length).toBeGreaterThanOrEqual(8);

    await reset.next('session_keepalive', 8_000);
    const resetKaAt = reset.frames.at(-1)!.at;
    expect(reset.types()).toEqual(['session_welcome', 'test_frame', 'session_keepalive']);
    expect(resetKaAt - frameAt).toBeGreaterThanOrEqual(9_900);
    expect(resetKaAt - frameAt).toBeLessThan(11_500);

    // By now the silenced socket is 4+ s past its own keepalive deadline, with no keepalive and no pings.
    expect(silenced.types()).toEqual(['session_welcome']);
    expect(silenced.pingTimes.length).toBe(silencedPingsAtSilence);
    expect(silenced.ws.readyState).toBe(silenced.ws.OPEN);
    // Sim choice: frames still go out on a silenced session.
    expect(s.sim.ws.sendFrame(silencedId, { metadata: { message_type: 'test_frame' }, payload: {} })).toBe(true);
    await silenced.next('test_frame');
  }, 25_000);
});

describe('pings (§6.1)', () => {
  it('pings on the interval; a client that answers stays connected', async () => {
    const s = await start({ pingIntervalMs: 50, pongTimeoutMs: 300 });
    const c = connect(s);
    const id = await c.sessionId();
    await waitFor('ten pings', () => c.pingTimes.length >= 10);
    expect(c.closedWith).toBeUndefined();
    expect(s.sim.state.sessions.get(id)?.status).toBe('connected');
  });

  it('closes with 4002 when pongs stop coming', async () => {
    const s = await start({ pingIntervalMs: 50, pongTimeoutMs: 300 });
    const c = connect(s, '', { autoPong: false });
    const id = await c.sessionId();
    expect(await c.waitClosed()).toEqual({ code: 4002, reason: 'Client failed ping-pong' });
    expect(c.pingTimes.length).toBeGreaterThanOrEqual(1);
    // The deadline runs from the first unanswered ping, not from any later one.
    expect(Date.now() - c.pingTimes[0]!).toBeGreaterThanOrEqual(280);
    expect(Date.now() - c.pingTimes[0]!).toBeLessThan(1_000);
    expect(s.sim.state.sessions.get(id)?.status).toBe('closed');
  });
});

describe('inbound traffic (§6.1)', () => {
  it('closes with 4001 on a text frame', async () => {
    const s = await start();
    const c = connect(s);
    await c.welcome();
    c.ws.send('{"hello":"twitch"}');
    expect(await c.waitClosed()).toEqual({ code: 4001, reason: 'Client sent inbound traffic' });
  });

  it('closes with 4001 on a binary frame', async () => {
    const s = await start();
    const c = connect(s);
    await c.welcome();
    c.ws.send(Buffer.from([1, 2, 3]));
    expect((await c.waitClosed()).code).toBe(4001);
  });

  it('a client ping is a control frame, not inbound traffic: it gets a pong and the socket stays open', async () => {
    const s = await start();
    const c = connect(s);
    await c.welcome();
    const pong = new Promise<string>((resolve) => c.ws.once('pong', (data) => resolve(data.toString())));
    c.ws.ping('are-you-there');
    expect(await pong).toBe('are-you-there');
    expect(c.closedWith).toBeUndefined();
  });
});
