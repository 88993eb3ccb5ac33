/**
 * @module Get and Update Conduit Shards (twitch-eventsub.md §1.6, §1.7): 202 partial errors with Twitch's
 * messages, webhook challenges, immediate WebSocket enablement, reassignment, and cursor pagination across a
 * 20,000-shard conduit.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../sim/server.ts';
import { registerClient } from '../../sim/oauth.ts';
import type { Shard } from '../../sim/state.ts';
import type { SimConfigInput } from '../../sim/config.ts';
import {
  addSession,
  appToken,
  dataOf,
  type Helix,
  type HelixHarness,
  helixClient,
  startHelixSim,
} from '../support/sim-harness.ts';
import { waitFor } from '../support/wait.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';
import { EsClient } from '../support/ws-client.ts';

const SECRET = 'a-secret-of-20-chars';
let h: HelixHarness;
let helix: Helix;
/** Closes whichever simulator the current test started. */
let stop: () => Promise<void>;

async function boot(config: SimConfigInput = {}): Promise<void> {
  h = await startHelixSim(config);
  stop = () => h.close();
  helix = helixClient(h.url, await appToken(h.url));
}
afterEach(() => stop());

async function conduit(count: number): Promise<string> {
  const res = await helix('POST', '/eventsub/conduits', { shard_count: count });
  expect(res.status).toBe(200);
  return dataOf(res)[0]!.id as string;
}
const webhook = (callback = 'https://example.com/eventsub', secret = SECRET) => ({
  method: 'webhook',
  callback,
  secret,
});
const patch = (conduit_id: string, shards: unknown[]) =>
  helix('PATCH', '/eventsub/conduits/shards', { conduit_id, shards });
const list = (query: string) => helix('GET', `/eventsub/conduits/shards?${query}`);

