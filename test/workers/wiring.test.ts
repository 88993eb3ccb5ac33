/**
 * The Workers project is wired to a real simulator process (test/workers/global-setup.ts): the Worker's Twitch
 * bases point at it, and code running inside workerd reaches it over HTTP and WebSocket on 127.0.0.1.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { withTimeout } from '../support/wait.ts';

describe('simulator wiring', () => {
  it('points TWITCH_* at the simulator and mints an app token there', async () => {
    expect(env.TWITCH_API_BASE).toBe(`${env.SIM_BASE}/helix`);
    const res = await fetch(`${env.TWITCH_AUTH_BASE}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: env.TWITCH_CLIENT_ID,
        client_secret: env.TWITCH_CLIENT_SECRET,
        grant_type: 'client_credentials',
      }),
    });
    expect(res.status).toBe(200);
    const body = await res.json<{ access_token: string; token_type: string }>();
    expect(body.token_type).toBe('bearer');
    const conduits = await fetch(`${env.TWITCH_API_BASE}/eventsub/conduits`, {
      headers: { Authorization: `Bearer ${body.access_token}`, 'Client-Id': env.TWITCH_CLIENT_ID },
    });
    expect(conduits.status).toBe(200);
    expect(conduits.headers.get('ratelimit-limit')).toBe('800');
  });

  it('opens the EventSub WebSocket from workerd with the fetch upgrade form and gets a welcome', async () => {
    const res = await fetch(env.TWITCH_EVENTSUB_WS_URL.replace(/^ws/, 'http'), { headers: { Upgrade: 'websocket' } });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    const first = new Promise<string>((resolve) => ws.addEventListener('message', (e) => resolve(String(e.data))));
    ws.accept();
    const welcome = JSON.parse(await withTimeout('session_welcome', first, 5_000));
    expect(welcome.metadata.message_type).toBe('session_welcome');
    expect(welcome.payload.session.keepalive_timeout_seconds).toBe(10);
    ws.close(1000, 'done');
  });
});
