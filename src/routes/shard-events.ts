/**
 * @module `POST /webhooks/_shard-events`: the Worker's own callback for `conduit.shard.disabled`, subscribed over a
 * plain webhook transport rather than through the conduit (twitch-eventsub.md §4: a notice routed through the conduit
 * can land on the very shard that died). Verified like every webhook (design.md §5), recorded on its hub like every
 * event, and then the controller is told which shard to repair — the shard listing on the cron is the second source,
 * so a lost notice costs at most a minute. Registered before `/webhooks/:endpoint`, whose names cannot start with `_`.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../app.ts';
import { bucketOf } from '../core/hash.ts';
import { hubName } from '../core/ingest-types.ts';
import { controllerStub } from '../durable/controller-stub.ts';
import type { ControllerRpc } from '../durable/controller-types.ts';
import { logError } from '../log.ts';
import { SHARD_EVENTS_NAME, SHARD_EVENTS_PATH, shardEventsSecret } from '../verify/shard-events.ts';
import { checkWebhook, MAX_BODY_BYTES } from '../verify/webhook.ts';
import { shardDisabledBodyWire } from './shard-events.wire.ts';

export function createShardEventRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post(SHARD_EVENTS_PATH, async (c) => {
    const config = c.get('config');
    if (Number(c.req.header('content-length') ?? '0') > MAX_BODY_BYTES) return c.json({ error: 'body too large' }, 413);
    const body = new Uint8Array(await c.req.arrayBuffer());
    const secrets = [await shardEventsSecret(config.EVENTSUB_SECRET)];
    if (config.EVENTSUB_SECRET_PREVIOUS) secrets.push(await shardEventsSecret(config.EVENTSUB_SECRET_PREVIOUS));
    const verdict = await checkWebhook({
      headers: c.req.raw.headers,
      body,
      now: Date.now(),
      secrets,
      endpoint: SHARD_EVENTS_NAME,
    });
    if (!verdict.ok) return c.json({ error: verdict.reason }, verdict.status);
    if (verdict.kind === 'challenge') return c.body(verdict.challenge, 200, { 'Content-Type': 'text/plain' });

    const m = verdict.message;
    await c.env.EVENT_HUB.getByName(hubName(bucketOf(m.routingKey, config.HUB_COUNT))).ingest([m]);
    const rpc = controllerStub(c.env, config) as unknown as ControllerRpc;
    try {
      if (m.kind === 'revocation') {
        await rpc.shardEventsRevoked(m.subscriptionId);
      } else if (m.subscriptionType === 'conduit.shard.disabled') {
        const parsed = shardDisabledBodyWire.safeParse(JSON.parse(m.body));
        if (!parsed.success) return c.json({ error: 'conduit.shard.disabled body: event: malformed' }, 400);
        const e = parsed.data.event;
        await rpc.shardDisabled({
          conduit_id: e.conduit_id,
          shard_id: Number(e.shard_id),
          status: e.status,
          method: e.transport.method,
          ...(e.transport.callback ? { callback: e.transport.callback } : {}),
          ...(e.transport.session_id ? { session_id: e.transport.session_id } : {}),
        });
      }
    } catch (err) {
      // Recorded on the hub already; the cron's shard listing finds the shard within a minute.
      logError('webhooks:shard-events', err, { kind: m.kind });
    }
    return c.body(null, 204);
  });

  return app;
}
