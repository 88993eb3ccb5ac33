/**
 * @module The shared body of the handover tests (design.md §7): a one-shard conduit on `ws-1`, 200 events streamed
 * while `POST /admin/api/handover` runs, then the zero-loss checks against the simulator's stats and the hubs.
 */
import { expect } from 'vitest';
import { waitFor } from '../../support/wait.ts';
import { enabledSession, sim, simState, stream, type WsHarness } from './ws-shard.ts';

const BROADCASTER = '1001';
export const EVENTS = 200;

export async function handoverUnderLoad(h: WsHarness, method: 'reassign' | 'swap') {
  await h.addWebsocket('ws-1');
  await h.controller().putLayout(['ws-1']);
  const before = await enabledSession(0);
  await h.subscribe(BROADCASTER);
  await sim.clearCalls();

  const { deliveries, side } = await stream(BROADCASTER, EVENTS, 20, () =>
    h.admin('POST', '/handover', { endpoint: 'ws-1', method }),
  );
  const res = (await side) as Response;
  const body = (await res.json()) as { from_session: string; to_session: string; ms: number; error?: string };
  expect(res.status, body.error).toBe(200);
  expect(body.from_session).toBe(before);
  expect(body.to_session).not.toBe(before);

  const delivered = deliveries.filter((d) => d.status === 'delivered');
  const recorded = await waitFor(
    `all ${delivered.length} delivered events in the hubs`,
    async () => {
      const ids = await h.hubMessageIds();
      return ids.length >= delivered.length ? ids : null;
    },
    { timeoutMs: 15_000, intervalMs: 100 },
  );
  const stats = await sim.call<{ totals: { sent: number; delivered: number; dropped: number; retried: number } }>(
    'GET',
    '/stats',
  );
  const status = await h.shard('ws-1').status();
  console.log(
    `[ws-handover ${method}] ${body.ms} ms; triggered ${EVENTS}, simulator delivered ${stats.totals.delivered} ` +
      `(dropped ${stats.totals.dropped}, retried ${stats.totals.retried}), hubs recorded ${recorded.length} ` +
      `(${new Set(recorded).size} distinct), frames ingested by the shard ${status.eventsReceived}`,
  );
  // Zero lost: every event reached a socket, and every one of them is in the hubs once.
  expect(deliveries).toHaveLength(EVENTS);
  expect(delivered).toHaveLength(EVENTS);
  expect(stats.totals.dropped).toBe(0);
  expect(recorded).toHaveLength(EVENTS);
  expect(new Set(recorded)).toEqual(new Set(deliveries.map((d) => d.message_id)));

  // The shard is on the new session, the old socket is closed, and the shard object says so.
  expect(await enabledSession(0)).toBe(body.to_session);
  await waitFor('the old session closed', async () => {
    return (await simState()).sessions.find((s) => s.id === before)?.status === 'closed';
  });
  expect(status).toMatchObject({ phase: 'connected', sessionId: body.to_session, assigned: true, handover: null });
  return { before, after: body.to_session };
}
