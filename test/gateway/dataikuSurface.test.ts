/**
 * The Dataiku API node's whole surface through GraphQL over HTTP: list inputs chunked into multi calls, bearer tokens
 * per deployment and per caller, the whole prediction result, and dispatch and context on every method taking them.
 * Upstream calls are counted by the emulator and their shape read where Augur hands them to its HTTP layer.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { createDataikuEmulator, lookupCustomer, scoreChurn, scoreUplift, seedCustomers } from '@augur/emulators/dataiku';
import type { Emulator } from '@augur/emulators';
import type { UpstreamRequest } from '../../src/upstreams/http.js';
import { startStack, type TestStack } from '../helpers/stack.js';

const ENDPOINTS = [
  'augur-demo/churn:PREDICTION(name:STRING!,tenure:NUMBER,vip:BOOLEAN,city:STRING)',
  'augur-demo/price:PREDICTION',
  'augur-demo/sales-forecast:FORECAST',
  'augur-demo/uplift:CAUSAL_PREDICTION(tenureMonths:INTEGER!,*)',
  'augur-demo/customers-lookup:DATASET_LOOKUP(customerId:STRING!)',
  'augur-demo/customers-sql:SQL_QUERY',
  'augur-demo/score:FUNCTION',
].join(',');
const ROUTE = (verb: string) => `POST /public/api/v1/{service}/{endpoint}/${verb}`;

let stack: TestStack;
let sent: MockInstance;
beforeAll(async () => {
  stack = await startStack({ env: { AUGUR_DATAIKU_ENDPOINTS: ENDPOINTS, AUGUR_BATCH_SIZE: '4', AUGUR_BREAKER_THRESHOLD: '1000' } });
});
afterAll(() => stack.close());
beforeEach(async () => {
  await stack.reset();
  const http = (stack.augur.services.dataiku as unknown as { http: { request: (r: UpstreamRequest) => unknown } }).http;
  sent = vi.spyOn(http, 'request');
});
afterEach(() => sent.mockRestore());

/** What Augur sent to Dataiku, in order: the verb and the JSON body. */
const bodies = () =>
  sent.mock.calls.map(([r]) => {
    const req = r as UpstreamRequest;
    return { verb: req.path.split('/').pop()!, body: req.body as Record<string, any>, authorization: req.authorization };
  });

const people = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ name: `Person ${i}`, tenure: i * 3, city: i % 2 ? 'Aarhus' : 'Odense' }));

