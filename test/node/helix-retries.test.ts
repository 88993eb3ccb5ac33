/**
 * @module HelixHttp's retry rules (twitch-eventsub.md §7.2, §7.3): a 401 renews the token and retries once, a 503
 * retries once, a network failure and a malformed body surface at once, every retry is bounded, every attempt is
 * counted, and no error carries the client secret or a token.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../sim/server.ts';
import { HelixClient } from '../../src/twitch/helix-client.ts';
import { appToken } from '../support/sim-harness.ts';
import {
  callTrace,
  clientRig,
  control,
  expectNoSecrets,
  helixResponse,
  resetSim,
  twitchError,
} from '../support/twitch-client.ts';

let s: RunningSim;

beforeAll(async () => {
  s = await startSimulator({ port: 0 });
});
afterAll(() => s.close());
beforeEach(() => resetSim(s));

/** A fetch that answers `fake(n)` for the n-th Helix attempt (1-based) when it returns a response, else the sim. */
function scripted(fake: (n: number, url: string, method: string) => Response | null) {
  let n = 0;
  return (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    n++;
    const answer = fake(n, String(input), init?.method ?? 'GET');
    return answer ? Promise.resolve(answer) : fetch(input, init);
  };
}

const unavailable = () => helixResponse(503, { error: 'Service Unavailable', status: 503, message: 'try again' });

describe('401: renew the app token, retry once', () => {
  it('recovers from an expired token with one renewal and one retry', async () => {
    const rig = clientRig(s);
    await rig.client.getConduits();
    const before = rig.store.value?.accessToken;
    expect(await control(s, '/tokens/expire')).toEqual({ expired: 1 });

    expect(await rig.client.getConduits()).toEqual([]);
    expect(await callTrace(s)).toEqual([
      'GET /eventsub/conduits 200',
      'GET /eventsub/conduits 401',
      'GET /eventsub/conduits 200',
    ]);
    expect(rig.authCalls).toEqual(['/oauth2/token', '/oauth2/token']);
    expect(rig.store.value?.accessToken).not.toBe(before);
    expect(rig.client.calls).toBe(3);
    expectNoSecrets(s, JSON.stringify(rig.attempts));
  });

  it('retries with the token renew() handed back, not whatever get() would say', async () => {
    const fresh = await appToken(s.url);
    const sent: string[] = [];
    const tokens = { get: () => Promise.resolve('stale-token'), renew: () => Promise.resolve(fresh) };
    const client = new HelixClient({
      apiBase: `${s.url}/helix`,
      clientId: 'sim-client-id',
      tokens,
      fetch: (input, init) => {
        sent.push(new Headers(init?.headers).get('Authorization') ?? '');
        return fetch(input, init);
      },
    });
    expect(await client.getConduits()).toEqual([]);
    expect(sent).toEqual(['Bearer stale-token', `Bearer ${fresh}`]);
  });

  it('surfaces a second 401 in a row as unauthorized instead of looping', async () => {
    await control(s, '/clients', { client_id: 'other-client', client_secret: 'other-client-secret' });
    // Tokens of sim-client-id sent with another Client-Id: Helix refuses every one of them (§0).
    const rig = clientRig(s, { clientId: 'other-client' });
    const err = await twitchError(rig.client.createConduit(1));
    expect(err).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(err.message).toBe('Twitch 401: Client ID and OAuth token do not match');
    expect(rig.attempts.map((a) => a.status)).toEqual([401, 401]);
    expect(rig.authCalls).toEqual(['/oauth2/token', '/oauth2/token']);
    expect(rig.client.calls).toBe(2);
    expect(s.sim.state.conduits.size).toBe(0);
    expectNoSecrets(s, err.message);
  });

  it('makes no Helix call when the client secret is wrong, and never repeats the secret', async () => {
    const rig = clientRig(s, {}, { clientSecret: 'wrong-secret-do-not-echo' });
    const err = await twitchError(rig.client.getConduits());
    expect(err).toMatchObject({ kind: 'unauthorized', status: 403 });
    expect(err.message).toBe('Twitch 403: client-credentials token refused: invalid client secret');
    expectNoSecrets(s, `${err.message} ${err.stack}`, ['wrong-secret-do-not-echo']);
    expect(rig.client.calls).toBe(0);
    expect(await callTrace(s)).toEqual([]);
    expect(rig.store.value).toBeNull();
  });
});

