/**
 * Client-side request budgets per key, so Augur itself never pushes an upstream past its published limit
 * (Previsto: 120 requests per minute per key). A sliding window is used rather than a token bucket: a bucket of
 * 120 refilled at 2/s lets up to 240 requests land in one of the upstream's fixed 60 s windows, a sliding window
 * of 60 s never more than 120 in any minute.
 */
import { AugurError, ErrorCode } from '../server/errors.js';
import type { RequestBudget } from './http.js';
import { PLATFORM_LABEL, type PlatformName } from './types.js';

export interface RateBudgetOptions {
  /** Requests allowed per window per key. */
  limit: number;
  windowMs: number;
  now?: () => number;
  /** Called when a caller has to wait, with the wait in ms (metrics). */
  onWait?(ms: number): void;
}

export class RateBudget {
  private readonly windows = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly options: RateBudgetOptions) {
    this.now = options.now ?? Date.now;
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
      const wait = this.tryTake(key);
      if (wait === 0) return;
      if (wait > budget.remainingMs()) {
        throw new AugurError(
          ErrorCode.RATE_LIMITED,
          `Augur is keeping within ${PLATFORM_LABEL[platform]}'s limit of ${this.options.limit} requests per ${Math.round(this.options.windowMs / 1000)} s for this key; retry after ${Math.ceil(wait / 1000)} s.`,
          { platform, retryAfter: Math.ceil(wait / 1000) },
        );
      }
      this.options.onWait?.(wait);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** Takes a slot and answers 0, or answers the ms until a slot frees (taking nothing). */
  tryTake(key: string): number {
    const t = this.now();
    let times = this.windows.get(key);
    if (!times) {
      times = [];
      this.windows.set(key, times);
    }
    const cutoff = t - this.options.windowMs;
    let drop = 0;
    while (drop < times.length && times[drop]! <= cutoff) drop++;
    if (drop > 0) times.splice(0, drop);
    if (times.length < this.options.limit) {
      times.push(t);
      return 0;
    }
    return Math.max(1, times[0]! + this.options.windowMs - t + 1);
  }
}
