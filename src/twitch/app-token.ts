/**
 * @module The app access token (twitch-eventsub.md §7.1–7.2): client-credentials, no refresh token. Minted on demand,
 * kept in the caller's durable store, renewed an hour before expiry or when Helix rejects it, and validated at start
 * and hourly as Twitch requires. Concurrent callers share one mint.
 */
import { redact, TwitchError } from './errors.ts';
import { tokenWire, validateWire } from './helix.wire.ts';

export interface StoredToken {
  accessToken: string;
  expiresAt: number;
  validatedAt: number;
}

export interface TokenStore {
  load(): Promise<StoredToken | null> | StoredToken | null;
  save(token: StoredToken | null): Promise<void> | void;
}

export interface TokenSource {
  get(): Promise<string>;
  /** The given token was rejected (Helix 401): get a different one. */
  renew(rejected: string): Promise<string>;
}

export interface AppTokenDeps {
  authBase: string;
  clientId: string;
  clientSecret: string;
  store: TokenStore;
  fetch?: typeof fetch;
  now?: () => number;
}

export const RENEW_BEFORE_MS = 60 * 60 * 1000;
export const VALIDATE_EVERY_MS = 60 * 60 * 1000;

export class AppTokenManager implements TokenSource {
  /** HTTP calls to the auth server made by this instance (they are subrequests too, cloudflare.md §4.4). */
  calls = 0;
  private minting: Promise<StoredToken> | null = null;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly deps: AppTokenDeps) {
    this.fetch = deps.fetch ?? ((...args) => fetch(...args));
    this.now = deps.now ?? Date.now;
  }

  async get(): Promise<string> {
    const current = await this.deps.store.load();
    if (current && current.expiresAt - this.now() > RENEW_BEFORE_MS) return current.accessToken;
    return (await this.mint()).accessToken;
  }

  async renew(rejected: string): Promise<string> {
    const current = await this.deps.store.load();
    if (current && current.accessToken !== rejected && current.expiresAt - this.now() > RENEW_BEFORE_MS) {
      return current.accessToken;
    }
    return (await this.mint()).accessToken;
  }

  /** What an operator may see: validity and times, never the token. */
  async status(): Promise<{ valid: boolean; expiresAt: number | null; validatedAt: number | null }> {
    const t = await this.deps.store.load();
    return {
      valid: !!t && t.expiresAt > this.now(),
      expiresAt: t?.expiresAt ?? null,
      validatedAt: t?.validatedAt ?? null,
    };
  }

  /** Validate if never done or over an hour ago (§7.2: at start and hourly). Returns whether a call was made. */
  async validateIfDue(): Promise<boolean> {
    const t = await this.deps.store.load();
    if (t && this.now() - t.validatedAt < VALIDATE_EVERY_MS) return false;
    await this.validate();
    return true;
  }

  /** GET /validate; a 401 (revoked or expired) mints a new token. */
  async validate(): Promise<void> {
    const t = await this.deps.store.load();
    if (!t) {
      await this.mint();
      return;
    }
    const res = await this.call(`${this.deps.authBase}/validate`, {
      headers: { Authorization: `OAuth ${t.accessToken}` },
    });
    if (res.status === 401) {
      await this.deps.store.save(null);
      await this.mint();
      return;
    }
    if (!res.ok) {
      const kind = res.status >= 500 ? 'server' : 'bad_response';
      throw new TwitchError(
        kind,
        res.status,
        `token validation failed: ${this.scrub(await messageOf(res), t.accessToken)}`,
      );
    }
    const body = validateWire.safeParse(await res.json().catch(() => null));
    if (!body.success) throw new TwitchError('bad_response', res.status, 'unexpected /validate response');
    if (body.data.client_id !== this.deps.clientId || body.data.user_id) {
      // Not our app token (a user token, or another app's): never use it.
      await this.deps.store.save(null);
      await this.mint();
      return;
    }
    // expires_in 0 marks legacy non-expiring tokens (§7.2); keep the expiry we had.
    const expiresAt = body.data.expires_in > 0 ? this.now() + body.data.expires_in * 1000 : t.expiresAt;
    await this.deps.store.save({ accessToken: t.accessToken, expiresAt, validatedAt: this.now() });
  }

  private mint(): Promise<StoredToken> {
    this.minting ??= this.mintOnce().finally(() => (this.minting = null));
    return this.minting;
  }

  private async mintOnce(): Promise<StoredToken> {
    const form = new URLSearchParams({
      client_id: this.deps.clientId,
      client_secret: this.deps.clientSecret,
      grant_type: 'client_credentials',
    });
    const res = await this.call(`${this.deps.authBase}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    if (!res.ok) {
      const kind = res.status >= 500 ? 'server' : 'unauthorized';
      throw new TwitchError(kind, res.status, `client-credentials token refused: ${this.scrub(await messageOf(res))}`);
    }
    const body = tokenWire.safeParse(await res.json().catch(() => null));
    if (!body.success) throw new TwitchError('bad_response', res.status, 'unexpected /token response');
    const now = this.now();
    const token = {
      accessToken: body.data.access_token,
      expiresAt: now + body.data.expires_in * 1000,
      validatedAt: now,
    };
    await this.deps.store.save(token);
    return token;
  }

  private async call(url: string, init: RequestInit): Promise<Response> {
    this.calls++;
    try {
      return await this.fetch(url, init);
    } catch (err) {
      const why = this.scrub((err as Error).message);
      throw new TwitchError('network', null, `cannot reach ${new URL(url).origin}: ${why}`);
    }
  }

  /** Error text comes from the network or the auth server; the client secret must not travel on in it. */
  private scrub(text: string, token?: string): string {
    return redact(text, [this.deps.clientSecret, token]);
  }
}

async function messageOf(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not JSON: fall through
  }
  return text.slice(0, 200) || res.statusText;
}
