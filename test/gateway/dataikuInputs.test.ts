import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runScore } from '@augur/emulators/dataiku';
import { parseConfig } from '../../src/server/config.js';
import { parseDataikuEndpoints, parseDataikuEndpointsFile } from '../../src/server/config/dataiku.js';
import { ConfigError } from '../../src/server/config/env.js';
import { startStack, type TestStack } from '../helpers/stack.js';

/** The demo service's endpoints, declared with typed inputs as an operator would. */
const ENDPOINTS = [
  'augur-demo/churn:PREDICTION(name:STRING!,tenure:NUMBER,vip:BOOLEAN)',
  'augur-demo/price:PREDICTION',
  'augur-demo/sales-forecast:FORECAST(date:DATE!,store:STRING,sales:NUMBER!)',
  'augur-demo/uplift:CAUSAL_PREDICTION(tenureMonths:INTEGER!,*)',
  'augur-demo/customers-lookup:DATASET_LOOKUP(customerId:STRING!)',
  'augur-demo/customers-sql:SQL_QUERY(country:STRING,limit:INTEGER)',
  'augur-demo/score:FUNCTION(values:ARRAY!,weights:ARRAY)',
].join(',');

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ env: { AUGUR_DATAIKU_ENDPOINTS: ENDPOINTS } });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

const fields = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
  (r.errors ?? []).map((e) => [e.extensions?.['field'], e.extensions?.['reason'], e.extensions?.['code']]);

