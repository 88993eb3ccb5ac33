/**
 * The webhook route's endpoint list (src/routes/endpoint-registry.ts), with a controller stand-in that counts and
 * can hold its answers: many misses at once cost one refresh and all see its result; a known name is answered from
 * the cached copy; a refresh that never returns (its request gone) holds nobody past the wait, and a later request
 * starts a new one once the first is presumed lost. Only settled values are shared between requests.
 */
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { forgetEndpointRegistry, isWebhookEndpoint } from '../../src/routes/endpoint-registry.ts';

/** A controller namespace whose `webhookEndpoints` answers `names`, or hangs while `hang` is set. */
function fakeController(names: string[]) {
  const state = { calls: 0, hang: false, names };
  const stub = {
    webhookEndpoints: () => {
      state.calls++;
      if (state.hang) return new Promise<never>(() => {});
      return Promise.resolve({ ok: true as const, value: state.names });
    },
  };
  const fakeEnv = { ...env, CONDUIT_CONTROLLER: { getByName: () => stub } } as unknown as Env;
  return { state, env: fakeEnv, config: loadConfig(env) };
}

beforeEach(() => forgetEndpointRegistry());

describe('webhook endpoint registry', () => {
  it('answers 20 concurrent misses with one refresh, and later hits from the cache', async () => {
    const c = fakeController(['default', 'second']);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => isWebhookEndpoint(c.env, c.config, i % 2 ? 'second' : 'nope')),
    );
    expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => i % 2 === 1));
    expect(c.state.calls).toBe(1);
    expect(await isWebhookEndpoint(c.env, c.config, 'default')).toBe(true);
    expect(c.state.calls).toBe(1);
  });

  it('sees an endpoint added after a miss once the next refresh is allowed', async () => {
    const c = fakeController(['default']);
    expect(await isWebhookEndpoint(c.env, c.config, 'fresh')).toBe(false);
    c.state.names = ['default', 'fresh'];
    const started = Date.now();
    expect(await isWebhookEndpoint(c.env, c.config, 'fresh')).toBe(true);
    // Waited for the 2-second refresh interval rather than answering 404 at once.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(c.state.calls).toBe(2);
  });

  it('never holds a request on a refresh that does not return, and starts a new one once it is presumed lost', async () => {
    const c = fakeController(['default']);
    c.state.hang = true;
    // The refresher itself waits on its own call; the others give up after the bounded wait.
    void isWebhookEndpoint(c.env, c.config, 'default');
    const started = Date.now();
    expect(await isWebhookEndpoint(c.env, c.config, 'default')).toBe(false);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(c.state.calls).toBe(1);
    c.state.hang = false;
    expect(await isWebhookEndpoint(c.env, c.config, 'default')).toBe(true);
    expect(c.state.calls).toBe(2);
  }, 20_000);
});
