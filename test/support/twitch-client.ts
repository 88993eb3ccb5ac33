/**
 * @module Wiring for `src/twitch` tests against an in-process simulator: an in-memory token store, an
 * `AppTokenManager` and a `HelixClient` with recorders, and checks that no secret or token leaks into text.
 */
import { expect } from 'vitest';
import { AppTokenManager, type AppTokenDeps, type StoredToken, type TokenStore } from '../../src/twitch/app-token.ts';
import { TwitchError } from '../../src/twitch/errors.ts';
import type { HelixDeps } from '../../src/twitch/helix-http.ts';
import { HelixClient } from '../../src/twitch/helix-client.ts';
import type { HelixCall } from '../../sim/call-log.ts';
import type { RunningSim } from '../../sim/server.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../sim/state.ts';

export class MemoryStore implements TokenStore {
  value: StoredToken | null = null;
  saves = 0;
  load(): StoredToken | null {
    return this.value;
  }
  save(token: StoredToken | null): void {
    this.value = token;
    this.saves++;
  }
}

export interface TokenRig {
  tokens: AppTokenManager;
  store: MemoryStore;
  /** Paths of every auth-server request, e.g. `/oauth2/token`. */
  authCalls: string[];
}

export function tokenRig(s: RunningSim, deps: Partial<AppTokenDeps> = {}): TokenRig {
  const authCalls: string[] = [];
  const store = new MemoryStore();
  const tokens = new AppTokenManager({
    authBase: `${s.url}/oauth2`,
    clientId: DEFAULT_CLIENT_ID,
    clientSecret: DEFAULT_CLIENT_SECRET,
    store,
    fetch: (input, init) => {
      authCalls.push(new URL(String(input)).pathname);
      return fetch(input, init);
    },
    ...deps,
  });
  return { tokens, store, authCalls };
}

export interface ClientRig extends TokenRig {
  client: HelixClient;
  /** Every HTTP attempt as the client's `onCall` saw it. */
  attempts: { method: string; path: string; status: number | null }[];
  /** Every wait the client asked for (the injected sleep returns at once). */
  sleeps: number[];
}

export function clientRig(s: RunningSim, deps: Partial<HelixDeps> = {}, tokenDeps: Partial<AppTokenDeps> = {}) {
  const rig = tokenRig(s, tokenDeps);
  const attempts: ClientRig['attempts'] = [];
  const sleeps: number[] = [];
  const client = new HelixClient({
    apiBase: `${s.url}/helix`,
    clientId: DEFAULT_CLIENT_ID,
    tokens: rig.tokens,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    onCall: (call) => attempts.push(call),
    ...deps,
  });
  return { ...rig, client, attempts, sleeps } satisfies ClientRig;
}

export async function resetSim(s: RunningSim): Promise<void> {
  const res = await fetch(`${s.url}/_sim/reset`, { method: 'POST' });
  expect(res.status).toBe(200);
}

/** POST a control-API route and return its JSON answer, failing the test on a non-2xx. */
export async function control(s: RunningSim, path: string, body: unknown = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${s.url}/_sim${path}`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status, `${path}: ${res.status}`).toBeLessThan(300);
  return (await res.json()) as Record<string, unknown>;
}

export async function simCalls(s: RunningSim, since = 0): Promise<HelixCall[]> {
  const res = await fetch(`${s.url}/_sim/calls?since=${since}`);
  return ((await res.json()) as { data: HelixCall[] }).data;
}

/** `[method path status]` of each logged Helix call, for exact-order assertions. */
export async function callTrace(s: RunningSim, since = 0): Promise<string[]> {
  return (await simCalls(s, since)).map((c) => `${c.method} ${c.path.replace('/helix', '')} ${c.status}`);
}

/** The promise must reject with a TwitchError; returns it for further checks. */
export async function twitchError(p: Promise<unknown>): Promise<TwitchError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TwitchError);
  return err as TwitchError;
}

/** No client secret and no token the simulator ever issued may appear in `text`. */
export function expectNoSecrets(s: RunningSim, text: string, extra: string[] = []): void {
  for (const secret of [DEFAULT_CLIENT_SECRET, ...s.sim.state.tokens.keys(), ...extra]) {
    expect(text.includes(secret), `leaked a secret or token into: ${text}`).toBe(false);
  }
}

/** A Helix-shaped JSON response, for fetch wrappers that stand in for Twitch. */
export function helixResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}