describe('503: retry once', () => {
  it('retries a 503 once after a short pause and succeeds', async () => {
    const rig = clientRig(s, { fetch: scripted((n) => (n === 1 ? unavailable() : null)) });
    const conduit = await rig.client.createConduit(2);
    expect(rig.attempts.map((a) => a.status)).toEqual([503, 200]);
    expect(rig.sleeps).toEqual([500]);
    expect(rig.client.calls).toBe(2);
    // Only the retry reached the simulator, and it created exactly one conduit.
    expect(await callTrace(s)).toEqual(['POST /eventsub/conduits 200']);
    expect([...s.sim.state.conduits.keys()]).toEqual([conduit.id]);
  });

  it('surfaces the second 503 as kind server after exactly two attempts', async () => {
    const rig = clientRig(s, { fetch: scripted(() => unavailable()) });
    const err = await twitchError(rig.client.getConduits());
    expect(err).toMatchObject({ kind: 'server', status: 503, message: 'Twitch 503: try again' });
    expect(rig.attempts).toEqual([
      { method: 'GET', path: '/helix/eventsub/conduits', status: 503 },
      { method: 'GET', path: '/helix/eventsub/conduits', status: 503 },
    ]);
    expect(rig.client.calls).toBe(2);
  });

  it('does not retry other server errors', async () => {
    const rig = clientRig(s, {
      fetch: scripted(() => helixResponse(500, { error: 'Internal Server Error', status: 500, message: 'boom' })),
    });
    expect(await twitchError(rig.client.getConduits())).toMatchObject({ kind: 'server', status: 500 });
    expect(rig.client.calls).toBe(1);
  });

  it('bounds a call that meets every retryable failure to four attempts', async () => {
    const soon = String(Math.ceil(Date.now() / 1000) + 1);
    const rig = clientRig(s, {
      fetch: scripted((n) => {
        if (n === 1) return helixResponse(401, { error: 'Unauthorized', status: 401, message: 'Invalid OAuth token' });
        if (n === 2) return unavailable();
        if (n === 3) {
          const headers = { 'Ratelimit-Remaining': '0', 'Ratelimit-Reset': soon, 'Ratelimit-Limit': '800' };
          return helixResponse(429, { error: 'Too Many Requests', status: 429, message: 'Too Many Requests' }, headers);
        }
        return n === 4 ? unavailable() : null;
      }),
    });
    const err = await twitchError(rig.client.getConduits());
    expect(err).toMatchObject({ kind: 'server', status: 503 });
    expect(rig.attempts.map((a) => a.status)).toEqual([401, 503, 429, 503]);
    expect(rig.authCalls).toEqual(['/oauth2/token', '/oauth2/token']);
    expect(rig.sleeps).toHaveLength(2);
    expect(rig.client.calls).toBe(4);
  });
});

describe('failures that are not retried', () => {
  it('reports a network failure as kind network, without a token in the message', async () => {
    const rig = clientRig(s, {
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    const err = await twitchError(rig.client.deleteConduit('c-1'));
    expect(err).toMatchObject({ kind: 'network', status: null });
    expect(err.message).toBe('cannot reach Twitch (DELETE /helix/eventsub/conduits): fetch failed');
    expect(rig.attempts).toEqual([{ method: 'DELETE', path: '/helix/eventsub/conduits', status: null }]);
    expect(rig.client.calls).toBe(1);
    expectNoSecrets(s, err.message);
  });

  it('cuts the token out of an error message that echoes it', async () => {
    const rig = clientRig(s, {
      fetch: (_input, init) => {
        const auth = new Headers(init?.headers).get('Authorization') ?? '';
        return Promise.resolve(helixResponse(400, { error: 'Bad Request', status: 400, message: `bad ${auth}` }));
      },
    });
    const err = await twitchError(rig.client.getConduits());
    expect(err).toMatchObject({ kind: 'bad_request', message: 'Twitch 400: bad Bearer (redacted)' });
    expectNoSecrets(s, err.message);
  });

  it('reports a closed port as kind network', async () => {
    const rig = clientRig(s, { apiBase: 'http://127.0.0.1:9/helix' });
    expect(await twitchError(rig.client.getConduits())).toMatchObject({ kind: 'network', status: null });
    expect(rig.client.calls).toBe(1);
  });

  it.each([
    ['a field of the wrong type', { data: [{ id: 'c-1', shard_count: 'two' }] }, 'data.0.shard_count'],
    ['a missing data array', { conduits: [] }, 'data'],
    ['a body that is not JSON', '<html>gateway</html>', '(body)'],
  ])('reports %s in a 200 as bad_response naming the field', async (_what, body, field) => {
    const rig = clientRig(s, {
      fetch: scripted(() =>
        typeof body === 'string' ? new Response(body, { status: 200 }) : helixResponse(200, body),
      ),
    });
    const err = await twitchError(rig.client.getConduits());
    expect(err).toMatchObject({ kind: 'bad_response', status: null });
    expect(err.message).toContain(`unexpected response from Get Conduits: ${field}:`);
    expect(rig.client.calls).toBe(1);
  });

  it('reports an empty data array on create as bad_response', async () => {
    const rig = clientRig(s, { fetch: scripted(() => helixResponse(200, { data: [] })) });
    const err = await twitchError(rig.client.createConduit(1));
    expect(err).toMatchObject({ kind: 'bad_response' });
    expect(err.message).toBe('Create Conduits answered with an empty data array');
  });

  it('reports a shard page whose cursor never ends as bad_response, after a bounded walk', async () => {
    const rig = clientRig(s, {
      fetch: scripted(() => helixResponse(200, { data: [], pagination: { cursor: 'again' } })),
    });
    const err = await twitchError(rig.client.listAllShards('c-1'));
    expect(err).toMatchObject({ kind: 'bad_response' });
    expect(rig.client.calls).toBe(1_000);
  });

  it('treats an undocumented 2xx as bad_response, not as success', async () => {
    const rig = clientRig(s, { fetch: scripted(() => helixResponse(200, { data: [] })) });
    const err = await twitchError(rig.client.deleteConduit('c-1'));
    expect(err).toMatchObject({ kind: 'bad_response', status: 200 });
    expect(rig.client.calls).toBe(1);
  });
});
