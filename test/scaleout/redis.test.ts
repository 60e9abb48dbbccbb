/**
 * Starting without Redis, and the Redis configuration: a replica that cannot reach Redis at start-up serves from
 * local state, says so, and moves its shared state to Redis as soon as Redis appears.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/server/config.js';
import { sha256Hex } from '../../src/server/persisted.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { startStack, type TestStack } from '../helpers/stack.js';
import { post } from './processes.js';

let redis: TestRedis;
let stack: TestStack;
beforeAll(async () => {
  redis = await startRedis();
  await redis.kill();
  stack = await startStack({ env: { REDIS_URL: `redis://:not-a-real-password@127.0.0.1:${redis.port}` } });
});
afterAll(async () => {
  await stack?.close();
  await redis?.close();
});

describe('a replica started while Redis is down', () => {
  it('answers from local state and logs that Redis is unavailable, without the password', async () => {
    const started = performance.now();
    const res = await stack.gql('{ contacts(first: 2) { edges { node { name } } } }');
    expect(res.errors).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);
    const down = stack.logs.filter((l) => l['event'] === 'redis_unavailable');
    expect(down).toHaveLength(1);
    expect(down[0]!['redis']).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(JSON.stringify(stack.logs)).not.toContain('not-a-real-password');
    const metrics = await (await fetch(stack.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/^augur_redis_up 0$/m);
  });

  it('recovers when Redis appears, and then keeps its rate window and persisted queries there', async () => {
    await redis.restart();
    await expect.poll(() => stack.logs.some((l) => l['event'] === 'redis_recovered'), { timeout: 5000, interval: 50 }).toBe(true);
    expect(stack.logs.filter((l) => l['event'] === 'redis_unavailable')).toHaveLength(1);

    const query = 'query Recovered { contacts(first: 1) { edges { node { name } } } }';
    const res = await post(stack.url, { query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(query) } } });
    expect(res.errors).toBeUndefined();
    const keys = await redis.client().keys('augur:*');
    expect(keys.filter((k) => /^augur:rate:\{previsto:[^}]+\}$/.test(k))).toHaveLength(1);
    await expect.poll(() => redis.client().exists(`augur:pq:apq:${sha256Hex(query)}`)).toBe(1);
  });
});

describe('Redis configuration', () => {
  it('accepts redis:// and rediss:// URLs and rejects anything else without echoing it', () => {
    expect(parseConfig({ REDIS_URL: 'rediss://user:pw@cache.example.com:6380/1' }).redis.url).toBe(
      'rediss://user:pw@cache.example.com:6380/1',
    );
    expect(parseConfig({}).redis).toEqual({ url: undefined, commandTimeoutMs: 100, replicas: 1 });
    expect(() => parseConfig({ REDIS_URL: 'http://user:hunter2@cache:6379' })).toThrow(/REDIS_URL must be a URL such as redis:\/\//);
    expect(() => parseConfig({ REDIS_URL: 'http://user:hunter2@cache:6379' })).not.toThrow(/hunter2/);
    expect(() => parseConfig({ AUGUR_REPLICAS: '0' })).toThrow(/AUGUR_REPLICAS must be an integer between 1 and 1000/);
    expect(() => parseConfig({ AUGUR_PERSISTED_QUERIES: 'strict' })).toThrow(/AUGUR_PERSISTED_QUERIES must be apq/);
    expect(() => parseConfig({ AUGUR_PERSISTED_QUERIES_MANIFEST: '/tmp/x.json' })).toThrow(/only in allow-list mode/);
  });
});
