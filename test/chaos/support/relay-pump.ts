/**
 * @module The test's side of the webhook relay (test/support/webhook-relay.ts): a few lanes that pull the held
 * webhook requests from the relay, run each through the Worker's real route (verify, de-duplicate, record in the hub
 * before the 2xx) and post the route's answer back to the simulator. Stopped by `stop()`; every loop is bounded.
 */
import { env } from 'cloudflare:workers';
import type { RelayAnswer, RelayedRequest } from '../../support/webhook-relay.ts';

/** Pulls per lane before a lane gives up (at 250 ms a pull when idle, far longer than any scenario). */
const MAX_PULLS = 20_000;
const PULL_WAIT_MS = 250;

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export interface RelayPump {
  /** Requests run through the route so far, by answer status. */
  answered: Map<number, number>;
  stop(): Promise<void>;
}

export function startRelayPump(route: (request: Request) => Promise<Response>, lanes = 4): RelayPump {
  const base = env.PUBLIC_URL;
  const answered = new Map<number, number>();
  let stopped = false;

  async function one(held: RelayedRequest): Promise<void> {
    let answer: RelayAnswer;
    try {
      const res = await route(
        new Request(`${base}${held.path}`, { method: 'POST', headers: held.headers, body: fromBase64(held.body) }),
      );
      const type = res.headers.get('content-type');
      answer = { status: res.status, body: await res.text(), ...(type ? { content_type: type } : {}) };
    } catch (err) {
      // A route that throws is what a crashed Worker looks like to Twitch: a 5xx, and Twitch retries.
      answer = { status: 500, body: String(err) };
    }
    answered.set(answer.status, (answered.get(answer.status) ?? 0) + 1);
    await fetch(`${base}/_relay/answer/${held.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(answer),
    });
  }

  async function lane(): Promise<void> {
    for (let i = 0; i < MAX_PULLS && !stopped; i++) {
      const res = await fetch(`${base}/_relay/next?wait_ms=${PULL_WAIT_MS}`);
      if (res.status === 204) continue;
      if (res.status !== 200) throw new Error(`relay pull answered ${res.status}`);
      await one(await res.json<RelayedRequest>());
    }
  }

  const running = Array.from({ length: lanes }, () => lane());
  return {
    answered,
    /** Stops pulling; throws if a lane had failed (the relay then answered 504 to what it held). */
    async stop() {
      stopped = true;
      const failed = (await Promise.allSettled(running)).find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
