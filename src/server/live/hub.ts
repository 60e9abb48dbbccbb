/**
 * The subscriptions' pollers: one per watched object and credential, whatever the number of subscribers. A poller
 * starts with its first subscriber, reads the object at once, then again after an interval that starts at
 * `pollMinMs` and doubles up to `pollMaxMs` while nothing changes (back to `pollMinMs` after a change). Every read
 * goes through the platform client, so the retry, breaker and rate-budget rules of queries apply. A poller stops as
 * soon as its last subscriber leaves, or after the object reached a terminal state.
 *
 * Credentials are never shared: a poller is keyed by the object and an HMAC of the credential it reads with (and the
 * caller's tenant), so subscribers with different credentials or tenants have different pollers and never see each
 * other's events.
 *
 * With a relay (Redis, relay.ts), one replica holds a lease to poll each object and publishes what it reads; the
 * others deliver those events to their own subscribers and take the lease over when it lapses.
 */
import { createHmac } from 'node:crypto';
import type { Logger } from '../../core/logger.js';
import { AugurError, ErrorCode } from '../../core/errors.js';
import { stableStringify } from '../../core/stableStringify.js';
import type { PlatformName } from '../../core/upstream.js';
import type { Context, LiveFeeds, LiveWatch } from '../../resolvers/context.js';
import { OperationDeadline } from '../../upstreams/deadline.js';
import { RequestBudget } from '../../upstreams/requestBudget.js';
import type { LiveConfig } from '../config/types.js';
import { Feed } from './feed.js';
import type { LiveMetrics } from './metrics.js';

/** What a poller publishes to the other replicas, and reads back from them. */
export interface RelayMessage {
  /** The replica that read it (replicas ignore their own messages). */
  from: string;
  value?: unknown;
  terminal?: boolean;
  /** A failure that ended the watch: its message and extensions as clients see them. */
  error?: { message: string; extensions: Record<string, unknown> };
}

/** How pollers of several replicas share their work (relay.ts over Redis). */
export interface LiveRelay {
  readonly replicaId: string;
  /** Delivers the messages other replicas publish for `key`, until `leave`. */
  join(key: string, onMessage: (message: RelayMessage) => void): void;
  leave(key: string): void;
  /** Takes or renews the lease to poll `key` for `ttlMs`: true when this replica polls it (also when Redis is down). */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up, if this replica holds it. */
  release(key: string): Promise<void>;
  publish(key: string, message: RelayMessage): Promise<void>;
  /** The last message published for `key`, if any is kept. */
  last(key: string): Promise<RelayMessage | undefined>;
}

export interface LiveHubOptions {
  config: LiveConfig;
  /** Keys the credential fingerprints (the id secret: replicas share it). */
  secret: string;
  requestBudgetMs: number;
  retryBudget: number;
  operationTimeoutMs: number;
  logger: Logger;
  metrics?: LiveMetrics;
  relay?: LiveRelay;
}

/** Codes after which polling on cannot help: the object or the credential is wrong. */
const FATAL = new Set<string>([ErrorCode.NOT_FOUND, ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.BAD_USER_INPUT]);
/** Failed polls in a row after which a watch ends with the last failure. */
const MAX_FAILURES = 5;

export class LiveHub implements LiveFeeds {
  private readonly pollers = new Map<string, Poller>();
  private subscribers = 0;
  private closing: AugurError | undefined;

  constructor(readonly options: LiveHubOptions) {}

  /** Open subscriptions (their feeds) in this replica. */
  get subscriptions(): number {
    return this.subscribers;
  }

  /** Pollers in this replica, polling or (with a relay) listening to the replica that polls. */
  get activePollers(): number {
    return this.pollers.size;
  }