describe('Update Conduit Shards', () => {
  beforeEach(() => boot());

  it('puts a webhook shard in pending with 202, hides the secret, and starts a challenge', async () => {
    const id = await conduit(2);
    const res = await patch(id, [{ id: '0', transport: webhook() }]);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      data: [
        {
          id: '0',
          status: 'webhook_callback_verification_pending',
          transport: { method: 'webhook', callback: 'https://example.com/eventsub' },
        },
      ],
      errors: [],
    });
    expect(h.webhooks.shardChallenges.map((c) => [c.conduit.id, c.shard.id])).toEqual([[id, '0']]);
    const shard = h.sim.state.conduits.get(id)!.shards[0]!;
    expect(shard.transport).toEqual({ method: 'webhook', callback: 'https://example.com/eventsub', secret: SECRET });
  });

  it('enables a WebSocket shard at once and marks the session used', async () => {
    const id = await conduit(1);
    const session = addSession(h.sim);
    const res = await patch(id, [{ id: 0, transport: { method: 'websocket', session_id: session.id } }]);
    expect(res.status).toBe(202);
    expect(dataOf(res)).toEqual([
      {
        id: '0',
        status: 'enabled',
        transport: { method: 'websocket', session_id: session.id, connected_at: session.connectedAt },
      },
    ]);
    expect(session.used).toBe(true);
    expect(h.webhooks.shardChallenges).toEqual([]);
  });

  it('reports each bad shard in errors with code invalid_parameter while applying the good ones', async () => {
    const id = await conduit(3);
    const closed = addSession(h.sim, 'closed');
    const cases: [unknown, string][] = [
      [{ id: '3', transport: webhook() }, "The shard id is outside of the conduit's range."],
      [{ id: '-1', transport: webhook() }, "The shard id is outside of the conduit's range."],
      [{ id: 'x', transport: webhook() }, "The shard id is outside of the conduit's range."],
      [
        { id: '0', transport: { method: 'conduit', conduit_id: id } },
        'The value specified in the method field is not valid.',
      ],
      [{ id: '0' }, 'The value specified in the method field is not valid.'],
      [
        { id: '0', transport: { method: 'webhook', secret: SECRET } },
        'The callback field is required if you specify the webhook transport method.',
      ],
      [
        { id: '0', transport: webhook('not a url') },
        "The URL in the transport's callback field is not valid. The URL must use the HTTPS protocol and the 443 port number.",
      ],
      [
        { id: '0', transport: webhook(undefined, 'x'.repeat(9)) },
        'The length of the string in the secret field is not valid.',
      ],
      [
        { id: '0', transport: webhook(undefined, 'x'.repeat(101)) },
        'The length of the string in the secret field is not valid.',
      ],
      [
        { id: '0', transport: webhook(undefined, 'sécret-sécret') },
        'The length of the string in the secret field is not valid.',
      ],
      [
        { id: '0', transport: { method: 'webhook', callback: 'https://example.com/' } },
        'The length of the string in the secret field is not valid.',
      ],
      [
        { id: '0', transport: { method: 'websocket' } },
        'The session_id field is required if you specify the WebSocket transport method.',
      ],
      [
        { id: '0', transport: { method: 'websocket', session_id: 'AQoQunknown' } },
        'The websocket session is not connected.',
      ],
      [
        { id: '0', transport: { method: 'websocket', session_id: closed.id } },
        'The websocket session is not connected.',
      ],
    ];
    const good = [
      { id: '1', transport: webhook('http://127.0.0.1:9/cb', 'x'.repeat(10)) },
      { id: '2', transport: webhook('https://example.com/cb', 'y'.repeat(100)) },
    ];
    const res = await patch(id, [...cases.map(([entry]) => entry), ...good]);
    expect(res.status).toBe(202);
    expect(res.body?.errors).toEqual(
      cases.map(([entry, message]) => ({
        id: String((entry as { id: unknown }).id),
        message,
        code: 'invalid_parameter',
      })),
    );
    expect(dataOf(res).map((s) => s.id)).toEqual(['1', '2']);
    expect(h.sim.state.conduits.get(id)!.shards[0]).toBeUndefined();
  });

  it('always sends both arrays, even when every shard fails', async () => {
    const id = await conduit(1);
    const res = await patch(id, [{ id: '5', transport: webhook() }]);
    expect(res.status).toBe(202);
    expect(res.body?.data).toEqual([]);
    expect(res.body?.errors).toHaveLength(1);
    const empty = await patch(id, []);
    expect(empty.body).toEqual({ data: [], errors: [] });
  });

  it('replaces the transport on reassignment and reports the shard leaving enabled', async () => {
    const id = await conduit(1);
    const first = addSession(h.sim);
    const second = addSession(h.sim);
    const disabled: Shard[] = [];
    h.sim.state.on('shardDisabled', (_c, s) => disabled.push(s));
    await patch(id, [{ id: '0', transport: { method: 'websocket', session_id: first.id } }]);
    const moved = await patch(id, [{ id: '0', transport: { method: 'websocket', session_id: second.id } }]);
    expect(dataOf(moved)[0]).toMatchObject({ status: 'enabled', transport: { session_id: second.id } });
    expect(disabled).toEqual([]);

    const toWebhook = await patch(id, [{ id: '0', transport: webhook() }]);
    expect(dataOf(toWebhook)[0]).toMatchObject({ status: 'webhook_callback_verification_pending' });
    expect(disabled.map((s) => s.id)).toEqual(['0']);
    expect(h.sim.state.conduits.get(id)!.shards[0]!.transport.method).toBe('webhook');
  });

  it('passes a shard through the challenge outcome the webhook sender reports', async () => {
    h.webhooks.outcome = 'pass';
    const id = await conduit(2);
    const res = await patch(id, [{ id: '0', transport: webhook() }]);
    expect(dataOf(res)[0]?.status).toBe('webhook_callback_verification_pending');
    const enabled = await list(`conduit_id=${id}&status=enabled`);
    expect(dataOf(enabled).map((s) => s.id)).toEqual(['0']);
  });

  it('answers 400 for a missing conduit_id or shards, and 404 for unknown or foreign conduits', async () => {
    const id = await conduit(1);
    expect((await helix('PATCH', '/eventsub/conduits/shards', { shards: [] })).status).toBe(400);
    expect((await helix('PATCH', '/eventsub/conduits/shards', { conduit_id: id })).status).toBe(400);
    expect((await patch('nope', [{ id: '0', transport: webhook() }])).status).toBe(404);
    registerClient(h.sim, 'other-app', 'other-secret-123');
    const other = helixClient(h.url, await appToken(h.url, 'other-app', 'other-secret-123'), 'other-app');
    const res = await other('PATCH', '/eventsub/conduits/shards', { conduit_id: id, shards: [] });
    expect(res.status).toBe(404);
    expect(res.body?.message).toBe("Conduit's owner must match the client ID in the access token.");
  });
});

describe('strict callbacks (§3.1)', () => {
  beforeEach(() => boot({ strictCallbacks: true }));

  it('accepts only https on port 443', async () => {
    const id = await conduit(4);
    const res = await patch(id, [
      { id: '0', transport: webhook('http://example.com/cb') },
      { id: '1', transport: webhook('https://example.com:8443/cb') },
      { id: '2', transport: webhook('https://example.com:443/cb') },
      { id: '3', transport: webhook('https://example.com/cb') },
    ]);
    expect((res.body?.errors as { id: string }[]).map((e) => e.id)).toEqual(['0', '1']);
    expect(dataOf(res).map((s) => s.id)).toEqual(['2', '3']);
  });
});

