import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({
    env: {
      AUGUR_DATAIKU_TIMEOUT_MS: '300',
      AUGUR_PREVISTO_TIMEOUT_MS: '300',
      AUGUR_BREAKER_THRESHOLD: '4',
      AUGUR_BREAKER_COOLDOWN_MS: '400',
      AUGUR_REQUEST_BUDGET_MS: '3000',
      PREVISTO_RATE_LIMIT: '100000',
    },
    emulatorOptions: { previsto: { rateLimitPerMinute: 100_000 } },
  });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

async function log(platform: 'previsto' | 'dataiku' | 'civis' | 'prevision') {
  const url = stack.embedded.emulators[platform]!.url;
  return ((await (await fetch(`${url}/_emulator/requests?log=1`)).json()) as { log: Array<{ at: number; route: string; status: number }> })
    .log;
}

const CONTACTS = `{ contacts(first: 2) { totalCount } }`;
const PREDICT = `{ predict(endpointName: "churn", features: {name: "A"}) { raw } }`;

describe('429 with Retry-After', () => {
  it('waits at least Retry-After before the one retry of an idempotent read, then answers', async () => {
    await stack.faults('previsto', { status: 429, retryAfter: 1, count: 1, routes: ['GET /contacts'] });
    const started = Date.now();
    const r = await stack.gql(CONTACTS);
    expect(r.errors).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const entries = (await log('previsto')).filter((l) => l.route === 'GET /contacts');
    expect(entries.map((e) => e.status)).toEqual([429, 200]);
    expect(entries[1]!.at - entries[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('answers RATE_LIMITED with retryAfter at once when Retry-After exceeds the request budget', async () => {
    await stack.faults('previsto', { status: 429, retryAfter: 30, routes: ['GET /contacts'] });
    const started = Date.now();
    const r = await stack.gql(CONTACTS);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', platform: 'previsto', retryAfter: 30 });
    expect((await stack.requests('previsto')).byRoute['GET /contacts']).toBe(1);
  });
});

describe('5xx bursts, hangs, resets and malformed bodies', () => {
  it('retries a 503 burst on idempotent reads within the retry budget', async () => {
    await stack.faults('previsto', { status: 503, count: 2, routes: ['GET /contacts'] });
    const r = await stack.gql(CONTACTS);
    expect(r.errors).toBeUndefined();
    expect((await stack.requests('previsto')).byRoute['GET /contacts']).toBe(3);
  });

  it('gives up after the attempts allowed and reports UPSTREAM_UNAVAILABLE', async () => {
    await stack.faults('previsto', { status: 503, routes: ['GET /contacts'] });
    const r = await stack.gql(CONTACTS);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', platform: 'previsto', upstreamStatus: 503 });
    expect((await stack.requests('previsto')).byRoute['GET /contacts']).toBe(3);
  });

  it("times out a hanging upstream with UPSTREAM_TIMEOUT and keeps other platforms' data", async () => {
    await stack.faults('dataiku', { hang: true });
    const started = Date.now();
    const r = await stack.gql(`{ predict(endpointName: "churn", features: {name: "A"}) { raw } contacts(first: 1) { totalCount } }`);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', platform: 'dataiku' });
    expect(r.data!.predict).toBeNull();
    expect(r.data!.contacts.totalCount).toBeGreaterThan(0);
  });

  it('retries a connection reset on a read, but never on a create', async () => {
    await stack.faults('previsto', { reset: true, count: 1, routes: ['GET /contacts'] });
    expect((await stack.gql(CONTACTS)).errors).toBeUndefined();
    expect((await stack.requests('previsto')).byRoute['GET /contacts']).toBe(2);
    await stack.faults('previsto', { reset: true, routes: ['POST /contacts'] });
    const w = await stack.gql(`mutation { createContact(input: {name: "Reset"}) { contact { id } } }`);
    expect(w.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', platform: 'previsto' });
    expect((await stack.requests('previsto')).byRoute['POST /contacts']).toBe(1);
  });

  it('reports malformed JSON from each platform as UPSTREAM_ERROR', async () => {
    const cases: Array<['previsto' | 'dataiku' | 'civis' | 'prevision', string]> = [
      ['previsto', CONTACTS],
      ['dataiku', PREDICT],
      ['civis', `{ civis { me { username } } }`],
      ['prevision', `{ prevision { projects(first: 1) { totalCount } } }`],
    ];
    for (const [platform, query] of cases) {
      await stack.faults(platform, { malformed: true });
      const r = await stack.gql(query);
      expect(r.errors?.[0]?.extensions, platform).toMatchObject({ code: 'UPSTREAM_ERROR', platform });
      await stack.faults(platform, []);
    }
  });
});

describe('circuit breaker', () => {
  it('opens after repeated failures, fails fast without calling, leaves other platforms alone, and recovers', async () => {
    // A success first, so failures of earlier tests do not count.
    expect((await stack.gql(PREDICT)).errors).toBeUndefined();
    await stack.reset();
    await stack.faults('dataiku', { status: 500 });
    for (let i = 0; i < 4; i++) await stack.gql(PREDICT);
    const callsWhenOpen = (await stack.requests('dataiku')).total;
    expect(callsWhenOpen).toBe(4);
    const fast = await stack.gql(`{ predict(endpointName: "churn", features: {name: "A"}) { raw } contacts(first: 1) { totalCount } }`);
    expect(fast.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', platform: 'dataiku' });
    expect(fast.errors?.[0]?.message).toMatch(/stopped calling/);
    expect(fast.data!.contacts.totalCount).toBeGreaterThan(0);
    expect((await stack.requests('dataiku')).total).toBe(callsWhenOpen);

    await stack.faults('dataiku', []);
    await new Promise((r) => setTimeout(r, 450));
    const recovered = await stack.gql(PREDICT);
    expect(recovered.errors).toBeUndefined();
    expect((await stack.gql(PREDICT)).errors).toBeUndefined();
  });
});

describe('retry budget', () => {
  it('caps retries across one operation so faults cannot multiply load', async () => {
    const own = await startStack({ env: { AUGUR_RETRY_BUDGET: '2', AUGUR_BREAKER_THRESHOLD: '100' } });
    try {
      await own.faults('dataiku', { status: 503 });
      // Five fields that cannot share a call: without a budget, 5 × 3 attempts = 15 calls.
      const r = await own.gql(`{
        a: predict(endpointName: "churn", features: {name: "A"}) { raw }
        b: predict(endpointName: "price", features: {rooms: 2}) { raw }
        c: predictEffect(endpointName: "uplift", features: {tenureMonths: 3}) { predictedEffect }
        d: lookup(endpointName: "customers-lookup", data: {customerId: "C0001"}) { found }
        e: sqlQuery(endpointName: "customers-sql", parameters: {limit: 1}) { rowCount }
      }`);
      expect(r.errors).toHaveLength(5);
      expect((await own.requests('dataiku')).total).toBe(5 + 2);
    } finally {
      await own.close();
    }
  });
});
