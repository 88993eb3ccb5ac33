/**
 * @module A simulator serving only OAuth and Helix over real HTTP on 127.0.0.1, with recording fakes for the
 * WebSocket hub, webhook sender and delivery engine, so the Helix rules can be tested on their own.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { SimClock } from '../../sim/clock.ts';
import { makeConfig, type SimConfigInput } from '../../sim/config.ts';
import type { Sim, WebhookOut } from '../../sim/context.ts';
import { createHelixRoutes } from '../../sim/helix/index.ts';
import { sessionId } from '../../sim/ids.ts';
import { createOAuthRoutes } from '../../sim/oauth.ts';
import type { Conduit, Session, Shard, Subscription } from '../../sim/state.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SimState } from '../../sim/state.ts';
import { Timers } from '../../sim/timers.ts';

/** What the fake webhook sender does with a challenge: leave it pending, or pass or fail it at once. */
export type ChallengeOutcome = 'pending' | 'pass' | 'fail';

export interface FakeWebhooks extends WebhookOut {
  outcome: ChallengeOutcome;
  shardChallenges: { conduit: Conduit; shard: Shard }[];
  subscriptionChallenges: Subscription[];
}

export interface HelixHarness {
  sim: Sim;
  url: string;
  webhooks: FakeWebhooks;
  close(): Promise<void>;
}

function fakeWebhooks(state: SimState): FakeWebhooks {
  const fake: FakeWebhooks = {
    outcome: 'pending',
    shardChallenges: [],
    subscriptionChallenges: [],
    challengeShard(conduit, shard) {
      fake.shardChallenges.push({ conduit, shard });
      if (fake.outcome === 'pending') return Promise.resolve(false);
      const ok = fake.outcome === 'pass';
      state.setShardStatus(conduit, shard, ok ? 'enabled' : 'webhook_callback_verification_failed');
      return Promise.resolve(ok);
    },
    challengeSubscription(sub) {
      fake.subscriptionChallenges.push(sub);
      if (fake.outcome !== 'pending') {
        sub.status = fake.outcome === 'pass' ? 'enabled' : 'webhook_callback_verification_failed';
      }
      return Promise.resolve(fake.outcome === 'pass');
    },
    send: () => Promise.resolve({ ok: true, status: 204 }),
  };
  return fake;
}

export async function startHelixSim(config: SimConfigInput = {}): Promise<HelixHarness> {
  const cfg = makeConfig(config);
  const clock = new SimClock();
  const state = new SimState(cfg, clock);
  const webhooks = fakeWebhooks(state);
  const sim: Sim = {
    config: cfg,
    clock,
    state,
    timers: new Timers(),
    webhooks,
    ws: {
      sendFrame: () => false,
      reconnect: () => false,
      close: () => false,
      silence: () => false,
      closeAll: () => undefined,
    },
    delivery: { notify: () => Promise.resolve([]), revoke: () => Promise.resolve() },
    baseUrl: '',
  };
  const app = new Hono();
  app.route('/oauth2', createOAuthRoutes(sim));
  app.route('/helix', createHelixRoutes(sim));
  const server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  sim.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    sim,
    url: sim.baseUrl,
    webhooks,
    close: async () => {
      sim.timers.cancelAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An app token from the simulator's token endpoint, over HTTP. */
export async function appToken(url: string, clientId = DEFAULT_CLIENT_ID, secret = DEFAULT_CLIENT_SECRET) {
  const res = await fetch(`${url}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, client_secret: secret, grant_type: 'client_credentials' }),
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export interface HelixResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or null for an empty body. */
  body: Record<string, unknown> | null;
}

/** A Helix caller bound to one token and Client-Id. */
export function helixClient(url: string, token: string, clientId = DEFAULT_CLIENT_ID) {
  return async (method: string, path: string, body?: unknown): Promise<HelixResponse> => {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, 'Client-Id': clientId };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${url}/helix${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
    };
  };
}

export type Helix = ReturnType<typeof helixClient>;

/** Register a connected WebSocket session directly in state (the hub is faked here). */
export function addSession(sim: Sim, status: Session['status'] = 'connected'): Session {
  const session: Session = {
    id: sessionId(),
    connectedAt: sim.clock.rfc3339(),
    keepaliveSeconds: 10,
    status,
    used: false,
  };
  sim.state.sessions.set(session.id, session);
  return session;
}

/** `data` of a Helix response as a list of records. */
export function dataOf(r: HelixResponse): Record<string, unknown>[] {
  return (r.body?.data ?? []) as Record<string, unknown>[];
}
