/**
 * @module AppTokenManager against the simulator's id.twitch.tv (twitch-eventsub.md §7.1–7.2): minted once and kept
 * in the store, one shared mint for concurrent callers, renewal an hour before expiry, validation at start and
 * hourly, a new token when validation or Helix rejects the old one, and errors that never carry the secret.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../sim/server.ts';
import { RENEW_BEFORE_MS, VALIDATE_EVERY_MS } from '../../src/twitch/app-token.ts';
import { control, expectNoSecrets, helixResponse, resetSim, tokenRig, twitchError } from '../support/twitch-client.ts';

const TTL_S = 2 * 3600;
const T0 = Date.UTC(2030, 0, 1);

let s: RunningSim;
let now: number;
const clock = () => now;

beforeAll(async () => {
  s = await startSimulator({ port: 0, config: { tokenTtlSeconds: TTL_S } });
});
afterAll(() => s.close());
beforeEach(async () => {
  await resetSim(s);
  now = T0;
});

describe('minting and caching', () => {
  it('mints once, keeps the token in the store, and a second manager on that store reuses it', async () => {
    const rig = tokenRig(s, { now: clock });
    const token = await rig.tokens.get();
    expect(await rig.tokens.get()).toBe(token);
    expect(rig.authCalls).toEqual(['/oauth2/token']);
    expect(rig.tokens.calls).toBe(1);
    expect(s.sim.state.tokens.has(token)).toBe(true);
    expect(rig.store.value).toEqual({ accessToken: token, expiresAt: T0 + TTL_S * 1000, validatedAt: T0 });

    const second = tokenRig(s, { now: clock, store: rig.store });
    expect(await second.tokens.get()).toBe(token);
    expect(second.authCalls).toEqual([]);
  });

  it('shares one mint between concurrent callers', async () => {
    const rig = tokenRig(s, { now: clock });
    const got = await Promise.all(Array.from({ length: 8 }, () => rig.tokens.get()));
    expect(new Set(got).size).toBe(1);
    expect(rig.authCalls).toEqual(['/oauth2/token']);
    expect(rig.store.saves).toBe(1);
  });

  it('renews an hour before expiry, not earlier', async () => {
    const rig = tokenRig(s, { now: clock });
    const first = await rig.tokens.get();
    const expiry = T0 + TTL_S * 1000;
    now = expiry - RENEW_BEFORE_MS - 1;
    expect(await rig.tokens.get()).toBe(first);
    now = expiry - RENEW_BEFORE_MS;
    const second = await rig.tokens.get();
    expect(second).not.toBe(first);
    expect(rig.authCalls).toEqual(['/oauth2/token', '/oauth2/token']);
    expect(rig.store.value).toMatchObject({ accessToken: second, expiresAt: now + TTL_S * 1000 });
  });

  it('renew() mints when the store holds the rejected token, and reuses a newer one otherwise', async () => {
    const rig = tokenRig(s, { now: clock });
    const rejected = await rig.tokens.get();
    const renewed = await Promise.all([rig.tokens.renew(rejected), rig.tokens.renew(rejected)]);
    expect(renewed[0]).not.toBe(rejected);
    expect(renewed[1]).toBe(renewed[0]);
    // A late caller with the same rejected token gets the already-renewed one.
    expect(await rig.tokens.renew(rejected)).toBe(renewed[0]);
    expect(rig.authCalls).toEqual(['/oauth2/token', '/oauth2/token']);
  });

  it('reports status without the token', async () => {
    const rig = tokenRig(s, { now: clock });
    expect(await rig.tokens.status()).toEqual({ valid: false, expiresAt: null, validatedAt: null });
    const token = await rig.tokens.get();
    const status = await rig.tokens.status();
    expect(status).toEqual({ valid: true, expiresAt: T0 + TTL_S * 1000, validatedAt: T0 });
    expect(JSON.stringify(status)).not.toContain(token);
  });
});

describe('validation (§7.2: at start and hourly)', () => {
  it('validates only when an hour has passed since the last validation', async () => {
    const rig = tokenRig(s, { now: clock });
    expect(await rig.tokens.validateIfDue()).toBe(true); // nothing stored: mints, which counts as validated
    expect(rig.authCalls).toEqual(['/oauth2/token']);
    now = T0 + VALIDATE_EVERY_MS - 1;
    expect(await rig.tokens.validateIfDue()).toBe(false);
    now = T0 + VALIDATE_EVERY_MS;
    expect(await rig.tokens.validateIfDue()).toBe(true);
    expect(rig.authCalls).toEqual(['/oauth2/token', '/oauth2/validate']);
    expect(rig.store.value?.validatedAt).toBe(now);
    // The expiry now follows what /validate said (about two hours from the simulator's clock).
    expect(rig.store.value?.expiresAt).toBeGreaterThan(now + TTL_S * 1000 - 5_000);
    expect(await rig.tokens.validateIfDue()).toBe(false);
  });

  it('mints anew when /validate answers 401', async () => {
    const rig = tokenRig(s, { now: clock });
    const old = await rig.tokens.get();
    await control(s, '/tokens/expire', { token: old });
    await rig.tokens.validate();
    expect(rig.authCalls).toEqual(['/oauth2/token', '/oauth2/validate', '/oauth2/token']);
    expect(rig.store.value?.accessToken).not.toBe(old);
    expect(await rig.tokens.get()).toBe(rig.store.value?.accessToken);
  });

  it('throws away a user token found in the store', async () => {
    const rig = tokenRig(s, { now: clock });
    const user = String((await control(s, '/tokens/user', { user_id: '42' })).access_token);
    rig.store.value = { accessToken: user, expiresAt: T0 + 10 * RENEW_BEFORE_MS, validatedAt: T0 - VALIDATE_EVERY_MS };
    expect(await rig.tokens.validateIfDue()).toBe(true);
    expect(rig.authCalls).toEqual(['/oauth2/validate', '/oauth2/token']);
    expect(rig.store.value.accessToken).not.toBe(user);
    expect(s.sim.state.tokens.get(rig.store.value.accessToken)?.kind).toBe('app');
  });

  it('keeps the known expiry for a legacy token that validates with expires_in 0', async () => {
    const rig = tokenRig(s, {
      now: clock,
      fetch: () => Promise.resolve(helixResponse(200, { client_id: 'sim-client-id', scopes: [], expires_in: 0 })),
    });
    rig.store.value = { accessToken: 'legacy', expiresAt: T0 + 5 * RENEW_BEFORE_MS, validatedAt: T0 - 1 };
    await rig.tokens.validate();
    expect(rig.store.value).toEqual({ accessToken: 'legacy', expiresAt: T0 + 5 * RENEW_BEFORE_MS, validatedAt: T0 });
  });
});

describe('failures', () => {
  it('refuses a wrong client secret clearly, without repeating it', async () => {
    const rig = tokenRig(s, { clientSecret: 'not-the-right-secret-0123' });
    const err = await twitchError(rig.tokens.get());
    expect(err).toMatchObject({ kind: 'unauthorized', status: 403 });
    expect(err.message).toBe('Twitch 403: client-credentials token refused: invalid client secret');
    expectNoSecrets(s, `${err.message}\n${err.stack}`, ['not-the-right-secret-0123']);
    expect(rig.store.value).toBeNull();
  });

  it('refuses an unknown client id', async () => {
    const err = await twitchError(tokenRig(s, { clientId: 'nobody' }).tokens.get());
    expect(err).toMatchObject({ kind: 'unauthorized', status: 400 });
    expect(err.message).toContain('invalid client');
  });

  it('strips the secret even when the auth server echoes it', async () => {
    const secret = 'echoed secret/+0123456789';
    const rig = tokenRig(s, {
      clientSecret: secret,
      fetch: (_input, init) => Promise.resolve(new Response(`bad form: ${String(init?.body)}`, { status: 400 })),
    });
    const err = await twitchError(rig.tokens.get());
    expect(err.message).toContain('client_secret=(redacted)');
    expectNoSecrets(s, err.message, [secret, encodeURIComponent(secret), 'echoed+secret%2F%2B0123456789']);
  });

  it('reports an unreachable auth server as kind network', async () => {
    const rig = tokenRig(s, { authBase: 'http://127.0.0.1:9/oauth2' });
    const err = await twitchError(rig.tokens.get());
    expect(err).toMatchObject({ kind: 'network', status: null });
    expect(err.message).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:9: /);
    expectNoSecrets(s, err.message);
  });

  it('reports a token response without a token as bad_response', async () => {
    const rig = tokenRig(s, {
      fetch: () => Promise.resolve(helixResponse(200, { access_token: '', expires_in: 3600 })),
    });
    expect(await twitchError(rig.tokens.get())).toMatchObject({ kind: 'bad_response', status: 200 });
    expect(rig.store.value).toBeNull();
  });

  it('lets the next caller try again after a failed mint', async () => {
    let fail = true;
    const rig = tokenRig(s, {
      fetch: (input, init) => (fail ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init)),
    });
    await twitchError(rig.tokens.get());
    fail = false;
    expect(s.sim.state.tokens.has(await rig.tokens.get())).toBe(true);
  });
});
