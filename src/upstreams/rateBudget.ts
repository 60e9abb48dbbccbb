/**
 * Client-side request budgets per key, so Augur itself never pushes an upstream past its published limit
 * (Previsto: 120 requests per minute per key). A sliding window is used rather than a token bucket: a bucket of
 * 120 refilled at 2/s lets up to 240 requests land in one of the upstream's fixed 60 s windows, a sliding window
 * of 60 s never more than 120 in any minute.
 *
 * Where the window lives is pluggable: `MemoryRateStore` keeps it in this process (one replica), `SharedRateStore`
 * keeps it in Redis so several replicas together stay within one limit, falling back to a local share of the limit
 * while Redis is unavailable.
 */
import { AugurError, ErrorCode } from '../server/errors.js';
import type { RequestBudget } from './http.js';
import { sleep } from './deadline.js';
import { PLATFORM_LABEL, type PlatformName } from './types.js';

/** Where sliding windows are kept. */
export interface RateStore {
  /** Takes one slot of `key`'s window and answers 0, or answers the ms until a slot frees (taking nothing). */
  take(key: string, limit: number, windowMs: number): number | Promise<number>;
}

/** Windows in this process's memory. */
export class MemoryRateStore implements RateStore {
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  take(key: string, limit: number, windowMs: number): number {
    const t = this.now();
    const times = this.window(key, t, windowMs);
    if (times.length < limit) {
      times.push(t);
      return 0;
    }
    return Math.max(1, times[0]! + windowMs - t + 1);
  }

  /** Records a slot taken elsewhere (in the shared window), so a fallback to this store knows this replica's recent calls. */
  record(key: string, windowMs: number): void {
    const t = this.now();
    this.window(key, t, windowMs).push(t);
  }

  private window(key: string, t: number, windowMs: number): number[] {
    let times = this.windows.get(key);
    if (!times) {
      times = [];
      this.windows.set(key, times);
    }
    const cutoff = t - windowMs;
    let drop = 0;
    while (drop < times.length && times[drop]! <= cutoff) drop++;
    if (drop > 0) times.splice(0, drop);
    return times;
  }
}

/** A shared sliding window (Redis): answers like `RateStore.take`, or undefined when the shared store failed. */
export interface SlidingWindowBackend {
  slidingWindow(key: string, limit: number, windowMs: number): Promise<number | undefined>;
}

export interface SharedRateStoreOptions {
  /** Replicas sharing each key: while the backend is unavailable this replica allows itself `limit / replicas`. */
  replicas: number;
  /** Names the upstream in the shared key, e.g. `previsto`. */
  namespace: string;
  now?: () => number;
}

/**
 * Windows shared by every replica through a `SlidingWindowBackend`. Slots granted by the backend are also recorded
 * locally; when the backend fails, this replica keeps to its share of the limit over its own recent calls.
 */
export class SharedRateStore implements RateStore {
  private readonly local: MemoryRateStore;

  constructor(
    private readonly backend: SlidingWindowBackend,
    private readonly options: SharedRateStoreOptions,
  ) {
    this.local = new MemoryRateStore(options.now);
  }

  async take(key: string, limit: number, windowMs: number): Promise<number> {
    const wait = await this.backend.slidingWindow(`${this.options.namespace}:${key}`, limit, windowMs);
    if (wait === undefined) return this.local.take(key, Math.max(1, Math.floor(limit / this.options.replicas)), windowMs);
    if (wait === 0) this.local.record(key, windowMs);
    return wait;
  }
}

export interface RateBudgetOptions {
  /** Requests allowed per window per key. */
  limit: number;
  windowMs: number;
  /** Where windows are kept. Default: this process's memory. */
  store?: RateStore;
  now?: () => number;
  /** Called when a caller has to wait, with the wait in ms (metrics). */
  onWait?(ms: number): void;
}

export class RateBudget {
  private readonly store: RateStore;

  constructor(private readonly options: RateBudgetOptions) {
    this.store = options.store ?? new MemoryRateStore(options.now);
  }

  get limit(): number {
    return this.options.limit;
  }

  /**
   * Takes one slot for `key`, waiting for one to free up when that fits in the operation's budget; otherwise
   * fails with RATE_LIMITED and the seconds after which a slot frees.
   */
  async acquire(key: string, budget: RequestBudget, platform: PlatformName): Promise<void> {
    for (;;) {
      const wait = await this.store.take(key, this.options.limit, this.options.windowMs);
      if (wait === 0) return;
      if (wait > budget.remainingMs()) {
        throw new AugurError(
          ErrorCode.RATE_LIMITED,
          `Augur is keeping within ${PLATFORM_LABEL[platform]}'s limit of ${this.options.limit} requests per ${Math.round(this.options.windowMs / 1000)} s for this key; retry after ${Math.ceil(wait / 1000)} s.`,
          { platform, retryAfter: Math.ceil(wait / 1000) },
        );
      }
      this.options.onWait?.(wait);
      budget.rateLimitWaitMs += wait;
      // Ends early, rejecting, when the operation's deadline passes.
      await sleep(wait, budget.signal);
    }
  }
}
