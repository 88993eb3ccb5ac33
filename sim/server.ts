/**
 * @module Starts the simulator: one Node HTTP server for OAuth, Helix and the control API (Hono), with the
 * EventSub WebSocket server on the same port at `/ws`.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { SimClock } from './clock.ts';
import { makeConfig, type SimConfigInput } from './config.ts';
import type { Sim } from './context.ts';
import { createControlRoutes } from './control.ts';
import { createDelivery } from './delivery.ts';
import { createHelixRoutes } from './helix/index.ts';
import { sweepOrphanConduits } from './lifecycle.ts';
import { createOAuthRoutes } from './oauth.ts';
import { SimState } from './state.ts';
import { Timers } from './timers.ts';
import { createWebhookOut } from './webhook/sender.ts';
import { createWsHub } from './ws/hub.ts';

export interface StartOptions {
  port?: number;
  host?: string;
  config?: SimConfigInput;
}

export interface RunningSim {
  sim: Sim;
  url: string;
  port: number;
  close(): Promise<void>;
}

export function buildApp(sim: Sim): Hono {
  const app = new Hono();
  app.route('/oauth2', createOAuthRoutes(sim));
  app.route('/helix', createHelixRoutes(sim));
  app.route('/_sim', createControlRoutes(sim));
  app.get('/', (c) =>
    c.json({ name: 'conduit-worker twitch simulator', ws: `${sim.baseUrl.replace(/^http/, 'ws')}/ws` }),
  );
  return app;
}

export async function startSimulator(opts: StartOptions = {}): Promise<RunningSim> {
  const config = makeConfig(opts.config);
  const clock = new SimClock();
  const sim = { config, clock, state: new SimState(config, clock), timers: new Timers(), baseUrl: '' } as Sim;
  sim.webhooks = createWebhookOut(sim);
  sim.delivery = createDelivery(sim);
  const hub = createWsHub(sim);
  sim.ws = hub;

  const app = buildApp(sim);
  const server: Server = createServer(getRequestListener(app.fetch));
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  sim.baseUrl = `http://${host}:${port}`;
  // The 72-hour rule (twitch-eventsub.md §5.2) on the sim clock; /_sim/clock also sweeps right after a jump.
  const sweeper = setInterval(() => sweepOrphanConduits(sim), 60_000);
  sweeper.unref();

  return {
    sim,
    url: sim.baseUrl,
    port,
    close: async () => {
      clearInterval(sweeper);
      sim.timers.cancelAll();
      hub.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
