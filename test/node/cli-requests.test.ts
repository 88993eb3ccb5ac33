/**
 * Each CLI command sends the admin API request it stands for (method, path, JSON body, bearer token) and, with
 * `--json`, prints the API's answer unchanged. A stub fetch records the requests; no server runs.
 */
import { describe, expect, it } from 'vitest';
import { memoryIo, runCli, stubFetch, TEST_ENV, type Answer } from '../support/cli-io.ts';

const PLAN = {
  dry_run: false,
  plan: { steps: [], waiting: [], unchanged: 1 },
  progress: {
    phase: 'done',
    started_at: null,
    pages_listed: 1,
    steps_done: 0,
    steps_total: 0,
    helix_calls: 1,
    invocations: 1,
    last_error: null,
  },
  continues: false,
};

async function request(argv: string[], answer: Answer = { status: 200, body: PLAN }) {
  const stub = stubFetch(() => answer);
  const io = memoryIo(TEST_ENV, stub.fetch);
  const result = await runCli(argv, io);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  expect(stub.calls).toHaveLength(1);
  const call = stub.calls[0]!;
  expect(call.headers.authorization).toBe(`Bearer ${TEST_ENV.ADMIN_TOKEN}`);
  const url = new URL(call.url);
  return { method: call.method, path: `${url.pathname}${url.search}`, body: call.body, out: result.out };
}

describe('requests', () => {
  it.each([
    [['status'], 'GET', '/admin/api/status', undefined],
    [['actions', '--limit', '5', '--before', '40'], 'GET', '/admin/api/actions?limit=5&before=40', undefined],
    [['scale', '4'], 'POST', '/admin/api/scale', { shard_count: 4 }],
    [['scale', '4', '--endpoint', 'green'], 'POST', '/admin/api/scale', { shard_count: 4, endpoint: 'green' }],
    [['remove-shard', '2'], 'POST', '/admin/api/shards/2/remove', undefined],
    [
      ['handover', '--endpoint', 'ws', '--method', 'swap'],
      'POST',
      '/admin/api/handover',
      { endpoint: 'ws', method: 'swap' },
    ],
    [['reconcile'], 'POST', '/admin/api/reconcile', undefined],
    [['reconcile', '--dry-run'], 'POST', '/admin/api/reconcile?dry_run=1', undefined],
    [
      [
        'maintenance',
        'add',
        '--endpoint',
        'blue',
        '--starts-at',
        '2030-01-01T10:00:00Z',
        '--ends-at',
        '2030-01-01T11:00:00+00:00',
        '--note',
        'deploy',
        '--compact',
      ],
      'POST',
      '/admin/api/maintenance',
      {
        endpoint: 'blue',
        starts_at: '2030-01-01T10:00:00.000Z',
        ends_at: '2030-01-01T11:00:00.000Z',
        note: 'deploy',
        compact: true,
      },
    ],
    [['maintenance', 'list'], 'GET', '/admin/api/maintenance', undefined],
    [['maintenance', 'cancel', '7'], 'DELETE', '/admin/api/maintenance/7', undefined],
    [['subscriptions', 'list'], 'GET', '/admin/api/subscriptions', undefined],
    [
      [
        'subscriptions',
        'add',
        '--type',
        'channel.follow',
        '--version',
        '2',
        '--condition',
        'broadcaster_user_id=1',
        '--condition',
        'moderator_user_id=1',
      ],
      'POST',
      '/admin/api/subscriptions',
      { type: 'channel.follow', version: '2', condition: { broadcaster_user_id: '1', moderator_user_id: '1' } },
    ],
    [['subscriptions', 'remove', 'a/b c'], 'DELETE', '/admin/api/subscriptions/a%2Fb%20c', undefined],
    [['endpoints', 'list'], 'GET', '/admin/api/endpoints', undefined],
    [
      ['endpoints', 'add', 'ws', '--kind', 'websocket', '--mode', 'auto'],
      'POST',
      '/admin/api/endpoints',
      { name: 'ws', kind: 'websocket', mode: 'auto' },
    ],
    [
      ['endpoints', 'add', 'ext', '--kind', 'webhook', '--callback', 'https://x/cb', '--secret', 'sekrit-0123456789'],
      'POST',
      '/admin/api/endpoints',
      { name: 'ext', kind: 'webhook', callback: 'https://x/cb', secret: 'sekrit-0123456789' },
    ],
    [['endpoints', 'remove', 'ws'], 'DELETE', '/admin/api/endpoints/ws', undefined],
    [
      ['events', 'recent', '--type', 'channel.follow', '--limit', '3'],
      'GET',
      '/admin/api/events/recent?limit=3&type=channel.follow',
      undefined,
    ],
  ] as const)('%j → %s %s', async (argv, method, path, body) => {
    const sent = await request([...argv, '--json']);
    expect({ method: sent.method, path: sent.path, body: sent.body }).toEqual({ method, path, body });
  });

  it('prints the API’s JSON unchanged with --json', async () => {
    const answer = { desired: [], total_cost: 0, max_total_cost: 10_000, extra: { kept: [1, 2] } };
    const { out } = await request(['subscriptions', 'list', '--json'], { status: 200, body: answer });
    expect(JSON.parse(out)).toEqual(answer);
  });

  it('takes the URL and token from flags over the environment, with or without a trailing slash', async () => {
    const stub = stubFetch(() => ({ status: 200, body: [] }));
    const io = memoryIo(TEST_ENV, stub.fetch);
    const r = await runCli(
      ['maintenance', 'list', '--url', 'http://127.0.0.1:7/base/', '--token', 'flag-token-0123'],
      io,
    );
    expect(r.code).toBe(0);
    expect(stub.calls[0]!.url).toBe('http://127.0.0.1:7/base/admin/api/maintenance');
    expect(stub.calls[0]!.headers.authorization).toBe('Bearer flag-token-0123');
    expect(r.out).toBe('no maintenance windows');
  });

  it('pages through every shard and filters by status and endpoint', async () => {
    const all = Array.from({ length: 2_500 }, (_, id) => ({
      id,
      desired_endpoint: id % 2 ? 'odd' : 'even',
      actual: { status: id % 5 === 0 ? 'websocket_disconnected' : 'enabled', method: 'webhook' },
    }));
    const stub = stubFetch((_m, path) => {
      const q = new URL(path, 'http://x').searchParams;
      const offset = Number(q.get('shard_offset'));
      const limit = Number(q.get('shard_limit'));
      return { status: 200, body: { shards: all.slice(offset, offset + limit), shards_total: all.length } };
    });
    const io = memoryIo(TEST_ENV, stub.fetch);
    const r = await runCli(['shards', '--status', 'websocket_disconnected', '--endpoint', 'odd', '--json'], io);
    expect(r.code).toBe(0);
    expect(stub.calls.map((c) => new URL(c.url).search)).toEqual([
      '?shard_offset=0&shard_limit=1000',
      '?shard_offset=1000&shard_limit=1000',
      '?shard_offset=2000&shard_limit=1000',
    ]);
    const ids = (JSON.parse(r.out) as { id: number }[]).map((s) => s.id);
    expect(ids).toEqual(all.filter((s) => s.id % 10 === 5).map((s) => s.id));
    const human = await runCli(['shards', '--status', 'websocket_disconnected'], memoryIo(TEST_ENV, stub.fetch));
    expect(human.out.split('\n').at(-1)).toBe('500 of 2500 shards (status websocket_disconnected)');
  });
});
