/**
 * Fault injection: a `session_reconnect` storm (twitch-eventsub.md §5.3, §6.3). Two websocket shards carry a steady
 * stream while the simulator asks both sessions to reconnect, again and again: a round every quarter second, each
 * once the last one is welcomed. Each time the shard object opens `reconnect_url`, keeps the old socket until the new welcome (same
 * session id: no PATCH), then closes it. Nothing is lost or recorded twice, and no shard is re-assigned.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writes } from '../support/sim-control.ts';
import { waitFor } from '../support/wait.ts';
import { enabledSession, sim, simState } from '../workers/support/ws-shard.ts';
import { broadcastersOn, chaosScene, type ChaosScene } from './support/scene.ts';
import { settle, simTotals, stream } from './support/tally.ts';

const ROUNDS = 10;

let s: ChaosScene;
beforeEach(async () => {
  await sim.reset();
  s = chaosScene();
});
afterEach(async () => {
  await s.cleanup();
});

/** Both sessions asked to reconnect together; resolves once both read `connected` again (welcomed on the new URL). */
async function round(sessions: string[], n: number): Promise<void> {
  for (const id of sessions) await sim.call('POST', `/sessions/${id}/reconnect`);
  await waitFor(
    `round ${n}: both sessions welcomed on their reconnect_url`,
    async () => {
      const state = await simState();
      return sessions.every((id) => state.sessions.find((x) => x.id === id)?.status === 'connected');
    },
    { timeoutMs: 10_000, intervalMs: 20 },
  );
}

describe('chaos: session_reconnect storm', () => {
  it('loses and duplicates nothing, and PATCHes no shard', async () => {
    await s.websocket('ws-1');
    await s.websocket('ws-2');
    await s.h.controller().putLayout(['ws-1', 'ws-2']);
    const sessions = [await enabledSession(0), await enabledSession(1)];
    const broadcasters = [...broadcastersOn(0, 2, 2, 'storm'), ...broadcastersOn(1, 2, 2, 'storm')];
    await s.subscribe(broadcasters);
    await sim.clearCalls();

    // A round every 25 events (a quarter of a second), each only after the one before: the storm spans the stream.
    let rounds = Promise.resolve();
    let done = 0;
    const at: Record<number, () => Promise<unknown>> = {};
    for (let k = 0; k < ROUNDS; k++) {
      at[40 + 25 * k] = () => (rounds = rounds.then(() => round(sessions, k + 1)).then(() => void done++));
    }
    const started = Date.now();
    const run = await stream({ broadcasters, rate: 100, min: 300, max: 3_000, at, until: async () => done === ROUNDS });
    await rounds;
    const ms = Date.now() - started;
    const totals = await simTotals();
    const r = await settle('session_reconnect storm', s.suffix, run.deliveries, [
      `${ROUNDS * 2} reconnects, both shards at once every 250 ms over ${ms} ms of stream; no PATCH`,
    ]);
    expect(done).toBe(ROUNDS);
    expect(r.lost).toBe(0);
    expect(r.duplicated).toBe(0);
    expect(totals).toMatchObject({ dropped: 0, retried: 0 });
    // Same sessions, still enabled; the controller was never asked to move a shard.
    expect([await enabledSession(0), await enabledSession(1)]).toEqual(sessions);
    expect(writes(await sim.calls()).filter((w) => w.endsWith('/shards'))).toEqual([]);
    for (const name of ['ws-1', 'ws-2']) {
      expect(await s.h.shard(name).status()).toMatchObject({ phase: 'connected', assigned: true, reconnectCount: 0 });
    }
  });
});
