/**
 * The outbound socket adapter (cloudflare.md §1.1) against the simulator: the `fetch` upgrade form from a `ws:` URL,
 * a refused upgrade as a rejection naming only the status, frames as text, one `closed` report, and close reasons
 * cut to the protocol's 123 bytes.
 */
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { closeReason, openSocket, upgradeUrl } from '../../src/durable/socket-adapter.ts';
import { waitFor } from '../support/wait.ts';
import { sim } from './support/ws-shard.ts';

const WS_BASE = env.SIM_BASE.replace(/^http/, 'ws');

beforeEach(async () => {
  await sim.reset();
});

describe('socket adapter', () => {
  it('maps ws: and wss: to the http(s) form fetch takes, and refuses anything else', () => {
    expect(upgradeUrl('wss://eventsub.wss.twitch.tv/ws?keepalive_timeout_seconds=10')).toBe(
      'https://eventsub.wss.twitch.tv/ws?keepalive_timeout_seconds=10',
    );
    expect(upgradeUrl('ws://127.0.0.1:9/ws?challenge=x&id=y')).toBe('http://127.0.0.1:9/ws?challenge=x&id=y');
    expect(() => upgradeUrl('https://example.test/ws')).toThrow('not a WebSocket URL');
  });

  it('rejects a refused upgrade with the HTTP status only', async () => {
    await expect(
      openSocket(`${WS_BASE}/not-the-socket?secret=abc`, { text: () => {}, closed: () => {} }),
    ).rejects.toThrow(/^WebSocket upgrade refused: HTTP 404$/);
  });

  it('delivers frames as text and reports the close once', async () => {
    const frames: string[] = [];
    const closes: [number, string][] = [];
    const socket = await openSocket(`${WS_BASE}/ws`, {
      text: (t) => frames.push(t),
      closed: (code, reason) => closes.push([code, reason]),
    });
    const welcome = await waitFor('the welcome', () => frames[0]);
    expect(JSON.parse(welcome)).toMatchObject({ metadata: { message_type: 'session_welcome' } });
    socket.close(1000, 'x'.repeat(300));
    await waitFor('the close', () => closes.length > 0);
    expect(closes[0]![0]).toBe(1000);
    // A second close and the runtime's trailing error event are not reported again.
    socket.close(1000, 'again');
    await sim.call('GET', '/state');
    expect(closes).toHaveLength(1);
  });

  it('cuts a close reason to 123 UTF-8 bytes', () => {
    const bytes = (s: string) => new TextEncoder().encode(s).length;
    expect(closeReason('short')).toBe('short');
    expect(bytes(closeReason('é'.repeat(200)))).toBeLessThanOrEqual(123);
    expect(closeReason('a'.repeat(200)).endsWith('…')).toBe(true);
  });
});
