/**
 * @module A simulator on 127.0.0.1 with twurple's `ApiClient` pointed at it, as the real-Twitch client would be
 * configured: `AppTokenAuthProvider` with the app's client credentials, which mints its own app token through
 * `POST /oauth2/token` (query-string form, @twurple/auth lib/helpers.js `getAppToken`).
 */
import { ApiClient } from '@twurple/api';
import { AppTokenAuthProvider } from '@twurple/auth';
import WebSocket from 'ws';
import type { SimConfigInput } from '../../sim/config.ts';
import { startSimulator, type RunningSim } from '../../sim/server.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../sim/state.ts';
import { routeTwitchToSim, type TwitchRoute } from './twurple-fetch.ts';
import { withTimeout } from './wait.ts';

export interface TwurpleSim {
  running: RunningSim;
  route: TwitchRoute;
  api: ApiClient;
  close(): Promise<void>;
}

export async function startTwurpleSim(config: SimConfigInput = {}): Promise<TwurpleSim> {
  const running = await startSimulator({ port: 0, config });
  const route = routeTwitchToSim(running.url);
  const api = new ApiClient({
    authProvider: new AppTokenAuthProvider(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),
    logger: { minLevel: 'error' },
  });
  return {
    running,
    route,
    api,
    close: async () => {
      route.restore();
      await running.close();
    },
  };
}

/** A bare EventSub WebSocket client (the `ws` package) and the session id from its welcome. */
export async function openSession(simUrl: string): Promise<{ ws: WebSocket; sessionId: string }> {
  const ws = new WebSocket(`${simUrl.replace(/^http/, 'ws')}/ws`);
  const sessionId = await withTimeout(
    'session_welcome',
    new Promise<string>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString()) as { payload: { session: { id: string } } };
        resolve(frame.payload.session.id);
      });
    }),
  );
  return { ws, sessionId };
}
