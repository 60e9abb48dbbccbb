/**
 * Three gateway processes sharing one Redis and one Previsto: together they keep to Previsto's 120 requests per
 * minute per key, keep answering when Redis dies (and say so), recover when it returns, and share breaker openings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { maxInWindow, startReplica, startUpstreams, type GraphQLResult, type Replica, type SharedUpstreams } from './processes.js';

const CONTACTS = '{ contacts(first: 1) { edges { node { name } } } }';
const OUTAGE_KEY = 'sk_augur_outage';

let redis: TestRedis;
let upstreams: SharedUpstreams;
let replicas: Replica[] = [];

beforeAll(async () => {
  redis = await startRedis();
  // Previsto's own limit stays at its documented 120/min, so a replica overstepping it would show as 429s.
  upstreams = await startUpstreams({
    rateLimitPerMinute: 120,
    tenants: [
      { secretKey: 'sk_augur_demo', seed: 4104 },
      { secretKey: OUTAGE_KEY, seed: 7 },
    ],
  });
  const common = {
    REDIS_URL: redis.url,
    AUGUR_REPLICAS: '3',
    AUGUR_BREAKER_THRESHOLD: '2',
    AUGUR_BREAKER_COOLDOWN_MS: '4000',
    AUGUR_RETRY_MAX_ATTEMPTS: '1',
  };
  // Replica 1 talks to Dataiku A, the others to Dataiku B: a breaker opened by A's faults must still reach them.
  replicas = await Promise.all([
    startReplica('replica-1', { ...upstreams.env('A'), ...common }),
    startReplica('replica-2', { ...upstreams.env('B'), ...common }),
    startReplica('replica-3', { ...upstreams.env('B'), ...common }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await upstreams?.close();
  await redis?.close();
});

/** The rate windows of Previsto keys in Redis (not their callers' windows). */
async function windowKeys(): Promise<string[]> {
  return (await redis.client().keys('augur:rate:{previsto:*')).filter((k) => k.endsWith('}'));
}

function outcome(r: GraphQLResult): 'data' | 'rate-limited' | 'other' {
  if (r.status === 200 && r.data?.['contacts'] && !r.errors) return 'data';
  const e = r.errors?.[0]?.extensions;
  if (r.status === 200 && e?.['code'] === 'RATE_LIMITED' && typeof e['retryAfter'] === 'number' && e['retryAfter'] > 0)
    return 'rate-limited';
  return 'other';
}

