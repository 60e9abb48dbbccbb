/**
 * The rate budget's window in Redis (RATE_WINDOW_LUA) against a real redis-server: the same answers as the
 * in-memory window, fair shares among callers, and a bounded number of keys and fields whatever the traffic.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/server/logger.js';
import { RedisState } from '../../src/server/redis.js';
import type { SharedTake } from '../../src/upstreams/rateBudget.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let state: RedisState;
beforeAll(async () => {
  redis = await startRedis();
  const logger = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  state = new RedisState({ url: redis.url, logger, commandTimeoutMs: 1000 });
  await state.connect();
});
afterAll(async () => {
  await state?.close();
  await redis?.close();
});

const take = (over: Partial<SharedTake> = {}): SharedTake => ({
  caller: undefined,
  limit: 5,
  windowMs: 60_000,
  buckets: 60,
  maxCallers: 10_000,
  backfill: 0,
  own: 0,
  ...over,
});

describe('RedisState rate window', () => {
  it('grants up to the limit, then answers the ms until the oldest bucket leaves, in a hash of bounded size', async () => {
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await state.slidingWindow('previsto:plain', take()));
    expect(answers.slice(0, 5)).toEqual([1, 2, 3, 4, 5].map((counted) => ({ waitMs: 0, callers: 1, overShare: false, counted })));
    for (const refused of answers.slice(5)) {
      expect(refused).toMatchObject({ callers: 1, overShare: false });
      // All five were taken within the current 1 s bucket, which stops counting 61 to 62 s from now (60 buckets and
      // the latency margin's one after it).
      expect(refused!.waitMs).toBeGreaterThan(60_000);
      expect(refused!.waitMs).toBeLessThanOrEqual(62_001);
    }
    const window = await redis.client().hgetall('augur:rate:{previsto:plain}');
    expect(Number(window['s'])).toBe(5);
    expect(Object.keys(window).length).toBeLessThanOrEqual(64);
    expect(await redis.client().pttl('augur:rate:{previsto:plain}')).toBeGreaterThan(60_000);
  });

  it('slides: slots free as their bucket leaves a short window', async () => {
    const short = take({ limit: 3, windowMs: 300, buckets: 10 });
    for (let i = 0; i < 3; i++) expect((await state.slidingWindow('previsto:short', short))!.waitMs).toBe(0);
    const refused = await state.slidingWindow('previsto:short', short);
    expect(refused!.waitMs).toBeGreaterThan(0);
    expect(refused!.waitMs).toBeLessThanOrEqual(361);
    await new Promise((r) => setTimeout(r, refused!.waitMs + 5));
    expect((await state.slidingWindow('previsto:short', short))!.waitMs).toBe(0);
  });

  it('holds each caller to ceil(limit / callers) and lets a lone caller use the whole limit', async () => {
    const fair = (caller: string) => state.slidingWindow('previsto:fair', take({ caller, limit: 10 }));
    for (let i = 0; i < 10; i++) expect(await fair('key:lone')).toMatchObject({ waitMs: 0, callers: 1, overShare: false });
    expect(await fair('key:lone')).toMatchObject({ callers: 1, overShare: false });

    const shared = (caller: string) => state.slidingWindow('previsto:shared', take({ caller, limit: 10 }));
    expect((await shared('key:b'))!.waitMs).toBe(0);
    for (let i = 0; i < 5; i++) expect(await shared('key:a')).toMatchObject({ waitMs: 0, callers: 2, overShare: false });
    const over = await shared('key:a');
    expect(over).toMatchObject({ callers: 2, overShare: true });
    expect(over!.waitMs).toBeGreaterThan(59_000);
    expect(await shared('key:b')).toMatchObject({ waitMs: 0, callers: 2, overShare: false });
    expect(await shared('key:c')).toMatchObject({ waitMs: 0, callers: 3, overShare: false });
    expect(await redis.client().zrange('augur:rate:{previsto:shared}:callers', '0', '-1')).toEqual(['key:a', 'key:b', 'key:c']);
    expect(Number(await redis.client().hget('augur:rate:{previsto:shared}:caller:key:a', 's'))).toBe(5);
  });

  it('caps the callers it tracks per key and lets every key expire a window after its last slot', async () => {
    const many = take({ limit: 1_000_000, windowMs: 2000, buckets: 20, maxCallers: 50 });
    for (let i = 0; i < 300; i++) await state.slidingWindow('previsto:many', { ...many, caller: `addr:10.0.${i >> 8}.${i & 255}` });
    const c = redis.client();
    expect(await c.zcard('augur:rate:{previsto:many}:callers')).toBe(50);
    // The idlest were dropped: the first callers are gone.
    expect(await c.zscore('augur:rate:{previsto:many}:callers', 'addr:10.0.0.0')).toBeNull();
    const keys = await c.keys('augur:rate:{previsto:many}*');
    for (const key of keys) {
      const ttl = await c.pttl(key);
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(2200);
    }
    for (const key of keys.filter((k) => !k.endsWith(':callers') && !k.endsWith(':replicas')))
      expect(await c.hlen(key), key).toBeLessThanOrEqual(24);
  });

  it("counts slots granted while it was unreachable, and a replica's own slots again once it has lost them", async () => {
    const c = redis.client();
    const window = (k: string) => state.slidingWindow(k, take({ limit: 10 }));
    for (let i = 0; i < 3; i++) expect(await window('previsto:reconcile')).toMatchObject({ waitMs: 0, counted: i + 1 });
    // Back after an outage in which this replica granted 2 on its own: they are counted, once.
    expect(await state.slidingWindow('previsto:reconcile', take({ limit: 10, backfill: 2, own: 5 }))).toMatchObject({
      waitMs: 0,
      counted: 6,
    });
    expect(await state.slidingWindow('previsto:reconcile', take({ limit: 10, own: 6 }))).toMatchObject({ waitMs: 0, counted: 7 });
    expect(await c.zrange('augur:rate:{previsto:reconcile}:replicas', '0', '-1')).toEqual([state.replicaId]);

    // Redis restarted empty: the window no longer knows this replica, which brings every slot it still counts.
    await c.flushall();
    expect(await state.slidingWindow('previsto:reconcile', take({ limit: 10, backfill: 1, own: 8 }))).toMatchObject({
      waitMs: 0,
      counted: 9,
    });
    expect(await window('previsto:reconcile')).toMatchObject({ waitMs: 0, counted: 10 });
    expect((await window('previsto:reconcile'))!.waitMs).toBeGreaterThan(59_000);
  });
});
