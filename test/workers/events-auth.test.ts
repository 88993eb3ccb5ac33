/**
 * `GET /events` access with the consumer token (design.md §5): no upgrade header is a 426; no credential, a wrong
 * token or a malformed header is a 401 with no socket; CONSUMER_TOKEN opens a socket whose first frame is the
 * welcome, and "ping" is answered "pong"; with CONSUMER_TOKEN unset the bearer path is closed whatever is sent.
 * Refusals echo no secret.
 */
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { withTimeout } from '../support/wait.ts';
import { connect, eventsRequest, refused, tokenHeader } from './support/events.ts';

describe('GET /events with the consumer token', () => {
  it('answers 426 without Upgrade: websocket', async () => {
    const res = await exports.default.fetch(new Request('http://worker.test/events', { headers: tokenHeader }));
    expect(res.status).toBe(426);
    expect(res.headers.get('Upgrade')).toBe('websocket');
    expect(res.webSocket).toBeNull();
  });

  it.each([
    ['no credential', {}],
    ['a wrong token', { Authorization: 'Bearer wrong-consumer-token-0123456789' }],
    ['the admin token', { Authorization: `Bearer ${env.ADMIN_TOKEN}` }],
    ['another scheme', { Authorization: `Basic ${env.CONSUMER_TOKEN}` }],
    ['an empty bearer', { Authorization: 'Bearer ' }],
  ])('refuses %s with 401 and no socket', async (_name, headers) => {
    const r = await refused('', headers);
    expect(r.status).toBe(401);
    expect(r.socket).toBeNull();
    expect(r.body.error).toMatch(/^unauthorized/);
    const text = JSON.stringify(r.body);
    expect(text).not.toContain(env.CONSUMER_TOKEN!);
    expect(text).not.toContain(env.EVENTSUB_SECRET);
  });

  it('opens a socket for CONSUMER_TOKEN: welcome first, then live', async () => {
    const c = await connect();
    await c.waitFrame('live');
    expect(c.frames[0]).toMatchObject({
      frame: 'welcome',
      filters: { types: null, broadcasters: null },
      replay: null,
    });
    expect(c.frames[1]).toMatchObject({ frame: 'live', replayed: 0 });
    expect(c.frames[1]!.cursor).toBe(c.frames[0]!.cursor);
    c.close();
  });

  it('answers "ping" with "pong" (the runtime\'s auto-response, which does not wake the object)', async () => {
    const res = await exports.default.fetch(eventsRequest('', tokenHeader));
    const ws = res.webSocket!;
    const pong = new Promise<string>((resolve) =>
      ws.addEventListener('message', (m) => {
        if (m.data === 'pong') resolve(m.data);
      }),
    );
    ws.accept();
    ws.send('ping');
    expect(await withTimeout('pong', pong)).toBe('pong');
    ws.close(1000, 'done');
  });

  it('refuses every bearer token when CONSUMER_TOKEN is unset', async () => {
    const { CONSUMER_TOKEN: _unset, ...withoutToken } = env;
    const app = createApp();
    const res = await app.fetch(eventsRequest('', tokenHeader), withoutToken as Env);
    expect(res.status).toBe(401);
    expect(res.webSocket).toBeNull();
  });
});