describe('three replicas sharing Redis', () => {
  it('keep a burst of 300 Previsto-backed operations within 120 upstream requests per minute, answering every caller', async () => {
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => replicas[i % 3]!.gql(CONTACTS)));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(60_000);

    const outcomes = results.map(outcome);
    const others = results.filter((_, i) => outcomes[i] === 'other');
    expect(others, JSON.stringify(others.slice(0, 3))).toEqual([]);
    const answered = outcomes.filter((o) => o === 'data').length;

    const log = (await upstreams.previstoLog()).filter((e) => e.route === 'GET /contacts');
    expect(log.filter((e) => e.status === 429)).toEqual([]);
    expect(
      maxInWindow(
        log.map((e) => e.at),
        60_000,
      ),
    ).toBeLessThanOrEqual(120);
    // Every operation answered with data made exactly one upstream call, and the replicas used the shared budget
    // (each replica alone could have sent 120; a third of it each would be 40).
    expect(log.length).toBe(answered);
    expect(answered).toBeGreaterThan(80);
    // Each replica served data, so the budget was shared, not held by one.
    for (let r = 0; r < 3; r++) expect(outcomes.filter((o, i) => i % 3 === r && o === 'data').length).toBeGreaterThan(0);
    const keys = await windowKeys();
    expect(keys.length).toBe(1);
    expect(Number(await redis.client().hget(keys[0]!, 's'))).toBeGreaterThanOrEqual(answered);
    console.log(
      JSON.stringify({
        burst: 300,
        elapsedMs: elapsed,
        answeredWithData: answered,
        rateLimited: 300 - answered,
        upstreamRequests: log.length,
      }),
    );
  }, 90_000);

  it('keep answering from local state when Redis dies, log it, and use Redis again once it is back', async () => {
    const headers = { 'x-previsto-api-key': OUTAGE_KEY };
    const before = await Promise.all(replicas.map((r) => r.gql(CONTACTS, undefined, headers)));
    expect(before.map(outcome)).toEqual(['data', 'data', 'data']);

    // Only lines logged from now on: under load a slow command may already have sent a replica to local state once.
    const marks = replicas.map((r) => r.logs.length);
    await redis.kill();
    await Promise.all(replicas.map((r, i) => r.waitForLog((l) => l['event'] === 'redis_unavailable', 5000, marks[i])));
    const during = await Promise.all(replicas.flatMap((r) => Array.from({ length: 5 }, () => r.gql(CONTACTS, undefined, headers))));
    expect(during.map(outcome)).toEqual(Array(15).fill('data'));
    // No request waits on a dead Redis: commands are refused at once or time out after 100 ms.
    expect(Math.max(...during.map((r) => r.ms))).toBeLessThan(2000);
    const metrics = await replicas[0]!.metrics();
    expect(metrics).toMatch(/^augur_redis_up 0$/m);
    expect(metrics).toMatch(/^augur_redis_fallbacks_total\{feature="rate_budget"\} [1-9]/m);

    const downMarks = replicas.map((r) => r.logs.length);
    await redis.restart();
    await Promise.all(replicas.map((r, i) => r.waitForLog((l) => l['event'] === 'redis_recovered', 10_000, downMarks[i])));
    const after = await Promise.all(replicas.map((r) => r.gql(CONTACTS, undefined, headers)));
    expect(after.map(outcome)).toEqual(['data', 'data', 'data']);
    // The restarted Redis came back empty: each replica gave it the 6 calls it made within the minute (1 before the
    // outage, 5 during it), then took one more.
    const keys = await windowKeys();
    expect(keys.length).toBe(1);
    expect(Number(await redis.client().hget(keys[0]!, 's'))).toBe(3 * 6 + 3);
    expect(await replicas[0]!.metrics()).toMatch(/^augur_redis_up 1$/m);
    // Previsto never saw a 429 through all of it.
    expect((await upstreams.previstoLog()).filter((e) => e.status === 429)).toEqual([]);
  }, 60_000);

  it('share a breaker opening: faults seen by one replica make the others fail fast without calling their upstream', async () => {
    const predict = '{ predict(endpointName: "churn", features: { name: "Anna Jensen", city: "Aarhus" }) { raw } }';
    const healthy = await replicas[1]!.gql(predict);
    expect(healthy.data?.['predict']?.raw.prediction).toBeDefined();

    upstreams.dataikuA.setFaults({ status: 503 });
    let opened: GraphQLResult | undefined;
    for (let i = 0; i < 5 && !opened; i++) {
      const r = await replicas[0]!.gql(predict);
      if (String(r.errors?.[0]?.message).includes('stopped calling')) opened = r;
    }
    expect(opened?.errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_UNAVAILABLE');
    expect(await redis.client().pttl('augur:breaker:dataiku')).toBeGreaterThan(0);

    await Promise.all(
      replicas.slice(1).map((r) => r.waitForLog((l) => l['event'] === 'breaker_adopted' && l['platform'] === 'dataiku', 2000)),
    );
    const callsBefore = upstreams.dataikuB.requests().total;
    const fast = await replicas[1]!.gql(predict);
    expect(fast.errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_UNAVAILABLE');
    expect(fast.errors?.[0]?.message).toContain('stopped calling');
    expect(upstreams.dataikuB.requests().total).toBe(callsBefore);
    // Other platforms on that replica are unaffected.
    expect(outcome(await replicas[1]!.gql(CONTACTS, undefined, { 'x-previsto-api-key': OUTAGE_KEY }))).toBe('data');

    // After the cooldown each replica probes its own upstream: B is healthy, so replica 2 closes and recovers.
    upstreams.dataikuA.clearFaults();
    await new Promise((r) => setTimeout(r, 4200));
    const recovered = await replicas[1]!.gql(predict);
    expect(recovered.errors).toBeUndefined();
    expect(upstreams.dataikuB.requests().total).toBe(callsBefore + 1);
  }, 30_000);
});
