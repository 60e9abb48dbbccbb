/**
 * Client-side request budgets per key, so Augur itself never pushes an upstream past its published limit
 * (Previsto: 120 requests per minute per key). A sliding window is used rather than a token bucket: a bucket of
 * 120 refilled at 2/s lets up to 240 requests land in one of the upstream's fixed 60 s windows, a sliding window
 * of 60 s never more than 120 in any minute. The window is bucketed (see bucketWindow.ts), so its cost does not grow
 * with the limit.
 *
 * Callers of the gateway that share one key may also share its window fairly: each may hold at most
 * ceil(limit / n) of it, n being the callers that took a slot of that key within the last window (itself included),
 * so one caller looping heavy operations cannot starve the others. A lone caller may use the whole limit.
 *
 * Where the windows live is pluggable: `MemoryRateStore` keeps them in this process (one replica), `SharedRateStore`
 * keeps them in Redis so several replicas together stay within one limit, falling back to a local share of the
 * limit while Redis is unavailable.
 */
import { AugurError, ErrorCode } from '../core/errors.js';
import { BucketWindow, bucketsFor } from './bucketWindow.js';
import type { RequestBudget } from './requestBudget.js';
import { sleep } from './deadline.js';
import { PLATFORM_LABEL, type PlatformName } from '../core/upstream.js';

/** What taking a slot answered. */
export interface Take {
  /** 0 when a slot was taken; else the ms until one may free (nothing was taken). */
  waitMs: number;
  /** Callers of the key within the last window, this one included (1 when callers are not told apart). */
  callers: number;
  /** Refused because this caller holds its equal share, rather than because the key's whole window is full. */
  overShare: boolean;
}

/** Where windows are kept. */
export interface RateStore {
  /**
   * Takes one slot of `key`'s window for `caller` and answers `waitMs` 0, or answers how long until one may free
   * (taking nothing). Without a caller, callers are not told apart.
   */
  take(key: string, caller: string | undefined, limit: number, windowMs: number): Take | Promise<Take>;
}

/** Callers tracked per key at most. Past it the idlest is forgotten: that can let it exceed its share, never the key its limit. */
export const MAX_CALLERS_PER_KEY = 10_000;

export interface MemoryRateStoreOptions {
  now?: () => number;
  /** Buckets per window. Default: `bucketsFor(windowMs)`. */
  buckets?: number;
  maxCallers?: number;
}

interface KeyWindows {
  window: BucketWindow;
  /** Windows of the callers that took a slot, least recently granted first (Map order). */
  callers: Map<string, BucketWindow>;
}

/** Windows in this process's memory. A key's windows keep the length they were created with. */
export class MemoryRateStore implements RateStore {
  /** Keys least recently granted first, so idle ones are dropped from the front. */
  private readonly keys = new Map<string, KeyWindows>();
  private readonly now: () => number;
  private readonly buckets: number | undefined;
  private readonly maxCallers: number;

  constructor(options: MemoryRateStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.buckets = options.buckets;
    this.maxCallers = options.maxCallers ?? MAX_CALLERS_PER_KEY;
  }

  take(key: string, caller: string | undefined, limit: number, windowMs: number): Take {
    const t = this.now();
    const state = this.windows(key, windowMs, t);
    const keyCount = state.window.count(t);
    let callers = 1;
    let mine: BucketWindow | undefined;
    if (caller !== undefined) {
      expire(state.callers, t);
      mine = state.callers.get(caller);
      callers = state.callers.size + (mine ? 0 : 1);
    }
    const share = Math.ceil(limit / callers);
    const overShare = callers > 1 && mine !== undefined && mine.count(t) >= share;
    if (keyCount < limit && !overShare) {
      this.grant(key, state, caller, t);
      return { waitMs: 0, callers, overShare: false };
    }
    let waitMs = keyCount >= limit ? state.window.msUntilBelow(t, limit) : 0;
    if (overShare) waitMs = Math.max(waitMs, mine!.msUntilBelow(t, share));
    return { waitMs, callers, overShare };
  }

  /** Records a slot taken elsewhere (in the shared window), so a fallback to this store knows this replica's recent calls. */
  record(key: string, caller: string | undefined, windowMs: number): void {
    const t = this.now();
    this.grant(key, this.windows(key, windowMs, t), caller, t);
  }

  /** Keys held, for tests that check memory stays bounded. */
  get size(): number {
    return this.keys.size;
  }

  /** Callers tracked for `key`, for tests. */
  callersOf(key: string): number {
    return this.keys.get(key)?.callers.size ?? 0;
  }

  private windows(key: string, windowMs: number, t: number): KeyWindows {
    // Keys idle for a whole window count nothing any more: dropping them keeps memory to the keys in use.
    for (const [k, s] of this.keys) {
      if (k === key || !s.window.emptyAt(t)) break;
      this.keys.delete(k);
    }
    let state = this.keys.get(key);
    if (!state) {
      state = { window: new BucketWindow(windowMs, this.buckets ?? bucketsFor(windowMs)), callers: new Map() };
      this.keys.set(key, state);
    }
    return state;
  }

