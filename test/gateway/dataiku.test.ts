import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  scoreChurn,
  scorePrice,
  scoreUplift,
  forecastSales,
  demoSalesHistory,
  runScore,
  seedCustomers,
  lookupCustomer,
} from '@augur/emulators/dataiku';
import { startStack, type TestStack } from '../helpers/stack.js';

const PREDICT = 'POST /public/api/v1/{service}/{endpoint}/predict';
const PREDICT_MULTI = 'POST /public/api/v1/{service}/{endpoint}/predict-multi';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

const ANNA = { name: 'Anna Jensen', city: 'Kundeby', countryCode: 'DK', email: 'anna@jensen.dk', archived: false };

describe('Query.endpoints', () => {
  it('lists the configured Dataiku endpoints as a connection with exact pageInfo, without any upstream call', async () => {
    const r = await stack.gql(
      `{ endpoints(platform: DATAIKU, first: 3) { totalCount edges { cursor node { id name serviceId type platform } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`,
    );
    expect(r.errors).toBeUndefined();
    const c = r.data!.endpoints;
    expect(c.totalCount).toBe(7);
    expect(c.edges.map((e: any) => e.node.name)).toEqual(['churn', 'price', 'sales-forecast']);
    expect(c.edges[0].node).toMatchObject({ serviceId: 'augur-demo', type: 'PREDICTION', platform: 'DATAIKU' });
    expect(c.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = await stack.gql(
      `query($a: String) { endpoints(platform: DATAIKU, first: 10, after: $a) { edges { node { name } } pageInfo { hasNextPage hasPreviousPage } } }`,
      { a: c.pageInfo.endCursor },
    );
    expect(next.data!.endpoints.edges.map((e: any) => e.node.name)).toEqual(['uplift', 'customers-sql', 'customers-lookup', 'score']);
    expect(next.data!.endpoints.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
    const back = await stack.gql(
      `{ endpoints(platform: DATAIKU, last: 2) { edges { node { name } } pageInfo { hasNextPage hasPreviousPage } } }`,
    );
    expect(back.data!.endpoints.edges.map((e: any) => e.node.name)).toEqual(['customers-lookup', 'score']);
    expect(back.data!.endpoints.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
    const typed = await stack.gql(`{ endpoints(type: FORECAST) { totalCount edges { node { name } } } }`);
    expect(typed.data!.endpoints.edges.map((e: any) => e.node.name)).toEqual(['sales-forecast']);
    expect((await stack.requests('dataiku')).total).toBe(0);
  });

  it('resolves endpoint ids through node(id) and endpoint(id)', async () => {
    const r = await stack.gql(`{ endpoints(platform: DATAIKU, first: 1) { edges { node { id } } } }`);
    const id = r.data!.endpoints.edges[0].node.id;
    const n = await stack.gql(
      `query($id: ID!) { node(id: $id) { id ... on Endpoint { name platformId } } endpoint(id: $id) { name } byName: endpoint(name: "augur-demo/price") { name } }`,
      { id },
    );
    expect(n.data).toEqual({
      node: { id, name: 'churn', platformId: 'augur-demo/churn' },
      endpoint: { name: 'churn' },
      byName: { name: 'price' },
    });
    const both = await stack.gql(`query($id: ID!) { endpoint(id: $id, name: "price") { name } }`, { id });
    expect(both.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: ['endpoint'] } });
    const notGlobal = await stack.gql(`{ endpoint(id: "augur-demo/price") { name } }`);
    expect(notGlobal.errors?.[0]?.message).toMatch(/not a valid Augur id/);
    expect((await stack.requests('dataiku')).total).toBe(0);
  });
});

describe('Query.predict', () => {
  it('scores one record with one /predict call and maps probabilities', async () => {
    const r = await stack.gql(
      `query($f: JSONObject!) { predict(endpointName: "churn", features: $f) { result { __typename ... on ClassificationResult { predictedClass probabilities { label probability } probabilityPercentile } } ignored explanations { feature } raw } }`,
      { f: ANNA },
    );
    expect(r.errors).toBeUndefined();
    const expected = scoreChurn(ANNA) as { prediction: string; probas: Record<string, number>; probaPercentile: number };
    expect(r.data!.predict).toEqual({
      result: {
        __typename: 'ClassificationResult',
        predictedClass: expected.prediction,
        probabilities: Object.entries(expected.probas).map(([label, probability]) => ({ label, probability })),
        probabilityPercentile: expected.probaPercentile,
      },
      ignored: false,
      explanations: [],
      raw: expected,
    });
    expect((await stack.requests('dataiku')).byRoute).toEqual({ [PREDICT]: 1 });
  });

  it('batches 50 aliased predicts on one endpoint into one predict-multi call and dedupes identical records', async () => {
    const fields = Array.from(
      { length: 50 },
      (_, i) =>
        `p${i}: predict(endpointName: "churn", features: {name: "C${i % 40}", archived: ${i % 2 === 0}}) { result { ... on ClassificationResult { predictedClass probabilities { probability } } } }`,
    );
    const r = await stack.gql(`{ ${fields.join('\n')} }`);
    expect(r.errors).toBeUndefined();
    expect(Object.keys(r.data!)).toHaveLength(50);
    expect(r.data!['p3'].result.predictedClass).toBe((scoreChurn({ name: 'C3', archived: false }) as { prediction: string }).prediction);
    expect((await stack.requests('dataiku')).byRoute).toEqual({ [PREDICT_MULTI]: 1 });
  });

  it('keeps different options and endpoints in separate batches', async () => {
    const r = await stack.gql(`{
      a: predict(endpointName: "churn", features: {name: "A"}) { ignored }
      b: predict(endpointName: "churn", features: {name: "B"}) { ignored }
      c: predict(endpointName: "churn", features: {name: "C"}, explanations: {enabled: true, method: SHAPLEY}) { explanations { feature value } }
      d: predict(endpointName: "price", features: {surface: 100, rooms: 4, city: "Aarhus"}) { result { __typename ... on RegressionResult { predictedValue } } }
    }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!['c'].explanations.length).toBeGreaterThan(0);
    expect(r.data!['d'].result).toEqual({
      __typename: 'RegressionResult',
      predictedValue: (scorePrice({ surface: 100, rooms: 4, city: 'Aarhus' }) as { prediction: number }).prediction,
    });
    expect((await stack.requests('dataiku')).byRoute).toEqual({ [PREDICT_MULTI]: 1, [PREDICT]: 2 });
  });

  it('reports an ignored record', async () => {
    const r = await stack.gql(
      `{ predict(endpointName: "churn", features: {}) { ignored result { __typename ... on IgnoredRecord { reason } } } }`,
    );
    expect(r.data!.predict).toEqual({ ignored: true, result: { __typename: 'IgnoredRecord', reason: 'IGNORED_BY_MODEL' } });
  });

  it('rejects bad options, wrong endpoint types and unknown endpoints before any upstream call', async () => {
    const cases: Array<[string, RegExp]> = [
      [`{ predict(endpointName: "churn", features: {a: 1}, explanations: {nMonteCarloSteps: 10}) { ignored } }`, /between 25 and 1000/],
      [
        `{ predict(endpointName: "churn", features: {a: 1}, dispatch: {forcedGeneration: "v1", dispatchKey: "k"}) { ignored } }`,
        /not both/,
      ],
      [`{ predict(endpointName: "sales-forecast", features: {a: 1}) { ignored } }`, /FORECAST endpoint/],
      [`{ predict(endpointName: "nope", features: {a: 1}) { ignored } }`, /No configured endpoint "nope"/],
      [`{ predict(endpoint: "Zm9v", features: {a: 1}) { ignored } }`, /not a valid Augur id/],
      [`{ predict(features: {a: 1}) { ignored } }`, /Pass endpoint \(a global id/],
    ];
    for (const [query, message] of cases) {
      const r = await stack.gql(query);
      expect(r.errors?.[0]?.message).toMatch(message);
      expect(['BAD_USER_INPUT', 'NOT_FOUND']).toContain(r.errors?.[0]?.extensions?.['code']);
      expect(r.data).toEqual({ predict: null });
    }
    const malformedJson = await stack.gql(`{ predict(endpointName: "churn", features: [1, 2]) { ignored } }`);
    expect(malformedJson.errors?.[0]?.extensions?.['code']).toMatch(/GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT/);
    expect((await stack.requests('dataiku')).total).toBe(0);
  });

  it('passes dispatch and context through', async () => {
    const r = await stack.gql(
      `{ predict(endpointName: "churn", features: {name: "X"}, dispatch: {forcedGeneration: "v1"}, context: {channel: "web"}) { ignored } }`,
    );
    expect(r.errors).toBeUndefined();
    const bad = await stack.gql(
      `{ predict(endpointName: "churn", features: {name: "X"}, dispatch: {forcedGeneration: "v9"}) { ignored } }`,
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', platform: 'dataiku', upstreamStatus: 400 });
  });
});

describe('Query.forecast', () => {
  it('forecasts each time series with quantiles', async () => {
    const history = demoSalesHistory();
    const r = await stack.gql(
      `query($r: [JSONObject!]!) { forecast(endpointName: "sales-forecast", records: $r) { time value quantiles { level value } timeseriesIdentifier ignored raw } }`,
      { r: history },
    );
    expect(r.errors).toBeUndefined();
    const expected = forecastSales(history);
    expect(r.data!.forecast).toHaveLength(expected.length);
    const first = r.data!.forecast[0];
    expect(first.value).toBe(expected[0]!.forecast);
    expect(first.raw).toEqual(expected[0]);
    expect(first.quantiles.map((q: any) => q.value)).toEqual(expected[0]!.quantilesValues);
    expect(first.time).toBe(new Date(expected[0]!.time).toISOString());
    expect(new Set(r.data!.forecast.map((f: any) => JSON.stringify(f.timeseriesIdentifier))).size).toBeGreaterThanOrEqual(2);
    expect((await stack.requests('dataiku')).byRoute).toEqual({ 'POST /public/api/v1/{service}/{endpoint}/forecast': 1 });
  });
});

describe('predictEffect, lookup, sqlQuery and runFunction', () => {
  it('batches predictEffect into predict-effect-multi', async () => {
    const f1 = { tenureMonths: 6, monthlySpend: 100, channel: 'sms', segment: 'SMB' };
    const r = await stack.gql(
      `query($a: JSONObject!) { a: predictEffect(endpointName: "uplift", features: $a) { predictedEffect ignored } b: predictEffect(endpointName: "uplift", features: {tenureMonths: 20}) { predictedEffect } }`,
      { a: f1 },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!['a'].predictedEffect).toBe((scoreUplift(f1) as { predictedEffect: number }).predictedEffect);
    expect((await stack.requests('dataiku')).byRoute).toEqual({ 'POST /public/api/v1/{service}/{endpoint}/predict-effect-multi': 1 });
  });

  it('batches lookups into lookup-multi and reports misses', async () => {
    const table = seedCustomers();
    const r = await stack.gql(
      `{ a: lookup(endpointName: "customers-lookup", data: {customerId: "C0001"}) { found data } b: lookup(endpointName: "customers-lookup", data: {customerId: "NOPE"}) { found data } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!['a']).toEqual({ found: true, data: lookupCustomer(table, { customerId: 'C0001' }).data });
    expect(r.data!['b']).toEqual({ found: false, data: {} });
    expect((await stack.requests('dataiku')).byRoute).toEqual({ 'POST /public/api/v1/{service}/{endpoint}/lookup-multi': 1 });
  });

  it('runs a SQL query with typed columns and rows', async () => {
    const r = await stack.gql(
      `{ sqlQuery(endpointName: "customers-sql", parameters: {country: "DK", limit: 3}) { rowCount columns { name index } rows { values record value(column: "country") } } }`,
    );
    expect(r.errors).toBeUndefined();
    const q = r.data!.sqlQuery;
    expect(q.rowCount).toBe(3);
    expect(q.columns[0]).toEqual({ name: 'id', index: 0 });
    expect(q.rows.every((row: any) => row.value === 'DK' && row.record.country === 'DK')).toBe(true);
    await stack.reset();
    // The endpoint declares its parameters: an unknown one is refused by Augur, naming it, before any call.
    const bad = await stack.gql(`{ sqlQuery(endpointName: "customers-sql", parameters: {bogus: 1, limit: "3"}) { rowCount } }`);
    expect(bad.errors?.map((e) => [e.extensions?.['field'], e.extensions?.['reason']])).toEqual([
      [['parameters', 'bogus'], 'unknown'],
      [['parameters', 'limit'], 'type'],
    ]);
    expect((await stack.requests('dataiku')).total).toBe(0);
  });

  it('runs a function through Mutation.runFunction, never retried', async () => {
    const r = await stack.gql(
      `mutation { runFunction(input: {endpointName: "score", arguments: {values: [1, 2, 3]}}) { response userErrors { field } } }`,
    );
    expect(r.data).toEqual({ runFunction: { response: runScore({ values: [1, 2, 3] }), userErrors: [] } });
    await stack.faults('dataiku', { status: 503, routes: ['POST /public/api/v1/{service}/{endpoint}/run'] });
    const failed = await stack.gql(`mutation { runFunction(input: {endpointName: "score", arguments: {values: [1]}}) { response } }`);
    expect(failed.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', platform: 'dataiku', upstreamStatus: 503 });
    expect((await stack.requests('dataiku')).byRoute['POST /public/api/v1/{service}/{endpoint}/run']).toBe(2);
  });
});

describe('Dataiku error mapping', () => {
  it('maps 401 from a bad per-request key to UNAUTHENTICATED for Dataiku fields only', async () => {
    const r = await stack.gql(`{ predict(endpointName: "churn", features: {name: "A"}) { ignored } platforms { kind } }`, undefined, {
      'x-dataiku-api-key': 'wrong-key-123',
    });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', platform: 'dataiku', upstreamStatus: 401 });
    expect(r.data!.predict).toBeNull();
    expect(r.data!.platforms).toHaveLength(4);
    expect(JSON.stringify(r)).not.toContain('wrong-key-123');
  });

  it('rejects a malformed credential header without calling Dataiku', async () => {
    const r = await stack.gql(`{ predict(endpointName: "churn", features: {name: "A"}) { ignored } }`, undefined, {
      'x-dataiku-api-key': 'has space',
    });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', platform: 'dataiku' });
    expect((await stack.requests('dataiku')).total).toBe(0);
  });

  it('maps 404, 429 and 5xx', async () => {
    const q = `{ predict(endpointName: "churn", features: {name: "A"}) { ignored } }`;
    await stack.faults('dataiku', { status: 404 });
    expect((await stack.gql(q)).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', upstreamStatus: 404 });
    await stack.faults('dataiku', { status: 403 });
    expect((await stack.gql(q)).errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', upstreamStatus: 403 });
    await stack.faults('dataiku', { status: 400 });
    expect((await stack.gql(q)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', upstreamStatus: 400 });
    await stack.faults('dataiku', { status: 429, retryAfter: 30 });
    expect((await stack.gql(q)).errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', upstreamStatus: 429, retryAfter: 30 });
    await stack.faults('dataiku', { status: 500 });
    expect((await stack.gql(q)).errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstreamStatus: 500 });
    await stack.faults('dataiku', { malformed: true });
    expect((await stack.gql(q)).errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', platform: 'dataiku' });
  });

  it('retries an idempotent predict once on 503 and succeeds', async () => {
    await stack.faults('dataiku', { status: 503, count: 1 });
    const r = await stack.gql(`{ predict(endpointName: "churn", features: {name: "A"}) { ignored } }`);
    expect(r.errors).toBeUndefined();
    expect((await stack.requests('dataiku')).byRoute).toEqual({ [PREDICT]: 2 });
  });
});
