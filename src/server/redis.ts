/**
 * Optional Redis for what replicas must share: the rate-budget windows, circuit-breaker openings, persisted queries
 * and cached responses. Redis is never on a request's critical path for correctness: commands time out quickly
 * (`AUGUR_REDIS_TIMEOUT_MS`), nothing is queued while disconnected, and every caller falls back to this process's own
 * state when a command fails. Changes of availability are logged (`redis_unavailable`, `redis_recovered`) and
 * exported as metrics.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../core/logger.js';
import { RATE_WINDOW_LUA } from './redisRateWindow.js';
import type { BreakerShare, CircuitBreaker } from '../upstreams/breaker.js';
import type { SharedAnswer, SharedTake, SlidingWindowBackend } from '../upstreams/rateBudget.js';
import type { PlatformName } from '../core/upstream.js';

/** What fell back to local state when Redis failed (a metric label). */
export type RedisFeature = 'rate_budget' | 'breaker' | 'persisted_queries' | 'response_cache' | 'entity_cache' | 'live';

export interface RedisStateOptions {
  /** `redis://` or `rediss://` URL (may hold a password: it is never logged). */
  url: string;
  logger: Logger;
  /** Longest a command may take before Augur gives up on it and uses local state. */
  commandTimeoutMs: number;
  /** Prefix of every key Augur writes. Default `augur:`. */
  keyPrefix?: string;
  /** After a failed command, how long commands are skipped before one is tried again (unless the connection reports ready sooner). Default 1000. */
  retryAfterFailureMs?: number;
  now?: () => number;
}

type RedisWithScripts = Redis & {
  augurRateWindow(
    window: string,
    callers: string,
    callerWindow: string,
    replicas: string,
    limit: number,
    windowMs: number,
    buckets: number,
    caller: string,
    maxCallers: number,
    replica: string,
    backfill: number,
    own: number,
  ): Promise<[number, number, number, number]>;
};

/** A command's outcome: Redis answered (`ok`), or it failed or was skipped and the caller must use local state. */
export type RedisResult<T> = { ok: true; value: T } | { ok: false };

/** The connection to Redis, its availability, and the helpers built on it. */
export class RedisState implements SlidingWindowBackend {
  readonly client: RedisWithScripts;
  readonly keyPrefix: string;
  /** Identifies this replica in the keys it writes (never a secret). */
  readonly replicaId = randomUUID().slice(0, 8);
  private up = false;
  /** Whether `redis_unavailable` was logged and `redis_recovered` is owed. */
  private reportedDown = false;
  private skipUntil = 0;
  private closed = false;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly where: string;
  private readonly listeners = new Set<(up: boolean) => void>();
  private fallbacks?: Counter<'feature'>;

