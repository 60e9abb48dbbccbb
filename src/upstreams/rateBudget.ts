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

  /** Slots counted for `key` now: this store's own grants and the ones it recorded. */
  counted(key: string): number {
    return this.keys.get(key)?.window.count(this.now()) ?? 0;
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
  /** Slots this replica granted on its own while the shared store was unavailable, not yet counted there. */
  backfill: number;
  /** Slots this replica counts in its own window: the shared store counts them if it holds none of this replica's. */
  own: number;
}

/** What the shared store answered: a `Take`, and the slots its window for the key counts afterwards. */
export interface SharedAnswer extends Take {
  counted: number;
}

/** Shared windows (Redis): answers like `RateStore.take`, or undefined when the shared store failed. */
export interface SlidingWindowBackend {
  slidingWindow(key: string, take: SharedTake): Promise<SharedAnswer | undefined>;
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

/** What a `SharedRateStore` remembers of a key between calls. */
interface SharedKeyState {
  /** Slots granted locally while the backend was unavailable, not yet sent to it. */
  unsynced: number;
  /** Slots the shared window counted at the last answer; undefined until it has answered for this key. */
  lastCounted: number | undefined;
  /** Whether the last call to the backend failed. */
  down: boolean;
  /**
   * From the start of an outage until a window has passed: the slots of the other replicas' calls this replica
   * assumes still counted, taken from its own share (their calls were made before the outage and leave within a window).
   */
  reserved: number;
  reservedUntil: number;
}

/** Keys a `SharedRateStore` remembers at most; past it the least recently used is forgotten. */
const MAX_SHARED_KEYS = 10_000;

/**
 * Windows shared by every replica through a `SlidingWindowBackend`. Slots granted by the backend are also recorded
 * locally. When the backend fails, this replica keeps to its share of the limit over its own recent calls (shared
 * fairly among its own callers), less its share of what the shared window counted when it was last heard from (all
 * of the limit, if it never answered for that key): the calls already made leave the window only as time passes, so
 * the replicas together still stay within the limit.
 * When the backend answers again it is told what this replica granted meanwhile; if it has lost this replica's
 * calls altogether (Redis restarted empty), it is told every call this replica still counts in its own window.
 */
export class SharedRateStore implements RateStore {
  private readonly local: MemoryRateStore;
  private readonly keys = new Map<string, SharedKeyState>();
  private readonly now: () => number;

  constructor(
    private readonly backend: SlidingWindowBackend,
    private readonly options: SharedRateStoreOptions,
  ) {
    this.local = new MemoryRateStore(options);
    this.now = options.now ?? Date.now;
  }

  async take(key: string, caller: string | undefined, limit: number, windowMs: number): Promise<Take> {
    const { buckets = bucketsFor(windowMs), maxCallers = MAX_CALLERS_PER_KEY, replicas } = this.options;
    const state = this.state(key);
    // Sent once: a take answered meanwhile must not send the same slots again.
    const backfill = state.unsynced;
    state.unsynced = 0;
    const own = this.local.counted(key);
    const shared = `${this.options.namespace}:${key}`;
    const taken = await this.backend.slidingWindow(shared, { caller, limit, windowMs, buckets, maxCallers, backfill, own });
    if (taken !== undefined) {
      state.down = false;
      state.lastCounted = taken.counted;
      if (taken.waitMs === 0) this.local.record(key, caller, windowMs);
      return { waitMs: taken.waitMs, callers: taken.callers, overShare: taken.overShare };
    }
    state.unsynced += backfill;
    const t = this.now();
    if (!state.down) {
      state.down = true;
      // Never heard from the shared window about this key: the other replicas may have used it all.
      state.reserved = Math.max(0, Math.ceil((state.lastCounted ?? limit) / replicas) - own);
      state.reservedUntil = t + windowMs;
    }
    const reserved = t < state.reservedUntil ? state.reserved : 0;
    const allowance = Math.floor(limit / replicas) - reserved;
    if (allowance <= 0) return { waitMs: state.reservedUntil - t + 1, callers: 1, overShare: false };
    const answer = this.local.take(key, caller, allowance, windowMs);
    if (answer.waitMs === 0) state.unsynced++;
    return answer;
  }

  private state(key: string): SharedKeyState {
    let state = this.keys.get(key);
    if (state) {
      this.keys.delete(key);
    } else {
      state = { unsynced: 0, lastCounted: undefined, down: false, reserved: 0, reservedUntil: 0 };
      if (this.keys.size >= MAX_SHARED_KEYS) this.keys.delete(this.keys.keys().next().value!);
    }
    this.keys.set(key, state);
    return state;
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
