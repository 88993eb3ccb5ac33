/**
 * @module One Helix call with Twitch's retry rules (twitch-eventsub.md §7): a 401 renews the app token and retries
 * once; a 503 retries once; a rate-limit 429 waits for `Ratelimit-Reset` once if that is soon, else fails with the
 * time to come back; the bucket headers are tracked so the next call waits instead of earning a 429. Every retry is
 * bounded, and every call is counted (the Free plan allows 50 subrequests per invocation, cloudflare.md §4.4).
 */
import type { z } from 'zod';
import type { TokenSource } from './app-token.ts';
import { classify, redact, TwitchError } from './errors.ts';
import { helixErrorWire } from './helix.wire.ts';

export interface HelixDeps {
  apiBase: string;
  clientId: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Longest wait for a rate-limit bucket before failing with `retryAt` instead (default 10 s). */
  maxRateLimitWaitMs?: number;
  /** Observer for every HTTP attempt, for audit and tests. */
  onCall?: (call: { method: string; path: string; status: number | null }) => void;
}

export interface HelixRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  expect: number[];
}

const RETRY_503_DELAY_MS = 500;
/** Never poll a refilling bucket faster than this. */
const MIN_POINT_WAIT_MS = 50;

export class HelixHttp {
  /** HTTP attempts made by this instance, retries included. */
  calls = 0;
  private bucket: { remaining: number; resetAt: number; limit: number } | null = null;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly deps: HelixDeps) {
    this.fetch = deps.fetch ?? ((...args) => fetch(...args));
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = deps.now ?? Date.now;
  }

  async send(req: HelixRequest): Promise<{ status: number; body: unknown; headers: Headers }> {
    let renewed: string | null = null;
    let retried503 = false;
    let waits = 0;
    const url = this.url(req);
    // At most five attempts: the first try, the 401 renewal, the 503 retry and two rate-limit waits.
    for (;;) {
      await this.waitForBucket(url.pathname);
      const token = renewed ?? (await this.deps.tokens.get());
      const res = await this.attempt(req, url, token);
      if (req.expect.includes(res.status)) {
        const text = await res.text();
        return { status: res.status, body: text === '' ? null : safeJson(text), headers: res.headers };
      }
      const message = redact(await errorMessage(res), [token]);
      // A 2xx that the endpoint does not document is Twitch misbehaving, not the request being wrong.
      const kind = res.ok ? 'bad_response' : classify(res.status, message, res.headers.get('ratelimit-remaining'));
      if (kind === 'unauthorized' && renewed === null) {
        // Use the renewed token itself: re-reading the store could hand back the rejected one (§7.2).
        renewed = await this.deps.tokens.renew(token);
        continue;
      }
      if (res.status === 503 && !retried503) {
        retried503 = true;
        await this.sleep(RETRY_503_DELAY_MS);
        continue;
      }
      if (kind === 'rate_limited') {
        // First wait for one point to refill; if Twitch still says no, wait for the full reset it announced.
        const retryAt = waits === 0 ? this.nextPointAt(res.headers) : (resetOf(res.headers) ?? this.now() + 1_000);
        if (waits < 2 && retryAt - this.now() <= this.maxWait) {
          waits++;
          await this.sleep(Math.max(0, retryAt - this.now()));
          // The wait covered what this 429 announced; the remembered bucket must not make the retry wait again.
          this.bucket = null;
          continue;
        }
        throw new TwitchError(kind, res.status, message, retryAt);
      }
      throw new TwitchError(kind, res.status, message);
    }
  }

  private get maxWait(): number {
    return this.deps.maxRateLimitWaitMs ?? 10_000;
  }

  private url(req: HelixRequest): URL {
    const url = new URL(this.deps.apiBase + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    return url;
  }

  private async attempt(req: HelixRequest, url: URL, token: string): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, 'Client-Id': this.deps.clientId };
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
    this.calls++;
    let res: Response;
    try {
      res = await this.fetch(url.toString(), {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
      });
    } catch (err) {
      this.deps.onCall?.({ method: req.method, path: url.pathname, status: null });
      throw new TwitchError(
        'network',
        null,
        `cannot reach Twitch (${req.method} ${url.pathname}): ${(err as Error).message}`,
      );
    }
    this.deps.onCall?.({ method: req.method, path: url.pathname, status: res.status });
    this.track(res.headers);
    return res;
  }

  private track(headers: Headers): void {
    const remaining = numberHeader(headers, 'ratelimit-remaining');
    const resetAt = resetOf(headers);
    if (remaining !== null && resetAt !== null) {
      this.bucket = { remaining, resetAt, limit: numberHeader(headers, 'ratelimit-limit') ?? remaining };
    }
  }

  /**
   * When the next point should be back. Ratelimit-Reset is when the bucket is *full* (§7.3), up to a minute away,
   * while the bucket refills steadily; so one point takes (reset - now) / (limit - remaining). Waiting for the full
   * reset would stall a controller for a minute to make one call.
   */
  private nextPointAt(headers?: Headers): number {
    const resetAt = (headers && resetOf(headers)) ?? this.bucket?.resetAt ?? this.now() + 1_000;
    const limit = (headers && numberHeader(headers, 'ratelimit-limit')) ?? this.bucket?.limit ?? 1;
    const remaining = (headers && numberHeader(headers, 'ratelimit-remaining')) ?? this.bucket?.remaining ?? 0;
    const perPoint = Math.max(0, resetAt - this.now()) / Math.max(1, limit - remaining);
    return this.now() + Math.max(MIN_POINT_WAIT_MS, Math.ceil(perPoint));
  }

  private async waitForBucket(path: string): Promise<void> {
    const b = this.bucket;
    if (!b || b.remaining > 0) return;
    if (b.resetAt <= this.now()) return;
    const wait = this.nextPointAt() - this.now();
    if (wait > this.maxWait) {
      throw new TwitchError('rate_limited', null, `rate-limit bucket empty before ${path}`, this.now() + wait);
    }
    await this.sleep(wait);
    this.bucket = null;
  }
}

/** Parse a response body with its wire schema; a mismatch is a clear `bad_response`, never a crash. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.join('.') || '(body)';
  throw new TwitchError('bad_response', null, `unexpected response from ${what}: ${where}: ${issue?.message}`);
}

/** Ratelimit-Reset is a Unix time in seconds (§7.3), as epoch ms; null when absent or not a number. */
function resetOf(headers: Headers): number | null {
  const reset = headers.get('ratelimit-reset');
  const ms = reset === null || reset.trim() === '' ? NaN : Number(reset) * 1000;
  return Number.isFinite(ms) ? ms : null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function errorMessage(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  const parsed = helixErrorWire.safeParse(safeJson(text));
  if (parsed.success && parsed.data.message) return parsed.data.message;
  return text.slice(0, 200) || res.statusText || `HTTP ${res.status}`;
}

function numberHeader(headers: Headers, name: string): number | null {
  const raw = headers.get(name);
  const n = raw === null || raw.trim() === '' ? NaN : Number(raw);
  return Number.isFinite(n) ? n : null;
}
