/**
 * Every way the CLI fails ends with one line on stderr and a status: 2 for a wrong command line (nothing is sent),
 * 1 for the API or the network. The messages name the route and the API's own error, and never carry a token.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminApi } from '../../cli/api.ts';
import { CliFailure } from '../../cli/errors.ts';
import { freePort } from '../../scripts/stack.ts';
import { memoryIo, runCli, stubFetch, TEST_ENV, type Answer } from '../support/cli-io.ts';

async function failing(argv: string[], answer: Answer, env: Record<string, string> = TEST_ENV) {
  const stub = stubFetch(() => answer);
  const r = await runCli(argv, memoryIo(env, stub.fetch));
  expect(r.out).toBe('');
  expect(r.err.split('\n')).toHaveLength(1);
  for (const token of Object.values(TEST_ENV)) if (token.includes('token')) expect(r.err).not.toContain(token);
  return { ...r, calls: stub.calls };
}

describe('API failures exit 1 with the API’s reason', () => {
  it('says the admin token was rejected on 401, and nothing else', async () => {
    const r = await failing(['status'], { status: 401, body: { error: 'unauthorized' } });
    expect([r.code, r.err]).toEqual([1, 'conduit-worker: admin token rejected by http://127.0.0.1:9 (HTTP 401)']);
  });

  it('names the route and the field of a 400, counting the other problems', async () => {
    const body = { error: 'shard_count: Too big: expected number to be <=20000', issues: [{}, {}] };
    const r = await failing(['scale', '30000'], { status: 400, body });
    expect([r.code, r.err]).toEqual([
      1,
      'conduit-worker: POST /scale failed: shard_count: Too big: expected number to be <=20000 (+1 more) (HTTP 400)',
    ]);
  });

  it('reports a handover the Worker cannot do yet (501) or refuses (409) clearly', async () => {
    const argv = ['handover', '--endpoint', 'ws', '--method', 'reassign'];
    const r501 = await failing(argv, { status: 501, body: { error: 'handover needs WebSocket shards (issue #5)' } });
    expect([r501.code, r501.err]).toEqual([
      1,
      'conduit-worker: POST /handover failed: handover needs WebSocket shards (issue #5) (HTTP 501)',
    ]);
    const r409 = await failing(argv, {
      status: 409,
      body: { error: "handover of 'ws' did not happen: no live session" },
    });
    expect(r409.err).toBe(
      "conduit-worker: POST /handover failed: handover of 'ws' did not happen: no live session (HTTP 409)",
    );
  });

  it('keeps a proxy’s HTML error page to one short line, and flags an answer that is not JSON', async () => {
    const html = `<html>\n<body>\n${'Bad gateway '.repeat(50)}</body></html>`;
    const r = await failing(['maintenance', 'list'], { status: 502, text: html });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^conduit-worker: GET \/maintenance failed: <html> <body> Bad gateway .*… \(HTTP 502\)$/);
    expect(r.err.length).toBeLessThan(200);
    const notJson = await failing(['endpoints', 'list'], { status: 200, text: '<html>welcome</html>' });
    expect(notJson.err).toBe(
      'conduit-worker: GET /endpoints: the answer is not JSON; is http://127.0.0.1:9 a conduit-worker?',
    );
  });

  it('scrubs a token even if a server were to echo it', async () => {
    const r = await failing(['status'], { status: 500, body: { error: `bad token ${TEST_ENV.ADMIN_TOKEN}` } });
    expect(r.err).toBe('conduit-worker: GET /status failed: bad token *** (HTTP 500)');
  });
});

describe('network failures exit 1', () => {
  let silent: Server;
  beforeAll(async () => {
    // Accepts connections and never answers.
    silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise((r) => silent.close(r));
  });

  it('says the Worker cannot be reached when nothing listens', async () => {
    const port = await freePort();
    const io = memoryIo({ ...TEST_ENV, CONDUIT_WORKER_URL: `http://127.0.0.1:${port}` });
    const r = await runCli(['status'], io);
    expect([r.code, r.err]).toEqual([1, `conduit-worker: cannot reach http://127.0.0.1:${port}: ECONNREFUSED`]);
  });

  it('gives up on a Worker that does not answer, saying how long it waited', async () => {
    const { port } = silent.address() as AddressInfo;
    const api = new AdminApi(new URL(`http://127.0.0.1:${port}`), 'tok-0123456789', fetch, 200);
    const err = await api.get('/status').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliFailure);
    expect((err as Error).message).toBe(`cannot reach http://127.0.0.1:${port}: no answer within 0.2 s`);
  });
});

describe('usage errors exit 2 and send nothing', () => {
  it.each([
    [['frobnicate'], "unknown command 'frobnicate' (see conduit-worker --help)"],
    [['scale', 'ten'], 'N must be a whole number ≥ 1 (see conduit-worker scale --help)'],
    [['remove-shard', '-1'], "unknown option -1 for 'remove-shard' (see conduit-worker remove-shard --help)"],
    [['handover', '--endpoint', 'ws'], 'missing --method (see conduit-worker handover --help)'],
    [
      ['handover', '--endpoint', 'ws', '--method', 'move'],
      '--method must be reassign or swap (see conduit-worker handover --help)',
    ],
    [
      ['maintenance', 'add', '--endpoint', 'e', '--starts-at', 'soon', '--ends-at', '+1h'],
      '--starts-at must be an RFC 3339 time with a zone (2030-01-01T10:00:00Z) or now+30m / +2h (see conduit-worker maintenance add --help)',
    ],
    [
      ['subscriptions', 'add', '--type', 't.t', '--version', '1'],
      'missing --condition (see conduit-worker subscriptions add --help)',
    ],
    [
      ['endpoints', 'add', 'x', '--kind', 'ftp'],
      '--kind must be webhook or websocket (see conduit-worker endpoints add --help)',
    ],
    [['actions', '--limit', '5000'], '--limit must be at most 1000 (see conduit-worker actions --help)'],
    [
      ['status', '--url', 'ftp://host'],
      '--url (or CONDUIT_WORKER_URL) must be an http or https URL (see conduit-worker status --help)',
    ],
    [['status', '--url', 'not a url'], '--url (or CONDUIT_WORKER_URL) is not a URL (see conduit-worker status --help)'],
  ])('%j', async (argv, message) => {
    const r = await failing(argv, { status: 200, body: {} });
    expect([r.code, r.err, r.calls.length]).toEqual([2, `conduit-worker: ${message}`, 0]);
  });

  it('asks for an admin token when none is set, naming both sources', async () => {
    const r = await failing(['status'], { status: 200, body: {} }, { CONDUIT_WORKER_URL: 'http://127.0.0.1:9' });
    expect([r.code, r.err, r.calls.length]).toEqual([
      2,
      'conduit-worker: no admin token: set ADMIN_TOKEN or pass --token (see conduit-worker status --help)',
      0,
    ]);
  });

  it('never echoes a token given on the command line', async () => {
    const r = await runCli(['status', '--token', 'very-secret-flag-token', 'extra'], memoryIo({}));
    expect(r.code).toBe(2);
    expect(r.err).toBe("conduit-worker: unexpected argument 'extra' (see conduit-worker status --help)");
    expect(r.err).not.toContain('very-secret-flag-token');
    // Even where the token lands in a message, as an argument the command does not take.
    const odd = await runCli(
      ['status', '--json', 'very-secret-flag-token', '--token=very-secret-flag-token'],
      memoryIo({}),
    );
    expect(odd.err).toBe("conduit-worker: unexpected argument '***' (see conduit-worker status --help)");
  });
});

describe('help', () => {
  it('prints the command list on stdout and exits 0; each command has its own usage', async () => {
    const all = await runCli(['--help'], memoryIo({}));
    expect(all.code).toBe(0);
    for (const name of ['status', 'shards', 'scale N', 'maintenance add', 'handover', 'reconcile', 'events tail'])
      expect(all.out).toContain(`  ${name}`);
    const one = await runCli(['maintenance', 'add', '--help'], memoryIo({}));
    expect(one.out.split('\n')[0]).toBe(
      'usage: conduit-worker maintenance add --endpoint E --starts-at T --ends-at T [--note N] [--compact]',
    );
    expect(one.err).toBe('');
  });
});
