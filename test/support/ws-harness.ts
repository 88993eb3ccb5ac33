/**
 * @module Helpers for the WebSocket server tests: a full simulator with its `/ws` URL, and the real Helix calls
 * that put a session to use (a conduit shard, or a direct WebSocket subscription with a user token).
 */
import type { SimConfigInput } from '../../sim/config.ts';
import { startSimulator, type RunningSim } from '../../sim/server.ts';
import type { Conduit, Shard, Subscription } from '../../sim/state.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../sim/state.ts';

export interface WsSim extends RunningSim {
  wsUrl: string;
}

export async function startWsSim(config: SimConfigInput = {}): Promise<WsSim> {
  const running = await startSimulator({ port: 0, config });
  return { ...running, wsUrl: `${running.url.replace(/^http/, 'ws')}/ws` };
}

async function call(url: string, path: string, init: RequestInit, expected: number): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, init);
  const text = await res.text();
  if (res.status !== expected) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

const helixHeaders = (token: string) => ({
  Authorization: `Bearer ${token}`,
  'Client-Id': DEFAULT_CLIENT_ID,
  'Content-Type': 'application/json',
});

export async function appToken(url: string): Promise<string> {
  const body = new URLSearchParams({
    client_id: DEFAULT_CLIENT_ID,
    client_secret: DEFAULT_CLIENT_SECRET,
    grant_type: 'client_credentials',
  });
  return String((await call(url, '/oauth2/token', { method: 'POST', body }, 200)).access_token);
}

/** Create a conduit with one shard through Helix, ready for `assignShard`. */
export async function createConduit(url: string, token: string): Promise<string> {
  const init = { method: 'POST', headers: helixHeaders(token), body: JSON.stringify({ shard_count: 1 }) };
  const res = await call(url, '/helix/eventsub/conduits', init, 200);
  return String((res.data as { id: string }[])[0]?.id);
}

/** PATCH shard 0 of the conduit onto the session (§1.7) and return the simulator's objects for it. */
export async function assignShard(
  s: WsSim,
  token: string,
  conduitId: string,
  sessionId: string,
): Promise<{ conduit: Conduit; shard: Shard }> {
  const body = {
    conduit_id: conduitId,
    shards: [{ id: '0', transport: { method: 'websocket', session_id: sessionId } }],
  };
  const init = { method: 'PATCH', headers: helixHeaders(token), body: JSON.stringify(body) };
  const res = await call(s.url, '/helix/eventsub/conduits/shards', init, 202);
  if ((res.errors as unknown[]).length > 0) throw new Error(`shard assignment failed: ${JSON.stringify(res.errors)}`);
  const conduit = s.sim.state.conduits.get(conduitId);
  const shard = conduit?.shards[0];
  if (!conduit || !shard) throw new Error('assigned shard not found in state');
  return { conduit, shard };
}

/** Token, conduit and shard assignment in one go. */
export async function shardOnSession(s: WsSim, sessionId: string): Promise<{ conduit: Conduit; shard: Shard }> {
  const token = await appToken(s.url);
  return assignShard(s, token, await createConduit(s.url, token), sessionId);
}

/** A direct WebSocket subscription on the session, created with a user token (§2.1). */
export async function directSubscription(s: WsSim, sessionId: string, userId = '1'): Promise<Subscription> {
  const minted = await call(
    s.url,
    '/_sim/tokens/user',
    { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user_id: userId }) },
    200,
  );
  const body = {
    type: 'user.update',
    version: '1',
    condition: { user_id: userId },
    transport: { method: 'websocket', session_id: sessionId },
  };
  const init = { method: 'POST', headers: helixHeaders(String(minted.access_token)), body: JSON.stringify(body) };
  const res = await call(s.url, '/helix/eventsub/subscriptions', init, 202);
  const sub = s.sim.state.subscriptions.get((res.data as { id: string }[])[0]?.id ?? '');
  if (!sub) throw new Error('created subscription not found in state');
  return sub;
}
