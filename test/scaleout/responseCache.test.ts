/**
 * Cache hints per type (`AUGUR_CACHE_TTLS`) and the response cache (`AUGUR_RESPONSE_CACHE`): cacheable queries are
 * answered without upstream calls, per credential, in memory or shared through Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/server/config.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { startStack, type TestStack } from '../helpers/stack.js';

const SECOND_KEY = 'sk_augur_second_tenant';
const CONTACTS = '{ contacts(first: 3) { edges { node { name address { city } } } pageInfo { hasNextPage } } }';
const tenants = {
  previsto: {
    tenants: [
      { secretKey: 'sk_augur_demo', seed: 4104 },
      { secretKey: SECOND_KEY, seed: 99 },
    ],
  },
};
const env = { AUGUR_CACHE_TTLS: 'Contact=30,Endpoint=300', AUGUR_RESPONSE_CACHE: 'true' };

let redis: TestRedis;
const stacks: TestStack[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(stacks.map((s) => s.close()));
  await redis?.close();
});
async function stack(extra: Record<string, string> = {}): Promise<TestStack> {
  const s = await startStack({ env: { ...env, ...extra }, emulatorOptions: tenants });
  stacks.push(s);
  return s;
}
const contactCalls = async (s: TestStack): Promise<number> => (await s.requests('previsto')).byRoute['GET /contacts'] ?? 0;

describe('response cache in memory', () => {
  let s: TestStack;
  beforeAll(async () => {
    s = await stack();
  });

  it('answers a repeated cacheable query without calling the upstream, with private cache headers', async () => {
    const first = await s.gql(CONTACTS);
    expect(first.errors).toBeUndefined();
    expect(first.headers.get('cache-control')).toBe('max-age=30, private');
    expect(await contactCalls(s)).toBe(1);
    const second = await s.gql(CONTACTS);
    expect(second.data).toEqual(first.data);
    expect(second.headers.get('age')).not.toBeNull();
    expect(await contactCalls(s)).toBe(1);
  });

  it('keeps callers with different upstream credentials apart', async () => {
    await s.reset();
    const query = '{ contacts(first: 4) { edges { node { name } } } }';
    const mine = await s.gql(query);
    const theirs = await s.gql(query, undefined, { 'x-previsto-api-key': SECOND_KEY });
    expect(theirs.errors).toBeUndefined();
    expect(theirs.data).not.toEqual(mine.data);
    expect(await contactCalls(s)).toBe(2);
    expect((await s.gql(query, undefined, { 'x-previsto-api-key': SECOND_KEY })).data).toEqual(theirs.data);
    expect((await s.gql(query)).data).toEqual(mine.data);
    expect(await contactCalls(s)).toBe(2);
  });

  it('does not cache a query touching a type without a TTL, a mutation, or an answer with errors', async () => {
    await s.reset();
    const mixed = '{ contacts(first: 1) { edges { node { name } } } predict(endpointName: "churn", features: { name: "A" }) { raw } }';
    const a = await s.gql(mixed);
    expect(a.errors).toBeUndefined();
    expect(a.headers.get('cache-control')).toBe('no-store');
    await s.gql(mixed);
    expect(await contactCalls(s)).toBe(2);

    // Every attempt of the first call fails (3 attempts), the next call succeeds: the failure was not cached.
    await s.faults('previsto', { status: 503, count: 3, routes: ['GET /contacts'] });
    const failing = '{ contacts(first: 5) { edges { node { name } } } }';
    const failed = await s.gql(failing);
    expect(failed.errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_UNAVAILABLE');
    const retried = await s.gql(failing);
    expect(retried.errors).toBeUndefined();
    expect(retried.data?.['contacts'].edges).toHaveLength(5);

    const create = 'mutation { createContact(input: { name: "Cache Test", address: { city: "Aarhus" } }) { contact { id name } } }';
    const c1 = await s.gql(create);
    const c2 = await s.gql(create);
    expect(c1.errors).toBeUndefined();
    expect(c2.data?.['createContact'].contact.id).not.toBe(c1.data?.['createContact'].contact.id);
  });
});

describe('response cache shared through Redis', () => {
  it('serves on replica 2 what replica 1 cached, keyed by a credential fingerprint, never the credential', async () => {
    const [one, two] = await Promise.all([stack({ REDIS_URL: redis.url }), stack({ REDIS_URL: redis.url })]);
    const first = await one.gql(CONTACTS);
    expect(first.errors).toBeUndefined();
    await expect.poll(async () => (await redis.client().keys('augur:rc:*')).length).toBe(1);
    const second = await two.gql(CONTACTS);
    expect(second.data).toEqual(first.data);
    expect(await contactCalls(two)).toBe(0);

    const [key] = await redis.client().keys('augur:rc:*');
    expect(await redis.client().pttl(key!)).toBeGreaterThan(25_000);
    const stored = `${key} ${await redis.client().get(key!)}`;
    expect(stored).not.toContain('sk_augur_demo');
  });
});

describe('cache configuration', () => {
  it('rejects malformed TTLs, and a response cache without any TTL', () => {
    expect(() => parseConfig({ AUGUR_CACHE_TTLS: 'Contact:30' })).toThrow(/AUGUR_CACHE_TTLS entries must look like "Type=seconds"/);
    expect(() => parseConfig({ AUGUR_RESPONSE_CACHE: 'true' })).toThrow(/AUGUR_CACHE_TTLS/);
    expect(parseConfig({ AUGUR_CACHE_TTLS: 'Contact=30, Endpoint=300' }).cache.ttls).toEqual({ Contact: 30, Endpoint: 300 });
  });

  it('refuses to start with a TTL for a type the schema does not have', async () => {
    await expect(startStack({ env: { AUGUR_CACHE_TTLS: 'Contakt=30' } })).rejects.toThrow(/AUGUR_CACHE_TTLS names Contakt/);
  });
});
