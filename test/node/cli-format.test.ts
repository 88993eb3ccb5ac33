/** The CLI's output for people (cli/table.ts and each command's rendering): aligned, dashes for gaps, one line per row. */
import { describe, expect, it } from 'vitest';
import { eventLine } from '../../cli/commands/events.ts';
import { windowTable } from '../../cli/commands/maintenance.ts';
import { renderPlan } from '../../cli/commands/scaling.ts';
import { renderStatus, shardTable, statusCounts } from '../../cli/commands/status.ts';
import { subscriptionTable } from '../../cli/commands/subscriptions.ts';
import { fields, table, when } from '../../cli/table.ts';
import type { EventFrame } from '../../client/index.ts';
import type { Reconcile, Shard, Status } from '../../cli/views.ts';

const shards: Shard[] = [
  {
    id: 0,
    desired_endpoint: 'default',
    effective_endpoint: 'default',
    actual: { status: 'enabled', method: 'webhook', callback: 'http://w/webhooks/default' },
  },
  {
    id: 1,
    desired_endpoint: 'ws',
    effective_endpoint: 'ws',
    actual: {
      status: 'websocket_disconnected',
      method: 'websocket',
      session_id: 'S1',
      disconnected_at: '2030-01-01T10:00:00.123456Z',
    },
  },
  { id: 2, desired_endpoint: null, effective_endpoint: null, actual: null },
  {
    id: 3,
    desired_endpoint: 'default',
    effective_endpoint: 'second',
    actual: { status: 'enabled', method: 'webhook', callback: 'http://w/webhooks/second' },
  },
];

const progress: Reconcile['progress'] = {
  phase: 'done',
  started_at: '2030-01-01T10:00:00.000Z',
  pages_listed: 1,
  steps_done: 2,
  steps_total: 2,
  helix_calls: 5,
  invocations: 1,
  last_error: null,
};

describe('table', () => {
  it('pads every column but the last, and prints a dash for null, undefined and empty cells', () => {
    expect(
      table(
        ['A', 'LONGER', 'C'],
        [
          ['x', null, 'tail'],
          ['yyyy', 7, undefined],
        ],
      ).split('\n'),
    ).toEqual(['A     LONGER  C', 'x     -       tail', 'yyyy  7       -']);
    expect(
      fields([
        ['one', 1],
        ['three', ''],
      ]),
    ).toBe('one    1\nthree  -');
  });

  it('shortens times to the second in UTC and leaves what is not a time alone', () => {
    expect(when('2030-01-01T10:00:00.123456789Z')).toBe('2030-01-01T10:00:00Z');
    expect(when('2030-01-01T12:00:00+02:00')).toBe('2030-01-01T10:00:00Z');
    expect([when(null), when('soon')]).toEqual(['-', 'soon']);
  });
});