describe('declared endpoint inputs', () => {
  it('shows each endpoint its declared inputs and whether it takes others', async () => {
    const r = await stack.gql(
      `{ endpoints(platform: DATAIKU) { nodes { name inputFeatures { name type required } acceptsUnknownFeatures } } }`,
    );
    const byName = Object.fromEntries(r.data!.endpoints.nodes.map((n: any) => [n.name, n]));
    expect(byName['churn']).toEqual({
      name: 'churn',
      inputFeatures: [
        { name: 'name', type: 'STRING', required: true },
        { name: 'tenure', type: 'NUMBER', required: false },
        { name: 'vip', type: 'BOOLEAN', required: false },
      ],
      acceptsUnknownFeatures: false,
    });
    expect(byName['price']).toEqual({ name: 'price', inputFeatures: [], acceptsUnknownFeatures: true });
    expect(byName['uplift'].acceptsUnknownFeatures).toBe(true);
  });

  it('refuses a PREDICTION record with one error per feature at fault, before any call', async () => {
    const r = await stack.gql(`{ predict(endpointName: "churn", features: {tenure: "long", vip: true, shoeSize: 42}) { ignored } }`);
    expect(r.data).toEqual({ predict: null });
    expect(fields(r)).toEqual([
      [['features', 'shoeSize'], 'unknown', 'BAD_USER_INPUT'],
      [['features', 'name'], 'required', 'BAD_USER_INPUT'],
      [['features', 'tenure'], 'type', 'BAD_USER_INPUT'],
    ]);
    expect(r.errors!.map((e) => e.message)).toEqual([
      'Endpoint augur-demo/churn does not take the feature "shoeSize"; it takes name, tenure, vip.',
      'Endpoint augur-demo/churn requires the feature "name" (a string); it is missing.',
      'The feature "tenure" of endpoint augur-demo/churn must be a number, got a string: "long".',
    ]);
    expect(r.errors!.every((e) => JSON.stringify(e.path) === '["predict"]')).toBe(true);
    expect((await stack.requests('dataiku')).total).toBe(0);

    const ok = await stack.gql(`{ predict(endpointName: "churn", features: {name: "Anna", tenure: 12, vip: null}) { ignored } }`);
    expect(ok.errors).toBeUndefined();
    expect((await stack.requests('dataiku')).total).toBe(1);
  });

  it('lets any feature through to an endpoint that declares none', async () => {
    const r = await stack.gql(
      `{ predict(endpointName: "price", features: {surface: 100, anything: "goes"}) { result { ... on RegressionResult { predictedValue } } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.predict.result.predictedValue).toEqual(expect.any(Number));
  });

  it("sends only a contact's declared fields and merges one override's error across every contact into one", async () => {
    const ok = await stack.gql(`{ contacts(first: 30) { nodes { predict(endpointName: "churn", features: {tenure: 3}) { ignored } } } }`);
    expect(ok.errors).toBeUndefined();
    expect((await stack.requests('dataiku')).byRoute).toEqual({ 'POST /public/api/v1/{service}/{endpoint}/predict-multi': 1 });
    await stack.reset();

    const bad = await stack.gql(`{ contacts(first: 30) { nodes { predict(endpointName: "churn", features: {vip: "yes"}) { ignored } } } }`);
    expect(bad.errors).toHaveLength(1);
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: ['features', 'vip'], reason: 'type' });
    expect(bad.errors![0]!.extensions!['paths']).toEqual(Array.from({ length: 30 }, (_, i) => ['contacts', 'nodes', i, 'predict']));
    expect(bad.errors![0]!.path).toEqual(['contacts', 'nodes', 0, 'predict']);
    expect((await stack.requests('dataiku')).total).toBe(0);
  });

  it('checks each history row of a FORECAST, naming the row', async () => {
    const rows = [
      { date: '2024-03-01', store: 'A', sales: 10 },
      { store: 'A', sales: 11 },
      { date: 'March 3rd', store: 'A', sales: 12 },
    ];
    const r = await stack.gql(`query($r: [JSONObject!]!) { forecast(endpointName: "sales-forecast", records: $r) { value } }`, { r: rows });
    expect(fields(r)).toEqual([
      [['records', 1, 'date'], 'required', 'BAD_USER_INPUT'],
      [['records', 2, 'date'], 'type', 'BAD_USER_INPUT'],
    ]);
    expect((await stack.requests('dataiku')).total).toBe(0);
  });

  it('checks CAUSAL_PREDICTION features, letting undeclared ones through when the endpoint says so', async () => {
    const r = await stack.gql(
      `{ predictEffect(endpointName: "uplift", features: {tenureMonths: 1.5, channel: "sms"}) { predictedEffect } }`,
    );
    expect(fields(r)).toEqual([[['features', 'tenureMonths'], 'type', 'BAD_USER_INPUT']]);
    const ok = await stack.gql(
      `{ predictEffect(endpointName: "uplift", features: {tenureMonths: 6, channel: "sms"}) { predictedEffect raw } }`,
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.predictEffect.raw).toMatchObject({ ignored: false });
    expect((await stack.requests('dataiku')).total).toBe(1);
  });

  it('checks DATASET_LOOKUP keys and SQL_QUERY parameters', async () => {
    const lookup = await stack.gql(`{ lookup(endpointName: "customers-lookup", data: {id: "C0001"}) { found } }`);
    expect(fields(lookup)).toEqual([
      [['data', 'id'], 'unknown', 'BAD_USER_INPUT'],
      [['data', 'customerId'], 'required', 'BAD_USER_INPUT'],
    ]);
    const sql = await stack.gql(`{ sqlQuery(endpointName: "customers-sql", parameters: {limit: 2.5}) { rowCount } }`);
    expect(fields(sql)).toEqual([[['parameters', 'limit'], 'type', 'BAD_USER_INPUT']]);
    expect((await stack.requests('dataiku')).total).toBe(0);
    const ok = await stack.gql(`{ sqlQuery(endpointName: "customers-sql", parameters: {limit: 2}) { rowCount } }`);
    expect(ok.data).toEqual({ sqlQuery: { rowCount: 2 } });
  });

  it("answers a FUNCTION's argument problems as userErrors under input.arguments, without calling it", async () => {
    const r = await stack.gql(
      `mutation { runFunction(input: {endpointName: "score", arguments: {weights: "heavy"}}) { response userErrors { field code message } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.runFunction).toEqual({
      response: null,
      userErrors: [
        {
          field: ['input', 'arguments', 'values'],
          code: 'REQUIRED',
          message: 'Endpoint augur-demo/score requires the argument "values" (an array); it is missing.',
        },
        {
          field: ['input', 'arguments', 'weights'],
          code: 'INVALID',
          message: 'The argument "weights" of endpoint augur-demo/score must be an array, got a string: "heavy".',
        },
      ],
    });
    const none = await stack.gql(`mutation { runFunction(input: {arguments: {values: [1]}}) { userErrors { field code } } }`);
    expect(none.data!.runFunction.userErrors).toEqual([{ field: ['input', 'endpoint'], code: 'REQUIRED' }]);
    expect((await stack.requests('dataiku')).total).toBe(0);
    const ok = await stack.gql(
      `mutation { runFunction(input: {endpointName: "score", arguments: {values: [1, 2]}}) { response userErrors { field } } }`,
    );
    expect(ok.data!.runFunction).toEqual({ response: runScore({ values: [1, 2] }), userErrors: [] });
  });
});

describe('Dataiku endpoint configuration', () => {
  it('reads typed inputs inline, with required inputs and the option to take undeclared ones', () => {
    expect(parseDataikuEndpoints('fraud/score:PREDICTION(age:NUMBER!, city:string, *),fraud/sales:FORECAST,x/y:FUNCTION()')).toEqual([
      {
        serviceId: 'fraud',
        endpointId: 'score',
        type: 'PREDICTION',
        inputs: [
          { name: 'age', type: 'NUMBER', required: true },
          { name: 'city', type: 'STRING', required: false },
        ],
        acceptsUnknown: true,
      },
      { serviceId: 'fraud', endpointId: 'sales', type: 'FORECAST', inputs: [], acceptsUnknown: true },
      { serviceId: 'x', endpointId: 'y', type: 'FUNCTION', inputs: [], acceptsUnknown: false },
    ]);
  });

  it('reads an endpoint file', () => {
    const file = JSON.stringify({
      endpoints: [
        { service: 'fraud', endpoint: 'score', type: 'PREDICTION', inputs: [{ name: 'age', type: 'INTEGER', required: true }] },
        { service: 'fraud', endpoint: 'free', type: 'PREDICTION', acceptUnknownInputs: false },
      ],
    });
    expect(parseDataikuEndpointsFile(file)).toEqual([
      {
        serviceId: 'fraud',
        endpointId: 'score',
        type: 'PREDICTION',
        inputs: [{ name: 'age', type: 'INTEGER', required: true }],
        acceptsUnknown: false,
      },
      { serviceId: 'fraud', endpointId: 'free', type: 'PREDICTION', inputs: [], acceptsUnknown: false },
    ]);
    const config = parseConfig({ AUGUR_DATAIKU_ENDPOINTS_FILE: '/etc/augur/endpoints.json' }, (path) => {
      expect(path).toBe('/etc/augur/endpoints.json');
      return file;
    });
    expect(config.dataiku.endpoints?.map((e) => e.endpointId)).toEqual(['score', 'free']);
  });

  it('names the variable, the entry and what it expected when a declaration is wrong', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => parseDataikuEndpoints('a/b:PREDICTION(age:NUMBR)'), /entry "a\/b" has unknown input type "NUMBR"; expected one of NUMBER/],
      [() => parseDataikuEndpoints('a/b:PREDICTION(age)'), /inputs must look like "name:TYPE"/],
      [() => parseDataikuEndpoints('a/b:PREDICTION(a:NUMBER,a:STRING)'), /declares the input "a" twice/],
      [() => parseDataikuEndpointsFile('{"endpoints": [{"service": "a", "endpoint": "b"}]}'), /endpoints\[0\] needs "type"/],
      [() => parseDataikuEndpointsFile('nope'), /AUGUR_DATAIKU_ENDPOINTS_FILE is not valid JSON/],
      [() => parseConfig({ AUGUR_DATAIKU_ENDPOINTS: 'a/b:PREDICTION', AUGUR_DATAIKU_ENDPOINTS_FILE: 'x' }), /not both/],
      [
        () =>
          parseConfig({ AUGUR_DATAIKU_ENDPOINTS_FILE: '/nope.json' }, () => {
            throw new Error('ENOENT');
          }),
        /names "\/nope.json", which cannot be read: ENOENT/,
      ],
    ];
    for (const [run, message] of cases) {
      expect(run).toThrow(ConfigError);
      expect(run).toThrow(message);
    }
  });
});
