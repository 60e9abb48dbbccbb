/**
 * Fair shares of one Previsto key across two gateway processes sharing Redis and one Previsto emulator: callers come
 * through a trusted proxy (127.0.0.1) and are told apart by X-Forwarded-For, each spreading its operations over both
 * replicas. Limit 24 per 2 s in Augur and in the emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectFairOutcome, runScenario, type Send } from '../helpers/fairshare.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { startReplica, startUpstreams, type Replica, type SharedUpstreams } from './processes.js';

const LIMIT = 24;
const WINDOW_MS = 2000;

let redis: TestRedis;
let upstreams: SharedUpstreams;
let replicas: Replica[] = [];

beforeAll(async () => {
  redis = await startRedis();
  upstreams = await startUpstreams({ rateLimitPerMinute: LIMIT, rateWindowMs: WINDOW_MS });
  const env = {
    ...upstreams.env('A'),
    REDIS_URL: redis.url,
    AUGUR_REPLICAS: '2',
    AUGUR_TRUSTED_PROXIES: '127.0.0.1',
    PREVISTO_RATE_LIMIT: String(LIMIT),
    AUGUR_PREVISTO_RATE_WINDOW_MS: String(WINDOW_MS),
    AUGUR_REQUEST_BUDGET_MS: '300',
  };
  replicas = await Promise.all([startReplica('replica-1', env), startReplica('replica-2', env)]);
}, 60_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await upstreams?.close();
  await redis?.close();
});

/** A caller behind the proxy, alternating between the replicas. */
function caller(address: string): Send {
  let turn = 0;
  return (query) => replicas[turn++ % replicas.length]!.gql(query, undefined, { 'x-forwarded-for': address });
}

describe('two replicas sharing Redis', () => {
  it('share one key fairly: light callers keep being answered while a greedy one is held to its share, and Previsto never refuses', async () => {
    const lightAddresses = Array.from({ length: 5 }, (_, i) => `198.51.100.${i + 1}`);
    const { greedy, lights, elapsedMs } = await runScenario({
      greedy: caller('198.51.100.66'),
      lights: lightAddresses.map(caller),
      aliases: 6,
      greedyLoops: 2,
      lightEveryMs: 1000,
      durationMs: 3 * WINDOW_MS,
    });
    const log = (await upstreams.previstoLog()).filter((l) => l.route === 'GET /contacts');
    console.log(
      JSON.stringify({
        replicas: 2,
        elapsedMs,
        greedy,
        lights,
        previsto: { requests: log.length, status429: log.filter((l) => l.status === 429).length },
      }),
    );

    // Held to ceil(24 / 6) = 4 calls per window across both replicas.
    expectFairOutcome({ greedy, lights, elapsedMs }, log, { windowMs: WINDOW_MS, limit: LIMIT, share: 4 });

    // Redis holds the key's window, its callers (by the addresses the proxy reported), one window per caller, ...
    const c = redis.client();
    const keys = (await c.keys('augur:rate:*')).sort();
    const base = keys.find((k) => k.endsWith('}'))!;
    expect(base).toMatch(/^augur:rate:\{previsto:[^}]+\}$/);
    const callers = await c.zrange(`${base}:callers`, '0', '-1');
    expect(callers.sort()).toEqual(['addr:198.51.100.66', ...lightAddresses.map((a) => `addr:${a}`)].sort());
    expect(keys).toEqual([base, `${base}:callers`, `${base}:replicas`, ...callers.map((id) => `${base}:caller:${id}`)].sort());
    // ... and the two replicas whose calls it counts.
    expect(await c.zcard(`${base}:replicas`)).toBe(2);
    expect(await c.hlen(base)).toBeLessThanOrEqual(8 + 4);
  }, 30_000);
});
