/**
 * Handover by `reassign` (design.md §7, conduit-notes.md "HandOver a socket", first recipe) under a steady stream:
 * a second socket, the shard PATCHed to its session in one call, then the old socket closed. Zero events lost.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writes } from '../support/sim-control.ts';
import { handoverUnderLoad } from './support/ws-handover.ts';
import { sim, wsHarness, type WsHarness } from './support/ws-shard.ts';

let h: WsHarness;
beforeEach(async () => {
  await sim.reset();
  h = wsHarness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('websocket shard: handover (reassign)', () => {
  it('moves the shard to a new socket with no event lost', { timeout: 60_000 }, async () => {
    await handoverUnderLoad(h, 'reassign');
    // One PATCH of the shard, no change to the conduit's size.
    expect(writes(await sim.calls())).toEqual(['PATCH /helix/eventsub/conduits/shards']);
  });

  it('refuses an endpoint with no shard in the layout, and a webhook endpoint', async () => {
    await h.addWebsocket('ws-1');
    const none = await h.admin('POST', '/handover', { endpoint: 'ws-1', method: 'reassign' });
    expect(none.status).toBe(409);
    expect(((await none.json()) as { error: string }).error).toMatch(/no shard in the layout/);
    const webhook = await h.admin('POST', '/handover', { endpoint: 'default', method: 'reassign' });
    expect(webhook.status).toBe(404);
  });
});
