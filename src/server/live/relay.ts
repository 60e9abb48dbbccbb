/**
 * The subscriptions' relay over Redis (`REDIS_URL`): which replica polls a watched object, and how what it reads
 * reaches the subscribers held by the others. A lease (`augur:live:lease:<key>`, the holder's replica id with a PX
 * TTL, renewed every third of it) names the poller; it publishes each change on `augur:live:<key>` and keeps the last
 * one (`augur:live:last:<key>`) for replicas that join later. When the poller stops or dies, its lease is released or
 * lapses and the next replica to claim it polls. Keys carry a fingerprint of the credential, never the credential.
 *
 * Redis is not on the critical path: when a command fails, `claim` answers true, so each replica polls for itself
 * (one poll per object and replica) until Redis is back.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../../core/logger.js';
import type { RedisState } from '../redis.js';
import type { LiveRelay, RelayMessage } from './hub.js';

/** How long the last snapshot of a watched object is kept for replicas joining later. */
const LAST_TTL_MS = 10 * 60_000;

/** Renews the lease if this replica holds it, or takes it if nobody does: 1 when held afterwards. */
const CLAIM_LUA = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] or not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

/** Deletes the lease only if this replica holds it. */
const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export class RedisLiveRelay implements LiveRelay {
  readonly replicaId: string;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, (message: RelayMessage) => void>();
  private readonly prefix: string;

  constructor(
    private readonly redis: RedisState,
    private readonly logger: Logger,
  ) {
    this.replicaId = redis.replicaId;
    this.prefix = `${redis.keyPrefix}live:`;
    // A connection in subscriber mode cannot send other commands: pub/sub has its own.
    this.subscriber = redis.client.duplicate({ lazyConnect: true, enableOfflineQueue: true });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (channel: string, text: string) => {
      const handler = this.handlers.get(channel);
      if (!handler) return;
      try {
        handler(JSON.parse(text) as RelayMessage);
      } catch (err) {
        this.logger.warn({ event: 'live_relay_message', err: String(err) }, 'unreadable live event from Redis ignored');
      }
    });
  }

  async start(): Promise<void> {
    await this.subscriber.connect().catch((err: unknown) => {
      this.logger.warn(
        { event: 'live_relay_unavailable', err: String(err) },
        'live events relay not connected; replicas poll on their own',
      );
    });
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.subscriber.disconnect();
  }

  private channel(key: string): string {
    return `${this.prefix}${key}`;
  }

  join(key: string, onMessage: (message: RelayMessage) => void): void {
    const channel = this.channel(key);
    this.handlers.set(channel, onMessage);
    void this.subscriber.subscribe(channel).catch(() => undefined);
  }

  leave(key: string): void {
    const channel = this.channel(key);
    this.handlers.delete(channel);
    void this.subscriber.unsubscribe(channel).catch(() => undefined);
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const r = await this.redis.run('live', (c) => c.eval(CLAIM_LUA, 1, `${this.prefix}lease:${key}`, this.replicaId, ttlMs));
    return r.ok ? Number(r.value) === 1 : true;
  }

  async release(key: string): Promise<void> {
    await this.redis.run('live', (c) => c.eval(RELEASE_LUA, 1, `${this.prefix}lease:${key}`, this.replicaId));
  }

  async publish(key: string, message: RelayMessage): Promise<void> {
    const text = JSON.stringify(message);
    await this.redis.run('live', (c) =>
      c.multi().set(`${this.prefix}last:${key}`, text, 'PX', LAST_TTL_MS).publish(this.channel(key), text).exec(),
    );
  }

  async last(key: string): Promise<RelayMessage | undefined> {
    const r = await this.redis.run('live', (c) => c.get(`${this.prefix}last:${key}`));
    if (!r.ok || !r.value) return undefined;
    try {
      return JSON.parse(r.value) as RelayMessage;
    } catch {
      return undefined;
    }
  }
}
