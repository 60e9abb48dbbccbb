/**
 * The pieces replicas share, on their own: the rate store's fallback share and the breaker's adoption of openings
 * published by other replicas.
 */
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerShare } from '../../src/upstreams/breaker.js';
import type { BreakerState } from '../../src/core/upstream.js';
import { SharedRateStore, type SharedAnswer, type SharedTake, type SlidingWindowBackend } from '../../src/upstreams/rateBudget.js';

describe('SharedRateStore', () => {
  it("uses the shared window while it answers, and this replica's share of the limit when it does not", async () => {
    let now = 0;
    let shared: SharedAnswer | undefined = { waitMs: 0, callers: 1, overShare: false, counted: 0 };
    const calls: Array<[string, SharedTake]> = [];
    const backend: SlidingWindowBackend = {
      slidingWindow: async (key, take) => {
        calls.push([key, take]);
        return shared;
      },
    };
    const store = new SharedRateStore(backend, { replicas: 3, namespace: 'previsto', now: () => now });
    // 10 slots granted by the shared window are remembered locally.
    for (let i = 0; i < 10; i++) expect((await store.take('k', 'addr:10.0.0.1', 120, 60_000)).waitMs).toBe(0);
    expect(calls).toEqual(
      Array.from({ length: 10 }, (_, own) => [
        'previsto:k',
        { caller: 'addr:10.0.0.1', limit: 120, windowMs: 60_000, buckets: 60, maxCallers: 10_000, backfill: 0, own },
      ]),
    );
    shared = undefined;
    // Fallback: 120 / 3 = 40 per window, the 10 already made included.
    const granted = [];
    for (let i = 0; i < 35; i++) granted.push((await store.take('k', 'addr:10.0.0.1', 120, 60_000)).waitMs);
    expect(granted.filter((w) => w === 0)).toHaveLength(30);
    // All were taken in the first 1 s bucket, which stops counting when the 62nd begins (60 buckets and the margin);
    // the answer is one more, for timers firing early.
    expect(granted.at(-1)).toBe(62_001);
    now = 62_000;
    expect((await store.take('k', 'addr:10.0.0.1', 120, 60_000)).waitMs).toBe(0);
  });

  it('takes nothing in the first window of an outage for a key the shared window never counted for it', async () => {
    let now = 0;
    const store = new SharedRateStore({ slidingWindow: async () => undefined }, { replicas: 3, namespace: 'previsto', now: () => now });
    expect(await store.take('new', undefined, 120, 60_000)).toEqual({ waitMs: 60_001, callers: 1, overShare: false });
    now = 30_000;
    expect((await store.take('new', undefined, 120, 60_000)).waitMs).toBe(30_001);
    now = 60_000;
    for (let i = 0; i < 40; i++) expect((await store.take('new', undefined, 120, 60_000)).waitMs).toBe(0);
    expect((await store.take('new', undefined, 120, 60_000)).waitMs).toBeGreaterThan(0);
  });

  it("passes on what the shared window answered, a refusal over the caller's share included", async () => {
    const refusal: SharedAnswer = { waitMs: 1500, callers: 4, overShare: true, counted: 120 };
    const store = new SharedRateStore({ slidingWindow: async () => refusal }, { replicas: 2, namespace: 'previsto' });
    expect(await store.take('k', 'key:0123456789abcdef', 120, 60_000)).toEqual({ waitMs: 1500, callers: 4, overShare: true });
  });

  it('leaves the other replicas their share of what the shared window counted, and reports its own slots when it is back', async () => {
    let now = 0;
    let shared: SharedAnswer | undefined;
    const calls: SharedTake[] = [];
    const backend: SlidingWindowBackend = {
      slidingWindow: async (_key, take) => {
        calls.push(take);
        return shared;
      },
    };
    const store = new SharedRateStore(backend, { replicas: 3, namespace: 'previsto', now: () => now });
    // This replica made 10 of the 90 calls the shared window counts when it stops answering.
    for (let i = 0; i < 10; i++) {
      shared = { waitMs: 0, callers: 1, overShare: false, counted: 81 + i };
      await store.take('k', undefined, 120, 60_000);
    }
    shared = undefined;
    // Its share is 40, less the 30 of the 90 it assumes are its own until they leave the window: 10 already made, 10 more.
    const granted = [];
    for (let i = 0; i < 12; i++) granted.push((await store.take('k', undefined, 120, 60_000)).waitMs);
    expect(granted.filter((w) => w === 0)).toHaveLength(10);
    expect(granted.at(-1)).toBe(62_001);
    // A window later the calls from before the outage are gone: 40 of its own per window.
    now = 62_000;
    for (let i = 0; i < 40; i++) expect((await store.take('k', undefined, 120, 60_000)).waitMs).toBe(0);
    expect((await store.take('k', undefined, 120, 60_000)).waitMs).toBeGreaterThan(0);
    // Back: the 50 slots it granted alone are reported once, with the 40 it still counts.
    shared = { waitMs: 0, callers: 1, overShare: false, counted: 91 };
    calls.length = 0;
    await store.take('k', undefined, 120, 60_000);
    await store.take('k', undefined, 120, 60_000);
    expect(calls.map((c) => [c.backfill, c.own])).toEqual([
      [50, 40],
      [0, 41],
    ]);
  });
});

describe('CircuitBreaker sharing', () => {
  function breaker() {
    let now = 10_000;
    const published: string[] = [];
    const states: BreakerState[] = [];
    const share: BreakerShare = { opened: (p, ms) => published.push(`open ${p} ${ms}`), closed: (p) => published.push(`closed ${p}`) };
    const b = new CircuitBreaker({
      threshold: 2,
      cooldownMs: 1000,
      now: () => now,
      onStateChange: (s) => states.push(s),
      share: { platform: 'dataiku', to: share },
    });
    return { b, published, states, advance: (ms: number) => (now += ms) };
  }

  it('publishes its own openings and closings', () => {
    const { b, published, advance } = breaker();
    b.failure();
    b.failure();
    expect(published).toEqual(['open dataiku 1000']);
    advance(1000);
    expect(b.allow()).toBe(true);
    b.success();
    expect(published).toEqual(['open dataiku 1000', 'closed dataiku']);
  });

  it('adopts a longer opening from elsewhere without republishing it, and ignores its own echo', () => {
    const { b, published, states, advance } = breaker();
    expect(b.adopt(700)).toBe(true);
    expect(b.state).toBe('open');
    expect(b.allow()).toBe(false);
    expect(b.msUntilProbe()).toBe(700);
    expect(published).toEqual([]);
    expect(b.adopt(650)).toBe(false);
    advance(700);
    expect(b.state).toBe('half-open');
    expect(b.allow()).toBe(true);
    // A probe is out: it decides, not an opening seen meanwhile.
    expect(b.adopt(900)).toBe(false);
    b.success();
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });
});
