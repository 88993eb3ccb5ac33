/**
 * @module The simulator's api.twitch.tv/helix (twitch-eventsub.md §8.3): authentication, then the rate-limit
 * bucket, then the conduit and subscription endpoints. Every request is recorded in the call log first; scripted
 * failures (`/_sim/faults`) answer before authentication.
 */
import { Hono } from 'hono';
import type { Sim } from '../context.ts';
import { APP_TOKEN_REQUIRED, helixAuth, type HelixEnv, requireAppToken } from './auth.ts';
import { createConduitRoutes } from './conduits.ts';
import { helixFaults } from './faults.ts';
import { callLog } from './log.ts';
import { fail } from './params.ts';
import { rateLimit } from './ratelimit.ts';
import { createShardRoutes } from './shards.ts';
import { createSubscriptionRoutes } from './subscriptions.ts';

export function createHelixRoutes(sim: Sim): Hono {
  const helix = new Hono<HelixEnv>();
  // Order matters: the bucket is charged once the caller is known, so even the app-token 401 carries headers.
  helix.use('/eventsub/conduits/*', helixAuth(sim, APP_TOKEN_REQUIRED));
  helix.use('/eventsub/subscriptions', helixAuth(sim));
  helix.use('/eventsub/conduits/*', rateLimit(sim));
  helix.use('/eventsub/subscriptions', rateLimit(sim));
  helix.use('/eventsub/conduits/*', requireAppToken);
  helix.route('/eventsub/conduits/shards', createShardRoutes(sim));
  helix.route('/eventsub/conduits', createConduitRoutes(sim));
  helix.route('/eventsub/subscriptions', createSubscriptionRoutes(sim));

  const app = new Hono();
  app.use('*', callLog(sim));
  // After the log, so that a scripted failure is recorded with the status it was answered with.
  app.use('*', helixFaults(sim));
  app.route('/', helix);
  app.notFound((c) => fail(c, 404, 'Not Found'));
  app.onError((err, c) => fail(c, 500, err instanceof Error ? err.message : String(err)));
  return app;
}
