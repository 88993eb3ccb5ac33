/**
 * A maintenance window on a WebSocket endpoint (issue #6: "Windows on WebSocket endpoints work the same way"), with
 * real sockets: its shards move to healthy webhook endpoints before the window; the shard object is then stopped (the
 * endpoint is down) and every event is delivered; when it is back with a new session after the window, the session's
 * welcome asks for a pass at once (Twitch closes an unused session after 10 s) and the shards go home in one PATCH —
 * a websocket assignment is enabled in the PATCH itself, so there is no challenge to wait for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.ts';
import {
  broadcasterFor,
  maintenanceHarness,
  MIN,
  placement,
  responder,
  SHARDS,
  sim,
  trigger,
  writeLog,
} from './support/maintenance.ts';
import { enabledSession, wsHarness } from './support/ws-shard.ts';

const layout = ['green', 'ws-1', 'ws-1', 'green'];
const ws = wsHarness();
const h = maintenanceHarness({ suffix: ws.controllerName.slice('conduit:auto'.length) });
const T = h.clock.t;
const broadcasters = layout.flatMap((_, s) => [broadcasterFor(s, 4, 'w'), broadcasterFor(s, 4, 'x')]);

beforeAll(async () => {
  await sim.reset();
  await responder.reset();
  await ws.addWebsocket('ws-1');
  await h.rpc().addEndpoint({ name: 'green', kind: 'webhook' });
  expect((await h.rpc().putLayout(layout)).ok).toBe(true);
  await enabledSession(1);
  await enabledSession(2);
  await h.subscribeOnline(broadcasters);
  await h.waitEnabled();
}, 60_000);

afterAll(async () => {
  await ws.cleanup();
});

describe('a window on a websocket endpoint', () => {
  it('moves its shards to the healthy webhook endpoints within the lead time', async () => {
    const res = await h.admin('POST', '/maintenance', {
      endpoint: 'ws-1',
      starts_at: new Date(T + 10 * MIN).toISOString(),
      ends_at: new Date(T + 40 * MIN).toISOString(),
    });
    expect(res.status).toBe(201);
    h.advance(5 * MIN + 1_000);
    await sim.clearCalls();
    await h.tick();
    expect(writeLog(await sim.calls()).filter((w) => w.startsWith(SHARDS))).toEqual([
      `${SHARDS} 1→default`,
      `${SHARDS} 2→green`,
    ]);
    await h.waitEnabled();
    expect(await placement()).toEqual(['green', 'default', 'green', 'green']);
  });

  it('delivers every event while the endpoint is down, and the cron leaves its stopped object alone', async () => {
    await ws.shard('ws-1').stop();
    h.advance(10 * MIN);
    await h.tick();
    expect((await ws.shard('ws-1').status()).phase).toBe('stopped');
    const results = await trigger(broadcasters);
    expect(results.every((r) => r.status === 'delivered' && r.transport === 'webhook')).toBe(true);
    const stats = await sim.call<{ totals: { dropped: number } }>('GET', '/stats');
    expect(stats.totals.dropped).toBe(0);
  });

  it('after the window the cron starts it, and the new session brings the shards home in one PATCH', async () => {
    h.advance(26 * MIN);
    await sim.clearCalls();
    const started = Date.now();
    // This tick's pass finds no live socket (nothing moves); its poke starts the object again.
    await h.tick();
    // The welcome asks for a pass at once; the alarm runs it (driven here, so the moved clock is in place).
    await waitFor('the shards home', async () => (await h.drive()) && (await allHome()), {
      timeoutMs: 8_000,
      intervalMs: 50,
    });
    // Well within the 10 s Twitch gives a session with no shard (twitch-eventsub.md §5.3).
    expect(Date.now() - started).toBeLessThan(8_000);
    const session = await enabledSession(1);
    expect(await enabledSession(2)).toBe(session);
    expect(writeLog(await sim.calls()).filter((w) => w.startsWith(SHARDS))).toEqual([`${SHARDS} 1→ws,2→ws`]);
    expect(await placement()).toEqual(['green', `ws:${session}`, `ws:${session}`, 'green']);
    const kinds = (await h.actions(30)).map((a) => a.kind);
    expect(kinds).toContain('maintenance:restore');
    const results = await trigger(broadcasters);
    expect(results.every((r) => r.status === 'delivered')).toBe(true);
    expect(results.filter((r) => r.transport === 'websocket')).toHaveLength(4);
  });
});

async function allHome(): Promise<boolean> {
  const p = await placement();
  return p[1]!.startsWith('ws:') && p[2]!.startsWith('ws:');
}
