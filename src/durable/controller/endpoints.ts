/**
 * @module Endpoints as the planner and Helix see them (design.md §6): a built-in webhook's callback is
 * `BASE/webhooks/NAME` with its secret derived from EVENTSUB_SECRET; an external webhook has its own callback and a
 * write-only secret; a websocket endpoint is a WebSocketShard object and offers its live session. Secrets are only
 * resolved here, right before a PATCH, and are represented elsewhere by a fingerprint.
 */
import type { Config } from '../../config.ts';
import type { EndpointState } from '../../core/plan-types.ts';
import type { ShardAssignment } from '../../twitch/types.ts';
import { ENDPOINT_NAME, endpointSecret } from '../../verify/derive.ts';
import { toHex } from '../../verify/hex.ts';
import type { EndpointInput, EndpointView } from '../controller-types.ts';
import type { EndpointRow } from './store.ts';

export interface ResolvedEndpoint {
  state: EndpointState;
  /** The transport to PATCH, or null when the endpoint cannot take shards now (websocket without session). */
  assignment: ShardAssignment | null;
  fingerprint: string | null;
}

export function callbackOf(row: EndpointRow, config: Pick<Config, 'PUBLIC_URL'>): string | null {
  if (row.kind !== 'webhook') return null;
  return row.callback ?? `${(row.base_url ?? config.PUBLIC_URL).replace(/\/+$/, '')}/webhooks/${row.name}`;
}

async function fingerprintOf(callback: string, secret: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${callback}\n${secret}`));
  return toHex(new Uint8Array(digest).slice(0, 12));
}

/**
 * `sessions` maps websocket endpoint names to their live session id (the `ws_sessions` table, controller/sessions.ts);
 * an endpoint without one has its shards reported as waiting by the planner.
 */
export async function resolveEndpoint(
  row: EndpointRow,
  config: Pick<Config, 'PUBLIC_URL' | 'EVENTSUB_SECRET'>,
  sessions: Record<string, string | null> = {},
): Promise<ResolvedEndpoint> {
  if (row.kind === 'websocket') {
    const sessionId = sessions[row.name] ?? null;
    return {
      state: { name: row.name, kind: 'websocket', sessionId },
      assignment: sessionId ? { method: 'websocket', sessionId } : null,
      fingerprint: sessionId,
    };
  }
  const callback = callbackOf(row, config)!;
  const secret = row.secret ?? (await endpointSecret(config.EVENTSUB_SECRET, row.name));
  const fingerprint = await fingerprintOf(callback, secret);
  return {
    state: { name: row.name, kind: 'webhook', callback, fingerprint },
    assignment: { method: 'webhook', callback, secret },
    fingerprint,
  };
}

export function endpointView(row: EndpointRow, shards: number, config: Pick<Config, 'PUBLIC_URL'>): EndpointView {
  const source = row.kind === 'websocket' ? 'websocket' : row.callback ? 'external' : 'builtin';
  const callback = callbackOf(row, config);
  return {
    name: row.name,
    kind: row.kind,
    source,
    ...(callback ? { callback } : {}),
    ...(row.base_url ? { base_url: row.base_url } : {}),
    shards,
    created_at: row.created_at,
    ...(row.kind === 'websocket' ? { mode: row.mode ?? 'fixed' } : {}),
  };
}

/** Validation the controller repeats behind the admin API's schemas, so RPC callers get the same answers. */
export function endpointProblem(input: EndpointInput): string | null {
  if (!ENDPOINT_NAME.test(input.name)) return 'name: must match [a-z0-9][a-z0-9-]{0,31}';
  if (input.kind === 'websocket') {
    if (input.callback || input.secret || input.base_url)
      return 'websocket endpoints take no callback, secret or base_url';
    if (input.mode !== undefined && input.mode !== 'fixed' && input.mode !== 'auto') {
      return 'mode: must be "fixed" or "auto"';
    }
    return null;
  }
  if (input.kind !== 'webhook') return 'kind: must be "webhook" or "websocket"';
  if (input.mode !== undefined) return 'mode is only for websocket endpoints';
  if ((input.callback === undefined) !== (input.secret === undefined)) {
    return 'callback and secret go together (an external webhook)';
  }
  if (input.callback !== undefined && input.base_url !== undefined) return 'base_url is only for built-in webhooks';
  if (input.secret !== undefined && !/^[\x21-\x7e]{10,100}$/.test(input.secret)) {
    return 'secret: must be 10 to 100 printable ASCII characters';
  }
  for (const [field, value] of [
    ['callback', input.callback],
    ['base_url', input.base_url],
  ] as const) {
    if (value === undefined) continue;
    try {
      if (!['http:', 'https:'].includes(new URL(value).protocol)) return `${field}: must be an http(s) URL`;
    } catch {
      return `${field}: must be an http(s) URL`;
    }
  }
  return null;
}
