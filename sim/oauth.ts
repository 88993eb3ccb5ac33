/**
 * @module The simulator's id.twitch.tv: client-credentials tokens, validate and revoke (twitch-eventsub.md §7.1,
 * §7.2), plus the helpers the control API uses to register apps, mint user tokens and force expiry (§8.2).
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Sim } from './context.ts';
import { token as newToken } from './ids.ts';
import type { Client, TokenInfo } from './state.ts';

export function registerClient(sim: Sim, clientId: string, secret: string): Client {
  const client = { clientId, secret };
  sim.state.clients.set(clientId, client);
  return client;
}

export function mintAppToken(sim: Sim, clientId: string, scopes: string[] = []): TokenInfo {
  return store(sim, { token: newToken(), clientId, kind: 'app', scopes, expiresAt: expiry(sim) });
}

/** User tokens exist so Helix can reject them on conduit endpoints and accept them for WebSocket subscriptions. */
export function mintUserToken(
  sim: Sim,
  clientId: string,
  userId: string,
  login?: string,
  scopes: string[] = [],
): string {
  const info: TokenInfo = {
    token: newToken(),
    clientId,
    kind: 'user',
    userId,
    login: login ?? `user${userId}`,
    scopes,
    expiresAt: expiry(sim),
  };
  return store(sim, info).token;
}

/** Expire one token, or every token when none is named. Returns how many were expired. */
export function expireTokens(sim: Sim, token?: string): number {
  const now = sim.clock.now();
  let n = 0;
  for (const info of sim.state.tokens.values()) {
    if (token !== undefined && info.token !== token) continue;
    info.expiresAt = Math.min(info.expiresAt, now - 1);
    n++;
  }
  return n;
}

/** The token's record if it exists and has not expired by the simulator clock. */
export function lookupToken(sim: Sim, token: string): TokenInfo | undefined {
  const info = sim.state.tokens.get(token);
  return info && info.expiresAt > sim.clock.now() ? info : undefined;
}

export function createOAuthRoutes(sim: Sim): Hono {
  const app = new Hono();

  app.post('/token', async (c) => {
    const p = await params(c);
    const client = sim.state.clients.get(p.client_id ?? '');
    if (!client) return oauthError(c, 400, 'invalid client');
    if (p.client_secret !== client.secret) return oauthError(c, 403, 'invalid client secret');
    if (p.grant_type !== 'client_credentials') return oauthError(c, 400, 'invalid grant type');
    const scopes = (p.scope ?? '').split(/[\s+]+/).filter(Boolean);
    const info = mintAppToken(sim, client.clientId, scopes);
    return c.json({ access_token: info.token, expires_in: sim.config.tokenTtlSeconds, token_type: 'bearer' });
  });

  app.get('/validate', (c) => {
    const m = /^(?:OAuth|Bearer)\s+(\S+)$/i.exec(c.req.header('Authorization') ?? '');
    const info = m?.[1] ? lookupToken(sim, m[1]) : undefined;
    if (!info) return oauthError(c, 401, 'invalid access token');
    const expiresIn = Math.max(0, Math.floor((info.expiresAt - sim.clock.now()) / 1000));
    const body: Record<string, unknown> = { client_id: info.clientId, scopes: info.scopes };
    if (info.kind === 'user') Object.assign(body, { login: info.login, user_id: info.userId });
    return c.json({ ...body, expires_in: expiresIn });
  });

  app.post('/revoke', async (c) => {
    const p = await params(c);
    if (!p.client_id || !sim.state.clients.has(p.client_id)) return oauthError(c, 404, 'client does not exist');
    const info = p.token ? sim.state.tokens.get(p.token) : undefined;
    if (!info || info.clientId !== p.client_id) return oauthError(c, 400, 'Invalid token');
    sim.state.tokens.delete(info.token);
    return c.body(null, 200);
  });

  return app;
}

function store(sim: Sim, info: TokenInfo): TokenInfo {
  sim.state.tokens.set(info.token, info);
  return info;
}

function expiry(sim: Sim): number {
  return sim.clock.now() + sim.config.tokenTtlSeconds * 1000;
}

/** §7.1: the fields may come as a form body or as query parameters (twitch-cli sends the latter). */
async function params(c: Context): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = { ...c.req.query() };
  const type = c.req.header('Content-Type') ?? '';
  try {
    if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
      for (const [k, v] of Object.entries(await c.req.parseBody())) if (typeof v === 'string') out[k] = v;
    } else if (type.includes('application/json')) {
      const body: unknown = await c.req.json();
      if (typeof body === 'object' && body !== null) {
        for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
      }
    }
  } catch {
    // an unreadable body leaves only the query parameters, which then fail validation
  }
  return out;
}

/** id.twitch.tv errors are `{status, message}`, not Helix's shape (§7.1). */
function oauthError(c: Context, status: ContentfulStatusCode, message: string): Response {
  return c.json({ status, message }, status);
}
