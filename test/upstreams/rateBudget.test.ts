/**
 * The client-side rate budget on its own: the bucketed window never admits more than the limit in any real window,
 * costs the same per call whatever the limit, keeps its memory bounded, and shares a key fairly among its callers.
 */
import { describe, expect, it } from 'vitest';
import { AugurError } from '../../src/core/errors.js';
import { BucketWindow } from '../../src/upstreams/bucketWindow.js';
import { RequestBudget } from '../../src/upstreams/requestBudget.js';
import { MemoryRateStore, RateBudget } from '../../src/upstreams/rateBudget.js';

/** The most entries of `times` (sorted) in any half-open interval [s, s + windowMs), as a fixed-window upstream counts. */
function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  for (let start = 0, end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

/** A small deterministic generator (mulberry32), so a failing run can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('MemoryRateStore window', () => {
  it('never lets more than the limit into any real window, however requests arrive, and grants nearly what an exact log would', () => {
    let now = 0;
    const store = new MemoryRateStore({ now: () => now });
    const next = random(42);
    const granted: number[] = [];
    const exact: number[] = [];
    // Bursts and lulls over 100 windows of 15 s (60 buckets of 250 ms), limit 10; an exact sliding log sees the same arrivals.
    while (now < 1_500_000) {
      now += Math.floor(next() < 0.1 ? next() * 6000 : next() * 300);
      if (store.take('k', undefined, 10, 15_000).waitMs === 0) granted.push(now);
      if (exact.length < 10 || exact[exact.length - 10]! <= now - 15_000) exact.push(now);
    }
    expect(maxInWindow(exact, 15_000)).toBe(10);
    // Within the limit even over the window plus one bucket: a request arriving up to 250 ms late still fits.
    expect(maxInWindow(granted, 15_000 + 250)).toBeLessThanOrEqual(10);
    // One to two buckets of margin give up little.
    expect(granted.length / exact.length).toBeGreaterThan(0.95);
  });

  it('answers the ms until its oldest bucket leaves, and grants exactly then', () => {
    let now = 1000;
    const store = new MemoryRateStore({ now: () => now, buckets: 60 });
    expect(store.take('k', undefined, 2, 1200).waitMs).toBe(0);
    now += 400;
    expect(store.take('k', undefined, 2, 1200).waitMs).toBe(0);
    // Buckets of 20 ms, 62 counted: the first slot was taken in bucket 50, which stops counting when bucket 112 begins
    // (2240 ms); the answer is one more, for timers firing early.
    expect(store.take('k', undefined, 2, 1200)).toEqual({ waitMs: 841, callers: 1, overShare: false });
    now += 839;
    expect(store.take('k', undefined, 2, 1200).waitMs).toBe(2);
    now += 1;
    expect(store.take('k', undefined, 2, 1200).waitMs).toBe(0);
  });

  it('costs the same per call with a million-request limit once its window holds 300,000 slots and slides', () => {
    // One slot every 0.2 ms for two minutes: after the first minute the window holds 300,000 slots and every call
    // lets old ones go (a log of timestamps would then trim a 300,000-entry array on every call). Work is counted
    // as the ring slots the window visits over the first 10,000 calls and over the last 10,000.
    let now = 0;
    const window = new BucketWindow(60_000);
    const visitedAfter: number[] = [];
    for (let i = 1; i <= 600_000; i++) {
      now += 0.2;
      if (window.count(now) >= 1_000_000) throw new Error('counted past the limit');
      window.add(now);
      if (i === 10_000 || i === 590_000 || i === 600_000) visitedAfter.push(window.visited);
    }
    const [first, before, last] = visitedAfter as [number, number, number];
    expect(window.count(now)).toBeGreaterThanOrEqual(300_000);
    expect(window.slots).toBe(62);
    // 10,000 slots at 0.2 ms span 2 s: two 1 s buckets to advance, plus clearing the ring once at the start.
    expect(first).toBeLessThanOrEqual(62 + 2);
    expect(last - before).toBeLessThanOrEqual(first);

    // And in CPU time (wall time depends on whoever else shares the cores), through the store with a caller: the
    // cheapest of the last batches against the cheapest of the first, after one whole run so V8 has finished
    // compiling (its compiler threads count in this process's CPU time).
    const run = (store: MemoryRateStore): number[] => {
      now = 0;
      const batchMs: number[] = [];
      for (let batch = 0; batch < 60; batch++) {
        const started = process.cpuUsage();
        for (let i = 0; i < 10_000; i++) {
          now += 0.2;
          if (store.take('k', 'key:aaaa', 1_000_000, 60_000).waitMs !== 0) throw new Error('refused under the limit');
        }
        const used = process.cpuUsage(started);
        batchMs.push((used.user + used.system) / 1000);
      }
      return batchMs;
    };
    run(new MemoryRateStore({ now: () => now }));
    const store = new MemoryRateStore({ now: () => now });
    const batchMs = run(store);
    const firstMs = Math.min(...batchMs.slice(0, 5));
    const lastMs = Math.min(...batchMs.slice(-5));
    console.log(
      JSON.stringify({
        held: 300_000,
        visitedFirst10k: first,
        visitedLast10k: last - before,
        firstBatchesMinCpuMs: +firstMs.toFixed(2),
        lastBatchesMinCpuMs: +lastMs.toFixed(2),
      }),
    );
    expect(lastMs).toBeLessThan(firstMs * 3);
    expect(store.size).toBe(1);
    expect(store.callersOf('k')).toBe(1);
  });

  it('drops keys and callers once they are idle for a window, and caps the callers it tracks', () => {
    let now = 0;
    const store = new MemoryRateStore({ now: () => now, maxCallers: 100 });
    for (let i = 0; i < 1000; i++) store.take(`key-${i}`, 'addr:10.0.0.1', 120, 1000);
    for (let i = 0; i < 1000; i++) store.take('shared', `addr:10.0.${i >> 8}.${i & 255}`, 1_000_000, 1000);
    expect(store.size).toBe(1001);
    // The idlest callers were forgotten past the cap (they only lose their share, never the key's limit).
    expect(store.callersOf('shared')).toBe(100);
    // Four buckets of 250 ms and the margin: nothing counts 1500 ms after the last slot.
    now += 1500;
    store.take('shared', 'addr:10.9.9.9', 1_000_000, 1000);
    expect(store.size).toBe(1);
    expect(store.callersOf('shared')).toBe(1);
  });
});

describe('MemoryRateStore fair share', () => {
  it('lets a lone caller use the whole limit', () => {
    const store = new MemoryRateStore({ now: () => 0 });
    for (let i = 0; i < 10; i++) expect(store.take('k', 'a', 10, 1000).waitMs).toBe(0);
    expect(store.take('k', 'a', 10, 1000)).toMatchObject({ callers: 1, overShare: false });
  });

  it('holds each caller to ceil(limit / callers) of the window while the others may still take theirs', () => {
    let now = 0;
    const store = new MemoryRateStore({ now: () => now, buckets: 60 });
    expect(store.take('k', 'b', 10, 1200).waitMs).toBe(0);
    now = 100;
    for (let i = 0; i < 5; i++) expect(store.take('k', 'a', 10, 1200).waitMs).toBe(0);
    // a's slots were all taken at 100 ms (bucket 5 of 20 ms), which stops counting at 1340 ms.
    expect(store.take('k', 'a', 10, 1200)).toEqual({ waitMs: 1241, callers: 2, overShare: true });
    expect(store.take('k', 'b', 10, 1200).waitMs).toBe(0);
    // A third caller arriving makes the share ceil(10 / 3) = 4: a, holding 5, is over it; the newcomer is not.
    expect(store.take('k', 'c', 10, 1200)).toEqual({ waitMs: 0, callers: 3, overShare: false });
    expect(store.take('k', 'a', 10, 1200)).toMatchObject({ callers: 3, overShare: true });
  });

  it('stops counting a caller that took nothing for a window', () => {
    let now = 0;
    const store = new MemoryRateStore({ now: () => now, buckets: 60 });
    store.take('k', 'b', 10, 1200);
    // 62 buckets of 20 ms after b's slot.
    now = 1240;
    for (let i = 0; i < 10; i++) expect(store.take('k', 'a', 10, 1200)).toMatchObject({ waitMs: 0, callers: 1 });
  });

  it('keeps the key within its limit whatever the mix of callers', () => {
    let now = 0;
    const store = new MemoryRateStore({ now: () => now });
    const next = random(7);
    const granted: number[] = [];
    const byCaller = new Map<string, number>();
    while (now < 20_000) {
      now += Math.floor(next() * 10);
      // One caller sends most requests; seven others now and then.
      const caller = next() < 0.7 ? 'greedy' : `light-${Math.floor(next() * 7)}`;
      if (store.take('k', caller, 24, 2000).waitMs === 0) {
        granted.push(now);
        byCaller.set(caller, (byCaller.get(caller) ?? 0) + 1);
      }
    }
    expect(maxInWindow(granted, 2000)).toBeLessThanOrEqual(24);
    // Eight callers active: the greedy one holds at most ceil(24 / 8) = 3 per window, about a ninth of the grants.
    expect(byCaller.get('greedy')! / granted.length).toBeLessThan(0.2);
  });
});

describe('RateBudget', () => {
  const budget = (ms: number) => new RequestBudget(Date.now() + ms, 0);

  it('refuses a caller over its share with RATE_LIMITED saying the key is shared fairly', async () => {
    const rate = new RateBudget({ limit: 4, windowMs: 60_000, fairShare: true });
    await rate.acquire('k', 'b', budget(100), 'previsto');
    await rate.acquire('k', 'a', budget(100), 'previsto');
    await rate.acquire('k', 'a', budget(100), 'previsto');
    const err = await rate.acquire('k', 'a', budget(100), 'previsto').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AugurError);
    // Its slots stop counting 61 to 62 s from now (the 60 buckets of 1 s after theirs and the margin's one), rounded up.
    const retryAfter = (err as AugurError).extensions['retryAfter'] as number;
    expect([62, 63]).toContain(retryAfter);
    expect((err as AugurError).extensions).toEqual({
      code: 'RATE_LIMITED',
      platform: 'previsto',
      retryAfter,
      limit: 'fairShare',
      max: 2,
      callers: 2,
    });
    expect((err as AugurError).message).toBe(
      `Augur shares Previsto's limit of 4 requests per 60 s for this key fairly among the 2 callers using it, and this caller has used its share of 2; retry after ${retryAfter} s.`,
    );
    // b still has room in its share and in the key's window.
    await rate.acquire('k', 'b', budget(100), 'previsto');
  });

  it("keeps today's message when the key's whole window is full, and ignores callers without fair share", async () => {
    const rate = new RateBudget({ limit: 2, windowMs: 60_000 });
    await rate.acquire('k', 'a', budget(100), 'previsto');
    await rate.acquire('k', 'a', budget(100), 'previsto');
    const err = (await rate.acquire('k', 'b', budget(100), 'previsto').catch((e: unknown) => e)) as AugurError;
    expect(err.message).toMatch(/^Augur is keeping within Previsto's limit of 2 requests per 60 s for this key; retry after 6\d s\.$/);
    expect(err.extensions['retryAfter']).toBeGreaterThanOrEqual(60);
  });

  it("waits for a slot when the wait fits in the operation's budget", async () => {
    const waits: number[] = [];
    const rate = new RateBudget({ limit: 1, windowMs: 120, fairShare: true, onWait: (ms) => waits.push(ms) });
    const b = budget(1000);
    await rate.acquire('k', 'a', b, 'previsto');
    const started = Date.now();
    await rate.acquire('k', 'a', b, 'previsto');
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(waits.length).toBeGreaterThan(0);
    expect(b.rateLimitWaitMs).toBe(waits.reduce((x, y) => x + y, 0));
  });
});
