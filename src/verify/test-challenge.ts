/**
 * @module The signed test challenge an endpoint must answer before shards go back to it (design.md §6): exactly what
 * Twitch sends to verify a conduit shard (twitch-eventsub.md §3.2–§3.4, §8.4) — a `webhook_callback_verification`
 * with a random challenge, signed with the endpoint's secret — and Twitch's rule for the answer: HTTP 200 whose body
 * is the challenge, byte for byte (§8.7: not any 2xx, not JSON-quoted). Web APIs only; the caller passes `fetch`.
 */
import { toHex } from './hex.ts';
import { sign } from './signature.ts';

export interface TestChallengeInput {
  callback: string;
  secret: string;
  conduitId: string;
  /** The shard the challenge names (any shard the endpoint serves; endpoints do not check it). */
  shard: number;
  now: number;
}

export type TestChallengeResult = { ok: true; ms: number } | { ok: false; ms: number; reason: string };

/** Give up after this long, as Twitch does with its own challenges (simulator choice, twitch-eventsub.md §8.4). */
export const TEST_CHALLENGE_TIMEOUT_MS = 10_000;

const random = (bytes: number) => toHex(crypto.getRandomValues(new Uint8Array(bytes)));

/** The request: headers and body, as Twitch would send them. */
export async function buildTestChallenge(input: TestChallengeInput): Promise<{ request: Request; challenge: string }> {
  const challenge = random(16);
  const messageId = crypto.randomUUID();
  const timestamp = new Date(input.now).toISOString();
  const body = JSON.stringify({
    challenge,
    conduit_shard: { conduit_id: input.conduitId, shard: String(input.shard) },
  });
  const bytes = new TextEncoder().encode(body);
  const request = new Request(input.callback, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'Twitch-Eventsub-Message-Id': messageId,
      'Twitch-Eventsub-Message-Retry': '0',
      'Twitch-Eventsub-Message-Type': 'webhook_callback_verification',
      'Twitch-Eventsub-Message-Signature': await sign(input.secret, messageId, timestamp, bytes),
      'Twitch-Eventsub-Message-Timestamp': timestamp,
    },
    body,
  });
  return { request, challenge };
}

/** Twitch's verdict on an answer. Reasons never quote the body (it is the endpoint's, and may be anything). */
export function judgeAnswer(
  status: number,
  body: string,
  challenge: string,
): { ok: true } | { ok: false; reason: string } {
  if (status !== 200) return { ok: false, reason: `HTTP ${status}` };
  if (body !== challenge) return { ok: false, reason: 'HTTP 200 but the body is not the challenge' };
  return { ok: true };
}

/** Send the challenge and judge the answer; network errors and timeouts are failures with a reason. */
export async function runTestChallenge(
  fetcher: (request: Request) => Promise<Response>,
  input: TestChallengeInput,
  timeoutMs = TEST_CHALLENGE_TIMEOUT_MS,
): Promise<TestChallengeResult> {
  const started = Date.now();
  const { request, challenge } = await buildTestChallenge(input);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const res = await Promise.race([fetcher(request), timeout]);
    const text = await Promise.race([res.text(), timeout]);
    const verdict = judgeAnswer(res.status, text, challenge);
    return verdict.ok ? { ok: true, ms: Date.now() - started } : { ...verdict, ms: Date.now() - started };
  } catch (err) {
    return { ok: false, ms: Date.now() - started, reason: err instanceof Error ? err.message : String(err) };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
