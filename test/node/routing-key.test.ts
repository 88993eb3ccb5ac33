/** `routingKeyOf` (src/core/routing-key.ts): the precedence of event and condition ids, batches and revocations. */
import { describe, expect, it } from 'vitest';
import { routingKeyOf, type RoutablePayload } from '../../src/core/routing-key.ts';
import { VECTORS } from '../support/vectors.ts';

const payload = (condition: Record<string, unknown> | null, rest: Omit<RoutablePayload, 'subscription'> = {}) => ({
  subscription: { id: 'sub-id', condition },
  ...rest,
});

describe('routingKeyOf precedence', () => {
  it('takes the event broadcaster first, over a different condition broadcaster', () => {
    const p = payload({ broadcaster_user_id: 'cond-b' }, { event: { broadcaster_user_id: 'ev-b', user_id: 'u' } });
    expect(routingKeyOf(p)).toBe('ev-b');
  });

  it("then the event's to_broadcaster (a raid subscribed by from_broadcaster_user_id)", () => {
    const p = payload(
      { from_broadcaster_user_id: 'raider' },
      { event: { from_broadcaster_user_id: 'raider', to_broadcaster_user_id: 'raided' } },
    );
    expect(routingKeyOf(p)).toBe('raided');
  });

  it("then the condition's broadcaster, before its to_broadcaster and user", () => {
    const p = payload({ broadcaster_user_id: 'b', to_broadcaster_user_id: 't', user_id: 'u' }, { event: { x: 1 } });
    expect(routingKeyOf(p)).toBe('b');
  });

  it("then the condition's to_broadcaster", () => {
    expect(routingKeyOf(payload({ to_broadcaster_user_id: 't', user_id: 'u' }))).toBe('t');
  });

  it("takes the condition's user before the event's (user.update)", () => {
    expect(routingKeyOf(payload({ user_id: 'cond-u' }, { event: { user_id: 'ev-u' } }))).toBe('cond-u');
  });

  it("takes the event's user before the condition's client_id (user.authorization.grant)", () => {
    expect(routingKeyOf(payload({ client_id: 'app' }, { event: { user_id: 'ev-u', client_id: 'app' } }))).toBe('ev-u');
  });

  it("falls back to the condition's client_id (conduit.shard.disabled)", () => {
    const p = payload({ client_id: 'app' }, { event: { conduit_id: 'c', shard_id: '4', status: 'x' } });
    expect(routingKeyOf(p)).toBe('app');
  });

  it('falls back to the subscription id when nothing else is there', () => {
    expect(routingKeyOf(payload({ organization_id: 'o' }, { event: { id: 'e' } }))).toBe('sub-id');
    expect(routingKeyOf(payload(null))).toBe('sub-id');
  });

  it('skips empty strings and non-string values', () => {
    const p = payload({ broadcaster_user_id: '', user_id: 'u' }, { event: { broadcaster_user_id: 12826 } });
    expect(routingKeyOf(p)).toBe('u');
  });

  it('tolerates a non-object event', () => {
    expect(routingKeyOf(payload({ broadcaster_user_id: 'b' }, { event: null }))).toBe('b');
    expect(routingKeyOf(payload({ broadcaster_user_id: 'b' }, { event: ['x'] }))).toBe('b');
  });
});

describe('routingKeyOf on batches and revocations', () => {
  it("uses the first batched event's data", () => {
    const p = payload(
      { organization_id: 'o' },
      {
        events: [
          { id: '1', data: { user_id: 'first' } },
          { id: '2', data: { user_id: 'second' } },
        ],
      },
    );
    expect(routingKeyOf(p)).toBe('first');
  });

  it('lets the first batched event override the condition broadcaster, as a single event would', () => {
    const p = payload(
      { broadcaster_user_id: 'cond-b' },
      { events: [{ id: '1', data: { broadcaster_user_id: 'ev-b' } }] },
    );
    expect(routingKeyOf(p)).toBe('ev-b');
  });

  it('falls back to the condition for an empty or malformed batch', () => {
    expect(routingKeyOf(payload({ broadcaster_user_id: 'b' }, { events: [] }))).toBe('b');
    expect(routingKeyOf(payload({ broadcaster_user_id: 'b' }, { events: [{ id: '1' }] }))).toBe('b');
  });

  it('keys a revocation by its condition, else its subscription id', () => {
    expect(routingKeyOf(payload({ broadcaster_user_id: 'b', user_id: 'u' }))).toBe('b');
    expect(routingKeyOf(payload({ user_id: 'u' }))).toBe('u');
    expect(routingKeyOf(payload({}))).toBe('sub-id');
  });
});

describe('routingKeyOf on the §3.6 notification vectors', () => {
  it('keys A and C by their broadcaster', () => {
    const keys = VECTORS.filter((v) => !v.challenge).map((v) => routingKeyOf(JSON.parse(v.body) as RoutablePayload));
    expect(keys).toEqual(['44429626', '12826']);
  });
});
