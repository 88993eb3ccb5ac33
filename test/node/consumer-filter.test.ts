/**
 * Consumer filters (src/core/consumer-filter.ts): `?type=` and `?broadcaster=` are repeatable, validated (the
 * failing parameter is named), deduplicated and sorted; a ticket's scope narrows them (asking only outside it is an
 * error naming the filter); matching by type and routing key; and which hubs a broadcaster filter needs.
 */
import { describe, expect, it } from 'vitest';
import { hubsOf, intersect, matches, MAX_FILTER_VALUES, parseFilter } from '../../src/core/consumer-filter.ts';
import { bucketOf } from '../../src/core/hash.ts';

const q = (s: string) => new URLSearchParams(s);

describe('consumer filters', () => {
  it('reads repeated parameters, deduplicated and sorted; none means any', () => {
    expect(
      parseFilter(q('type=stream.online&type=channel.follow&broadcaster=2&broadcaster=1&type=channel.follow')),
    ).toEqual({ ok: true, filter: { types: ['channel.follow', 'stream.online'], broadcasters: ['1', '2'] } });
    expect(parseFilter(q('since=abc'))).toEqual({ ok: true, filter: { types: null, broadcasters: null } });
  });

  it.each([
    ['type=Channel.Follow', 'type'],
    ['type=follow', 'type'],
    ['type=', 'type'],
    [`type=a.${'b'.repeat(100)}`, 'type'],
    ['broadcaster=a b', 'broadcaster'],
    ['broadcaster=', 'broadcaster'],
    [`broadcaster=${'1'.repeat(65)}`, 'broadcaster'],
    [Array.from({ length: MAX_FILTER_VALUES + 1 }, (_, i) => `broadcaster=${i}`).join('&'), 'broadcaster'],
  ])('refuses %s naming %s', (query, param) => {
    const r = parseFilter(q(query));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.param).toBe(param);
  });

  it('narrows a request to a ticket scope, and names the filter asked only outside it', () => {
    const scope = { types: ['channel.follow', 'channel.cheer'], broadcasters: ['1'] };
    expect(intersect({ types: null, broadcasters: null }, scope)).toEqual({ ok: true, filter: scope });
    expect(intersect({ types: ['channel.cheer', 'stream.online'], broadcasters: null }, scope)).toEqual({
      ok: true,
      filter: { types: ['channel.cheer'], broadcasters: ['1'] },
    });
    expect(intersect({ types: null, broadcasters: ['2'] }, scope)).toMatchObject({ ok: false, param: 'broadcaster' });
    expect(intersect({ types: ['stream.online'], broadcasters: null }, scope)).toMatchObject({
      ok: false,
      param: 'type',
    });
    const open = { types: null, broadcasters: null };
    expect(intersect({ types: ['x.y'], broadcasters: ['9'] }, open)).toEqual({
      ok: true,
      filter: { types: ['x.y'], broadcasters: ['9'] },
    });
  });

  it('matches on type and routing key, each only when set', () => {
    const e = { type: 'channel.follow', routingKey: '1' };
    expect(matches({ types: null, broadcasters: null }, e)).toBe(true);
    expect(matches({ types: ['channel.follow'], broadcasters: ['1', '2'] }, e)).toBe(true);
    expect(matches({ types: ['channel.cheer'], broadcasters: null }, e)).toBe(false);
    expect(matches({ types: null, broadcasters: ['2'] }, e)).toBe(false);
  });

  it('needs only the hubs of the filtered broadcasters', () => {
    expect(hubsOf({ types: ['a.b'], broadcasters: null }, 8)).toBeNull();
    const ids = ['1', '2', '3', '141981764'];
    expect(hubsOf({ types: null, broadcasters: ids }, 8)).toEqual(
      [...new Set(ids.map((b) => bucketOf(b, 8)))].sort((a, b) => a - b),
    );
  });
});
