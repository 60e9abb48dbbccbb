/**
 * The entity cache: upstream reads (objects by id, list pages, the account) kept across operations, partitioned by
 * platform, credential fingerprint and type, so one caller never sees what another credential read.
 *
 * Keeping it true: every key embeds the generations of its partition. A write through Augur bumps its partition's
 * generation (every list page of the type for that credential goes) and replaces or removes the entity it changed;
 * `POST /cache/invalidate` bumps a type's generation across credentials, or the generation of everything. A read
 * stores what it fetched only if the generations it saw before sending are still current, so an answer that left the
 * upstream before a write can never be stored after it. The store is this process's memory, or Redis so replicas
 * share it (then there is no local copy, so a write on one replica is seen by the next read on any other).
 */
import type { PlatformName } from '../core/upstream.js';
import type { RequestBudget } from './requestBudget.js';

/** One partition: a platform, a credential fingerprint and a type (`contacts`, `account` ...). */
export interface CachePartition {
  platform: PlatformName;
  fingerprint: string;
  type: string;
}

/** What a store answers for a lookup: the generation stamp current now, and the entry when there is one. */
export interface CacheLookup {
  stamp: string;
  /**
   * `at` is when it was fetched (ms since the epoch); `value` is its JSON text. A store that keeps entries in this
   * process also answers `parsed`, the value parsed once and deep-frozen, shared by every hit (callers never mutate
   * what a read answers; the freeze makes any that tried fail loudly).
   */
  entry?: { at: number; value: string; parsed?: unknown };
}

/** Where entries live: memory (`MemoryCacheStore`) or Redis (`server/entityCache.ts`). */
export interface CacheStore {
  /** The entry of `key` (entity id, or `?<query>` for a list page) and the partition's stamp. Never throws. */
  get(part: CachePartition, key: string): Promise<CacheLookup>;
  /** Stores entries fetched while `stamp` was current; drops them when it no longer is. Never throws. */
  set(
    part: CachePartition,
    stamp: string,
    entries: ReadonlyArray<{ key: string; value: string }>,
    ttlMs: number,
    at: number,
  ): Promise<void>;
  /**
   * A write: bumps the partition's generation (its list pages go) and stores `value` as entity `id` (or removes it
   * when `value` is undefined). Resolves once the change is visible to every later `get`.
   */
  write(part: CachePartition, id: string | undefined, value: string | undefined, ttlMs: number, at: number): Promise<void>;
  /** `POST /cache/invalidate`: a type on one platform (every credential), a platform, or everything. */
  invalidate(scope: { platform?: PlatformName; type?: string }): Promise<void>;
}

/** Entity cache settings: seconds to keep each type, by `platform` and `platform.type` (0: not cached). */
export type CacheTtls = Readonly<Record<string, number>>;

/** The TTL in ms of a type: its own entry, else its platform's, else 0 (not cached). */
export function cacheTtlMs(ttls: CacheTtls, platform: PlatformName, type: string): number {
  const seconds = ttls[`${platform}.${type}`] ?? ttls[platform] ?? 0;
  return seconds * 1000;
}

export interface ReadCacheOptions {
  store: CacheStore;
  ttls: CacheTtls;
  now?: () => number;
  onRead?(platform: PlatformName, type: string, outcome: 'hit' | 'miss'): void;
  onInvalidate?(platform: PlatformName | 'all', type: string, reason: 'write' | 'admin'): void;
}

/** One cached read. */
export interface CachedRead<T> {
  part: CachePartition;
  /** Entity id, or `?<query string>` for a list page. */
  key: string;
  budget: RequestBudget;
  fetch: () => Promise<T>;
  /** Entities found in the answer (a list page's items), stored under their ids too. */
  entities?: (value: T) => ReadonlyArray<{ id: string; value: unknown }>;
}

/** Reads through the cache and keeps it true on writes. Platform clients call it; resolvers never see it. */
export class ReadCache {
  private readonly now: () => number;

