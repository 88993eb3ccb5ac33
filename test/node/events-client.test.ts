/**
 * The `/events` client (client/index.ts) against a fake socket and fake timers: the URL it opens (ws scheme, path,
 * repeated filters, since, ticket) and the token header; typed events to handlers, the cursor after each frame,
 * acknowledgements every `ackEvery` frames; after a close it reconnects with full-jitter backoff, resumes from the
 * last cursor with a fresh ticket, grows the delay while attempts fail and resets it once live; a throwing handler
 * or ticket provider is reported and the stream goes on; `close()` stops it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectEvents, type EventFrame, type EventsClientOptions, type SocketLike } from '../../client/index.ts';

class FakeSocket implements SocketLike {
  readyState = 1;
  sent: string[] = [];
  closedWith: { code?: number; reason?: string } | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(
    readonly url: string,
    readonly headers: Record<string, string> | undefined,
  ) {}
  send(data: string) {
    this.sent.push(data);
  }
  close(code?: number, reason?: string) {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }
  frame(f: object) {
    this.onmessage?.({ data: JSON.stringify(f) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

const event = (seq: number, type = 'channel.follow'): EventFrame => ({
  frame: 'event',
  cursor: `c${seq}`,
  hub: 0,
  seq,
  message_id: `m${seq}`,
  kind: 'notification',
  type,
  version: '2',
  subscription_id: 's',
  broadcaster: '1',
  sent_at: '2026-11-01T00:00:00Z',
  received_at: '2026-11-01T00:00:00Z',
  replayed: false,
  payload: {
    subscription: { id: 's', type, version: '2', status: 'enabled', condition: {} },
    event: { user_name: `u${seq}` },
  },
});

function setUp(over: Partial<EventsClientOptions> = {}) {
  const sockets: FakeSocket[] = [];
  const client = connectEvents({
    url: 'https://conduit.example/',
    socket: (url, headers) => {
      const s = new FakeSocket(url, headers);
      sockets.push(s);
      return s;
    },
    random: () => 0.5,
    backoff: { baseMs: 1_000, capMs: 8_000 },
    ...over,
  });
  const last = () => sockets[sockets.length - 1]!;
  return { client, sockets, last };
}

/** Let the client's async open (ticket fetch) run. */
const tick = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('events client', () => {
  it('opens the ws URL with repeated filters and sends the token as a header', async () => {
    const { last } = setUp({
      token: 'tok-123',
      types: ['channel.follow', 'stream.online'],
      broadcasters: ['7'],
      since: 'a.b',
    });
    await tick();
    const url = new URL(last().url);
    expect(url.protocol).toBe('wss:');
    expect(url.pathname).toBe('/events');
    expect(url.searchParams.getAll('type')).toEqual(['channel.follow', 'stream.online']);
    expect(url.searchParams.getAll('broadcaster')).toEqual(['7']);
    expect(url.searchParams.get('since')).toBe('a.b');
    expect(url.searchParams.get('ticket')).toBeNull();
    expect(last().headers).toEqual({ Authorization: 'Bearer tok-123' });
  });

  it('puts a ticket in the query and never a header when given a ticket provider', async () => {
    const { last } = setUp({ url: 'http://127.0.0.1:8787/events', ticket: async () => 'tkt.sig' });
    await tick();
    expect(new URL(last().url).protocol).toBe('ws:');
    expect(new URL(last().url).searchParams.get('ticket')).toBe('tkt.sig');
    expect(last().headers).toBeUndefined();
  });

  it('delivers typed events, tracks the cursor, and acknowledges every ackEvery frames', async () => {
    const names: string[] = [];
    const all: number[] = [];
    const { client, last } = setUp({ ackEvery: 3, onEvent: (e) => all.push(e.seq) });
    client.on('channel.follow', (e) => names.push(e.payload.event.user_name));
    await tick();
    last().frame({ frame: 'welcome', cursor: 'c0', filters: { types: null, broadcasters: null }, replay: null });
    last().frame({ frame: 'live', cursor: 'c0', replayed: 0 });
    for (const seq of [1, 2, 3, 4]) last().frame(event(seq));
    last().frame(event(5, 'stream.online'));
    expect(names).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(all).toEqual([1, 2, 3, 4, 5]);
    expect(client.cursor).toBe('c5');
    expect(client.status).toBe('live');
    // 7 frames (welcome, live, 5 events): acknowledged after the 3rd and the 6th.
    expect(last().sent).toEqual(['ack 3', 'ack 3']);
  });

  it('reconnects after a drop with a backoff delay and resumes from the last cursor with a fresh ticket', async () => {
    let n = 0;
    const { client, sockets, last } = setUp({ ticket: () => `t${++n}` });
    await tick();
    last().frame({ frame: 'live', cursor: 'c0', replayed: 0 });
    last().frame(event(1));
    last().frame(event(2));
    last().drop();
    expect(client.status).toBe('reconnecting');
    // Full jitter with random 0.5 on attempt 0: half of 1,000 ms.
    await vi.advanceTimersByTimeAsync(499);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(2);
    const url = new URL(last().url);
    expect(url.searchParams.get('since')).toBe('c2');
    expect(url.searchParams.get('ticket')).toBe('t2');
  });

  it('grows the delay while attempts fail and starts over once live again', async () => {
    const { sockets, last } = setUp();
    await tick();
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const before = sockets.length;
      last().drop();
      let waited = 0;
      while (sockets.length === before && waited < 20_000) {
        await vi.advanceTimersByTimeAsync(100);
        waited += 100;
      }
      waits.push(waited);
    }
    // 0.5 × min(8,000, 1,000 × 2^n): 500, 1,000, 2,000, 4,000 (rounded up to the 100 ms steps).
    expect(waits).toEqual([500, 1_000, 2_000, 4_000]);
    last().frame({ frame: 'live', cursor: 'c9', replayed: 0 });
    const before = sockets.length;
    last().drop();
    await vi.advanceTimersByTimeAsync(500);
    expect(sockets.length).toBe(before + 1);
  });

  it('reports a throwing handler and still advances the cursor', async () => {
    const errors: unknown[] = [];
    const { client, last } = setUp({
      onEvent: () => {
        throw new Error('handler bug');
      },
      onError: (e) => errors.push(e),
    });
    await tick();
    last().frame(event(1));
    last().onmessage?.({ data: 'not json' });
    expect(errors).toHaveLength(2);
    expect(client.cursor).toBe('c1');
  });

  it('retries when the ticket provider fails', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const { sockets } = setUp({
      ticket: async () => {
        if (++calls === 1) throw new Error('backend down');
        return 'ok';
      },
      onError: (e) => errors.push(e),
    });
    await tick();
    expect(sockets).toHaveLength(0);
    expect(errors).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(sockets).toHaveLength(1);
  });

  it('passes the server notice on, and stops for good on close()', async () => {
    const notices: string[] = [];
    const { client, sockets, last } = setUp({ onNotice: (f) => notices.push(f.frame) });
    await tick();
    last().frame({ frame: 'closing', cursor: 'c3', code: 4008, reason: 'consumer too slow; resume with ?since=c3' });
    expect(notices).toEqual(['closing']);
    expect(client.cursor).toBe('c3');
    client.close();
    expect(last().closedWith).toEqual({ code: 1000, reason: 'client closed' });
    last().drop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
    expect(client.status).toBe('closed');
  });
});
