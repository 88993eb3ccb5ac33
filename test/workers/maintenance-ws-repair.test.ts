/**
 * Repair of a websocket shard (issue #6, design.md §6): Twitch lists the endpoint's shard as disabled on the very
 * session the endpoint still reports as live. The pass re-assigns the shard, and asks the endpoint's shard object for
 * a fresh socket — a `reassign` handover: new session, PATCH, then the old socket is closed — after which the shard is
 * enabled on a new session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.ts';
import { maintenanceHarness, responder, sim, simState } from './support/maintenance.ts';
import { enabledSession, wsHarness } from './support/ws-shard.ts';

const ws = wsHarness();
const h = maintenanceHarness({ suffix: ws.controllerName.slice('conduit:auto'.length) });

beforeAll(async () => {
  await sim.reset();
  await responder.reset();
  await ws.addWebsocket('ws-1');
  expect((await h.rpc().putLayout(['default', 'ws-1'])).ok).toBe(true);
  await enabledSession(1);
}, 30_000);

afterAll(async () => {
  await ws.cleanup();
});

describe('a websocket shard Twitch disabled on a session its endpoint still holds', () => {
  it('is re-assigned, and the endpoint reconnects to a new session', { timeout: 30_000 }, async () => {
    const old = await enabledSession(1);
    const conduit = (await simState()).conduits[0]!.id;
    await sim.call('POST', `/conduits/${conduit}/shards/1/status`, { status: 'websocket_failed_ping_pong' });
    await h.tick();
    const fresh = await enabledSession(1, { not: old, timeoutMs: 20_000 });
    expect(fresh).not.toBe(old);
    const actions = await waitFor('the reconnect recorded', async () => {
      const list = await h.actions(40);
      return list.some((a) => a.kind === 'websocket' && a.reason.includes('new session')) ? list : null;
    });
    expect(actions.find((a) => a.kind === 'maintenance:reconnect')?.reason).toBe(
      `Twitch lists 1 shard(s) (first: 1, websocket_failed_ping_pong) on session ${old}, which 'ws-1' still calls its own: a fresh socket`,
    );
    expect(actions.find((a) => a.kind === 'websocket')?.reason).toMatch(
      new RegExp(`^'ws-1' reconnect \\(.*\\): new session ${fresh} in \\d+ ms$`),
    );
  });
});