  constructor(private readonly options: ReadCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  ttlMs(platform: PlatformName, type: string): number {
    return cacheTtlMs(this.options.ttls, platform, type);
  }

  /** `fetch`'s answer, from the cache when a current entry exists; a fetched answer is stored for the type's TTL. */
  async read<T>(r: CachedRead<T>): Promise<T> {
    const ttl = this.ttlMs(r.part.platform, r.part.type);
    if (ttl <= 0) return r.fetch();
    const found = await this.options.store.get(r.part, r.key);
    const now = this.now();
    if (found.entry && now - found.entry.at < ttl) {
      this.options.onRead?.(r.part.platform, r.part.type, 'hit');
      r.budget.cacheHits++;
      r.budget.cacheAgeMs = Math.max(r.budget.cacheAgeMs, Math.max(0, now - found.entry.at));
      return (found.entry.parsed ?? JSON.parse(found.entry.value)) as T;
    }
    this.options.onRead?.(r.part.platform, r.part.type, 'miss');
    const at = this.now();
    const value = await r.fetch();
    const entries = [{ key: r.key, value: JSON.stringify(value) }];
    for (const e of r.entities?.(value) ?? []) entries.push({ key: e.id, value: JSON.stringify(e.value) });
    await this.options.store.set(r.part, found.stamp, entries, ttl, at);
    return value;
  }

  /**
   * After an acknowledged write: the partition's list pages go, and entity `id` becomes `value` (the state the upstream
   * answered) or goes when `value` is undefined (a delete, or a write that answers nothing usable).
   */
  async wrote(part: CachePartition, id: string | undefined, value: unknown): Promise<void> {
    const ttl = this.ttlMs(part.platform, part.type);
    if (ttl <= 0) return;
    this.options.onInvalidate?.(part.platform, part.type, 'write');
    await this.options.store.write(part, id, value === undefined ? undefined : JSON.stringify(value), ttl, this.now());
  }

  /** Whether any type of `platform` is cached. */
  caches(platform: PlatformName): boolean {
    return Object.entries(this.options.ttls).some(([key, seconds]) => seconds > 0 && (key === platform || key.startsWith(`${platform}.`)));
  }

  /**
   * After a write on a platform whose objects several credentials see (Civis, Prevision.io): every credential's
   * cached objects and list pages of `type` go (of the whole platform without `type`). Never throws: an invalidation
   * Redis could not take makes the store drop everything at its first command after recovery, and reads bypass it
   * until then.
   */
  async wroteShared(platform: PlatformName, type?: string): Promise<void> {
    if (type === undefined ? !this.caches(platform) : this.ttlMs(platform, type) <= 0) return;
    this.options.onInvalidate?.(platform, type ?? 'all', 'write');
    try {
      await this.options.store.invalidate(type === undefined ? { platform } : { platform, type });
    } catch {
      // Owed by the store (see RedisCacheStore.invalidate).
    }
  }

  /** `POST /cache/invalidate`. */
  async invalidate(scope: { platform?: PlatformName; type?: string }): Promise<void> {
    this.options.onInvalidate?.(scope.platform ?? 'all', scope.type ?? 'all', 'admin');
    await this.options.store.invalidate(scope);
  }
}

interface MemoryEntry {
  at: number;
  value: string;
  expires: number;
  bytes: number;
  /** The value, parsed at its first hit and frozen: a hit then costs no parsing. */
  parsed?: unknown;
}

/** Freezes `value` and everything it holds (JSON values: objects and arrays), as the cache shares what it parsed. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * The cache in this process's memory: least recently used entries go first once their text passes `maxBytes`.
 * Generations are counters: a partition's, its type's (every credential) and a global one.
 */
export class MemoryCacheStore implements CacheStore {
  private readonly entries = new Map<string, MemoryEntry>();
  private readonly generations = new Map<string, number>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Bytes held now (tests, metrics). */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  private gen(key: string): number {
    return this.generations.get(key) ?? 0;
  }

  private stampOf(part: CachePartition): string {
    return `${this.gen('*')}.${this.gen(`${part.platform}`)}.${this.gen(`${part.platform}|${part.type}`)}.${this.gen(partKey(part))}`;
  }

  /** Entities live under the global, platform and type generations; list pages also under the partition's. */
  private entryKey(part: CachePartition, stamp: string, key: string): string {
    const gens = key.startsWith('?') ? stamp : stamp.slice(0, stamp.lastIndexOf('.'));
    return `${partKey(part)}|${gens}|${key}`;
  }

  async get(part: CachePartition, key: string): Promise<CacheLookup> {
    const stamp = this.stampOf(part);
    const k = this.entryKey(part, stamp, key);
    const e = this.entries.get(k);
    if (!e) return { stamp };
    if (e.expires <= this.now()) {
      this.remove(k);
      return { stamp };
    }
    // Most recently used last.
    this.entries.delete(k);
    this.entries.set(k, e);
    e.parsed ??= deepFreeze(JSON.parse(e.value) as unknown);
    return { stamp, entry: { at: e.at, value: e.value, parsed: e.parsed } };
  }

  async set(
    part: CachePartition,
    stamp: string,
    entries: ReadonlyArray<{ key: string; value: string }>,
    ttlMs: number,
    at: number,
  ): Promise<void> {
    if (this.stampOf(part) !== stamp) return;
    for (const { key, value } of entries) this.put(this.entryKey(part, stamp, key), value, ttlMs, at);
  }

  async write(part: CachePartition, id: string | undefined, value: string | undefined, ttlMs: number, at: number): Promise<void> {
    this.generations.set(partKey(part), this.gen(partKey(part)) + 1);
    if (id === undefined) return;
    const k = this.entryKey(part, this.stampOf(part), id);
    if (value === undefined) this.remove(k);
    else this.put(k, value, ttlMs, at);
  }

  async invalidate(scope: { platform?: PlatformName; type?: string }): Promise<void> {
    const key = scope.platform === undefined ? '*' : scope.type === undefined ? scope.platform : `${scope.platform}|${scope.type}`;
    this.generations.set(key, this.gen(key) + 1);
    if (key === '*') {
      this.entries.clear();
      this.bytes = 0;
    }
  }

  private put(key: string, value: string, ttlMs: number, at: number): void {
    this.remove(key);
    const bytes = 2 * (key.length + value.length) + 64;
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { at, value, expires: at + ttlMs, bytes });
    this.bytes += bytes;
    for (const [k] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(k);
    }
  }

  private remove(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.bytes -= e.bytes;
  }
}

function partKey(part: CachePartition): string {
  return `${part.platform}|${part.fingerprint}|${part.type}`;
}
