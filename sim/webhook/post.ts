/** @module One signed webhook POST with the simulator's response timeout (twitch-eventsub.md §3.1–§3.3, §8.4). */
import type { Sim, WebhookMessageType } from '../context.ts';
import { signedHeaders } from './sign.ts';

export interface SignedPost {
  url: string;
  secret: string;
  messageId: string;
  type: WebhookMessageType;
  retry: number;
  body: string;
  subscription?: { type: string; version: string };
  /** Shift of the signed timestamp from the sim clock (replay tests). */
  offsetMs?: number;
}

export interface PostOutcome {
  status?: number;
  /** Raw response bytes: the challenge check compares bytes, never a decoded or trimmed string (§3.4). */
  body?: Buffer;
  error?: string;
}

/** Webhook POSTs in flight at once. A 20,000-shard PATCH must not open 20,000 sockets (the fd limit is about that). */
const MAX_IN_FLIGHT = 64;
let inFlight = 0;
const waiting: (() => void)[] = [];

async function slot(): Promise<() => void> {
  if (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => waiting.push(resolve));
  inFlight++;
  return () => {
    inFlight--;
    waiting.shift()?.();
  };
}

export async function postSigned(sim: Sim, post: SignedPost): Promise<PostOutcome> {
  const release = await slot();
  try {
    return await postNow(sim, post);
  } finally {
    release();
  }
}

async function postNow(sim: Sim, post: SignedPost): Promise<PostOutcome> {
  // A fresh timestamp per attempt; the very string that is signed goes into the header (§3.3, §8.4).
  const timestamp = sim.clock.rfc3339(sim.clock.now() + (post.offsetMs ?? 0));
  const headers = signedHeaders({ ...post, timestamp });
  const ms = sim.config.webhookTimeoutMs;
  const abort = new AbortController();
  const timer = sim.timers.after(ms, () => abort.abort());
  try {
    // Twitch does not follow redirects (§3.1): a 3xx is an answer, and a failing one.
    const res = await fetch(post.url, {
      method: 'POST',
      headers,
      body: post.body,
      redirect: 'manual',
      signal: abort.signal,
    });
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  } catch (err) {
    return { error: abort.signal.aborted ? `no response within ${ms} ms` : describe(err) };
  } finally {
    sim.timers.cancel(timer);
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message;
}