describe('Query.predictRecords', () => {
  it('scores any number of records in multi calls of AUGUR_BATCH_SIZE, in input order, with per-record context', async () => {
    const records = people(10).map((features, i) => (i === 3 ? { features, context: { channel: 'web' } } : { features }));
    const r = await stack.gql(
      `query($r: [RecordInput!]!) { predictRecords(endpointName: "churn", records: $r, dispatch: {forcedGeneration: "v1"}) {
        ignored raw result { ... on ClassificationResult { predictedClass probabilities { label probability } } } } }`,
      { r: records },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.predictRecords.map((p: any) => p.raw)).toEqual(records.map((x) => scoreChurn(x.features)));
    expect((await stack.requests('dataiku')).byRoute).toEqual({ [ROUTE('predict-multi')]: 3 });
    const calls = bodies();
    expect(calls.map((c) => c.body.items.length)).toEqual([4, 4, 2]);
    expect(calls.flatMap((c) => c.body.items)).toEqual(records);
    for (const c of calls) {
      expect(c.body.dispatch).toEqual({ forcedGeneration: 'v1' });
      expect(c.body.explanations).toEqual({ enabled: null, method: null, nExplanations: null, nMonteCarloSteps: null });
    }
  });

  it('joins the records of the same endpoint and options across fields, sends one record alone to predict, and dedupes', async () => {
    const [a, b] = people(2);
    const r = await stack.gql(
      `query($a: JSONObject!, $r: [RecordInput!]!) { one: predict(endpointName: "churn", features: $a) { ignored } many: predictRecords(endpointName: "churn", records: $r) { ignored } }`,
      { a, r: [{ features: a }, { features: b }, { features: b }] },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.many).toHaveLength(3);
    expect(bodies().map((c) => [c.verb, c.body.items?.length])).toEqual([['predict-multi', 2]]);
    const single = await stack.gql(`query($r: [RecordInput!]!) { predictRecords(endpointName: "churn", records: $r) { ignored } }`, {
      r: [{ features: a, context: { channel: 'app' } }],
    });
    expect(single.errors).toBeUndefined();
    expect(bodies().at(-1)).toMatchObject({ verb: 'predict', body: { features: a, context: { channel: 'app' } } });
    const none = await stack.gql(`{ predictRecords(endpointName: "churn", records: []) { ignored } }`);
    expect(none.data).toEqual({ predictRecords: [] });
    expect(sent).toHaveBeenCalledTimes(2);
  });

  it('fails a record the declared inputs refuse alone, with its own errors, and sends the others', async () => {
    const good = people(3);
    const r = await stack.gql(`query($r: [RecordInput!]!) { predictRecords(endpointName: "churn", records: $r) { raw } }`, {
      r: [{ features: good[0] }, { features: { tenure: 'long' } }, { features: good[1] }, { features: good[2] }],
    });
    expect(r.data!.predictRecords.map((p: any) => p?.raw ?? null)).toEqual([
      scoreChurn(good[0]!),
      null,
      scoreChurn(good[1]!),
      scoreChurn(good[2]!),
    ]);
    expect(r.errors!.map((e) => [e.path, e.extensions?.['field'], e.extensions?.['code']])).toEqual([
      [['predictRecords', 1], ['records', 1, 'features', 'name'], 'BAD_USER_INPUT'],
      [['predictRecords', 1], ['records', 1, 'features', 'tenure'], 'BAD_USER_INPUT'],
    ]);
    expect(bodies().map((c) => c.body.items)).toEqual([good.map((features) => ({ features }))]);
  });

  it('nulls the records of a failed call with one error listing their paths, and leaves the other chunks', async () => {
    await stack.faults('dataiku', { status: 500, routes: [ROUTE('predict-multi')], count: 1 });
    const r = await stack.gql(`query($r: [RecordInput!]!) { predictRecords(endpointName: "churn", records: $r) { ignored } }`, {
      r: people(6).map((features) => ({ features })),
    });
    const values = r.data!.predictRecords as Array<unknown>;
    expect(values.filter((v) => v === null)).toHaveLength(4);
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', platform: 'dataiku', upstreamStatus: 500 });
    expect((r.errors![0]!.extensions!['paths'] as unknown[]).length).toBe(4);
    // A failed last chunk keeps its place too: one item per record, whatever settles first.
    await stack.reset();
    await stack.faults('dataiku', { status: 500, routes: [ROUTE('predict')] });
    const tail = await stack.gql(`query($r: [RecordInput!]!) { predictRecords(endpointName: "churn", records: $r) { ignored } }`, {
      r: people(5).map((features) => ({ features })),
    });
    expect(tail.data!.predictRecords).toEqual([{ ignored: false }, { ignored: false }, { ignored: false }, { ignored: false }, null]);
    expect(tail.errors!.map((e) => e.path)).toEqual([['predictRecords', 4]]);
  });

  it('refuses bad arguments before any call', async () => {
    const cases = [
      [`{ predictRecords(endpointName: "uplift", records: [{features: {a: 1}}]) { ignored } }`, /CAUSAL_PREDICTION/],
      [
        `{ predictRecords(endpointName: "churn", records: [{features: {name: "a"}}], explanations: {nMonteCarloSteps: 5}) { ignored } }`,
        /nMonteCarloSteps/,
      ],
      [
        `{ predictRecords(endpointName: "churn", records: [{features: {name: "a"}}], dispatch: {forcedGeneration: "v1", dispatchKey: "k"}) { ignored } }`,
        /dispatch/,
      ],
    ] as const;
    for (const [q, message] of cases) {
      const r = await stack.gql(q);
      expect(r.data?.predictRecords ?? null).toBeNull();
      expect(r.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0]?.message).toMatch(message);
    }
    expect((await stack.requests('dataiku')).total).toBe(0);
  });
});

