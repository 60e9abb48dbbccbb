/**
 * The entity cache on its own (memory store): a read that left before a write is never stored after it, writes
 * replace the object and drop the type's list pages for that credential only, admin invalidation reaches every
 * credential, entries expire, and memory stays within its bound, least recently used first.
 */
import { describe, expect, it } from 'vitest';
import { MemoryCacheStore, ReadCache, type CachePartition } from '../../src/upstreams/readCache.js';
import { RequestBudget } from '../../src/upstreams/requestBudget.js';

const part = (fingerprint = 'fp1', type = 'contacts'): CachePartition => ({ platform: 'previsto', fingerprint, type });
const budget = () => new RequestBudget(Date.now() + 60_000, 3);

function setup(maxBytes = 1 << 20) {
  let now = 1_000_000;
  const store = new MemoryCacheStore(maxBytes, () => now);
  const cache = new ReadCache({ store, ttls: { previsto: 10 }, now: () => now });
  let calls = 0;
  const read = (p: CachePartition, key: string, value: unknown, b = budget()) =>
    cache.read({
      part: p,
      key,
      budget: b,
      fetch: async () => {
        calls++;
        return value;
      },
    });
  return { store, cache, read, calls: () => calls, tick: (ms: number) => (now += ms) };
}

describe('ReadCache with the memory store', () => {
  it('answers a repeat from the cache with its age, and reads again once the TTL passed', async () => {
    const t = setup();
    expect(await t.read(part(), 'c1', { id: 'c1', name: 'A' })).toEqual({ id: 'c1', name: 'A' });
    t.tick(4_000);
    const b = budget();
    expect(await t.read(part(), 'c1', { id: 'c1', name: 'B' }, b)).toEqual({ id: 'c1', name: 'A' });
    expect(b.cacheHits).toBe(1);
    expect(b.cacheAgeMs).toBe(4_000);
    expect(t.calls()).toBe(1);
    t.tick(6_001);
    expect(await t.read(part(), 'c1', { id: 'c1', name: 'B' })).toEqual({ id: 'c1', name: 'B' });
    expect(t.calls()).toBe(2);
  });

  it('parses an entry once: every hit shares one deep-frozen value', async () => {
    const t = setup();
    await t.read(part(), '?page=1', { items: [{ id: 'c1', tags: ['a'] }] });
    const first = (await t.read(part(), '?page=1', null)) as { items: Array<{ id: string; tags: string[] }> };
    const second = await t.read(part(), '?page=1', null);
    expect(second).toBe(first);
    expect(Object.isFrozen(first.items[0]!.tags)).toBe(true);
    expect(() => first.items[0]!.tags.push('b')).toThrow(TypeError);
    expect(t.calls()).toBe(1);
  });

  it('never stores a read that left before a write of its type', async () => {
    const t = setup();
    let release: (v: unknown) => void = () => {};
    const slow = t.cache.read({ part: part(), key: 'c1', budget: budget(), fetch: () => new Promise((r) => (release = r)) });
    await new Promise((r) => setImmediate(r));
    await t.cache.wrote(part(), 'c1', { id: 'c1', name: 'Written' });
    release({ id: 'c1', name: 'Before the write' });
    expect(await slow).toEqual({ id: 'c1', name: 'Before the write' });
    // The write's value stands; the older answer was not stored over it.
    expect(await t.read(part(), 'c1', { id: 'c1', name: 'fetched' })).toEqual({ id: 'c1', name: 'Written' });
    expect(t.calls()).toBe(0);
  });

  it("drops the type's list pages on a write, for that credential only, and keeps the other objects", async () => {
    const t = setup();
    await t.read(part('fp1'), '?page=0', { items: [1] });
    await t.read(part('fp2'), '?page=0', { items: [2] });
    await t.read(part('fp1'), 'c2', { id: 'c2' });
    await t.cache.wrote(part('fp1'), 'c1', undefined);
    await t.read(part('fp1'), '?page=0', { items: ['fresh'] });
    await t.read(part('fp2'), '?page=0', { items: ['fresh'] });
    await t.read(part('fp1'), 'c2', { id: 'fresh' });
    // Only fp1's list page was read again.
    expect(t.calls()).toBe(4);
  });

  it('invalidates a type for every credential, or everything', async () => {
    const t = setup();
    await t.read(part('fp1'), 'c1', 1);
    await t.read(part('fp2'), 'c1', 2);
    await t.read(part('fp1', 'agreements'), 'a1', 3);
    await t.cache.invalidate({ platform: 'previsto', type: 'contacts' });
    await t.read(part('fp1'), 'c1', 1);
    await t.read(part('fp2'), 'c1', 2);
    await t.read(part('fp1', 'agreements'), 'a1', 3);
    expect(t.calls()).toBe(5);
    await t.cache.invalidate({});
    await t.read(part('fp1', 'agreements'), 'a1', 3);
    expect(t.calls()).toBe(6);
  });

  it('stays within its byte bound, dropping the least recently used entries first', async () => {
    const t = setup(2_000);
    const big = 'x'.repeat(300);
    for (const id of ['a', 'b', 'c']) await t.read(part(), id, big);
    await t.read(part(), 'a', big); // a is now the most recently used
    await t.read(part(), 'd', big);
    expect(t.store.size.bytes).toBeLessThanOrEqual(2_000);
    const before = t.calls();
    await t.read(part(), 'a', big);
    expect(t.calls()).toBe(before);
    await t.read(part(), 'b', big);
    expect(t.calls()).toBe(before + 1);
  });

  it('caches nothing for a type whose TTL is 0', async () => {
    let calls = 0;
    const cache = new ReadCache({ store: new MemoryCacheStore(1 << 20), ttls: { previsto: 10, 'previsto.account': 0 } });
    const fetch = async () => ++calls;
    await cache.read({ part: part('fp', 'account'), key: 'current', budget: budget(), fetch });
    await cache.read({ part: part('fp', 'account'), key: 'current', budget: budget(), fetch });
    expect(calls).toBe(2);
  });
});