describe('Get Conduit Shards', () => {
  it('answers 400 without conduit_id, for a bad cursor or status, and 404 for an unknown conduit', async () => {
    await boot();
    const id = await conduit(1);
    expect((await list('')).status).toBe(400);
    expect((await list(`conduit_id=${id}&after=garbage`)).status).toBe(400);
    expect((await list(`conduit_id=${id}&status=bogus`)).status).toBe(400);
    expect((await list('conduit_id=nope')).status).toBe(404);
    expect((await list(`conduit_id=${id}`)).body).toEqual({ data: [], pagination: {} });
  });

  it('lists never-assigned shards only when listUnassignedShards is set', async () => {
    await boot({ listUnassignedShards: true });
    const id = await conduit(3);
    await patch(id, [{ id: '1', transport: webhook() }]);
    const res = await list(`conduit_id=${id}`);
    expect(dataOf(res).map((s) => [s.id, s.status])).toEqual([
      ['0', 'websocket_disconnected'],
      ['1', 'webhook_callback_verification_pending'],
      ['2', 'websocket_disconnected'],
    ]);
  });

  it('pages through 20,000 webhook shards with opaque cursors, each id exactly once', async () => {
    await boot({ shardPageSize: 100 });
    const id = await conduit(20_000);
    const shards = Array.from({ length: 20_000 }, (_, i) => ({
      id: String(i),
      transport: webhook(`https://example.com/eventsub/${i}`),
    }));
    const res = await patch(id, shards);
    expect(res.status).toBe(202);
    expect(res.body?.errors).toEqual([]);
    expect(dataOf(res)).toHaveLength(20_000);
    expect(h.webhooks.shardChallenges).toHaveLength(20_000);

    // Enable every third shard so the status filter has something to page over.
    const c = h.sim.state.conduits.get(id)!;
    for (let i = 0; i < 20_000; i += 3) h.sim.state.setShardStatus(c, c.shards[i]!, 'enabled');

    const pageAll = async (query: string): Promise<string[]> => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 1_000; page++) {
        const r = await list(`conduit_id=${id}${query}${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`);
        expect(r.status).toBe(200);
        const rows = dataOf(r);
        expect(rows.length).toBeLessThanOrEqual(100);
        expect(JSON.stringify(rows)).not.toContain(SECRET);
        seen.push(...rows.map((s) => s.id as string));
        cursor = (r.body?.pagination as { cursor?: string }).cursor;
        if (!cursor) return seen;
        expect(cursor).not.toMatch(/^\d+$/);
      }
      throw new Error('pagination did not end within 1000 pages');
    };

    const all = await pageAll('');
    expect(all).toHaveLength(20_000);
    expect(new Set(all).size).toBe(20_000);
    expect(all).toEqual(Array.from({ length: 20_000 }, (_, i) => String(i)));

    const enabled = await pageAll('&status=enabled');
    expect(enabled).toEqual(Array.from({ length: 6_667 }, (_, i) => String(i * 3)));
  });
});

describe('through the full simulator (real webhook sender and WebSocket server)', () => {
  let running: RunningSim;
  let receiver: Receiver | undefined;
  let client: EsClient | undefined;
  let call: Helix;

  beforeEach(async () => {
    running = await startSimulator({ port: 0, config: { webhookTimeoutMs: 300 } });
    call = helixClient(running.url, await appToken(running.url));
    stop = () => running.close();
  });
  afterEach(async () => {
    client?.terminate();
    await receiver?.close();
    client = receiver = undefined;
  });

  async function newConduit(count: number): Promise<string> {
    const res = await call('POST', '/eventsub/conduits', { shard_count: count });
    return dataOf(res)[0]!.id as string;
  }
  const statusOf = async (id: string, shard: string): Promise<unknown> =>
    dataOf(await call('GET', `/eventsub/conduits/shards?conduit_id=${id}`)).find((s) => s.id === shard)?.status;

  it('enables a webhook shard once its callback answers the challenge', async () => {
    receiver = await startReceiver();
    const id = await newConduit(1);
    const res = await call('PATCH', '/eventsub/conduits/shards', {
      conduit_id: id,
      shards: [{ id: '0', transport: webhook(receiver.url) }],
    });
    expect(dataOf(res)[0]?.status).toBe('webhook_callback_verification_pending');
    await waitFor('shard 0 enabled', async () => (await statusOf(id, '0')) === 'enabled');
    expect(receiver.ofType('webhook_callback_verification')).toHaveLength(1);
  });

  it('fails a webhook shard whose callback port is closed', async () => {
    const port = await closedPort();
    const id = await newConduit(1);
    await call('PATCH', '/eventsub/conduits/shards', {
      conduit_id: id,
      shards: [{ id: '0', transport: webhook(`http://127.0.0.1:${port}/cb`) }],
    });
    await waitFor(
      'verification failure',
      async () => (await statusOf(id, '0')) === 'webhook_callback_verification_failed',
    );
  });

  it('enables a shard on a welcomed WebSocket session at once', async () => {
    client = EsClient.open(`${running.url.replace(/^http/, 'ws')}/ws`);
    const sessionId = await client.sessionId();
    const id = await newConduit(1);
    const res = await call('PATCH', '/eventsub/conduits/shards', {
      conduit_id: id,
      shards: [{ id: '0', transport: { method: 'websocket', session_id: sessionId } }],
    });
    expect(res.body?.errors).toEqual([]);
    expect(dataOf(res)[0]).toMatchObject({ status: 'enabled', transport: { session_id: sessionId } });
    expect(running.sim.state.sessions.get(sessionId)?.used).toBe(true);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