describe('Query.predictEffects and Query.lookupRecords', () => {
  it('predicts effects for a list in order, chunked, with dispatch and per-record context', async () => {
    const records = Array.from({ length: 5 }, (_, i) => ({ features: { tenureMonths: i * 6, plan: 'basic' }, context: { i: String(i) } }));
    const r = await stack.gql(
      `query($r: [RecordInput!]!) { predictEffects(endpointName: "uplift", records: $r, dispatch: {dispatchKey: "k1"}) { predictedEffect ignored raw } }`,
      { r: records },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.predictEffects.map((e: any) => e.raw)).toEqual(records.map((x) => scoreUplift(x.features)));
    expect((await stack.requests('dataiku')).byRoute).toEqual({ [ROUTE('predict-effect-multi')]: 1, [ROUTE('predict-effect')]: 1 });
    // The last chunk holds one record, which goes to the single-record verb.
    expect(bodies().map((c) => c.body)).toEqual([
      { items: records.slice(0, 4), dispatch: { dispatchKey: 'k1' } },
      { ...records[4], dispatch: { dispatchKey: 'k1' } },
    ]);
  });

  it('looks up a list of lines in order, found and not found, with per-record context, one error per line at fault', async () => {
    const customers = seedCustomers();
    const ids = customers.customers.slice(0, 3).map((c) => c.id);
    const records = [
      ...ids.map((customerId) => ({ data: { customerId }, context: { why: 'audit' } })),
      { data: { customerId: 'nobody' } },
      { data: {} },
    ];
    const r = await stack.gql(
      `query($r: [LookupRecordInput!]!) { lookupRecords(endpointName: "customers-lookup", records: $r) { found data } }`,
      {
        r: records,
      },
    );
    expect(r.data!.lookupRecords.slice(0, 4)).toEqual([
      ...ids.map((customerId) => ({ found: true, data: lookupCustomer(customers, { customerId }).data })),
      { found: false, data: {} },
    ]);
    expect(r.data!.lookupRecords[4]).toBeNull();
    expect(r.errors!.map((e) => [e.path, e.extensions?.['field']])).toEqual([
      [
        ['lookupRecords', 4],
        ['records', 4, 'data', 'customerId'],
      ],
    ]);
    expect(bodies().map((c) => [c.verb, c.body.items])).toEqual([['lookup-multi', records.slice(0, 4)]]);
  });
});

describe('Prediction.conditionals', () => {
  it('types the individual conditional expectations ICE explanations bring, and keeps the whole result in raw', async () => {
    const features = { name: 'Ada', tenure: 12, city: 'Aarhus' };
    const r = await stack.gql(
      `query($f: JSONObject!) { predict(endpointName: "churn", features: $f, explanations: {enabled: true, method: ICE, nExplanations: 2}) {
        explanations { feature value } conditionals { feature points { value prediction } } raw } }`,
      { f: features },
    );
    expect(r.errors).toBeUndefined();
    const p = r.data!.predict;
    const upstream = p.raw as {
      conditionals: Record<string, Array<{ value: unknown; prediction: number }>>;
      explanations: Record<string, number>;
    };
    expect(Object.keys(upstream.conditionals)).toEqual(Object.keys(upstream.explanations));
    expect(p.conditionals).toEqual(Object.entries(upstream.conditionals).map(([feature, points]) => ({ feature, points })));
    const tenure = p.conditionals.find((c: any) => c.feature === 'tenure');
    if (tenure) expect(tenure.points.map((x: any) => x.value)).toEqual([0, 6, 12, 24]);
    expect(bodies()[0]!.body.explanations).toEqual({ enabled: true, method: 'ICE', nExplanations: 2, nMonteCarloSteps: null });
    const plain = await stack.gql(`query($f: JSONObject!) { predict(endpointName: "churn", features: $f) { conditionals { feature } } }`, {
      f: features,
    });
    expect(plain.data!.predict.conditionals).toEqual([]);
  });
});

