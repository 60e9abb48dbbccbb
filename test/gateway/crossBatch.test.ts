/**
 * Cross-operation batching over GraphQL over HTTP: single predictions of concurrent operations leave as Dataiku
 * `predict-multi` calls, each operation gets its own record's prediction, nothing waits at low load, credentials are
 * never mixed, and a batch the upstream refuses is sent again per operation. Calls are counted by the emulator.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '../helpers/stack.js';

const PREDICT = 'query Predict($f: JSONObject!) { predict(endpointName: "churn", features: $f) { raw } }';
const features = (i: number) => ({ name: `Customer ${i}`, city: i % 2 ? 'Aarhus' : 'Odense', archived: i % 3 === 0 });

const stacks: TestStack[] = [];
afterAll(async () => {
  await Promise.all(stacks.map((s) => s.close()));
});
async function stack(env: Record<string, string> = {}): Promise<TestStack> {
  const s = await startStack({ env: { AUGUR_CROSS_BATCH: 'true', AUGUR_SHARE_READS: 'true', ...env } });
  stacks.push(s);
  return s;
}
const byRoute = async (s: TestStack) => (await s.requests('dataiku')).byRoute;
const SINGLE = 'POST /public/api/v1/{service}/{endpoint}/predict';
const MULTI = 'POST /public/api/v1/{service}/{endpoint}/predict-multi';

describe('cross-operation batching', () => {
  it('answers 50 concurrent single predictions with a few predict-multi calls, each with its own prediction', async () => {
    const s = await stack();
    // Each prediction alone, one after the other: the reference answers (and nothing batches at low load).
    const alone = [];
    for (let i = 0; i < 50; i++) alone.push((await s.gql(PREDICT, { f: features(i) })).data);
    expect((await byRoute(s))[SINGLE]).toBe(50);
    await s.reset();
    // A slow upstream keeps the first call in flight while the other operations arrive.
    await s.faults('dataiku', { latencyMs: 1000, routes: [SINGLE, MULTI] });
    const together = await Promise.all(Array.from({ length: 50 }, (_, i) => s.gql(PREDICT, { f: features(i) })));
    for (const r of together) expect(r.errors).toBeUndefined();
    expect(together.map((r) => r.data)).toEqual(alone);
    const routes = await byRoute(s);
    const calls = (routes[SINGLE] ?? 0) + (routes[MULTI] ?? 0);
    expect(calls).toBeLessThanOrEqual(10);
    expect(routes[MULTI]).toBeGreaterThanOrEqual(1);
    const metrics = await (await fetch(s.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(metrics).toMatch(/augur_cross_operation_batch_operations_count\{platform="dataiku",verb="predict"\} [1-9]/);
  });

  it('sends one call per operation when AUGUR_CROSS_BATCH is off', async () => {
    const s = await stack({ AUGUR_CROSS_BATCH: 'false' });
    await s.faults('dataiku', { latencyMs: 100, routes: [SINGLE, MULTI] });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => s.gql(PREDICT, { f: features(i) })));
    for (const r of results) expect(r.errors).toBeUndefined();
    const routes = await byRoute(s);
    expect(routes[SINGLE]).toBe(20);
    expect(routes[MULTI]).toBeUndefined();
  });

  it('never puts two credentials in one batch: a key the upstream refuses never rides on a good one', async () => {
    const s = await stack();
    await s.faults('dataiku', { latencyMs: 200, routes: [SINGLE, MULTI] });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => s.gql(PREDICT, { f: features(i) }, i % 2 ? { 'x-dataiku-api-key': 'not-a-dataiku-key' } : {})),
    );
    results.forEach((r, i) => {
      if (i % 2) expect(r.errors?.[0]?.extensions?.['code'], JSON.stringify(r)).toBe('UNAUTHENTICATED');
      else expect(r.errors).toBeUndefined();
    });
  });

  it('sends a refused batch again per operation, so one failure fails only its own caller', async () => {
    const s = await stack();
    await s.faults('dataiku', { latencyMs: 200, routes: [SINGLE] });
    const first = s.gql(PREDICT, { f: features(0) });
    await new Promise((r) => setTimeout(r, 50));
    // The shared batch is refused once; each operation's own retry then succeeds.
    await s.faults('dataiku', { status: 400, count: 1, routes: [MULTI] });
    const rest = await Promise.all(Array.from({ length: 5 }, (_, i) => s.gql(PREDICT, { f: features(i + 1) })));
    expect((await first).errors).toBeUndefined();
    const failed = rest.filter((r) => r.errors);
    // At most the operation whose own call met the single injected failure fails; the others all answer.
    expect(failed.length).toBeLessThanOrEqual(1);
    const routes = await byRoute(s);
    expect(routes[MULTI]).toBeGreaterThanOrEqual(1);
  });
});
