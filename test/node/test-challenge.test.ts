/**
 * The signed test challenge sent before shards go back to an endpoint (design.md §6): signed and shaped exactly as
 * Twitch's shard verification (so the Worker's own webhook check accepts it), and judged by Twitch's rule — HTTP 200
 * with the challenge as the whole body (twitch-eventsub.md §3.4, §8.7).
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { shardEventsCallback, shardEventsSecret } from '../../src/verify/shard-events.ts';
import { buildTestChallenge, judgeAnswer, runTestChallenge } from '../../src/verify/test-challenge.ts';
import { checkWebhook } from '../../src/verify/webhook.ts';

const input = {
  callback: 'https://w.example/webhooks/blue',
  secret: 'endpoint-secret-0123',
  conduitId: 'c-1',
  shard: 3,
  now: Date.now(),
};

describe('buildTestChallenge', () => {
  it('is a conduit-shard verification the webhook check accepts with the endpoint’s secret', async () => {
    const { request, challenge } = await buildTestChallenge(input);
    expect(challenge).toMatch(/^[0-9a-f]{32}$/);
    expect(request.method).toBe('POST');
    expect(request.url).toBe(input.callback);
    expect(request.headers.get('twitch-eventsub-message-type')).toBe('webhook_callback_verification');
    const body = new Uint8Array(await request.arrayBuffer());
    expect(JSON.parse(new TextDecoder().decode(body))).toEqual({
      challenge,
      conduit_shard: { conduit_id: 'c-1', shard: '3' },
    });
    const verdict = await checkWebhook({
      headers: request.headers,
      body,
      now: input.now,
      secrets: [input.secret],
      endpoint: 'blue',
    });
    expect(verdict).toEqual({ ok: true, kind: 'challenge', challenge });
    const forged = await checkWebhook({
      headers: request.headers,
      body,
      now: input.now,
      secrets: ['another-secret-0123'],
      endpoint: 'blue',
    });
    expect(forged.ok).toBe(false);
  });

  it('uses a fresh challenge and message id every time', async () => {
    const [a, b] = await Promise.all([buildTestChallenge(input), buildTestChallenge(input)]);
    expect(a.challenge).not.toBe(b.challenge);
    expect(a.request.headers.get('twitch-eventsub-message-id')).not.toBe(
      b.request.headers.get('twitch-eventsub-message-id'),
    );
  });
});

describe('judgeAnswer', () => {
  it('passes only HTTP 200 with exactly the challenge', () => {
    expect(judgeAnswer(200, 'abc', 'abc')).toEqual({ ok: true });
    expect(judgeAnswer(204, '', 'abc')).toEqual({ ok: false, reason: 'HTTP 204' });
    expect(judgeAnswer(200, '"abc"', 'abc')).toEqual({
      ok: false,
      reason: 'HTTP 200 but the body is not the challenge',
    });
    expect(judgeAnswer(200, 'abc\n', 'abc').ok).toBe(false);
    expect(judgeAnswer(503, 'abc', 'abc')).toEqual({ ok: false, reason: 'HTTP 503' });
  });
});

describe('runTestChallenge', () => {
  const echo = async (req: Request) => {
    const { challenge } = (await req.json()) as { challenge: string };
    return new Response(challenge, { status: 200 });
  };

  it('succeeds against an endpoint that echoes the challenge', async () => {
    expect(await runTestChallenge(echo, input)).toEqual({ ok: true, ms: expect.any(Number) });
  });

  it('fails with a reason on a wrong answer, a network error and a timeout', async () => {
    expect(await runTestChallenge(async () => new Response('nope', { status: 200 }), input)).toMatchObject({
      ok: false,
      reason: 'HTTP 200 but the body is not the challenge',
    });
    const refused = await runTestChallenge(async () => {
      throw new Error('connect ECONNREFUSED');
    }, input);
    expect(refused).toMatchObject({ ok: false, reason: 'connect ECONNREFUSED' });
    const slow = await runTestChallenge(() => new Promise<Response>(() => undefined), input, 50);
    expect(slow).toMatchObject({ ok: false, reason: 'no answer within 50 ms' });
  });
});

describe('the shard-events callback', () => {
  it('derives its secret with the endpoint formula under a name no endpoint can take', async () => {
    const master = 'a-master-secret-for-tests';
    expect(await shardEventsSecret(master)).toBe(
      createHmac('sha256', master).update('conduit-webhook:_shard-events').digest('hex'),
    );
    expect(shardEventsCallback('https://w.example/')).toBe('https://w.example/webhooks/_shard-events');
  });
});
