/**
 * @module The simulator's id.twitch.tv (twitch-eventsub.md §7.1, §7.2, §8.2): client-credentials tokens in both
 * parameter forms, validate with either scheme, revoke, forced expiry, and Helix refusing bad credentials.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expireTokens, mintUserToken, registerClient } from '../../sim/oauth.ts';
import { startSimulator } from '../../sim/server.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../sim/state.ts';
import { appToken, type HelixHarness, helixClient, startHelixSim } from '../support/sim-harness.ts';

const TTL = 3600;
let h: HelixHarness;

beforeEach(async () => {
  h = await startHelixSim({ tokenTtlSeconds: TTL });
});
afterEach(() => h.close());

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields),
});
const creds = { client_id: DEFAULT_CLIENT_ID, client_secret: DEFAULT_CLIENT_SECRET, grant_type: 'client_credentials' };
const validate = (token: string, scheme = 'OAuth') =>
  fetch(`${h.url}/oauth2/validate`, { headers: { Authorization: `${scheme} ${token}` } });

describe('POST /oauth2/token', () => {
  it('issues an app token from a form body, recorded with its expiry on the sim clock', async () => {
    const before = h.sim.clock.now();
    const res = await fetch(`${h.url}/oauth2/token`, form(creds));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; expires_in: number; token_type: string };
    expect(body).toEqual({ access_token: expect.any(String), expires_in: TTL, token_type: 'bearer' });
    const info = h.sim.state.tokens.get(body.access_token);
    expect(info).toMatchObject({ clientId: DEFAULT_CLIENT_ID, kind: 'app' });
    expect(info!.expiresAt).toBeGreaterThanOrEqual(before + TTL * 1000);
    expect(info!.expiresAt).toBeLessThanOrEqual(h.sim.clock.now() + TTL * 1000);
  });

  it('accepts the fields as query parameters', async () => {
    const res = await fetch(`${h.url}/oauth2/token?${new URLSearchParams(creds)}`, { method: 'POST' });
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as { access_token: string };
    expect(h.sim.state.tokens.has(access_token)).toBe(true);
  });

  it.each([
    ['an unknown client', { ...creds, client_id: 'nobody' }, 400, 'invalid client'],
    ['a wrong secret', { ...creds, client_secret: 'wrong' }, 403, 'invalid client secret'],
    ['a bad grant type', { ...creds, grant_type: 'authorization_code' }, 400, 'invalid grant type'],
    ['no grant type', { client_id: creds.client_id, client_secret: creds.client_secret }, 400, 'invalid grant type'],
  ])('rejects %s with a {status, message} body', async (_what, fields, status, message) => {
    const res = await fetch(`${h.url}/oauth2/token`, form(fields));
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ status, message });
    expect(h.sim.state.tokens.size).toBe(0);
  });

  it('serves a client registered through registerClient', async () => {
    registerClient(h.sim, 'other-app', 'other-secret-123');
    const token = await appToken(h.url, 'other-app', 'other-secret-123');
    expect(h.sim.state.tokens.get(token)?.clientId).toBe('other-app');
  });
});

describe('GET /oauth2/validate', () => {
  it.each(['OAuth', 'Bearer'])('validates an app token sent with %s', async (scheme) => {
    const token = await appToken(h.url);
    const res = await validate(token, scheme);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ client_id: DEFAULT_CLIENT_ID, scopes: [], expires_in: expect.any(Number) });
    expect(body.expires_in).toBeGreaterThan(TTL - 5);
    expect(body.expires_in).toBeLessThanOrEqual(TTL);
  });

  it('adds login and user_id for user tokens', async () => {
    const token = mintUserToken(h.sim, DEFAULT_CLIENT_ID, '1234', 'streamer', ['user:read:chat']);
    const res = await validate(token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      client_id: DEFAULT_CLIENT_ID,
      login: 'streamer',
      user_id: '1234',
      scopes: ['user:read:chat'],
    });
  });

  it('counts expires_in down with the sim clock and answers 401 once it passes', async () => {
    const token = await appToken(h.url);
    h.sim.clock.advance((TTL - 100) * 1000);
    const body = (await (await validate(token)).json()) as { expires_in: number };
    expect(body.expires_in).toBeLessThanOrEqual(100);
    h.sim.clock.advance(101_000);
    const res = await validate(token);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ status: 401, message: 'invalid access token' });
  });

  it('answers 401 for unknown tokens and missing headers', async () => {
    expect((await validate('not-a-token')).status).toBe(401);
    expect((await fetch(`${h.url}/oauth2/validate`)).status).toBe(401);
  });
});

describe('forced expiry and revocation', () => {
  it('expireTokens(sim, token) expires only that token, for validate and Helix alike', async () => {
    const [a, b] = [await appToken(h.url), await appToken(h.url)];
    expect(expireTokens(h.sim, a)).toBe(1);
    expect((await validate(a)).status).toBe(401);
    expect((await validate(b)).status).toBe(200);
    const res = await helixClient(h.url, a)('GET', '/eventsub/conduits');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'Unauthorized', status: 401, message: 'Invalid OAuth token' });
    expect((await helixClient(h.url, b)('GET', '/eventsub/conduits')).status).toBe(200);
  });

  it('expireTokens(sim) expires every token, user tokens included', async () => {
    const app = await appToken(h.url);
    const user = mintUserToken(h.sim, DEFAULT_CLIENT_ID, '42');
    expect(expireTokens(h.sim)).toBe(2);
    expect((await validate(app)).status).toBe(401);
    expect((await validate(user)).status).toBe(401);
    const fresh = await appToken(h.url);
    expect((await validate(fresh)).status).toBe(200);
  });

  it('revokes a token so it no longer validates', async () => {
    const token = await appToken(h.url);
    const res = await fetch(`${h.url}/oauth2/revoke`, form({ client_id: DEFAULT_CLIENT_ID, token }));
    expect(res.status).toBe(200);
    expect((await validate(token)).status).toBe(401);
  });

  it('refuses to revoke an unknown token, or one of another client', async () => {
    registerClient(h.sim, 'other-app', 'other-secret-123');
    const token = await appToken(h.url);
    const unknown = await fetch(`${h.url}/oauth2/revoke`, form({ client_id: DEFAULT_CLIENT_ID, token: 'nope' }));
    expect(unknown.status).toBe(400);
    const foreign = await fetch(`${h.url}/oauth2/revoke`, form({ client_id: 'other-app', token }));
    expect(foreign.status).toBe(400);
    const noClient = await fetch(`${h.url}/oauth2/revoke`, form({ client_id: 'ghost', token }));
    expect(noClient.status).toBe(404);
    expect((await validate(token)).status).toBe(200);
  });
});

describe('Helix credentials (§0, §8.2)', () => {
  it('answers 401 without a token, without a Client-Id, or with a Client-Id of another app', async () => {
    registerClient(h.sim, 'other-app', 'other-secret-123');
    const token = await appToken(h.url);
    const noToken = await fetch(`${h.url}/helix/eventsub/subscriptions`, {
      headers: { 'Client-Id': DEFAULT_CLIENT_ID },
    });
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toMatchObject({ error: 'Unauthorized', status: 401 });
    const noClient = await fetch(`${h.url}/helix/eventsub/subscriptions`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(noClient.status).toBe(401);
    const mismatch = await helixClient(h.url, token, 'other-app')('GET', '/eventsub/subscriptions');
    expect(mismatch.status).toBe(401);
    expect(mismatch.body?.message).toBe('Client ID and OAuth token do not match');
  });
});

describe('through the full simulator and its control API', () => {
  it('POST /_sim/tokens/expire makes Helix answer 401 until a new token is fetched', async () => {
    const running = await startSimulator({ port: 0 });
    try {
      const token = await appToken(running.url);
      expect((await helixClient(running.url, token)('GET', '/eventsub/conduits')).status).toBe(200);
      const expired = await fetch(`${running.url}/_sim/tokens/expire`, { method: 'POST' });
      expect(await expired.json()).toEqual({ expired: 1 });
      expect((await helixClient(running.url, token)('GET', '/eventsub/conduits')).status).toBe(401);
      const fresh = await appToken(running.url);
      expect((await helixClient(running.url, fresh)('GET', '/eventsub/conduits')).status).toBe(200);
    } finally {
      await running.close();
    }
  });
});
