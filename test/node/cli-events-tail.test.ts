/**
 * `events tail` against a stand-in `/events` on 127.0.0.1 (test/support/fake-events.ts): what it sends (filters,
 * bearer token or a minted ticket), what it prints, when it stops (--limit, Ctrl-C), how it reports a refused or
 * unreachable stream, and that a lost stream resumes from the last cursor through the typed client.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliFailure } from '../../cli/errors.ts';
import { MAX_FAILED_ATTEMPTS, tailEvents } from '../../cli/live.ts';
import { freePort } from '../../scripts/stack.ts';
import { memoryIo, runCli, TEST_ENV } from '../support/cli-io.ts';
import { eventFrame, FakeEvents, welcome } from '../support/fake-events.ts';
import { waitFor, withTimeout } from '../support/wait.ts';

let fake: FakeEvents;
beforeEach(async () => {
  fake = await new FakeEvents().listen();
});
afterEach(async () => {
  await fake.close();
});

function env(extra: Record<string, string | undefined> = {}) {
  return { ...TEST_ENV, CONDUIT_WORKER_URL: fake.url, ...extra };
}

describe('events tail', () => {
  it('sends the filters and the consumer token, prints each event on one line and stops at --limit', async () => {
    const io = memoryIo(env());
    const run = runCli(
      ['events', 'tail', '--type', 'channel.follow', '--broadcaster', '1', '--broadcaster', '2', '--limit', '2'],
      io,
    );
    const ws = await fake.nextSocket();
    ws.send(JSON.stringify(welcome()));
    ws.send(JSON.stringify({ frame: 'live', cursor: 'c0', replayed: 0 }));
    ws.send(JSON.stringify(eventFrame('channel.follow', '1', { user_login: 'ann' })));
    ws.send(JSON.stringify(eventFrame('channel.follow', '2', { user_login: 'bob' })));
    ws.send(JSON.stringify(eventFrame('channel.follow', '2', { user_login: 'not printed' })));
    const r = await withTimeout('the tail to end', run);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out.split('\n')).toEqual([
      '2030-01-01T10:00:01Z  channel.follow v1  1  {"user_login":"ann"}',
      '2030-01-01T10:00:01Z  channel.follow v1  2  {"user_login":"bob"}',
    ]);
    const up = fake.upgrades[0]!;
    expect(up.authorization).toBe(`Bearer ${TEST_ENV.CONSUMER_TOKEN}`);
    expect([up.query.getAll('type'), up.query.getAll('broadcaster'), up.query.has('ticket')]).toEqual([
      ['channel.follow'],
      ['1', '2'],
      false,
    ]);
  });

  it('prints one raw frame per line with --json and passes --since', async () => {
    const io = memoryIo(env());
    const run = runCli(['events', 'tail', '--since', 'c41', '--limit', '1', '--json'], io);
    const ws = await fake.nextSocket();
    const frame = eventFrame('stream.online', '7');
    ws.send(JSON.stringify(welcome('c41')));
    ws.send(JSON.stringify(frame));
    const r = await withTimeout('the tail to end', run);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(frame);
    expect(fake.upgrades[0]!.query.get('since')).toBe('c41');
  });

  it('without a consumer token, mints a ticket with the admin token and opens the stream with it', async () => {
    const io = memoryIo(env({ CONSUMER_TOKEN: undefined }));
    const run = runCli(['events', 'tail', '--type', 'stream.online', '--limit', '1'], io);
    const ws = await fake.nextSocket();
    ws.send(JSON.stringify(welcome()));
    ws.send(JSON.stringify(eventFrame('stream.online', '7')));
    expect((await withTimeout('the tail to end', run)).code).toBe(0);
    expect(fake.ticketRequests).toEqual([{ types: ['stream.online'], broadcasters: [], ttl_seconds: 60 }]);
    expect([fake.upgrades[0]!.authorization, fake.upgrades[0]!.query.get('ticket')]).toEqual([undefined, 'tkt-1']);
  });

  it('ends with 130 on Ctrl-C', async () => {
    const io = memoryIo(env());
    const run = runCli(['events', 'tail'], io);
    const ws = await fake.nextSocket();
    ws.send(JSON.stringify(welcome()));
    const closed = new Promise((r) => ws.once('close', r));
    io.interrupt();
    const r = await withTimeout('the tail to end', run);
    expect([r.code, r.err]).toEqual([130, '']);
    await withTimeout('the socket to be closed by the CLI', closed);
  });
});

describe('events tail failures', () => {
  async function failure(argv: string[], extraEnv: Record<string, string | undefined> = {}) {
    const r = await withTimeout('the tail to fail', runCli(argv, memoryIo(env(extraEnv))));
    expect(r.out).toBe('');
    expect(r.err).not.toContain(TEST_ENV.CONSUMER_TOKEN);
    expect(r.err).not.toContain(TEST_ENV.ADMIN_TOKEN);
    return r;
  }

  it('says the consumer token was rejected (401), without retrying', async () => {
    fake.decide = () => ({ status: 401, body: { error: 'unauthorized' } });
    const r = await failure(['events', 'tail']);
    expect([r.code, r.err]).toEqual([1, `conduit-worker: consumer token rejected by ${fake.url} (HTTP 401)`]);
    expect(fake.upgrades).toHaveLength(1);
  });

  it('passes on the reason of a refused filter (400) and names a Worker without /events (404)', async () => {
    fake.decide = () => ({ status: 400, body: { error: 'type: must be an EventSub type like channel.follow' } });
    const bad = await failure(['events', 'tail', '--type', 'nope']);
    expect(bad.err).toBe(
      'conduit-worker: GET /events refused: type: must be an EventSub type like channel.follow (HTTP 400)',
    );
    fake.decide = () => ({ status: 404, body: { error: 'not found' } });
    const missing = await failure(['events', 'tail']);
    expect([missing.code, missing.err]).toEqual([
      1,
      `conduit-worker: ${fake.url} has no live stream at /events (HTTP 404)`,
    ]);
  });

  it('reports a ticket the admin API will not mint', async () => {
    fake.ticketAnswer = { status: 401, body: { error: 'unauthorized' } };
    const r = await failure(['events', 'tail'], { CONSUMER_TOKEN: undefined });
    expect([r.code, r.err]).toEqual([1, `conduit-worker: admin token rejected by ${fake.url} (HTTP 401)`]);
    expect(fake.upgrades).toHaveLength(0);
  });

  it('says the stream cannot be opened when nothing listens, and asks for a token when there is none', async () => {
    const port = await freePort();
    const r = await failure(['events', 'tail', '--url', `http://127.0.0.1:${port}`]);
    expect([r.code, r.err]).toEqual([1, `conduit-worker: cannot open http://127.0.0.1:${port}/events: ECONNREFUSED`]);
    const none = await failure(['events', 'tail'], { CONSUMER_TOKEN: undefined, ADMIN_TOKEN: undefined });
    expect(none.code).toBe(2);
    expect(none.err).toBe(
      'conduit-worker: no token for /events: set CONSUMER_TOKEN (or ADMIN_TOKEN, to mint a ticket) (see conduit-worker events tail --help)',
    );
  });
});

describe('a lost stream', () => {
  const fast = { baseMs: 5, capMs: 20 };

  it('reconnects from the last cursor it printed, saying so on stderr', async () => {
    const printed: string[] = [];
    const notices: string[] = [];
    const done = tailEvents({
      url: fake.url,
      auth: { token: 'tok' },
      types: [],
      broadcasters: [],
      limit: 2,
      backoffMs: fast,
      onEvent: (f) => printed.push(f.cursor),
      onNotice: (n) => notices.push(n),
      onInterrupt: () => () => undefined,
    });
    const first = await fake.nextSocket();
    first.send(JSON.stringify(welcome()));
    const one = eventFrame('stream.online', '1');
    first.send(JSON.stringify(one));
    await waitFor('the first event', () => printed.length === 1);
    first.close(1011, 'restarting');
    const second = await fake.nextSocket();
    expect(fake.upgrades[1]!.query.get('since')).toBe(one.cursor);
    second.send(JSON.stringify(welcome(one.cursor)));
    second.send(JSON.stringify(eventFrame('stream.online', '1')));
    expect(await withTimeout('the tail to end', done)).toBe(0);
    expect(notices).toEqual(['stream lost (closed (code 1011: restarting)); reconnecting from the last cursor']);
  });

  it(`gives up after ${MAX_FAILED_ATTEMPTS} failed attempts in a row`, async () => {
    const done = tailEvents({
      url: fake.url,
      auth: { token: 'tok' },
      types: [],
      broadcasters: [],
      backoffMs: fast,
      onEvent: () => undefined,
      onNotice: () => undefined,
      onInterrupt: () => () => undefined,
    });
    const first = await fake.nextSocket();
    first.send(JSON.stringify(welcome()));
    await waitFor('the welcome to arrive', () => first.readyState === first.OPEN);
    // Every later attempt is accepted and closed at once, before a welcome.
    fake.decide = () => 'accept';
    const closer = setInterval(() => fake.sockets.slice(1).forEach((s) => s.readyState === s.OPEN && s.close(1013)), 5);
    first.close(1012);
    const err = await withTimeout(
      'the tail to give up',
      done.catch((e: unknown) => e),
      10_000,
    ).finally(() => clearInterval(closer));
    expect(err).toBeInstanceOf(CliFailure);
    expect((err as Error).message).toBe(
      `lost ${fake.url}/events: ${MAX_FAILED_ATTEMPTS} attempts to reconnect failed (last: closed (code 1013))`,
    );
    expect(fake.upgrades).toHaveLength(1 + MAX_FAILED_ATTEMPTS);
  });
});
