/**
 * At most one shard not enabled at a time (issue #6, twitch-eventsub.md §5.2: an event whose shard is not enabled is
 * retried once, on one other shard): while a shard is down and the pass cannot fix it — here a websocket endpoint
 * whose socket is gone — no shard is sent home after a window; once it is back, they go, one at a time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.ts';
import {
  maintenanceHarness,
  MIN,
  placement,
  responder,
  SHARDS,
  sim,
  simState,
  writeLog,
} from './support/maintenance.ts';
import { enabledSession, wsHarness } from './support/ws-shard.ts';

const layout = ['default', 'blue', 'ws-1', 'blue'];
const ws = wsHarness();
const h = maintenanceHarness({ suffix: ws.controllerName.slice('conduit:auto'.length) });
const T = h.clock.t;

beforeAll(async () => {
  await sim.reset();
  await responder.reset();
  await ws.addWebsocket('ws-1');
  for (const name of ['blue', 'green']) await h.rpc().addEndpoint({ name, kind: 'webhook' });
  expect((await h.rpc().putLayout(layout)).ok).toBe(true);
  await enabledSession(2);
  await h.waitEnabled();
  const res = await h.admin('POST', '/maintenance', {
    endpoint: 'blue',
    starts_at: new Date(T + 2 * MIN).toISOString(),
    ends_at: new Date(T + 20 * MIN).toISOString(),
  });
  expect(res.status).toBe(201);
  await h.tick();
  await h.waitEnabled();
  expect((await placement()).filter((e) => e === 'blue')).toEqual([]);
}, 60_000);

afterAll(async () => {
  await ws.cleanup();
});

describe('one shard not enabled at a time', () => {
  it('holds the restore while the websocket shard is down', async () => {
    await ws.shard('ws-1').stop();
    await waitFor('shard 2 disabled', async () =>
      (await simState()).conduits[0]!.shards.find((s) => s.id === '2')?.status.startsWith('websocket_'),
    );
    h.advance(21 * MIN);
    await sim.clearCalls();
    await h.install();
    const r = await h.stub.tick();
    expect(r.ok).toBe(true);
    expect(writeLog(await sim.calls()).filter((w) => w.includes('/shards') && w.includes('blue'))).toEqual([]);
    const hold = (await h.actions(30)).find((a) => a.kind === 'maintenance:hold');
    expect(hold?.reason).toBe(
      'shard(s) 2 are not enabled and cannot be fixed now: no shard goes home until they are (at most one shard not enabled at a time)',
    );
  });

  it('restores one at a time once the websocket shard is enabled again', async () => {
    // The tick's poke (and the reconnect it asked for) started the object: its welcome put shard 2 on the new session.
    await enabledSession(2);
    h.advance(MIN);
    await sim.clearCalls();
    await h.tick();
    const log = await sim.calls();
    expect(writeLog(log).filter((w) => w.startsWith(SHARDS))).toEqual([`${SHARDS} 1→blue`, `${SHARDS} 3→blue`]);
    const patches = log.flatMap((c, i) => (c.method === 'PATCH' ? [i] : []));
    const between = log.slice(patches[0]! + 1, patches[1]!);
    expect(between.some((c) => c.query.status === 'webhook_callback_verification_pending')).toBe(true);
    await h.waitEnabled();
  });
});
