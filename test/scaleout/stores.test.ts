/**
 * The pieces replicas share, on their own: the rate store's fallback share and the breaker's adoption of openings
 * published by other replicas.
 */
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerShare, type BreakerState } from '../../src/upstreams/breaker.js';
import { MemoryRateStore, SharedRateStore, type SlidingWindowBackend } from '../../src/upstreams/rateBudget.js';

describe('SharedRateStore', () => {
  it('uses the shared window while it answers, and this replica\'s share of the limit when it does not', async () => {
    let now = 0;
    let shared: number | undefined = 0;
    const calls: string[] = [];
    const backend: SlidingWindowBackend = {
      slidingWindow: async (key) => {
        calls.push(key);
        return shared;
      },
    };
    const store = new SharedRateStore(backend, { replicas: 3, namespace: 'previsto', now: () => now });
    // 10 slots granted by the shared window are remembered locally.
    for (let i = 0; i < 10; i++) expect(await store.take('k', 120, 60_000)).toBe(0);
    expect(calls).toEqual(Array(10).fill('previsto:k'));
    shared = undefined;
    // Fallback: 120 / 3 = 40 per window, the 10 already made included.
    const granted = [];
    for (let i = 0; i < 35; i++) granted.push(await store.take('k', 120, 60_000));
    expect(granted.filter((w) => w === 0)).toHaveLength(30);
    expect(granted.at(-1)).toBe(60_001);
    now = 60_001;
    expect(await store.take('k', 120, 60_000)).toBe(0);
  });

  it('keeps today\'s in-memory window', () => {
    let now = 1000;
    const store = new MemoryRateStore(() => now);
    expect(store.take('k', 2, 1000)).toBe(0);
    now += 400;
    expect(store.take('k', 2, 1000)).toBe(0);
    expect(store.take('k', 2, 1000)).toBe(601);
    now += 601;
    expect(store.take('k', 2, 1000)).toBe(0);
  });
});

describe('CircuitBreaker sharing', () => {
  function breaker() {
    let now = 10_000;
    const published: string[] = [];
    const states: BreakerState[] = [];
    const share: BreakerShare = { opened: (p, ms) => published.push(`open ${p} ${ms}`), closed: (p) => published.push(`closed ${p}`) };
    const b = new CircuitBreaker({ threshold: 2, cooldownMs: 1000, now: () => now, onStateChange: (s) => states.push(s), share: { platform: 'dataiku', to: share } });
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