  private grant(key: string, state: KeyWindows, caller: string | undefined, t: number): void {
    state.window.add(t);
    this.keys.delete(key);
    this.keys.set(key, state);
    if (caller === undefined) return;
    const mine = state.callers.get(caller) ?? new BucketWindow(state.window.windowMs, state.window.buckets);
    mine.add(t);
    state.callers.delete(caller);
    state.callers.set(caller, mine);
    if (state.callers.size > this.maxCallers) state.callers.delete(state.callers.keys().next().value!);
  }
}

/** Forgets, from the least recently granted on, callers with nothing left in their window. */
function expire(callers: Map<string, BucketWindow>, t: number): void {
  for (const [c, w] of callers) {
    if (!w.emptyAt(t)) return;
    callers.delete(c);
  }
}

/** One shared take, as `SlidingWindowBackend` receives it. */
export interface SharedTake {
  caller: string | undefined;
  limit: number;
  windowMs: number;
  buckets: number;
  maxCallers: number;
}

/** Shared windows (Redis): answers like `RateStore.take`, or undefined when the shared store failed. */
export interface SlidingWindowBackend {
  slidingWindow(key: string, take: SharedTake): Promise<Take | undefined>;
}

export interface SharedRateStoreOptions {
  /** Replicas sharing each key: while the backend is unavailable this replica allows itself `limit / replicas`. */
  replicas: number;
  /** Names the upstream in the shared key, e.g. `previsto`. */
  namespace: string;
  now?: () => number;
  /** Buckets per window. Default: `bucketsFor(windowMs)`. */
  buckets?: number;
  maxCallers?: number;
}

/**
 * Windows shared by every replica through a `SlidingWindowBackend`. Slots granted by the backend are also recorded
 * locally; when the backend fails, this replica keeps to its share of the limit over its own recent calls (shared
 * fairly among its own callers).
 */
export class SharedRateStore implements RateStore {
  private readonly local: MemoryRateStore;

  constructor(
    private readonly backend: SlidingWindowBackend,
    private readonly options: SharedRateStoreOptions,
  ) {
    this.local = new MemoryRateStore(options);
  }

  async take(key: string, caller: string | undefined, limit: number, windowMs: number): Promise<Take> {
    const { buckets = bucketsFor(windowMs), maxCallers = MAX_CALLERS_PER_KEY } = this.options;
    const taken = await this.backend.slidingWindow(`${this.options.namespace}:${key}`, { caller, limit, windowMs, buckets, maxCallers });
    if (taken === undefined) return this.local.take(key, caller, Math.max(1, Math.floor(limit / this.options.replicas)), windowMs);
    if (taken.waitMs === 0) this.local.record(key, caller, windowMs);
    return taken;
  }
}

export interface RateBudgetOptions {
  /** Requests allowed per window per key. */
  limit: number;
  windowMs: number;
  /** Whether callers sharing a key get equal shares of its window (`AUGUR_FAIR_SHARE`). Default false. */
  fairShare?: boolean;
  /** Where windows are kept. Default: this process's memory. */
  store?: RateStore;
  now?: () => number;
  /** Called when a caller has to wait, with the wait in ms (metrics). */
  onWait?(ms: number): void;
}

export class RateBudget {
  private readonly store: RateStore;

  constructor(private readonly options: RateBudgetOptions) {
    this.store = options.store ?? new MemoryRateStore({ ...(options.now ? { now: options.now } : {}) });
  }

  get limit(): number {
    return this.options.limit;
  }

  /**
   * Takes one slot for `key` on behalf of `caller`, waiting for one to free up when that fits in the operation's
   * budget; otherwise fails with RATE_LIMITED and the seconds after which a slot frees.
   */
  async acquire(key: string, caller: string | undefined, budget: RequestBudget, platform: PlatformName): Promise<void> {
    const { limit, windowMs } = this.options;
    const who = this.options.fairShare ? caller : undefined;
    for (;;) {
      const taken = await this.store.take(key, who, limit, windowMs);
      const wait = taken.waitMs;
      if (wait === 0) return;
      if (wait > budget.remainingMs()) {
        const retryAfter = Math.ceil(wait / 1000);
        const per = `${limit} requests per ${Math.round(windowMs / 1000)} s`;
        const message = taken.overShare
          ? `Augur shares ${PLATFORM_LABEL[platform]}'s limit of ${per} for this key fairly among the ${taken.callers} callers using it, and this caller has used its share of ${Math.ceil(limit / taken.callers)}; retry after ${retryAfter} s.`
          : `Augur is keeping within ${PLATFORM_LABEL[platform]}'s limit of ${per} for this key; retry after ${retryAfter} s.`;
        const limitDetails = taken.overShare
          ? { limit: 'fairShare', max: Math.ceil(limit / taken.callers), callers: taken.callers }
          : { limit: 'rateLimit', max: limit, windowSeconds: Math.round(windowMs / 1000) };
        throw new AugurError(ErrorCode.RATE_LIMITED, message, { platform, retryAfter, ...limitDetails });
      }
      this.options.onWait?.(wait);
      budget.rateLimitWaitMs += wait;
      // Ends early, rejecting, when the operation's deadline passes.
      await sleep(wait, budget.signal);
    }
  }
}
