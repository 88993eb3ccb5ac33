/**
 * The settled-value cache behind derived secrets and imported keys (src/verify/settled-cache.ts): a hit does not
 * load again, the oldest entry goes past the bound, a failed load is not remembered, and nothing pending is shared
 * (two misses at once each load: a Worker's requests must not await one another's promise).
 */
import { describe, expect, it } from 'vitest';
import { SettledCache } from '../../src/verify/settled-cache.ts';

describe('SettledCache', () => {
  it('loads once per key and answers later calls from the cache', async () => {
    const cache = new SettledCache<string>(4);
    let loads = 0;
    const load = async () => `v${++loads}`;
    expect(await cache.get('a', load)).toBe('v1');
    expect(await cache.get('a', load)).toBe('v1');
    expect(loads).toBe(1);
  });

  it('drops the oldest entry past its bound', async () => {
    const cache = new SettledCache<string>(2);
    for (const k of ['a', 'b', 'c']) await cache.get(k, async () => k.toUpperCase());
    expect(cache.size).toBe(2);
    let reloaded = false;
    expect(
      await cache.get('a', async () => {
        reloaded = true;
        return 'A2';
      }),
    ).toBe('A2');
    expect(reloaded).toBe(true);
    expect(await cache.get('c', async () => 'never')).toBe('C');
  });

  it('does not remember a failed load', async () => {
    const cache = new SettledCache<string>(2);
    await expect(cache.get('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(cache.size).toBe(0);
    expect(await cache.get('a', async () => 'ok')).toBe('ok');
  });

  it('shares no pending load: two misses at once each run their own', async () => {
    const cache = new SettledCache<number>(2);
    let loads = 0;
    const load = async () => ++loads;
    const [x, y] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    expect([x, y].sort()).toEqual([1, 2]);
    expect(loads).toBe(2);
    expect(cache.size).toBe(1);
  });
});