describe('command renderings', () => {
  it('lists shards with the callback or session, counting a shard Twitch does not report as none', () => {
    const lines = shardTable(shards).split('\n');
    expect(lines[0]).toMatch(/^ID\s+ENDPOINT\s+STATUS\s+METHOD\s+SINCE\s+CALLBACK \/ SESSION$/);
    expect(lines[1]).toMatch(/^0\s+default\s+enabled\s+webhook\s+-\s+http:\/\/w\/webhooks\/default$/);
    expect(lines[2]).toMatch(/^1\s+ws\s+websocket_disconnected\s+websocket\s+2030-01-01T10:00:00Z\s+session S1$/);
    expect(lines[3]).toMatch(/^2\s+-\s+none\s+-\s+-\s+-$/);
    // Moved by maintenance: desired → where it is meant to be now.
    expect(lines[4]).toMatch(/^3\s+default → second\s+enabled\s+webhook\s+-\s+http:\/\/w\/webhooks\/second$/);
    expect(statusCounts(shards)).toBe('enabled 2, websocket_disconnected 1, none 1');
  });

  it('summarises the status: conduit, token, reconcile, cost, shard counts, endpoints and windows', () => {
    const status: Status = {
      conduit: { id: 'c-1', shard_count: 3 },
      bootstrap: { ok: true, error: null },
      token: { valid: false, expires_at: null, validated_at: '2030-01-01T09:00:00Z' },
      endpoints: [
        {
          name: 'default',
          kind: 'webhook',
          source: 'builtin',
          callback: 'http://w/webhooks/default',
          shards: 1,
          created_at: 'x',
        },
      ],
      shards: shards.slice(0, 3),
      shards_total: 3,
      windows: [
        {
          id: 4,
          endpoint: 'default',
          starts_at: '2030-01-02T00:00:00Z',
          ends_at: '2030-01-02T01:00:00Z',
          created_at: 'x',
        },
      ],
      reconcile: progress,
      subscriptions: { desired: 2, total_cost: 1, max_total_cost: 10_000 },
      actions: [],
    };
    const text = renderStatus(status);
    expect(text).toMatch(/^conduit\s+c-1 · 3 shards$/m);
    expect(text).toMatch(/^app token\s+INVALID · expires - · validated 2030-01-01T09:00:00Z$/m);
    expect(text).toMatch(/^reconcile\s+done · 2\/2 steps · 5 Helix calls · started 2030-01-01T10:00:00Z$/m);
    expect(text).toMatch(/^subscriptions\s+2 desired · cost 1 of 10000$/m);
    expect(text).toMatch(/^shards\s+3: enabled 1, websocket_disconnected 1, none 1$/m);
    expect(text).toMatch(/^default\s+webhook\s+builtin\s+1\s+http:\/\/w\/webhooks\/default$/m);
    expect(text).toMatch(/^4\s+default\s+2030-01-02T00:00:00Z\s+2030-01-02T01:00:00Z$/m);
    expect(text).toContain('no actions yet');
  });

  it('shows a plan step by step, says when nothing was applied, and when work continues later', () => {
    const plan: Reconcile['plan'] = {
      steps: [
        { kind: 'grow', from: 2, to: 3, reason: 'layout wants 3 shards' },
        { kind: 'assign', shards: [{ id: 2, endpoint: 'second', reason: 'never assigned' }] },
      ],
      waiting: [],
      unchanged: 2,
    };
    const dry = renderPlan({ dry_run: true, plan, progress, continues: false });
    expect(dry.split('\n')).toEqual([
      'STEP    CHANGE            REASON',
      'grow    2 → 3 shards      layout wants 3 shards',
      'assign  shard 2 → second  never assigned',
      '2 shards unchanged',
      'dry run: nothing was applied',
    ]);
    const applied = renderPlan({
      dry_run: false,
      plan: { steps: [], waiting: [], unchanged: 1 },
      progress,
      continues: true,
    });
    expect(applied).toContain('nothing to change: Twitch matches the layout\n1 shard unchanged');
    expect(applied).toMatch(/^continues\s+in a later invocation \(subrequest budget\)$/m);
  });

  it('lists windows and subscriptions with conditions in the form --condition takes', () => {
    expect(
      windowTable([{ id: 1, endpoint: 'e', starts_at: 'a', ends_at: 'b', compact: true, created_at: 'x' }]),
    ).toMatch(/^1\s+e\s+a\s+b\s+yes\s+-$/m);
    const subs = subscriptionTable([
      {
        key: 'k1',
        type: 'channel.follow',
        version: '2',
        condition: { broadcaster_user_id: '1', moderator_user_id: '1' },
        subscription_id: null,
        status: 'pending',
        last_error: 'boom',
      },
    ]);
    expect(subs).toMatch(
      /^k1\s+channel\.follow\s+2\s+broadcaster_user_id=1,moderator_user_id=1\s+pending\s+-\s+boom$/m,
    );
  });

  it('prints a live event on one line, its Twitch event cut short', () => {
    const frame: EventFrame = {
      frame: 'event',
      cursor: 'c',
      hub: 0,
      seq: 1,
      message_id: 'm',
      kind: 'notification',
      type: 'channel.follow',
      version: '2',
      subscription_id: 's',
      broadcaster: '141981764',
      sent_at: '2030-01-01T10:00:00Z',
      received_at: '2030-01-01T10:00:00.5Z',
      replayed: false,
      payload: { subscription: {}, event: { user_login: 'x'.repeat(300) } },
    };
    const line = eventLine(frame);
    expect(line).toMatch(/^2030-01-01T10:00:00Z {2}channel\.follow v2 {2}141981764 {2}\{"user_login":"x+…$/);
    expect(line).not.toContain('\n');
    expect(line.length).toBeLessThan(240);
    expect(eventLine({ ...frame, kind: 'revocation', payload: { subscription: {} } })).toBe(
      '2030-01-01T10:00:00Z  channel.follow v2  141981764  (revocation)',
    );
  });
});
