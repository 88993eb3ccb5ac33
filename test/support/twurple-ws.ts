/**
 * @module twurple's `EventSubWsListener` (8.1.4) run as one WebSocket conduit shard. twurple has no conduit mode;
 * its unmanaged mode (`managed: false`) is the supported way to let someone else create the Twitch subscription:
 * `onSubscriptionActivate` hands over a `setData` callback that maps a Twitch subscription id to twurple's handler
 * (eventsub-base EventSubBase.js). Here that Twitch subscription is a conduit subscription made with the app token,
 * and each new session from `onUserSocketReady` is PATCHed onto the shard (twitch-eventsub.md §5.3, §9 item 3).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiClient, HelixEventSubSubscription } from '@twurple/api';
import { EventSubWsListener } from '@twurple/eventsub-ws';
import type { Sim } from '../../sim/context.ts';

export interface StreamOnline {
  id: string;
  broadcasterId: string;
  broadcasterName: string;
  broadcasterDisplayName: string;
  type: string;
  startDate: Date;
}

export interface TwurpleShard {
  listener: EventSubWsListener;
  /** Session ids, one per `session_welcome` twurple accepted, in order. */
  ready: string[];
  /** Sessions successfully PATCHed onto the shard, in order. */
  patched: string[];
  /** `onUserSocketDisconnect` count: twurple only reports disconnects it did not plan (not a requested reconnect). */
  disconnects: number;
  /** Times twurple activated its subscription and the test gave it the conduit subscription's data. */
  registered: number;
  events: StreamOnline[];
  errors: unknown[];
}

export interface ShardOptions {
  url: string;
  conduitId: string;
  shardId: string;
  broadcasterId: string;
}

export function runTwurpleShard(api: ApiClient, o: ShardOptions): TwurpleShard {
  const listener = new EventSubWsListener({ managed: false, url: o.url, logger: { minLevel: 'critical' } });
  const h: TwurpleShard = { listener, ready: [], patched: [], disconnects: 0, registered: 0, events: [], errors: [] };
  let requested: string | undefined;

  listener.onUserSocketReady((_userId, sessionId) => {
    h.ready.push(sessionId);
    // A Twitch-requested reconnect keeps the session id, so the shard stays bound without a PATCH (§5.3).
    if (requested === sessionId) return;
    requested = sessionId;
    const transport = { method: 'websocket' as const, session_id: sessionId };
    api.eventSub.updateConduitShards(o.conduitId, [{ id: o.shardId, transport }]).then(
      (shards) =>
        shards.some((s) => s.id === o.shardId && s.status === 'enabled')
          ? h.patched.push(sessionId)
          : h.errors.push(new Error(`shard ${o.shardId} was not enabled for ${sessionId}`)),
      (err: unknown) => h.errors.push(err),
    );
  });
  listener.onUserSocketDisconnect(() => {
    h.disconnects++;
  });
  listener.onSubscriptionActivate((_sub, setData) => {
    conduitSubscription(api, o).then(
      (data) => {
        setData(data);
        h.registered++;
      },
      (err: unknown) => h.errors.push(err),
    );
  });

  listener.start();
  listener.onStreamOnline(o.broadcasterId, (e) => {
    h.events.push(e);
  });
  return h;
}

/** twurple re-activates on every fresh welcome; a conduit subscription outlives sockets (§6.5), so reuse it. */
async function conduitSubscription(api: ApiClient, o: ShardOptions): Promise<HelixEventSubSubscription> {
  const existing = await api.eventSub.getSubscriptionsForTypePaginated('stream.online').getAll();
  const found = existing.find((s) => {
    const t = s._transport;
    return (
      s.status === 'enabled' &&
      s.condition.broadcaster_user_id === o.broadcasterId &&
      'conduit_id' in t &&
      t.conduit_id === o.conduitId
    );
  });
  return (
    found ??
    (await api.eventSub.subscribeToStreamOnlineEvents(o.broadcasterId, { method: 'conduit', conduit_id: o.conduitId }))
  );
}

export interface UpgradeTap {
  url: string;
  socket: Duplex;
}

/**
 * Observe the raw sockets of WebSocket upgrades. server.ts calls `hub.handleUpgrade` on the same object as
 * `sim.ws`, so wrapping it there sees every connection (including those to a `reconnect_url`) without altering it.
 */
export function tapUpgrades(sim: Sim): UpgradeTap[] {
  const hub = sim.ws as Sim['ws'] & { handleUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void };
  const original = hub.handleUpgrade?.bind(hub);
  if (!original) throw new Error('sim.ws has no handleUpgrade to observe');
  const taps: UpgradeTap[] = [];
  hub.handleUpgrade = (req, socket, head) => {
    taps.push({ url: req.url ?? '', socket });
    original(req, socket, head);
  };
  return taps;
}
