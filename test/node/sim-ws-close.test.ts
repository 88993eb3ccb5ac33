/**
 * @module How a session's end reaches the state (twitch-eventsub.md §6.4–6.6, §8.5): each close code gives its
 * shard the mapped status with `disconnected_at` stamped and one `shardDisabled`; direct subscriptions follow.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SimConfigInput } from '../../sim/config.ts';
import type { Shard, ShardStatus } from '../../sim/state.ts';
import { EsClient } from '../support/ws-client.ts';
import { waitFor } from '../support/wait.ts';
import { directSubscription, shardOnSession, startWsSim, type WsSim } from '../support/ws-harness.ts';

const FAST: SimConfigInput = { pinUnusedTimeout: true, unusedTimeoutMs: 60_000, pingIntervalMs: 60_000 };
const RFC3339_NANOS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/;

const running: WsSim[] = [];
const clients: EsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  await Promise.all(running.splice(0).map((s) => s.close()));
});

/** A simulator with one connected session carrying shard 0 and one direct subscription. */
async function setup(config: SimConfigInput = {}, { autoPong = true } = {}) {
  const s = await startWsSim({ ...FAST, ...config });
  running.push(s);
  const c = EsClient.open(s.wsUrl, { autoPong });
  clients.push(c);
  const id = await c.sessionId();
  const { conduit, shard } = await shardOnSession(s, id);
  const sub = await directSubscription(s, id);
  const disabled: { conduitId: string; shard: Shard; status: ShardStatus }[] = [];
  s.sim.state.on('shardDisabled', (cd, sh) => disabled.push({ conduitId: cd.id, shard: sh, status: sh.status }));
  return { s, c, id, conduit, shard, sub, disabled };
}

function disconnectedAt(shard: Shard): string | undefined {
  return shard.transport.method === 'websocket' ? shard.transport.disconnected_at : undefined;
}

describe('server closes through sim.ws.close', () => {
  it.each([
    [4000, 'Internal server error', 'websocket_internal_error'],
    [4005, 'Network timeout', 'websocket_network_timeout'],
    [4006, 'Network error', 'websocket_network_error'],
    [4001, 'Client sent inbound traffic', 'websocket_received_inbound_traffic'],
    [4002, 'Client failed ping-pong', 'websocket_failed_ping_pong'],
    [4004, 'Reconnect grace time expired', 'websocket_failed_to_reconnect'],
  ] as const)('%d → shard and subscription %s', async (code, reason, status) => {
    const { s, c, id, conduit, shard, sub, disabled } = await setup();
    expect(s.sim.ws.close(id, code)).toBe(true);
    expect(await c.waitClosed()).toEqual({ code, reason });
    expect(shard.status).toBe(status);
    expect(disconnectedAt(shard)).toMatch(RFC3339_NANOS);
    expect(sub.status).toBe(status);
    expect(sub.transport.method === 'websocket' && sub.transport.disconnected_at).toMatch(RFC3339_NANOS);
    expect(disabled).toEqual([{ conduitId: conduit.id, shard, status }]);
    expect(s.sim.state.sessions.get(id)?.status).toBe('closed');
    expect(s.sim.ws.sendFrame(id, { metadata: {}, payload: {} })).toBe(false);
    expect(s.sim.ws.close(id, 4000)).toBe(false);
  });

  it('uses a caller-given reason', async () => {
    const { s, c, id } = await setup();
    s.sim.ws.close(id, 4000, 'maintenance');
    expect(await c.waitClosed()).toEqual({ code: 4000, reason: 'maintenance' });
  });

  it('4003 makes direct subscriptions websocket_connection_unused (and a shard, which Twitch never has, disconnected)', async () => {
    const { s, c, id, shard, sub } = await setup();
    s.sim.ws.close(id, 4003);
    expect((await c.waitClosed()).code).toBe(4003);
    expect(sub.status).toBe('websocket_connection_unused');
    expect(shard.status).toBe('websocket_disconnected');
  });

  it.each([0, 'drop'] as const)('code %s drops the TCP connection: websocket_disconnected', async (code) => {
    const { s, c, id, shard, sub, disabled } = await setup();
    expect(s.sim.ws.close(id, code)).toBe(true);
    expect((await c.waitClosed()).code).toBe(1006);
    expect(shard.status).toBe('websocket_disconnected');
    expect(disconnectedAt(shard)).toMatch(RFC3339_NANOS);
    expect(sub.status).toBe('websocket_disconnected');
    expect(disabled).toHaveLength(1);
  });

  it('refuses unknown sessions and codes a close frame cannot carry', async () => {
    const { s, c, id, shard } = await setup();
    expect(s.sim.ws.close('AQoQnope', 4000)).toBe(false);
    expect(s.sim.ws.close(id, 1005)).toBe(false);
    expect(s.sim.ws.close(id, 5000)).toBe(false);
    expect(shard.status).toBe('enabled');
    expect(c.closedWith).toBeUndefined();
  });
});