  async watch<T>(ctx: Context, watch: LiveWatch<T>): Promise<AsyncIterable<T>> {
    if (this.closing) throw this.closing;
    const max = this.options.config.maxTotal;
    if (this.subscribers >= max) {
      throw new AugurError(
        ErrorCode.LIMIT_EXCEEDED,
        `This gateway holds ${max} open subscriptions already (AUGUR_LIVE_MAX_SUBSCRIPTIONS); retry later or on another replica.`,
        { limit: 'maxSubscriptions', max },
      );
    }
    // Throws UNAUTHENTICATED for a malformed credential header, before anything is read.
    const credential = ctx.credential(watch.platform);
    // Tenants never share a poller, even two configured with the same upstream key.
    const tenant = (ctx as Partial<{ principal: { tenant?: string } }>).principal?.tenant ?? '';
    const fingerprint = createHmac('sha256', this.options.secret)
      .update(`${watch.platform}\0${tenant}\0${credential ?? ''}`)
      .digest('base64url')
      .slice(0, 22);
    const key = `${watch.key}:${fingerprint}`;
    let poller = this.pollers.get(key);
    if (!poller) {
      poller = new Poller(this, key, watch as LiveWatch<unknown>, credential, () => {
        this.pollers.delete(key);
        this.options.metrics?.pollers.set(this.pollers.size);
      });
      this.pollers.set(key, poller);
      this.options.metrics?.pollers.set(this.pollers.size);
    }
    this.subscribers++;
    const feed = new Feed<T>(() => {
      this.subscribers--;
      poller.remove(feed as Feed<unknown>);
    });
    await poller.add(feed as Feed<unknown>);
    return feed;
  }

  /** Ends every open subscription with SHUTTING_DOWN (then each completes) and refuses new ones. */
  close(reason = 'Augur is shutting down; subscribe again to continue watching.'): void {
    this.closing ??= new AugurError(ErrorCode.SHUTTING_DOWN, reason);
    for (const poller of [...this.pollers.values()]) poller.fail(this.closing, false);
  }

  /** A budget of its own for one poll: the retries and waits of an operation. */
  budget(key: string): RequestBudget {
    const { requestBudgetMs, retryBudget, operationTimeoutMs } = this.options;
    const deadline = new OperationDeadline(operationTimeoutMs);
    deadline.start();
    return new RequestBudget(Date.now() + requestBudgetMs, retryBudget, `live:${key.slice(0, 60)}`, deadline);
  }
}

/** One watched object for one credential, and its subscribers in this replica. */
class Poller {
  private readonly feeds = new Set<Feed<unknown>>();
  private readonly config: LiveConfig;
  private last: { signature: string; value: unknown } | undefined;
  private intervalMs: number;
  private pollTimer: NodeJS.Timeout | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private leader = false;
  private polling = false;
  private failures = 0;
  private stopped = false;
  /** Settles once the object has been read (or the first read failed), for subscribers that must emit at once. */
  private readonly first: Promise<void>;
  private settleFirst!: (error?: unknown) => void;
  private readonly platform: PlatformName;

  constructor(
    private readonly hub: LiveHub,
    private readonly key: string,
    private readonly watch: LiveWatch<unknown>,
    private readonly credential: string | undefined,
    private readonly onStop: () => void,
  ) {
    this.config = hub.options.config;
    this.intervalMs = this.config.pollMinMs;
    this.platform = watch.platform;
    this.first = new Promise<void>((resolve, reject) => {
      this.settleFirst = (error) => (error ? reject(error as Error) : resolve());
    });
    // A subscriber that never awaited `first` must not leave an unhandled rejection behind.
    this.first.catch(() => undefined);
    void this.begin();
  }

  async add(feed: Feed<unknown>): Promise<void> {
    this.feeds.add(feed);
    try {
      await this.first;
    } catch (error) {
      void feed.return();
      throw error;
    }
    if (this.last) feed.push(this.last.value);
    // Joined as the object reached its terminal state: that state was its last.
    if (this.stopped) feed.end();
  }

  remove(feed: Feed<unknown>): void {
    this.feeds.delete(feed);
    if (this.feeds.size === 0) this.stop();
  }

  /** Ends every subscriber with `error`; `share` publishes it to the other replicas' subscribers too. */
  fail(error: AugurError, share: boolean): void {
    if (share && this.leader) void this.publish({ error: { message: error.message, extensions: { ...error.extensions } } });
    this.settleFirst(error);
    for (const feed of [...this.feeds]) feed.end(error);
    this.stop();
  }

  private async begin(): Promise<void> {
    const relay = this.hub.options.relay;
    if (!relay) {
      this.leader = true;
      return this.poll();
    }
    relay.join(this.key, (message) => this.onRemote(message));
    await this.checkLease();
    if (this.stopped || this.leader || this.last) return;
    // Another replica polls: start from what it published last, or read once to emit at once.
    const last = await relay.last(this.key);
    if (this.stopped) return;
    if (last) this.onRemote(last);
    else await this.read(false);
  }

