/**
 * @module Compares one listed shard with the endpoint the layout wants on it (design.md §6) and says whether it can
 * stay, must be re-assigned (and why, in words fit for a dry run or a log), or has to wait for the endpoint.
 */
import type { ActualShard, EndpointState } from './plan-types.ts';

export type ShardVerdict = { kind: 'ok' } | { kind: 'assign'; reason: string } | { kind: 'wait'; reason: string };

/** A webhook shard still being challenged is on its way to `enabled` (twitch-eventsub.md §1.8): no re-PATCH. */
const WEBHOOK_SETTLED = new Set(['enabled', 'webhook_callback_verification_pending']);

const OK: ShardVerdict = { kind: 'ok' };

function describeTransport(a: ActualShard): string {
  const t = a.transport;
  if (t.method === 'webhook') return `on webhook ${t.callback}`;
  if (t.method === 'websocket') return `on websocket session ${t.sessionId}`;
  return `on unknown transport ${JSON.stringify(t.raw)}`;
}

/**
 * `a` undefined means the shard was never assigned: Twitch leaves such shards out of Get Conduit Shards
 * (twitch-eventsub.md §1.3), and newly grown shards have no transport yet.
 */
export function shardVerdict(e: EndpointState, a: ActualShard | undefined, appliedFingerprint?: string): ShardVerdict {
  if (e.kind === 'websocket' && e.sessionId === null) {
    return { kind: 'wait', reason: `endpoint '${e.name}' has no live session` };
  }
  if (a === undefined) return { kind: 'assign', reason: 'never assigned' };
  const reasons: string[] = [];
  if (e.kind === 'webhook') {
    const t = a.transport;
    if (t.method !== 'webhook') reasons.push(`${describeTransport(a)}, wants webhook endpoint '${e.name}'`);
    else if (t.callback !== e.callback) reasons.push(`callback differs (has ${t.callback}, wants ${e.callback})`);
    if (!WEBHOOK_SETTLED.has(a.status)) reasons.push(`status ${a.status}`);
    // Twitch never reveals a shard's secret, so only our record of the last PATCH proves it is current.
    if (appliedFingerprint === undefined) reasons.push('secret unknown (no fingerprint recorded)');
    else if (appliedFingerprint !== e.fingerprint) reasons.push('secret changed (fingerprint differs)');
  } else {
    const t = a.transport;
    if (t.method !== 'websocket') reasons.push(`${describeTransport(a)}, wants websocket endpoint '${e.name}'`);
    else if (t.sessionId !== e.sessionId) reasons.push(`session differs (has ${t.sessionId}, wants ${e.sessionId})`);
    if (a.status !== 'enabled') reasons.push(`status ${a.status}`);
  }
  return reasons.length === 0 ? OK : { kind: 'assign', reason: reasons.join('; ') };
}
