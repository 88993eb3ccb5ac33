/**
 * `GET /events` filters (design.md §5): a bad `?type=`, `?broadcaster=` or `?since=` is a 400 naming it, before any
 * socket; a socket receives only the types and broadcasters it asked for (both repeatable, combined with "and"),
 * with the payload and its own position in each frame. Non-matching events are published before the matching ones
 * (each publish finished before the next ingest), so had any been sent it would have arrived first.
 */
import { describe, expect, it } from 'vitest';
import { bucketOf } from '../../src/core/hash.ts';
import { connect, HUB_COUNT, ingest, published, refused } from './support/events.ts';

async function ingestAll(list: [broadcaster: string, type: string][]): Promise<string[]> {
  const ids: string[] = [];
  for (const [b, type] of list) {
    ids.push(...(await ingest(b, 1, type)));
    await published(b);
  }
  return ids;
}

describe('GET /events filters', () => {
  it.each([
    ['?type=Channel.Follow', /^type: /],
    ['?type=channel.follow&type=nodot', /^type: /],
    ['?broadcaster=a%20b', /^broadcaster: /],
    ['?broadcaster=', /^broadcaster: /],
    ['?since=not!a!cursor', /^since: /],
    ['?since=1.2&since=3.4', /^since: /],
  ])('refuses %s with 400 naming the parameter', async (query, message) => {
    const r = await refused(query);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(message);
    expect(r.socket).toBeNull();
  });

  it('delivers only the asked types', async () => {
    const c = await connect('?type=channel.cheer&type=stream.online');
    await c.waitFrame('live');
    await ingestAll([
      ['flt1', 'channel.follow'],
      ['flt2', 'channel.subscribe'],
    ]);
    const wanted = await ingestAll([
      ['flt1', 'channel.cheer'],
      ['flt2', 'stream.online'],
    ]);
    const events = await c.waitEvents(2);
    expect(events.map((e) => e.message_id)).toEqual(wanted);
    expect(events.map((e) => e.type)).toEqual(['channel.cheer', 'stream.online']);
    c.close();
  });

  it('delivers only the asked broadcasters, with the payload and the event position', async () => {
    const c = await connect('?broadcaster=flt3&broadcaster=flt4');
    await c.waitFrame('live');
    await ingestAll([['flt5', 'channel.follow']]);
    const wanted = await ingestAll([
      ['flt3', 'channel.follow'],
      ['flt4', 'channel.follow'],
    ]);
    const events = await c.waitEvents(2);
    expect(events.map((e) => e.message_id)).toEqual(wanted);
    expect(events[0]).toMatchObject({
      broadcaster: 'flt3',
      hub: bucketOf('flt3', HUB_COUNT),
      kind: 'notification',
      version: '2',
      replayed: false,
      payload: { event: { broadcaster_user_id: 'flt3' }, subscription: { type: 'channel.follow' } },
    });
    expect(events[0]!.seq).toBeGreaterThan(0);
    c.close();
  });

  it('combines type and broadcaster filters with "and"', async () => {
    const c = await connect('?broadcaster=flt6&type=channel.cheer');
    await c.waitFrame('live');
    await ingestAll([
      ['flt6', 'channel.follow'],
      ['flt7', 'channel.cheer'],
    ]);
    const wanted = await ingestAll([['flt6', 'channel.cheer']]);
    const events = await c.waitEvents(1);
    expect(events.map((e) => e.message_id)).toEqual(wanted);
    c.close();
  });
});