  /** Takes, renews or loses the lease (every third of its TTL); taking it starts polling. */
  private async checkLease(): Promise<void> {
    const relay = this.hub.options.relay!;
    const ttl = this.config.leaseMs;
    const leader = await relay.claim(this.key, ttl);
    if (this.stopped) {
      if (leader) await relay.release(this.key);
      return;
    }
    const became = leader && !this.leader;
    this.leader = leader;
    if (!leader && this.pollTimer) {
      clearTimeout(this.pollTimer);
      this.pollTimer = undefined;
    }
    this.leaseTimer = setTimeout(() => void this.checkLease(), Math.max(10, Math.floor(ttl / 3)));
    this.leaseTimer.unref();
    if (became) {
      this.hub.options.logger.debug({ event: 'live_lease', key: this.watch.key }, 'this replica polls the watched object');
      await this.poll();
    }
  }

  private async poll(): Promise<void> {
    if (this.stopped || !this.leader || this.polling) return;
    this.pollTimer = undefined;
    await this.read(this.hub.options.relay !== undefined);
    if (this.stopped || !this.leader) return;
    this.pollTimer = setTimeout(() => void this.poll(), this.intervalMs);
    this.pollTimer.unref();
  }

  /** One upstream read; `share` publishes a change to the other replicas. */
  private async read(share: boolean): Promise<void> {
    this.polling = true;
    const metrics = this.hub.options.metrics;
    let value: unknown;
    try {
      value = await this.watch.read(this.credential, this.hub.budget(this.key));
    } catch (error) {
      metrics?.polls.inc({ platform: this.platform, outcome: 'error' });
      this.polling = false;
      if (this.stopped) return;
      const failure =
        error instanceof AugurError
          ? error
          : new AugurError(ErrorCode.INTERNAL_SERVER_ERROR, 'Reading the watched object failed unexpectedly.', {}, { cause: error });
      this.failures++;
      if (!this.last || FATAL.has(failure.code) || this.failures >= MAX_FAILURES) this.fail(failure, share);
      else this.intervalMs = Math.min(this.config.pollMaxMs, this.intervalMs * 2);
      return;
    }
    metrics?.polls.inc({ platform: this.platform, outcome: 'ok' });
    this.polling = false;
    this.failures = 0;
    if (this.stopped) return;
    const terminal = this.watch.terminal(value);
    const changed = this.apply(value, terminal);
    this.intervalMs = changed ? this.config.pollMinMs : Math.min(this.config.pollMaxMs, this.intervalMs * 2);
    if (share && changed) await this.publish({ value, terminal });
    if (terminal) this.stop();
  }

  /** Delivers `value` to every subscriber unless it equals the last one; true when it changed. */
  private apply(value: unknown, terminal: boolean): boolean {
    const signature = stableStringify(value);
    const changed = signature !== this.last?.signature;
    if (changed) {
      this.last = { signature, value };
      for (const feed of this.feeds) feed.push(value);
    }
    this.settleFirst();
    if (terminal) for (const feed of [...this.feeds]) feed.end();
    return changed;
  }

  private onRemote(message: RelayMessage): void {
    if (this.stopped || message.from === this.hub.options.relay?.replicaId) return;
    if (message.error) {
      const { code, ...details } = message.error.extensions;
      return this.fail(
        new AugurError((code as ErrorCode | undefined) ?? ErrorCode.INTERNAL_SERVER_ERROR, message.error.message, details),
        false,
      );
    }
    if (message.value === undefined) return;
    this.apply(message.value, message.terminal === true);
    if (message.terminal) this.stop();
  }

  private async publish(message: Omit<RelayMessage, 'from'>): Promise<void> {
    const relay = this.hub.options.relay;
    if (relay) await relay.publish(this.key, { from: relay.replicaId, ...message });
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.leaseTimer) clearTimeout(this.leaseTimer);
    const relay = this.hub.options.relay;
    if (relay) {
      relay.leave(this.key);
      if (this.leader) void relay.release(this.key);
    }
    for (const feed of [...this.feeds]) feed.end();
    this.onStop();
  }
}
