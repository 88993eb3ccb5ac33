/**
 * End to end over real HTTP (issue #4): the simulator and `wrangler dev` (scripts/stack.ts). Two built-in webhook
 * shards are assigned through the admin API and verified by the simulator's signed challenges against the real
 * route; 1,000 events for several broadcasters are delivered through the conduit, some re-sent with the same
 * message id; each must reach a handler exactly once, and the simulator must count nothing dropped or failed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../scripts/stack.ts';
import { waitFor } from '../support/wait.ts';

const EVENTS = 1_000;
const BROADCASTERS = ['1001', '1002', '1003', '1004', '1005', '1006', '1007'];

let stack: Stack;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'conduit-e2e-'));
  stack = await startStack({
    persistTo: dir,
    secrets: {
      TWITCH_CLIENT_SECRET: 'sim-client-secret',
      EVENTSUB_SECRET: `e2e-master-${crypto.randomUUID()}`,
      ADMIN_TOKEN: `e2e-admin-${crypto.randomUUID()}`,
    },
    simConfig: { webhookRetryDelaysMs: [200, 500, 1_000] },
  });
}, 120_000);

afterAll(async () => {
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Recent {
  events: { message_id: string; handled: number; routing_key: string }[];
  unavailable: string[];
}

describe('webhook shards end to end', () => {
  it('assigns two webhook shards whose challenges pass through the real route', async () => {
    expect((await stack.admin('POST', '/endpoints', { name: 'second', kind: 'webhook' })).status).toBe(201);
    expect((await stack.admin('PUT', '/layout', { shards: ['default', 'second'] })).status).toBe(200);
    const conduit = await waitFor(
      'both shards enabled',
      () => {
        const c = [...stack.sim.sim.state.conduits.values()][0];
        return c?.shards.length === 2 && c.shards.every((s) => s?.status === 'enabled') ? c : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(conduit.shards.map((s) => (s?.transport.method === 'webhook' ? s.transport.callback : null))).toEqual([
      `${stack.workerUrl}/webhooks/default`,
      `${stack.workerUrl}/webhooks/second`,
    ]);
  });

  it(`delivers ${EVENTS} events to the handlers exactly once, re-sent duplicates included`, async () => {
    stack.sim.sim.state.authorize('sim-client-id', BROADCASTERS);
    for (const b of BROADCASTERS) {
      const r = await stack.admin('POST', '/subscriptions', {
        type: 'channel.chat.message',
        version: '1',
        condition: { broadcaster_user_id: b, user_id: b },
      });
      expect(r.status).toBe(201);
    }
    // Eight deliveries in flight at a time; every tenth event is re-sent with the same message id.
    let duplicatesSent = 0;
    const statuses: string[] = [];
    for (let start = 0; start < EVENTS; start += 8) {
      const batch = [];
      for (let i = start; i < Math.min(EVENTS, start + 8); i++) {
        const duplicates = i % 10 === 0 ? 1 : 0;
        duplicatesSent += duplicates;
        batch.push(
          stack.sim.sim.delivery.notify({
            type: 'channel.chat.message',
            version: '1',
            condition: { broadcaster_user_id: BROADCASTERS[i % BROADCASTERS.length]! },
            duplicates,
          }),
        );
      }
      for (const results of await Promise.all(batch)) statuses.push(...results.map((r) => r.status));
    }
    expect(statuses).toEqual(Array.from({ length: EVENTS }, () => 'delivered'));
    const handled = await waitFor(
      `${EVENTS} handled events`,
      async () => {
        const r = await stack.admin<Recent>('GET', `/events/recent?limit=${EVENTS}`);
        if (r.status !== 200) throw new Error(`events/recent answered ${r.status}: ${JSON.stringify(r.body)}`);
        return r.body.unavailable.length === 0 && r.body.events.filter((e) => e.handled > 0).length >= EVENTS
          ? r.body.events
          : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    const ids = handled.map((e) => e.message_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(handled).toHaveLength(EVENTS);
    expect(handled.every((e) => e.handled === 1)).toBe(true);
    expect(new Set(handled.map((e) => e.routing_key))).toEqual(new Set(BROADCASTERS));
    const totals = stack.sim.sim.state.stats;
    const sum = (k: 'delivered' | 'dropped' | 'failed') => [...totals.values()].reduce((a, s) => a + s[k], 0);
    expect(sum('dropped')).toBe(0);
    expect(sum('failed')).toBe(0);
    expect(sum('delivered')).toBeGreaterThanOrEqual(EVENTS + duplicatesSent);
    console.log(`e2e: ${EVENTS} events + ${duplicatesSent} duplicate deliveries → ${handled.length} handled once each`);
  }, 180_000);
});
