/**
 * Handover by `swap` (design.md §7, conduit-notes.md "HandOver a socket", second recipe) under a steady stream: grow
 * by one, the new socket on the new shard, both swapped in one PATCH, shrink, close the old socket. Zero lost.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writes } from '../support/sim-control.ts';
import { handoverUnderLoad } from './support/ws-handover.ts';
import { sim, simState, wsHarness, type WsHarness } from './support/ws-shard.ts';

let h: WsHarness;
beforeEach(async () => {
  await sim.reset();
  h = wsHarness();
});
afterEach(async () => {
  await h.cleanup();
});

const CONDUITS = 'PATCH /helix/eventsub/conduits';
const SHARDS = 'PATCH /helix/eventsub/conduits/shards';

describe('websocket shard: handover (swap)', () => {
  it('swaps through a temporary shard with no event lost, and shrinks back', { timeout: 60_000 }, async () => {
    const { before, after } = await handoverUnderLoad(h, 'swap');
    const log = await sim.calls();
    expect(writes(log)).toEqual([CONDUITS, SHARDS, SHARDS, CONDUITS]);
    const bodies = log.filter((c) => c.method === 'PATCH').map((c) => c.body);
    expect(bodies[0]).toMatchObject({ shard_count: 2 });
    expect(bodies[1]).toMatchObject({ shards: [{ id: '1', transport: { method: 'websocket', session_id: after } }] });
    expect(bodies[2]).toMatchObject({
      shards: [
        { id: '0', transport: { method: 'websocket', session_id: after } },
        { id: '1', transport: { method: 'websocket', session_id: before } },
      ],
    });
    expect(bodies[3]).toMatchObject({ shard_count: 1 });
    expect((await simState()).conduits[0]!.shard_count).toBe(1);
  });
});