  constructor(private readonly options: RedisStateOptions) {
    this.now = options.now ?? Date.now;
    this.logger = options.logger;
    this.keyPrefix = options.keyPrefix ?? 'augur:';
    const parsed = new URL(options.url);
    this.where = `${parsed.protocol}//${parsed.hostname}:${parsed.port || '6379'}`;
    this.client = new Redis(options.url, {
      lazyConnect: true,
      // Fail at once while disconnected instead of queueing: callers fall back to local state.
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      // A backstop that clears commands of a hung server; callers stop waiting much sooner (see `withTimeout`).
      commandTimeout: Math.max(1000, options.commandTimeoutMs * 10),
      connectTimeout: Math.max(500, options.commandTimeoutMs * 5),
      // Reconnect forever, backing off to one attempt per second.
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 5), 1000),
    }) as RedisWithScripts;
    this.client.defineCommand('augurRateWindow', { numberOfKeys: 4, lua: RATE_WINDOW_LUA });
    this.client.on('ready', () => this.markUp());
    this.client.on('error', (err: Error) => this.markDown(err.message));
    this.client.on('close', () => this.markDown('connection closed'));
  }

  /** Whether the last thing heard from Redis was good. */
  get available(): boolean {
    return this.up;
  }

  /**
   * Connects, waiting at most `waitMs` for the first connection. Never throws: when Redis cannot be reached the
   * client keeps reconnecting in the background and Augur runs on local state until it succeeds.
   */
  async connect(waitMs = 2000): Promise<void> {
    if (this.closed) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.client.connect().catch((err: unknown) => this.markDown(err instanceof Error ? err.message : String(err))),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs))),
    ]);
    clearTimeout(timer);
    if (!this.up) this.markDown('not connected yet');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  /** Subscribes to availability changes (true: recovered, false: unavailable). */
  onAvailability(listener: (up: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs `command` unless Redis is known to be down; a failure (including a timeout) marks Redis unavailable and
   * counts a fallback of `feature`. The caller then uses its local state.
   */
  async run<T>(feature: RedisFeature, command: (client: RedisWithScripts) => Promise<T>): Promise<RedisResult<T>> {
    if (this.closed || (!this.up && this.now() < this.skipUntil) || this.client.status !== 'ready') {
      this.fallbacks?.inc({ feature });
      return { ok: false };
    }
    try {
      const value = await this.withTimeout(command(this.client));
      // A reply read before the connection closed may settle after its 'close': Redis is not back for that.
      if (!this.up && this.client.status === 'ready') this.markUp();
      return { ok: true, value };
    } catch (err) {
      this.markDown(err instanceof Error ? err.message : String(err));
      this.fallbacks?.inc({ feature });
      return { ok: false };
    }
  }

  /**
   * Rejects when `pending` has not settled `commandTimeoutMs` after the call. When the timer fires the event loop may
   * have been busy past the deadline with Redis's reply already waiting on the socket, so I/O gets one turn
   * (`setImmediate` runs after the poll phase) before the command counts as timed out.
   */
  private withTimeout<T>(pending: Promise<T>): Promise<T> {
    const ms = this.options.commandTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(
        () =>
          setImmediate(() => {
            if (settled) return;
            settled = true;
            reject(new Error(`Redis did not answer within ${ms} ms`));
          }),
        ms,
      );
      pending.then(
        (value) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  /**
   * The rate budget's window, in Redis (see RATE_WINDOW_LUA); undefined when Redis failed. The keys share a hash tag,
   * so a Redis Cluster keeps them on one node as the script needs.
   */
  async slidingWindow(key: string, take: SharedTake): Promise<SharedAnswer | undefined> {
    const base = `${this.keyPrefix}rate:{${key}}`;
    const caller = take.caller ?? '';
    const r = await this.run('rate_budget', (c) =>
      c.augurRateWindow(
        base,
        `${base}:callers`,
        `${base}:caller:${caller}`,
        `${base}:replicas`,
        take.limit,
        take.windowMs,
        take.buckets,
        caller,
        take.maxCallers,
        this.replicaId,
        take.backfill,
        take.own,
      ),
    );
    if (!r.ok) return undefined;
    const [waitMs, callers, over, counted] = r.value.map(Number) as [number, number, number, number];
    return { waitMs, callers, overShare: over === 1, counted };
  }

  /** Registers `augur_redis_up` and `augur_redis_fallbacks_total` in a metrics registry. */
  registerMetrics(registry: Registry): void {
    const up = new Gauge({
      name: 'augur_redis_up',
      help: 'Whether Redis (REDIS_URL) is reachable: 1 yes, 0 no (replicas then use their own local state).',
      registers: [registry],
    });
    up.set(this.up ? 1 : 0);
    this.onAvailability((isUp) => up.set(isUp ? 1 : 0));
    this.fallbacks = new Counter({
      name: 'augur_redis_fallbacks_total',
      help: 'Times a feature used local state because Redis failed or was unavailable, by feature.',
      labelNames: ['feature'] as const,
      registers: [registry],
    });
  }

  private markUp(): void {
    this.skipUntil = 0;
    if (this.up) return;
    this.up = true;
    if (this.reportedDown) {
      this.reportedDown = false;
      this.logger.info({ event: 'redis_recovered', redis: this.where }, 'Redis is reachable again; shared state is back in use');
    }
    for (const l of this.listeners) l(true);
  }

  private markDown(reason: string): void {
    this.skipUntil = this.now() + (this.options.retryAfterFailureMs ?? 1000);
    if (this.closed) return;
    const wasUp = this.up;
    this.up = false;
    if (!this.reportedDown) {
      this.reportedDown = true;
      this.logger.warn(
        { event: 'redis_unavailable', redis: this.where, reason: reason.slice(0, 200) },
        'Redis is unavailable; falling back to local state (rate budgets, breakers, persisted queries and cached responses are per replica until it recovers)',
      );
    }
    if (wasUp) for (const l of this.listeners) l(false);
  }
}

/**
 * An Apollo `KeyValueCache` over Redis with a local in-memory tier: writes go to both, reads try the local tier then
 * Redis. When Redis fails, reads and writes use the local tier alone, so a replica keeps serving what it registered
 * itself and never fails a request because of Redis.
 */
export class RedisKeyValueCache implements KeyValueCache<string> {
  constructor(
    private readonly redis: RedisState,
    private readonly feature: RedisFeature,
    private readonly options: { prefix: string; local?: KeyValueCache<string>; defaultTtlSeconds?: number } = { prefix: 'kv:' },
    private readonly local: KeyValueCache<string> = options.local ?? new InMemoryLRUCache<string>(),
  ) {}

  private key(key: string): string {
    return `${this.redis.keyPrefix}${this.options.prefix}${key}`;
  }

  async get(key: string): Promise<string | undefined> {
    const local = await this.local.get(key);
    if (local !== undefined) return local;
    const r = await this.redis.run(this.feature, (c) => c.get(this.key(key)));
    return r.ok ? (r.value ?? undefined) : undefined;
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    const ttl = options?.ttl ?? this.options.defaultTtlSeconds;
    await this.local.set(key, value, ttl ? { ttl } : undefined);
    await this.redis.run(this.feature, (c) =>
      ttl ? c.set(this.key(key), value, 'PX', Math.round(ttl * 1000)) : c.set(this.key(key), value),
    );
  }

  async delete(key: string): Promise<boolean | void> {
    await this.local.delete(key);
    await this.redis.run(this.feature, (c) => c.del(this.key(key)));
  }
}

/** How often each replica looks for breaker openings published by the others. */
export const BREAKER_SYNC_INTERVAL_MS = 250;

/**
 * Shares circuit-breaker openings between replicas. The hot path stays local and synchronous: an opening is
 * published as `augur:breaker:<platform>` with the cooldown as its PX TTL, and every replica polls those keys and
 * adopts an opening it did not know of for the time the key has left. A probe that closes a breaker deletes the key.
 */
export class RedisBreakerSync implements BreakerShare {
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly redis: RedisState,
    private readonly breakers: Partial<Record<PlatformName, CircuitBreaker>>,
    private readonly logger: Logger,
    private readonly intervalMs = BREAKER_SYNC_INTERVAL_MS,
  ) {}

  private key(platform: PlatformName): string {
    return `${this.redis.keyPrefix}breaker:${platform}`;
  }

  opened(platform: PlatformName, cooldownMs: number): void {
    void this.redis.run('breaker', (c) => c.set(this.key(platform), this.redis.replicaId, 'PX', Math.max(1, Math.round(cooldownMs))));
  }

  closed(platform: PlatformName): void {
    void this.redis.run('breaker', (c) => c.del(this.key(platform)));
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads every platform's opening once and adopts those this replica does not know of yet. */
  async poll(): Promise<void> {
    if (this.polling || !this.redis.available) return;
    this.polling = true;
    try {
      const platforms = Object.keys(this.breakers) as PlatformName[];
      const r = await this.redis.run('breaker', async (c) => {
        const pipeline = c.pipeline();
        for (const p of platforms) pipeline.pttl(this.key(p));
        return (await pipeline.exec()) ?? [];
      });
      if (!r.ok) return;
      platforms.forEach((platform, i) => {
        const [err, ttl] = r.value[i] ?? [];
        if (err || typeof ttl !== 'number' || ttl <= 0) return;
        if (this.breakers[platform]?.adopt(ttl)) {
          this.logger.warn(
            { event: 'breaker_adopted', platform, remainingMs: ttl },
            `circuit breaker opened by another replica; failing fast for ${ttl} ms`,
          );
        }
      });
    } finally {
      this.polling = false;
    }
  }
}
