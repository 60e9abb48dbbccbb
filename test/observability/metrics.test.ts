import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OperationNameLabels } from '../../src/server/metrics.js';
import { startStack, type TestStack } from '../helpers/stack.js';
import { scrape, value, type Sample } from './prometheus.js';

const PREDICT_MULTI = 'POST /public/api/v1/{service}/{endpoint}/predict-multi';
const SCORED_CONTACTS = `query ScoredContacts { contacts(first: 100) { edges { node { predict(endpointName: "churn") { raw } } } } }`;

/** The change of every sample between two scrapes, keyed `name{labels}`. */
function delta(before: Sample[], after: Sample[]) {
  return (name: string, labels: Record<string, string> = {}): number => value(after, name, labels) - value(before, name, labels);
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

describe('GET /metrics', () => {
  it('serves the Prometheus text format with process metrics and every breaker closed', async () => {
    const res = await fetch(stack.url.replace('/graphql', '/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^# HELP augur_graphql_operations_total /m);
    expect(text).toMatch(/^# TYPE augur_loader_batch_size histogram$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    const samples = await scrape(stack.url);
    for (const platform of ['prevision', 'dataiku', 'civis', 'previsto']) {
      expect(samples.find((s) => s.name === 'augur_circuit_breaker_state' && s.labels['platform'] === platform)?.value).toBe(0);
    }
    expect((await fetch(stack.url.replace('/graphql', '/metrics'), { method: 'POST' })).status).toBe(405);
  });

  it('counts the scored-contacts query: one predict-multi, one GET /contacts, one batch of 100, one ok operation', async () => {
    const before = await scrape(stack.url);
    const r = await stack.gql(SCORED_CONTACTS);
    expect(r.errors).toBeUndefined();
    expect(r.data!.contacts.edges).toHaveLength(100);
    const d = delta(before, await scrape(stack.url));

    // What the metrics say matches what the emulators saw.
    expect((await stack.requests('dataiku')).byRoute).toEqual({ [PREDICT_MULTI]: 1 });
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'GET /contacts': 1 });
    expect(d('augur_upstream_requests_total', { platform: 'dataiku', route: PREDICT_MULTI, status: '200' })).toBe(1);
    expect(d('augur_upstream_requests_total', { platform: 'previsto', route: 'GET /contacts', status: '200' })).toBe(1);
    expect(d('augur_upstream_request_duration_seconds_count', { platform: 'dataiku', route: PREDICT_MULTI })).toBe(1);
    expect(d('augur_upstream_request_duration_seconds_sum', { platform: 'dataiku', route: PREDICT_MULTI })).toBeGreaterThan(0);

    expect(d('augur_loader_batch_size_count', { platform: 'dataiku', loader: 'predict' })).toBe(1);
    expect(d('augur_loader_batch_size_sum', { platform: 'dataiku', loader: 'predict' })).toBe(100);
    expect(d('augur_loader_batch_size_bucket', { platform: 'dataiku', loader: 'predict', le: '50' })).toBe(0);
    expect(d('augur_loader_batch_size_bucket', { platform: 'dataiku', loader: 'predict', le: '100' })).toBe(1);

    expect(d('augur_graphql_operations_total', { operation: 'ScoredContacts', outcome: 'ok' })).toBe(1);
    expect(d('augur_graphql_operation_duration_seconds_count', { operation: 'ScoredContacts' })).toBe(1);
    expect(d('augur_upstream_retries_total', { platform: 'previsto', route: 'GET /contacts' })).toBe(0);
  });

  it('labels outcomes partial and error, counts each retry, and labels failed attempts by status', async () => {
    await stack.faults('previsto', { status: 503, routes: ['GET /contacts'] });
    const before = await scrape(stack.url);
    const partial = await stack.gql(
      `query Mixed { contacts(first: 1) { totalCount } predict(endpointName: "churn", features: { name: "A" }) { raw } }`,
    );
    expect(partial.data!.contacts).toBeNull();
    expect(partial.data!.predict.raw.prediction).toEqual(expect.any(String));
    expect(partial.errors![0]!.extensions!['code']).toBe('UPSTREAM_UNAVAILABLE');
    const failed = await stack.gql(`query Missing { predict(endpointName: "no-such-endpoint", features: { name: "A" }) { raw } }`);
    expect(failed.data!.predict).toBeNull();
    const d = delta(before, await scrape(stack.url));

    const attempts = (await stack.requests('previsto')).byRoute['GET /contacts']!;
    expect(attempts).toBe(3); // AUGUR_RETRY_MAX_ATTEMPTS
    expect(d('augur_upstream_requests_total', { platform: 'previsto', route: 'GET /contacts', status: '503' })).toBe(attempts);
    expect(d('augur_upstream_retries_total', { platform: 'previsto', route: 'GET /contacts' })).toBe(attempts - 1);
    expect(d('augur_graphql_operations_total', { operation: 'Mixed', outcome: 'partial' })).toBe(1);
    expect(d('augur_graphql_operations_total', { operation: 'Missing', outcome: 'error' })).toBe(1);
    expect(d('augur_graphql_operations_total', { operation: 'Missing', outcome: 'ok' })).toBe(0);
  });

  it('bounds operation-name labels: unnamed is anonymous, over-long names and invalid documents are labelled without their text', async () => {
    const long = `Q${'x'.repeat(64)}`;
    const before = await scrape(stack.url);
    await stack.gql(`{ __typename }`);
    await stack.gql(`query ${long} { __typename }`);
    await stack.gql(`query Invalid { noSuchField }`);
    const after = await scrape(stack.url);
    const d = delta(before, after);
    expect(d('augur_graphql_operations_total', { operation: 'anonymous', outcome: 'ok' })).toBe(1);
    expect(d('augur_graphql_operations_total', { operation: 'other', outcome: 'ok' })).toBe(1);
    expect(d('augur_graphql_operations_total', { operation: 'Invalid', outcome: 'error' })).toBe(1);
    expect(after.some((s) => s.labels['operation'] === long)).toBe(false);
  });

  it('counts waits for the client-side rate budget and their total seconds', async () => {
    const limited = await startStack({ env: { PREVISTO_RATE_LIMIT: '2', AUGUR_PREVISTO_RATE_WINDOW_MS: '1500' } });
    try {
      for (let i = 0; i < 3; i++)
        expect(
          (await limited.gql(`{ contacts(first: 1) { totalCount } }`, undefined, { 'x-request-id': `rate-wait-${i}` })).errors,
        ).toBeUndefined();
      const samples = await scrape(limited.url);
      // The operation that waited says so in its log line, by as much as the metric counted.
      const waits = [0, 1, 2].map(
        (i) => limited.logs.find((l) => l['event'] === 'operation' && l['requestId'] === `rate-wait-${i}`)?.['rateLimitWaitMs'],
      );
      expect(waits.slice(0, 2)).toEqual([0, 0]);
      expect(waits[2]).toBeGreaterThan(0);
      expect((await limited.requests('previsto')).byRoute).toEqual({ 'GET /contacts': 3 });
      expect(value(samples, 'augur_rate_limit_waits_total', { platform: 'previsto' })).toBe(1);
      const waited = value(samples, 'augur_rate_limit_wait_seconds_total', { platform: 'previsto' });
      expect(waited).toBeGreaterThan(0);
      // At most the 1.5 s window and the rate budget's margin (two 250 ms buckets).
      expect(waited).toBeLessThanOrEqual(2);
      expect(waits[2]).toBeCloseTo(waited * 1000, 0);
    } finally {
      await limited.close();
    }
  });

  it('reports the circuit breaker state per platform: 2 when open, 0 again once a probe succeeds', async () => {
    const fragile = await startStack({ env: { AUGUR_BREAKER_THRESHOLD: '1', AUGUR_BREAKER_COOLDOWN_MS: '1000' } });
    try {
      await fragile.faults('dataiku', { status: 503 });
      const failed = await fragile.gql(`{ predict(endpointName: "churn", features: { name: "A" }) { raw } }`);
      expect(failed.errors![0]!.extensions!['code']).toBe('UPSTREAM_UNAVAILABLE');
      expect((await fragile.requests('dataiku')).total).toBe(1); // the breaker stopped the retries
      let samples = await scrape(fragile.url);
      expect(value(samples, 'augur_circuit_breaker_state', { platform: 'dataiku' })).toBe(2);
      expect(value(samples, 'augur_circuit_breaker_state', { platform: 'previsto' })).toBe(0);

      await fragile.reset();
      await new Promise((resolve) => setTimeout(resolve, 1050)); // the cooldown, after which one probe may go out
      expect((await fragile.gql(`{ predict(endpointName: "churn", features: { name: "A" }) { raw } }`)).errors).toBeUndefined();
      samples = await scrape(fragile.url);
      expect(value(samples, 'augur_circuit_breaker_state', { platform: 'dataiku' })).toBe(0);
    } finally {
      await fragile.close();
    }
  });

  it('keeps one registry per server: a second server in the process counts only its own operations', async () => {
    const other = await startStack();
    try {
      const before = await scrape(stack.url);
      await other.gql(`query OnlyOther { __typename }`);
      expect(value(await scrape(other.url), 'augur_graphql_operations_total', { operation: 'OnlyOther', outcome: 'ok' })).toBe(1);
      expect(delta(before, await scrape(stack.url))('augur_graphql_operations_total', { operation: 'OnlyOther', outcome: 'ok' })).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('is not served when AUGUR_METRICS=false, while GraphQL still is', async () => {
    const quiet = await startStack({ env: { AUGUR_METRICS: 'false' } });
    try {
      expect((await fetch(quiet.url.replace('/graphql', '/metrics'))).status).toBe(404);
      expect((await quiet.gql(`{ __typename }`)).data).toEqual({ __typename: 'Query' });
    } finally {
      await quiet.close();
    }
  });
});

describe('OperationNameLabels', () => {
  it('labels the first N distinct names as themselves and every later new name as other', () => {
    const labels = new OperationNameLabels(2, 64);
    expect([labels.label('A'), labels.label('B'), labels.label('C'), labels.label('A'), labels.label(null)]).toEqual([
      'A',
      'B',
      'other',
      'A',
      'anonymous',
    ]);
    expect(labels.label('x'.repeat(65))).toBe('other');
  });
});
