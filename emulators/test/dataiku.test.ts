import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/framework/emulator.js';
import { hashString } from '../src/framework/util.js';
import {
  DATAIKU_DEMO_API_KEY_2,
  DATAIKU_DEMO_ENDPOINTS,
  dataikuEmulator,
  resolveDataikuOptions,
  demoSalesHistory,
  forecastSales,
  runScore,
  scoreChurn,
  scorePrice,
  scoreUplift,
  seedCustomers,
} from '../src/dataiku/index.js';

const KEY = 'augur-demo-dataiku';
const BASIC = `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`;
const BASE = '/public/api/v1/augur-demo';

/** A Previsto contact's own fields, as the gateway sends them as churn features. */
const ANNA = {
  name: 'Anna Jensen',
  address: 'Kundevej 2',
  postalCode: '4321',
  city: 'Kundeby',
  countryCode: 'DK',
  location: [10.5286863, 56.8039035],
  phone: '+452209876543',
  email: 'anna@jensen.dk',
  notifyBeforeWork: false,
  archived: false,
  accountingMode: null,
  invoiceDelivery: null,
  agentIds: [],
  meta: { hairColor: 'Brown' },
};

const ERROR_KEYS = ['detailedMessage', 'errorType', 'message'];

let emulator: Emulator;
let url = '';

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** Posts like `dataikuapi` does: a JSON string with no Content-Type, Basic `<key>:` auth. */
async function post(
  path: string,
  body: unknown,
  opts: { auth?: string | null; contentType?: string; raw?: string; base?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  const auth = opts.auth === undefined ? BASIC : opts.auth;
  if (auth !== null) headers['authorization'] = auth;
  if (opts.contentType) headers['content-type'] = opts.contentType;
  // A Uint8Array body makes fetch send no Content-Type at all, as `requests` does with `data=json.dumps(...)`.
  const payload = Buffer.from(opts.raw ?? (body === undefined ? '' : JSON.stringify(body)));
  const res = await fetch(`${opts.base ?? url}${path}`, { method: 'POST', headers, body: payload });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const api = (endpoint: string, verb: string, body: unknown, opts?: Parameters<typeof post>[2]): Promise<Answer> =>
  post(`${BASE}/${endpoint}/${verb}`, body, opts);

/** The body `APINodeClient.predict_record` builds. */
function sdkPredict(
  features: Record<string, unknown>,
  o: {
    withExplanations?: boolean;
    method?: string;
    n?: number;
    mc?: number;
    forcedGeneration?: string;
    dispatchKey?: string;
    context?: unknown;
  } = {},
): Record<string, unknown> {
  const obj: Record<string, unknown> = {
    features,
    explanations: {
      enabled: o.withExplanations ?? null,
      method: o.method ?? null,
      nExplanations: o.n ?? null,
      nMonteCarloSteps: o.mc ?? null,
    },
  };
  if (o.context !== undefined) obj['context'] = o.context;
  if (o.forcedGeneration !== undefined) obj['dispatch'] = { forcedGeneration: o.forcedGeneration };
  else if (o.dispatchKey !== undefined) obj['dispatch'] = { dispatchKey: o.dispatchKey };
  return obj;
}

async function counters(): Promise<{ total: number; byRoute: Record<string, number> }> {
  return (await fetch(`${url}/_emulator/requests`)).json() as Promise<{ total: number; byRoute: Record<string, number> }>;
}

function expectError(a: Answer, status: number, typeSuffix: string, pattern?: RegExp): void {
  expect(a.status).toBe(status);
  expect(Object.keys(a.body).sort()).toEqual(ERROR_KEYS);
  expect(a.body.errorType).toMatch(new RegExp(`^com\\.dataiku\\..*${typeSuffix}$`));
  if (pattern) expect(a.body.detailedMessage).toMatch(pattern);
}

beforeAll(async () => {
  emulator = dataikuEmulator.create();
  url = await emulator.listen(0);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe('dataiku emulator: authentication and errors', () => {
  it('answers 401 UnauthorizedException without a key, with a wrong key, and with a raw token', async () => {
    const body = sdkPredict(ANNA);
    expectError(await api('churn', 'predict', body, { auth: null }), 401, 'UnauthorizedException', /HTTP Basic username/);
    const wrongBasic = await api('churn', 'predict', body, { auth: `Basic ${Buffer.from('nope-secret:').toString('base64')}` });
    expectError(wrongBasic, 401, 'UnauthorizedException', /matches no key/);
    expect(JSON.stringify(wrongBasic.body)).not.toContain('nope-secret');
    expectError(await api('churn', 'predict', body, { auth: 'Bearer nope' }), 401, 'UnauthorizedException');
    expectError(await api('churn', 'predict', body, { auth: KEY }), 401, 'UnauthorizedException', /neither Basic nor Bearer/);
  });

  it('accepts the key as the Basic username (blank or any password) and as a Bearer token', async () => {
    expect((await api('churn', 'predict', sdkPredict(ANNA))).status).toBe(200);
    expect((await api('churn', 'predict', sdkPredict(ANNA), { auth: `Bearer ${KEY}` })).status).toBe(200);
    const withPassword = `Basic ${Buffer.from(`${KEY}:ignored`).toString('base64')}`;
    expect((await api('churn', 'predict', sdkPredict(ANNA), { auth: withPassword })).status).toBe(200);
  });

  it("answers another organization's key from its own customers, and everything else as for the first key", async () => {
    const other = `Bearer ${DATAIKU_DEMO_API_KEY_2}`;
    const mine = await api('customers-lookup', 'lookup', { data: { customerId: 'C0001' } });
    const theirs = await api('customers-lookup', 'lookup', { data: { customerId: 'C0001' } }, { auth: other });
    expect(theirs.status).toBe(200);
    expect(theirs.body.results[0].data).not.toEqual(mine.body.results[0].data);
    expect(theirs.body.results[0].data.id).toBe('C0001');
    const scored = await api('churn', 'predict', sdkPredict(ANNA), { auth: other });
    expect(scored.body.result).toEqual((await api('churn', 'predict', sdkPredict(ANNA))).body.result);
  });

  it('answers 404 NotFoundException for an unknown service (whatever the key) and an unknown endpoint', async () => {
    const svc = await post('/public/api/v1/other/churn/predict', sdkPredict(ANNA), { auth: null });
    expectError(svc, 404, 'NotFoundException', /This API node serves "augur-demo"/);
    expect(svc.body.message).toBe('Service not found: other');
    const ep = await api('nope', 'predict', sdkPredict(ANNA));
    expectError(ep, 404, 'NotFoundException', /has: churn, price, sales-forecast, uplift, customers-sql, customers-lookup, score/);
    expect(ep.body.message).toBe('Endpoint not found: nope');
    // Keys guard the whole service: an unknown endpoint is not revealed to a caller without one.
    expectError(await api('nope', 'predict', sdkPredict(ANNA), { auth: null }), 401, 'UnauthorizedException');
  });

  it('answers 400 for malformed JSON, a non-object body, a verb of another endpoint type; 404 for an unknown verb; 405 for GET', async () => {
    expectError(await api('churn', 'predict', undefined, { raw: '{"features": ' }), 400, 'BadRequestException', /Malformed JSON/);
    expectError(await api('churn', 'predict', [1, 2]), 400, 'BadRequestException', /must be a JSON object/);
    expectError(await api('churn', 'predict', undefined), 400, 'BadRequestException', /got nothing/);
    expectError(
      await api('churn', 'query', {}),
      400,
      'BadRequestException',
      /churn is a PREDICTION endpoint and does not answer "query": use predict or predict-multi/,
    );
    expectError(await api('customers-sql', 'predict', sdkPredict(ANNA)), 400, 'BadRequestException', /SQL_QUERY/);
    expectError(await api('churn', 'explain', {}), 404, 'NotFoundException');
    const get = await fetch(`${url}${BASE}/churn/predict`, { headers: { authorization: BASIC } });
    expect(get.status).toBe(405);
    expect(get.headers.get('dss-version')).toBe('13.5.0');
  });

  it('sends DSS-API-Version and DSS-Version on successes, errors and unmatched routes', async () => {
    for (const a of [
      await api('churn', 'predict', sdkPredict(ANNA)),
      await api('churn', 'predict', sdkPredict(ANNA), { auth: null }),
      await post('/nowhere', {}),
    ]) {
      expect(a.headers.get('dss-api-version')).toBe('1');
      expect(a.headers.get('dss-version')).toBe('13.5.0');
    }
    // An injected truncated body still comes with them.
    emulator.setFaults({ malformed: true, count: 1 });
    const truncated = await fetch(`${url}${BASE}/churn/predict`, {
      method: 'POST',
      headers: { authorization: BASIC },
      body: Buffer.from(JSON.stringify(sdkPredict(ANNA))),
    });
    expect(truncated.status).toBe(200);
    expect(truncated.headers.get('dss-api-version')).toBe('1');
    await expect(truncated.json()).rejects.toThrow();
  });

  it('opens the service when no key is configured, and caps multi calls at maxItems', async () => {
    const open = dataikuEmulator.create({ apiKeys: [], maxItems: 2 });
    const base = await open.listen(0);
    try {
      const ok = await post(`${BASE}/churn/predict-multi`, { items: [{ features: ANNA }, { features: {} }] }, { auth: null, base });
      expect(ok.status).toBe(200);
      const tooMany = await post(
        `${BASE}/churn/predict-multi`,
        { items: [{ features: {} }, { features: {} }, { features: {} }] },
        { auth: null, base },
      );
      expectError(tooMany, 400, 'BadRequestException', /holds 3 records; at most 2/);
    } finally {
      await open.close();
    }
  });
});

describe('dataiku emulator: client quirks', () => {
  it('accepts a JSON body without Content-Type on a path with "//" (the SDK with a trailing slash on its base URL)', async () => {
    const body = JSON.stringify(sdkPredict(ANNA));
    const { port } = new URL(url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: `//public/api/v1/augur-demo//churn/predict`, headers: { authorization: BASIC } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      expect(req.getHeader('content-type')).toBeUndefined();
      req.end(body);
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).result.prediction).toBe('stay');
    expect((await counters()).byRoute).toEqual({ 'POST /public/api/v1/{service}/{endpoint}/predict': 1 });
  });

  it('also accepts Content-Type: application/json', async () => {
    const a = await api('churn', 'predict', sdkPredict(ANNA), { contentType: 'application/json' });
    expect(a.status).toBe(200);
    expect(a.body.result).toEqual(scoreChurn(ANNA));
  });

  it('applies no rate limit', async () => {
    const statuses = await Promise.all(Array.from({ length: 60 }, () => api('churn', 'predict', sdkPredict(ANNA)).then((a) => a.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect((await counters()).total).toBe(60);
  });
});

describe('dataiku emulator: bearer tokens [OURS]', () => {
  it('accepts a configured bearer token as Bearer only, and the SDK-style key beside it', async () => {
    expect((await api('churn', 'predict', sdkPredict(ANNA), { auth: 'Bearer augur-demo-dataiku-token' })).status).toBe(200);
    const asBasic = `Basic ${Buffer.from('augur-demo-dataiku-token:').toString('base64')}`;
    expectError(await api('churn', 'predict', sdkPredict(ANNA), { auth: asBasic }), 401, 'UnauthorizedException');
    expect((await api('churn', 'predict', sdkPredict(ANNA))).status).toBe(200);
  });

  it('serves an OAuth2/JWT-only service: keys refused, its tokens accepted; keys alone mean no tokens', async () => {
    const only = dataikuEmulator.create({ apiKeys: [], bearerTokens: ['jwt-1'] });
    const base = await only.listen(0);
    try {
      expect((await post('/public/api/v1/augur-demo/churn/predict', sdkPredict(ANNA), { auth: 'Bearer jwt-1', base })).status).toBe(200);
      expect((await post('/public/api/v1/augur-demo/churn/predict', sdkPredict(ANNA), { auth: BASIC, base })).status).toBe(401);
      expect((await post('/public/api/v1/augur-demo/churn/predict', sdkPredict(ANNA), { auth: null, base })).status).toBe(401);
    } finally {
      await only.close();
    }
    expect(resolveDataikuOptions({ apiKeys: ['k'] }).bearerTokens).toEqual([]);
    expect(resolveDataikuOptions({}).bearerTokens).toEqual(['augur-demo-dataiku-token']);
    expect(dataikuEmulator.optionsFromEnv({ AUGUR_EMULATOR_DATAIKU_BEARER_TOKENS: 'a, b' }).bearerTokens).toEqual(['a', 'b']);
  });
});

describe('dataiku emulator: individual conditional expectations [OURS]', () => {
  it('answers conditionals for each explained feature with ICE, on predict and predict-multi, and none otherwise', async () => {
    const features = { ...ANNA, openInvoices: 40 };
    const a = await api('churn', 'predict', sdkPredict(features, { withExplanations: true, method: 'ICE', n: 3 }));
    expect(a.status).toBe(200);
    const { explanations, conditionals } = a.body.result as {
      explanations: Record<string, number>;
      conditionals: Record<string, Array<{ value: unknown; prediction: number }>>;
    };
    expect(Object.keys(conditionals)).toEqual(Object.keys(explanations));
    for (const [name, points] of Object.entries(conditionals)) {
      const own = (features as Record<string, unknown>)[name];
      for (const p of points)
        expect(p.prediction).toBe((scoreChurn({ ...features, [name]: p.value }) as { probas: Record<string, number> }).probas['churn']);
      if (typeof own === 'number') expect(points.map((p) => p.value)).toEqual([0, own / 2, own, own * 2]);
      else expect(points.map((p) => p.value)).toEqual([null, own]);
    }
    const multi = await api('churn', 'predict-multi', {
      items: [{ features }],
      explanations: { enabled: true, method: 'ICE', nExplanations: 3, nMonteCarloSteps: null },
    });
    expect(multi.body.results[0]).toEqual(a.body.result);
    const shapley = await api('churn', 'predict', sdkPredict(features, { withExplanations: true, method: 'SHAPLEY', n: 3 }));
    expect(shapley.body.result.conditionals).toBeUndefined();
    expect((await api('churn', 'predict', sdkPredict(features))).body.result.conditionals).toBeUndefined();
  });
});

describe('dataiku emulator: predict', () => {
  it('scores a Previsto contact on churn with the {result, timing, apiContext} envelope, nulls meaning defaults', async () => {
    const a = await api('churn', 'predict', sdkPredict(ANNA));
    expect(a.status).toBe(200);
    expect(a.body).toEqual({
      result: { prediction: 'stay', probaPercentile: 20, probas: { churn: 0.197777, stay: 0.802223 }, ignored: false },
      timing: { preProcessing: 12, wait: 3, enrich: 0, preparation: 41, prediction: 87, explanation: 0, postProcessing: 9 },
      apiContext: { serviceId: 'augur-demo', endpointId: 'churn', serviceGeneration: 'v2' },
    });
    expect(a.body.result).toEqual(scoreChurn(ANNA));
  });

  it('is deterministic and reacts to contact fields and extra numeric features', async () => {
    const archived = await api('churn', 'predict', sdkPredict({ ...ANNA, archived: true, email: null }));
    expect(archived.body.result).toEqual({
      prediction: 'churn',
      probaPercentile: 91,
      probas: { churn: 0.900227, stay: 0.099773 },
      ignored: false,
    });
    const extra = await api('churn', 'predict', sdkPredict({ ...ANNA, openInvoices: 250 }));
    expect(extra.body.result.probas.churn).not.toBe(0.197777);
    expect(extra.body.result).toEqual(scoreChurn({ ...ANNA, openInvoices: 250 }));
    expect((await api('churn', 'predict', sdkPredict({ ...ANNA, openInvoices: 250 }))).body).toEqual(extra.body);
  });

  it('answers exactly {ignored, ignoreReason} for a record with empty features', async () => {
    const a = await api('churn', 'predict', sdkPredict({}));
    expect(a.status).toBe(200);
    expect(JSON.stringify(a.body.result)).toBe('{"ignored":true,"ignoreReason":"IGNORED_BY_MODEL"}');
    const nulls = await api('price', 'predict', sdkPredict({ surface: null }));
    expect(nulls.body.result).toStrictEqual({ ignored: true, ignoreReason: 'IGNORED_BY_MODEL' });
  });

  it('adds the top-n explanations when enabled, ICE in logit units and SHAPLEY in probability units', async () => {
    const ice = await api('churn', 'predict', sdkPredict(ANNA, { withExplanations: true }));
    expect(ice.body.result.explanations).toEqual({ agentIds: 0.3, email: -0.3, countryCode: -0.2 });
    expect(ice.body.timing.explanation).toBe(230);
    const one = await api('churn', 'predict', sdkPredict(ANNA, { withExplanations: true, n: 1 }));
    expect(one.body.result.explanations).toEqual({ agentIds: 0.3 });
    const shap = await api('churn', 'predict', sdkPredict(ANNA, { withExplanations: true, method: 'SHAPLEY', mc: 25 }));
    const p = 0.197777;
    expect(shap.body.result.explanations).toEqual({
      agentIds: Math.round(0.3 * p * (1 - p) * 1e6) / 1e6,
      email: Math.round(-0.3 * p * (1 - p) * 1e6) / 1e6,
      countryCode: Math.round(-0.2 * p * (1 - p) * 1e6) / 1e6,
    });
    const off = await api('churn', 'predict', sdkPredict(ANNA, { withExplanations: false, method: 'ICE' }));
    expect(off.body.result).not.toHaveProperty('explanations');
  });

  it('validates the explanations object: method, nExplanations and nMonteCarloSteps 25..1000', async () => {
    expect((await api('churn', 'predict', sdkPredict(ANNA, { withExplanations: true, method: 'SHAPLEY', mc: 1000 }))).status).toBe(200);
    expectError(
      await api('churn', 'predict', sdkPredict(ANNA, { mc: 24 })),
      400,
      'BadRequestException',
      /between 25 and 1000.*got number 24/,
    );
    expectError(await api('churn', 'predict', sdkPredict(ANNA, { mc: 1001 })), 400, 'BadRequestException', /between 25 and 1000/);
    expectError(
      await api('churn', 'predict', sdkPredict(ANNA, { method: 'LIME' })),
      400,
      'BadRequestException',
      /"SHAPLEY", "ICE" or null/,
    );
    expectError(await api('churn', 'predict', sdkPredict(ANNA, { n: 0 })), 400, 'BadRequestException', /nExplanations/);
    expectError(await api('churn', 'predict', { features: ANNA, explanations: { enabled: 'yes' } }), 400, 'BadRequestException', /enabled/);
  });

  it('needs a features object; accepts context', async () => {
    expectError(await api('churn', 'predict', { explanations: {} }), 400, 'BadRequestException', /"features" must be an object/);
    expectError(await api('churn', 'predict', { features: [1] }), 400, 'BadRequestException', /got an array/);
    expect((await api('churn', 'predict', sdkPredict(ANNA, { context: { requestId: 'r1' } }))).status).toBe(200);
    expectError(await api('churn', 'predict', sdkPredict(ANNA, { context: 'r1' })), 400, 'BadRequestException', /context/);
  });

  it('dispatches: forcedGeneration wins, dispatchKey is sticky, unknown generation is a 400', async () => {
    expect((await api('churn', 'predict', sdkPredict(ANNA, { forcedGeneration: 'v1' }))).body.apiContext.serviceGeneration).toBe('v1');
    const both = await api('churn', 'predict', { ...sdkPredict(ANNA), dispatch: { forcedGeneration: 'v1', dispatchKey: 'customer-1' } });
    expect(both.body.apiContext.serviceGeneration).toBe('v1');
    for (const key of ['customer-1', 'customer-2']) {
      const expected = ['v1', 'v2'][hashString(key) % 2];
      const first = await api('churn', 'predict', sdkPredict(ANNA, { dispatchKey: key }));
      const again = await api('churn', 'predict', sdkPredict(ANNA, { dispatchKey: key }));
      expect(first.body.apiContext.serviceGeneration).toBe(expected);
      expect(again.body.apiContext.serviceGeneration).toBe(expected);
    }
    expectError(await api('churn', 'predict', sdkPredict(ANNA, { forcedGeneration: 'v9' })), 400, 'BadRequestException', /"v9".*v1, v2/);
  });

  it('predicts the price regression with only prediction and ignored', async () => {
    const a = await api('price', 'predict', sdkPredict({ surface: 100, rooms: 4, city: 'Aarhus' }));
    expect(a.body.result).toStrictEqual({ prediction: 1323000, ignored: false });
    expect(a.body.apiContext.endpointId).toBe('price');
    const e = await api('price', 'predict', sdkPredict({ surface: 100, rooms: 4, city: 'Aarhus' }, { withExplanations: true, n: 2 }));
    expect(e.body.result.explanations).toEqual({ city: 180000, surface: 225000 });
    // The endpoint's default method is ICE, which brings the explained features' conditional expectations [OURS].
    const { conditionals, ...scored } = e.body.result as Record<string, unknown>;
    expect(scored).toEqual(
      scorePrice({ surface: 100, rooms: 4, city: 'Aarhus' }, { enabled: true, method: 'ICE', nExplanations: 2, nMonteCarloSteps: 100 }),
    );
    expect(Object.keys(conditionals as object).sort()).toEqual(['city', 'surface']);
  });
});

describe('dataiku emulator: predict-multi', () => {
  it('answers one result per item in input order, ignored ones included, with batch timing', async () => {
    const items = [{ features: ANNA }, { features: {}, context: { i: 2 } }, { features: { ...ANNA, archived: true } }];
    const a = await api('churn', 'predict-multi', {
      items,
      explanations: { enabled: null, method: null, nExplanations: null, nMonteCarloSteps: null },
    });
    expect(a.status).toBe(200);
    expect(a.body.results).toEqual([
      scoreChurn(ANNA),
      { ignored: true, ignoreReason: 'IGNORED_BY_MODEL' },
      scoreChurn({ ...ANNA, archived: true }),
    ]);
    expect(a.body.results[0].prediction).toBe('stay');
    expect(a.body.timing).toEqual({
      preProcessing: 15,
      wait: 3,
      enrich: 0,
      preparation: 83,
      prediction: 141,
      explanation: 0,
      postProcessing: 12,
    });
    expect(a.body.apiContext).toEqual({ serviceId: 'augur-demo', endpointId: 'churn', serviceGeneration: 'v2' });
    expect((await counters()).byRoute).toEqual({ 'POST /public/api/v1/{service}/{endpoint}/predict-multi': 1 });
  });

  it('refuses an item without features, a missing items array, and more than 10,000 items', async () => {
    expectError(
      await api('churn', 'predict-multi', { items: [{ features: ANNA }, { context: {} }] }),
      400,
      'BadRequestException',
      /items\[1\] has no "features"/,
    );
    expectError(await api('churn', 'predict-multi', { features: ANNA }), 400, 'BadRequestException', /"items" must be an array/);
    const many = Array.from({ length: 10_000 }, () => ({ features: {} }));
    const ok = await api('churn', 'predict-multi', { items: many });
    expect(ok.status).toBe(200);
    expect(ok.body.results).toHaveLength(10_000);
    expectError(
      await api('churn', 'predict-multi', { items: [...many, { features: {} }] }),
      400,
      'BadRequestException',
      /10001 records; at most 10000/,
    );
  });

  it('applies explanations and dispatch to the whole batch', async () => {
    const a = await api('churn', 'predict-multi', {
      items: [{ features: ANNA }],
      explanations: { enabled: true, method: 'ICE', nExplanations: 2, nMonteCarloSteps: null },
      dispatch: { forcedGeneration: 'v1' },
    });
    expect(a.body.results[0].explanations).toEqual({ agentIds: 0.3, email: -0.3 });
    expect(a.body.apiContext.serviceGeneration).toBe('v1');
  });
});

describe('dataiku emulator: forecast', () => {
  it('forecasts 3 daily steps per store after each store’s last date, with microsecond times', async () => {
    const items = demoSalesHistory();
    const a = await api('sales-forecast', 'forecast', { items });
    expect(a.status).toBe(200);
    expect(a.body.results).toHaveLength(6);
    expect(a.body.results).toEqual(forecastSales(items));
    expect(a.body.results[0]).toEqual({
      forecast: 155.33,
      ignored: false,
      quantiles: [0.0001, 0.5, 0.9999],
      quantilesValues: [127.44, 155.33, 183.23],
      time: '2024-03-15T00:00:00.000000Z',
      timeseriesIdentifier: { store: 'A' },
    });
    expect(a.body.results.map((r: any) => `${r.timeseriesIdentifier.store}@${r.time.slice(0, 10)}`)).toEqual([
      'A@2024-03-15',
      'A@2024-03-16',
      'A@2024-03-17',
      'B@2024-03-15',
      'B@2024-03-16',
      'B@2024-03-17',
    ]);
    expect(a.body.apiContext).toEqual({ serviceId: 'augur-demo', endpointId: 'sales-forecast', serviceGeneration: 'v2' });
  });

  it('starts each series after its own last date, unordered input included', async () => {
    const a = await api('sales-forecast', 'forecast', {
      items: [
        { date: '2015-01-05T00:00:00.000Z', store: 'B', sales: 12 },
        { date: '2015-01-04T00:00:00.000Z', store: 'A', sales: 10 },
        { date: '2015-01-03T00:00:00.000Z', store: 'B', sales: 11 },
      ],
      dispatch: { dispatchKey: 'b' },
    });
    expect(a.body.results.map((r: any) => [r.timeseriesIdentifier.store, r.time])).toEqual([
      ['B', '2015-01-06T00:00:00.000000Z'],
      ['B', '2015-01-07T00:00:00.000000Z'],
      ['B', '2015-01-08T00:00:00.000000Z'],
      ['A', '2015-01-05T00:00:00.000000Z'],
      ['A', '2015-01-06T00:00:00.000000Z'],
      ['A', '2015-01-07T00:00:00.000000Z'],
    ]);
    expect(a.body.results[0].forecast).toBe(13);
    expect(a.body.apiContext.serviceGeneration).toBe(['v1', 'v2'][hashString('b') % 2]);
  });

  it('refuses rows without a store, with a bad date or target, and an empty batch', async () => {
    expectError(
      await api('sales-forecast', 'forecast', { items: [{ date: '2015-01-04T00:00:00.000Z', sales: 1 }] }),
      400,
      'BadRequestException',
      /items\[0\]\.store/,
    );
    expectError(
      await api('sales-forecast', 'forecast', { items: [{ date: 'yesterday', store: 'A', sales: 1 }] }),
      400,
      'BadRequestException',
      /items\[0\]\.date/,
    );
    expectError(
      await api('sales-forecast', 'forecast', { items: [{ date: '2015-01-04', store: 'A', sales: 'x' }] }),
      400,
      'BadRequestException',
      /sales must be a number/,
    );
    expectError(await api('sales-forecast', 'forecast', { items: [] }), 400, 'BadRequestException', /empty/);
    expectError(await api('sales-forecast', 'predict', sdkPredict({})), 400, 'BadRequestException', /FORECAST/);
  });
});

describe('dataiku emulator: predict-effect', () => {
  it('answers {result: {predictedEffect, ignored}} and {results: [...]} in order', async () => {
    const f = { tenureMonths: 6, monthlySpend: 100, channel: 'sms', segment: 'SMB' };
    const one = await api('uplift', 'predict-effect', { features: f });
    expect(one.body.result).toStrictEqual({ predictedEffect: 0.107727, ignored: false });
    expect(one.body.apiContext.endpointId).toBe('uplift');
    const many = await api('uplift', 'predict-effect-multi', {
      items: [{ features: {} }, { features: f, context: {} }],
      dispatch: { forcedGeneration: 'v1' },
    });
    expect(many.body.results).toEqual([{ ignored: true, ignoreReason: 'IGNORED_BY_MODEL' }, scoreUplift(f)]);
    expect(many.body.apiContext.serviceGeneration).toBe('v1');
    expectError(
      await api('uplift', 'predict-effect-multi', { items: [{ data: f }] }),
      400,
      'BadRequestException',
      /items\[0\] has no "features"/,
    );
    expectError(
      await api('uplift', 'predict', sdkPredict(f)),
      400,
      'BadRequestException',
      /CAUSAL_PREDICTION.*predict-effect or predict-effect-multi/,
    );
  });
});

describe('dataiku emulator: SQL query', () => {
  const customers = seedCustomers();

  it('pages the customers: first page of 100, partial last page, past the end', async () => {
    const first = await api('customers-sql', 'query', {});
    expect(first.body.columns).toEqual(['id', 'name', 'email', 'country', 'city', 'segment', 'revenue', 'signup_date']);
    expect(first.body.rows).toHaveLength(100);
    expect(first.body.rows[0]).toEqual([
      'C0001',
      'Camille Jensen',
      'camille.jensen1@example.com',
      'GB',
      'London',
      'SMB',
      '18213.61',
      '2023-12-16',
    ]);
    expect(first.body).not.toHaveProperty('timing');
    const last = await api('customers-sql', 'query', { offset: 100 });
    expect(last.body.rows.map((r: string[]) => r[0])).toEqual(customers.customers.slice(100).map((c) => c.id));
    expect(last.body.rows).toHaveLength(20);
    expect((await api('customers-sql', 'query', { offset: 120, limit: 10 })).body.rows).toEqual([]);
    // An empty body is read as no parameter at all.
    expect((await api('customers-sql', 'query', undefined)).body.rows).toHaveLength(100);
  });

  it('renders every value as a string, null for a missing email', async () => {
    const a = await api('customers-sql', 'query', { offset: 24, limit: 1 });
    expect(a.body.rows).toEqual([['C0025', 'Maja Hansen', null, 'NL', 'Amsterdam', 'ENTERPRISE', '2467826.31', '2020-02-13']]);
    for (const row of (await api('customers-sql', 'query', {})).body.rows as unknown[][]) {
      for (const v of row) expect(v === null || typeof v === 'string').toBe(true);
    }
  });

  it('filters by flat named parameters (numbers may come as strings)', async () => {
    const dk = await api('customers-sql', 'query', { country: 'dk', limit: 3 });
    expect(dk.body.rows.map((r: string[]) => r[0])).toEqual(['C0016', 'C0021', 'C0030']);
    const rich = await api('customers-sql', 'query', {
      segment: 'ENTERPRISE',
      minRevenue: '2000000',
      signedUpAfter: '2022-01-01',
      country: null,
    });
    const expected = customers.customers.filter(
      (c) => c.segment === 'ENTERPRISE' && c.revenue >= 2_000_000 && c.signup_date >= '2022-01-01',
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(rich.body.rows.map((r: string[]) => r[0])).toEqual(expected.map((c) => c.id));
  });

  it('refuses an unknown parameter and out-of-range values', async () => {
    expectError(
      await api('customers-sql', 'query', { city: 'Aarhus' }),
      400,
      'BadRequestException',
      /Unknown parameter "city".*country, segment, minRevenue/,
    );
    expectError(await api('customers-sql', 'query', { limit: 1001 }), 400, 'BadRequestException', /limit.*0\.\.1000/);
    expectError(await api('customers-sql', 'query', { minRevenue: 'lots' }), 400, 'BadRequestException', /minRevenue/);
    expectError(await api('customers-sql', 'query', { signedUpAfter: '01/02/2022' }), 400, 'BadRequestException', /YYYY-MM-DD/);
  });
});

describe('dataiku emulator: dataset lookup', () => {
  it('wraps even the single lookup in results, by customerId or id', async () => {
    const a = await api('customers-lookup', 'lookup', { data: { customerId: 'C0001' } });
    expect(a.body).toEqual({
      results: [
        {
          data: {
            id: 'C0001',
            name: 'Camille Jensen',
            email: 'camille.jensen1@example.com',
            country: 'GB',
            city: 'London',
            segment: 'SMB',
            revenue: 18213.61,
            signup_date: '2023-12-16',
          },
        },
      ],
    });
    expect((await api('customers-lookup', 'lookup', { data: { id: 'C0002' }, context: { by: 'test' } })).body.results[0].data.name).toBe(
      'Lars Lambert',
    );
    expect((await api('customers-lookup', 'lookup', { data: { customerId: 'C9999' } })).body).toStrictEqual({
      results: [{ data: {}, notFound: true }],
    });
  });

  it('answers lookup-multi one result per input, in order, misses included', async () => {
    const a = await api('customers-lookup', 'lookup-multi', {
      items: [{ data: { customerId: 'C0003' } }, { data: { customerId: 'X' } }, { data: { id: 'C0001' } }],
    });
    expect(a.body.results.map((r: any) => r.data.id ?? (r.notFound ? 'missing' : '?'))).toEqual(['C0003', 'missing', 'C0001']);
    expect(a.body.results[1]).toStrictEqual({ data: {}, notFound: true });
  });

  it('refuses records without data or without a key', async () => {
    expectError(await api('customers-lookup', 'lookup', { customerId: 'C0001' }), 400, 'BadRequestException', /"data" must be an object/);
    expectError(await api('customers-lookup', 'lookup', { data: { name: 'x' } }), 400, 'BadRequestException', /"customerId" \(or "id"\)/);
    expectError(
      await api('customers-lookup', 'lookup-multi', { items: [{ data: { id: 'C0001' } }, {}] }),
      400,
      'BadRequestException',
      /items\[1\] must contain a "data" object/,
    );
  });
});

describe('dataiku emulator: function run', () => {
  it('takes flat kwargs and answers {response, timing, apiContext}', async () => {
    const a = await api('score', 'run', { values: [1, 2, 3] });
    expect(a.body).toEqual({
      response: 2,
      timing: { preProcessing: 15, wait: 2, execution: 140, postProcessing: 8 },
      apiContext: { serviceId: 'augur-demo', endpointId: 'score', serviceGeneration: 'v2' },
    });
    const w = await api('score', 'run', { values: [1, 2, 4], weights: [1, 0, 3] });
    expect(w.body.response).toBe(3.25);
    expect(runScore({ values: [1, 2, 4], weights: [1, 0, 3] })).toBe(3.25);
  });

  it('refuses unknown or invalid arguments', async () => {
    expectError(await api('score', 'run', { values: [1], scale: 2 }), 400, 'BadRequestException', /unexpected keyword argument "scale"/);
    expectError(await api('score', 'run', {}), 400, 'BadRequestException', /missing the required argument "values"/);
    expectError(await api('score', 'run', { values: [1, 2], weights: [1] }), 400, 'BadRequestException', /as many entries/);
    expectError(await api('score', 'run', { values: ['a'] }), 400, 'BadRequestException', /finite numbers/);
  });
});

describe('dataiku emulator: faults and control plane', () => {
  const PREDICT = 'POST /public/api/v1/{service}/{endpoint}/predict';

  it('injects a status at a rate on one route, in the Dataiku envelope, and counts every call', async () => {
    emulator.setFaults({ status: 503, rate: 0.5, routes: [PREDICT] });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const a = await api('churn', 'predict', sdkPredict(ANNA));
      statuses.push(a.status);
      if (a.status === 503) {
        expectError(a, 503, 'ServiceUnavailableException');
        expect(a.headers.get('dss-version')).toBe('13.5.0');
      }
    }
    // The framework spreads failures deterministically: with rate 0.5, every second call fails.
    expect(statuses).toEqual([200, 503, 200, 503]);
    expect((await api('churn', 'predict-multi', { items: [] })).status).toBe(200);
    expect(await counters()).toEqual({
      total: 5,
      byRoute: { [PREDICT]: 4, 'POST /public/api/v1/{service}/{endpoint}/predict-multi': 1 },
    });
  });

  it('sends Retry-After with an injected 429', async () => {
    const set = await fetch(`${url}/_emulator/faults`, { method: 'POST', body: JSON.stringify({ status: 429, retryAfter: 7, count: 1 }) });
    expect(set.status).toBe(200);
    const a = await api('customers-lookup', 'lookup', { data: { id: 'C0001' } });
    expectError(a, 429, 'TooManyRequestsException');
    expect(a.headers.get('retry-after')).toBe('7');
    expect((await api('customers-lookup', 'lookup', { data: { id: 'C0001' } })).status).toBe(200);
  });

  it('hangs, resets and sends malformed JSON on request', async () => {
    emulator.setFaults({ hang: true, routes: [PREDICT], count: 1 });
    await expect(
      fetch(`${url}${BASE}/churn/predict`, {
        method: 'POST',
        headers: { authorization: BASIC },
        body: Buffer.from(JSON.stringify(sdkPredict(ANNA))),
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();
    emulator.setFaults({ reset: true, routes: [PREDICT], count: 1 });
    await expect(api('churn', 'predict', sdkPredict(ANNA))).rejects.toThrow();
    emulator.setFaults({ malformed: true, routes: [PREDICT], count: 1 });
    const res = await fetch(`${url}${BASE}/churn/predict`, { method: 'POST', headers: { authorization: BASIC }, body: Buffer.from('{}') });
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
    expect((await api('churn', 'predict', sdkPredict(ANNA))).status).toBe(200);
    expect((await counters()).byRoute[PREDICT]).toBe(4);
    const log = (await (await fetch(`${url}/_emulator/requests?log=1`)).json()) as { log: Array<{ status: number }> };
    expect(log.log.map((l) => l.status)).toEqual([-1, -2, 200, 200]);
  });

  it('delays answers by latencyMs', async () => {
    emulator.setFaults({ latencyMs: 150, routes: ['/public/api/v1/{service}/{endpoint}/run'] });
    const t0 = performance.now();
    const a = await api('score', 'run', { values: [5] });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(a.body.response).toBe(5);
    const t1 = performance.now();
    await api('churn', 'predict', sdkPredict(ANNA));
    expect(performance.now() - t1).toBeLessThan(140);
  });

  it('resets counters and keeps the seeded data identical', async () => {
    const before = (await api('customers-lookup', 'lookup', { data: { id: 'C0042' } })).body;
    await fetch(`${url}/_emulator/reset`, { method: 'POST' });
    expect(await counters()).toEqual({ total: 0, byRoute: {} });
    expect((await api('customers-lookup', 'lookup', { data: { id: 'C0042' } })).body).toEqual(before);
  });

  it('lists one route per verb', () => {
    expect(emulator.routeKeys()).toEqual(
      ['predict', 'predict-multi', 'forecast', 'predict-effect', 'predict-effect-multi', 'query', 'lookup', 'lookup-multi', 'run'].map(
        (v) => `POST /public/api/v1/{service}/{endpoint}/${v}`,
      ),
    );
  });
});

describe('dataikuEmulator module', () => {
  it('reads only its AUGUR_EMULATOR_DATAIKU_* variables, with comma lists', () => {
    expect(dataikuEmulator.platform).toBe('dataiku');
    expect(dataikuEmulator.defaultPort).toBe(4102);
    expect(
      dataikuEmulator.optionsFromEnv({
        AUGUR_EMULATOR_DATAIKU_API_KEY: 'k1, k2,',
        AUGUR_EMULATOR_DATAIKU_SERVICE_ID: 'svc',
        AUGUR_EMULATOR_DATAIKU_GENERATIONS: 'g1,g2,g3',
        AUGUR_EMULATOR_DATAIKU_ACTIVE_GENERATION: 'g2',
        AUGUR_EMULATOR_DATAIKU_MAX_ITEMS: '50',
        AUGUR_EMULATOR_CIVIS_API_KEY: 'other',
      }),
    ).toEqual({ apiKeys: ['k1', 'k2'], serviceId: 'svc', generations: ['g1', 'g2', 'g3'], activeGeneration: 'g2', maxItems: 50 });
    expect(dataikuEmulator.optionsFromEnv({ AUGUR_EMULATOR_DATAIKU_API_KEY: '' })).toEqual({});
    expect(() => dataikuEmulator.optionsFromEnv({ AUGUR_EMULATOR_DATAIKU_MAX_ITEMS: 'many' })).toThrow(/AUGUR_EMULATOR_DATAIKU_MAX_ITEMS/);
    expect(() => dataikuEmulator.create({ generations: ['a'], activeGeneration: 'b' })).toThrow(/activeGeneration/);
  });

  it('describes the demo credentials and endpoints', () => {
    const lines = dataikuEmulator.describe().join('\n');
    expect(lines).toContain('augur-demo-dataiku');
    expect(lines).toContain('/public/api/v1/augur-demo/');
    expect(lines).toContain('customers-lookup (DATASET_LOOKUP)');
    expect(dataikuEmulator.describe({ apiKeys: [] }).join('\n')).toContain('no API key required');
  });

  it('serves a custom service id and key from options', async () => {
    const em = dataikuEmulator.create(
      dataikuEmulator.optionsFromEnv({ AUGUR_EMULATOR_DATAIKU_API_KEY: 'k1,k2', AUGUR_EMULATOR_DATAIKU_SERVICE_ID: 'svc' }),
    );
    const base = await em.listen(0);
    try {
      const a = await post('/public/api/v1/svc/churn/predict', sdkPredict(ANNA), { auth: 'Bearer k2', base });
      expect(a.body.apiContext).toEqual({ serviceId: 'svc', endpointId: 'churn', serviceGeneration: 'v2' });
      expect((await post('/public/api/v1/augur-demo/churn/predict', sdkPredict(ANNA), { auth: 'Bearer k2', base })).status).toBe(404);
      expect((await post('/public/api/v1/svc/churn/predict', sdkPredict(ANNA), { base })).status).toBe(401);
    } finally {
      await em.close();
    }
  });

  it('describes every endpoint type with its verbs', () => {
    expect(Object.fromEntries(DATAIKU_DEMO_ENDPOINTS.map((e) => [e.id, e.type]))).toEqual({
      churn: 'PREDICTION',
      price: 'PREDICTION',
      'sales-forecast': 'FORECAST',
      uplift: 'CAUSAL_PREDICTION',
      'customers-sql': 'SQL_QUERY',
      'customers-lookup': 'DATASET_LOOKUP',
      score: 'FUNCTION',
    });
    expect(seedCustomers().customers.length).toBeGreaterThanOrEqual(100);
  });
});
