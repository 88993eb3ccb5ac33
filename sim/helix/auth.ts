/**
 * @module Helix authentication (twitch-eventsub.md §0, §8.2): a Bearer token and a matching Client-Id on every
 * request; conduit endpoints additionally require an app access token.
 */
import type { MiddlewareHandler } from 'hono';
import type { Sim } from '../context.ts';
import { lookupToken } from '../oauth.ts';
import type { TokenInfo } from '../state.ts';
import { fail } from './params.ts';

export interface HelixEnv {
  Variables: { auth: TokenInfo };
}

export const APP_TOKEN_REQUIRED = 'Authorization header required with an app access token.';
export const TOKEN_MISSING = 'OAuth token is missing';

/**
 * Identify the caller. `missingMessage` is what a request without a token hears: the conduit endpoints word it
 * as the app-token rule (§1.1).
 */
export function helixAuth(sim: Sim, missingMessage = TOKEN_MISSING): MiddlewareHandler<HelixEnv> {
  return async (c, next) => {
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('Authorization') ?? '')?.[1];
    if (!token) return fail(c, 401, missingMessage);
    const clientId = c.req.header('Client-Id');
    if (!clientId) return fail(c, 401, 'Client-Id header required');
    const info = lookupToken(sim, token);
    if (!info) return fail(c, 401, 'Invalid OAuth token');
    if (info.clientId !== clientId) return fail(c, 401, 'Client ID and OAuth token do not match');
    c.set('auth', info);
    await next();
  };
}

/** Every conduit endpoint needs an app token; a user token is a 401 (§1.1). */
export const requireAppToken: MiddlewareHandler<HelixEnv> = async (c, next) => {
  if (c.get('auth').kind !== 'app') return fail(c, 401, APP_TOKEN_REQUIRED);
  await next();
};