describe('closes the server decides on', () => {
  it('missed pongs → websocket_failed_ping_pong', async () => {
    const { c, shard, sub } = await setup({ pingIntervalMs: 50, pongTimeoutMs: 200 }, { autoPong: false });
    expect((await c.waitClosed()).code).toBe(4002);
    expect(shard.status).toBe('websocket_failed_ping_pong');
    expect(sub.status).toBe('websocket_failed_ping_pong');
  });

  it('inbound text → websocket_received_inbound_traffic', async () => {
    const { c, shard, disabled } = await setup();
    c.ws.send('hi');
    expect((await c.waitClosed()).code).toBe(4001);
    expect(shard.status).toBe('websocket_received_inbound_traffic');
    expect(disabled).toHaveLength(1);
  });
});

describe('client-side ends', () => {
  it('a client close (even with a 4xxx code) → websocket_disconnected', async () => {
    const { s, c, id, shard, sub, disabled } = await setup();
    c.ws.close(4000, 'client says bye');
    await c.waitClosed();
    await waitFor('the shard to be disconnected', () => shard.status === 'websocket_disconnected');
    expect(disconnectedAt(shard)).toMatch(RFC3339_NANOS);
    expect(sub.status).toBe('websocket_disconnected');
    expect(disabled).toHaveLength(1);
    expect(s.sim.state.sessions.get(id)?.status).toBe('closed');
  });

  it('a TCP drop by the client → websocket_disconnected', async () => {
    const { s, c, id, shard } = await setup();
    c.terminate();
    await waitFor('the shard to be disconnected', () => shard.status === 'websocket_disconnected');
    expect(s.sim.state.sessions.get(id)?.status).toBe('closed');
  });

  it('leaves subscriptions that were already off, and other sessions, alone', async () => {
    const { s, c, id, sub } = await setup();
    sub.status = 'authorization_revoked';
    const other = EsClient.open(s.wsUrl);
    clients.push(other);
    const otherId = await other.sessionId();
    const otherShard = (await shardOnSession(s, otherId)).shard;
    s.sim.ws.close(id, 4005);
    await c.waitClosed();
    expect(sub.status).toBe('authorization_revoked');
    expect(otherShard.status).toBe('enabled');
    expect(s.sim.state.sessions.get(otherId)?.status).toBe('connected');
  });
});

describe('closeAll', () => {
  it('drops every socket without changing shard statuses', async () => {
    const { s, c, id, shard, disabled } = await setup();
    s.sim.ws.closeAll();
    expect((await c.waitClosed()).code).toBe(1006);
    expect(shard.status).toBe('enabled');
    expect(disabled).toHaveLength(0);
    expect(s.sim.state.sessions.get(id)?.status).toBe('closed');
    expect(s.sim.ws.sendFrame(id, {})).toBe(false);
  });
});
