/**
 * Cross-operation batching on its own: calls of different operations for one group leave together while one is in
 * flight, none waits when nothing is, each caller gets its own items' results, and an item error inside a shared
 * batch reaches only its own caller.
 */
import { describe, expect, it } from 'vitest';
import { AugurError, ErrorCode } from '../../src/core/errors.js';
import { CrossBatcher } from '../../src/upstreams/batcher.js';
import { RequestBudget } from '../../src/upstreams/requestBudget.js';

const budget = () => new RequestBudget(Date.now() + 60_000, 3);

/** An upstream that records each call's items and answers `item * 10`, refusing the whole call when it holds a negative item. */
function upstream() {
  const calls: number[][] = [];
  const gates: Array<() => void> = [];
  const send = async (items: number[]): Promise<number[]> => {
    calls.push(items);
    // Each call waits until the test lets it go, so what queues meanwhile is under the test's control.
    await new Promise<void>((resolve) => gates.push(resolve));
    if (items.some((i) => i < 0)) throw new AugurError(ErrorCode.BAD_USER_INPUT, `item ${items.find((i) => i < 0)} refused`, {});
    return items.map((i) => i * 10);
  };
  const release = async () => {
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    gates.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { calls, send, release };
}

describe('CrossBatcher', () => {
  it('sends a call at once when nothing is in flight, and queues the next ones into one batch', async () => {
    const u = upstream();
    const b = new CrossBatcher({ maxItems: 100 });
    const first = b.run('g', [1], budget(), u.send);
    await new Promise((r) => setImmediate(r));
    expect(u.calls).toEqual([[1]]);
    const others = [b.run('g', [2, 3], budget(), u.send), b.run('g', [4], budget(), u.send), b.run('other', [5], budget(), u.send)];
    await new Promise((r) => setImmediate(r));
    // Another group is never held back by this one.
    expect(u.calls).toEqual([[1], [5]]);
    await u.release();
    expect(await first).toEqual([10]);
    expect(u.calls).toEqual([[1], [5], [2, 3, 4]]);
    await u.release();
    await u.release();
    expect(await Promise.all(others)).toEqual([[20, 30], [40], [50]]);
    expect(b.active).toBe(0);
  });

  it('sends a full batch without waiting for the call in flight', async () => {
    const u = upstream();
    const b = new CrossBatcher({ maxItems: 3 });
    const runs = [b.run('g', [1], budget(), u.send), b.run('g', [2, 3], budget(), u.send), b.run('g', [4], budget(), u.send)];
    await new Promise((r) => setImmediate(r));
    expect(u.calls).toEqual([[1], [2, 3, 4]]);
    await u.release();
    await u.release();
    expect(await Promise.all(runs)).toEqual([[10], [20, 30], [40]]);
  });

  it('fails only the caller whose item the upstream refused', async () => {
    const u = upstream();
    const b = new CrossBatcher({ maxItems: 100 });
    const first = b.run('g', [1], budget(), u.send);
    const good = b.run('g', [2], budget(), u.send);
    const bad = b.run('g', [-1, 3], budget(), u.send).catch((e: unknown) => e);
    const alsoGood = b.run('g', [4], budget(), u.send);
    await u.release();
    await first;
    expect(u.calls[1]).toEqual([2, -1, 3, 4]);
    await u.release();
    // The shared batch failed: each caller's items again, on their own.
    for (let i = 0; i < 3; i++) await u.release();
    expect(await good).toEqual([20]);
    expect(await alsoGood).toEqual([40]);
    expect(await bad).toMatchObject({ code: ErrorCode.BAD_USER_INPUT });
    expect(u.calls.slice(2)).toEqual([[2], [-1, 3], [4]]);
  });

  it('fails every caller of a batch at once when the upstream as a whole is unavailable', async () => {
    const calls: number[][] = [];
    const b = new CrossBatcher({ maxItems: 100 });
    let open: () => void = () => {};
    const send = async (items: number[]): Promise<number[]> => {
      calls.push(items);
      if (calls.length === 1) await new Promise<void>((r) => (open = r));
      throw new AugurError(ErrorCode.UPSTREAM_UNAVAILABLE, 'down', {});
    };
    const first = b.run('g', [1], budget(), send).catch((e: unknown) => e);
    const rest = [b.run('g', [2], budget(), send).catch((e: unknown) => e), b.run('g', [3], budget(), send).catch((e: unknown) => e)];
    await new Promise((r) => setImmediate(r));
    open();
    await first;
    for (const e of await Promise.all(rest)) expect(e).toMatchObject({ code: ErrorCode.UPSTREAM_UNAVAILABLE });
    expect(calls).toEqual([[1], [2, 3]]);
  });

  it('carries the batch on the budget with the most time left, and counts the batched items on each', async () => {
    const seen: RequestBudget[] = [];
    const b = new CrossBatcher({ maxItems: 100 });
    let open: () => void = () => {};
    const send = async (items: number[], on: RequestBudget): Promise<number[]> => {
      seen.push(on);
      if (seen.length === 1) await new Promise<void>((r) => (open = r));
      return items;
    };
    const short = new RequestBudget(Date.now() + 1_000, 3);
    const long = new RequestBudget(Date.now() + 50_000, 3);
    const first = b.run('g', [1], budget(), send);
    const runs = [b.run('g', [2], short, send), b.run('g', [3], long, send)];
    await new Promise((r) => setImmediate(r));
    open();
    await first;
    await Promise.all(runs);
    expect(seen[1]).toBe(long);
    expect(short.batchedItems).toBe(1);
    expect(long.batchedItems).toBe(1);
  });
});