describe('dispatch and context on every method that takes them', () => {
  it('sends them on predict, predictEffect, lookup and forecast', async () => {
    const q = `{
      predict(endpointName: "churn", features: {name: "A"}, dispatch: {dispatchKey: "d"}, context: {c: 1}) { ignored }
      predictEffect(endpointName: "uplift", features: {tenureMonths: 3}, dispatch: {forcedGeneration: "v1"}, context: {c: 2}) { ignored }
      lookup(endpointName: "customers-lookup", data: {customerId: "x"}, context: {c: 3}) { found }
      forecast(endpointName: "sales-forecast", records: [{date: "2024-01-01", store: "A", sales: 1}], dispatch: {forcedGeneration: "v2"}) { ignored }
    }`;
    const r = await stack.gql(q);
    const byVerb = Object.fromEntries(bodies().map((c) => [c.verb, c.body]));
    expect(byVerb['predict']).toMatchObject({ features: { name: 'A' }, dispatch: { dispatchKey: 'd' }, context: { c: 1 } });
    expect(byVerb['predict-effect']).toEqual({ features: { tenureMonths: 3 }, dispatch: { forcedGeneration: 'v1' }, context: { c: 2 } });
    expect(byVerb['lookup']).toEqual({ data: { customerId: 'x' }, context: { c: 3 } });
    expect(byVerb['forecast']).toMatchObject({ dispatch: { forcedGeneration: 'v2' } });
    expect(r.data!.predict).not.toBeNull();
    expect(r.data!.predictEffect).not.toBeNull();
    expect(r.data!.lookup).toEqual({ found: false });
  });

  it('maps a generation the API node does not have to BAD_USER_INPUT', async () => {
    const r = await stack.gql(
      `{ predictEffects(endpointName: "uplift", records: [{features: {tenureMonths: 1}}], dispatch: {forcedGeneration: "v9"}) { ignored } }`,
    );
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', platform: 'dataiku', upstreamStatus: 400 });
  });
});

describe('bearer tokens per caller', () => {
  it("sends the caller's x-dataiku-bearer-token as Bearer instead of the configured API key", async () => {
    const r = await stack.gql(`{ predict(endpointName: "churn", features: {name: "A"}) { ignored } }`, undefined, {
      'x-dataiku-bearer-token': 'augur-demo-dataiku-token',
    });
    expect(r.errors).toBeUndefined();
    expect(bodies()[0]!.authorization).toBe('Bearer augur-demo-dataiku-token');
  });

  it('answers UNAUTHENTICATED for a token the API node refuses, without echoing it, and refuses a malformed one before any call', async () => {
    const wrong = await stack.gql(`{ predict(endpointName: "churn", features: {name: "A"}) { ignored } }`, undefined, {
      'x-dataiku-bearer-token': 'not-a-valid-token-42',
    });
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', platform: 'dataiku', upstreamStatus: 401 });
    expect(JSON.stringify(wrong)).not.toContain('not-a-valid-token-42');
    await stack.reset();
    const malformed = await stack.gql(`{ predict(endpointName: "churn", features: {name: "A"}) { ignored } }`, undefined, {
      'x-dataiku-bearer-token': 'has space',
    });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', platform: 'dataiku' });
    expect((await stack.requests('dataiku')).total).toBe(0);
  });

  it("prefers the caller's API key when it sends both", async () => {
    await stack.gql(`{ predict(endpointName: "churn", features: {name: "A"}) { ignored } }`, undefined, {
      'x-dataiku-api-key': 'augur-demo-dataiku',
      'x-dataiku-bearer-token': 'augur-demo-dataiku-token',
    });
    expect(bodies()[0]!.authorization).toBe(`Basic ${Buffer.from('augur-demo-dataiku:').toString('base64')}`);
  });
});

describe('bearer token per deployment', () => {
  let node: Emulator;
  let own: TestStack;
  beforeAll(async () => {
    // A service set up for OAuth2/JWT only: no API key works.
    node = createDataikuEmulator({ apiKeys: [], bearerTokens: ['deployment-token-1'] });
    const url = await node.listen(0, '127.0.0.1');
    own = await startStack({
      env: { DATAIKU_APINODE_URL: url, AUGUR_DATAIKU_ENDPOINTS: 'augur-demo/churn:PREDICTION', DATAIKU_BEARER_TOKEN: 'deployment-token-1' },
    });
  });
  afterAll(async () => {
    await own.close();
    await node.close();
  });

  it('calls with DATAIKU_BEARER_TOKEN when no API key is configured, and a caller key replaces it', async () => {
    const r = await own.gql(`{ predict(endpointName: "churn", features: {name: "A"}) { raw } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!.predict.raw).toEqual(scoreChurn({ name: 'A' }));
    const replaced = await own.gql(`{ predict(endpointName: "churn", features: {name: "A"}) { raw } }`, undefined, {
      'x-dataiku-api-key': 'some-other-key',
    });
    expect(replaced.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', upstreamStatus: 401 });
    const log = (await (await fetch(`${node.url}/_emulator/requests`)).json()) as { total: number };
    expect(log.total).toBe(2);
  });
});
