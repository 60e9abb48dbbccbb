/**
 * Internal to the Dataiku emulator: the user API route table, authentication, request validation and the error
 * envelope. `index.ts` is the public entry point.
 */
import type { EmulatorReply, EmulatorRequest, RouteDef } from '../framework/emulator.js';
import { EmulatorError } from '../framework/emulator.js';
import { hashString, readCredential } from '../framework/util.js';
import type { CustomerTable } from './customers.js';
import { lookupCustomer, queryCustomers } from './customers.js';
import type { DataikuEndpointDescription } from './endpoints.js';
import { DATAIKU_DEMO_ENDPOINTS, DATAIKU_VERBS } from './endpoints.js';
import type { ResolvedExplanations } from './models.js';
import { forecastSales, NO_EXPLANATIONS, runScore, SALES_FORECAST_SPEC, scoreChurn, scorePrice, scoreUplift } from './models.js';
import type {
  ApiContext,
  CausalResult,
  ConditionalPoint,
  DataikuErrorBody,
  DataikuVerb,
  Features,
  ForecastResult,
  FunctionTiming,
  IgnoredResult,
  LookupResult,
  PredictionResult,
  PredictionTiming,
  SqlQueryResponse,
} from './types.js';

/** Options after defaults, as the routes use them. */
export interface DataikuRuntime {
  apiKeys: readonly string[];
  /** [OURS] Tokens accepted as `Bearer <token>` only (a service set up for OAuth2/JWT). */
  bearerTokens: readonly string[];
  serviceId: string;
  generations: readonly string[];
  activeGeneration: string;
  maxItems: number;
  customers: CustomerTable;
  /** Keys of other organizations with their own customers (accepted like `apiKeys`). */
  keyCustomers?: ReadonlyMap<string, CustomerTable>;
}

/** The key a request presents (Basic username or Bearer token), when it has one. */
function presentedKey(req: EmulatorRequest): string | undefined {
  const cred = readCredential(req.headers);
  return cred.scheme === 'basic' ? cred.username : cred.scheme === 'bearer' ? cred.token : undefined;
}

const EXC = 'com.dataiku.dip.exceptions.';

/** [OURS] errorType per status; the SDK only prints it, the gateway branches on the HTTP status. */
const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: `${EXC}BadRequestException`,
  401: `${EXC}UnauthorizedException`,
  403: `${EXC}ForbiddenException`,
  404: `${EXC}NotFoundException`,
  405: `${EXC}MethodNotAllowedException`,
  413: `${EXC}PayloadTooLargeException`,
  429: `${EXC}TooManyRequestsException`,
  503: `${EXC}ServiceUnavailableException`,
};

/**
 * Builds the error envelope `{errorType, message, detailedMessage}`. `extra.errorType` and `extra.detailedMessage`
 * override the defaults (the detailed message is what `DataikuException` prints).
 */
export function dataikuErrorReply(status: number, message: string, extra: Record<string, unknown>): EmulatorReply {
  const errorType =
    typeof extra['errorType'] === 'string'
      ? extra['errorType']
      : (ERROR_TYPES[status] ?? (status >= 500 ? `${EXC}InternalServerErrorException` : `${EXC}CodedException`));
  const detailedMessage = typeof extra['detailedMessage'] === 'string' ? extra['detailedMessage'] : message;
  const body: DataikuErrorBody = { errorType, message, detailedMessage };
  return { status, body };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * The `before` hook: an unknown service is a 404 whatever the key (keys belong to a service), then the key must
 * match. Basic `<key>:` (the SDK's form), `Bearer <key>` and `Bearer <token>` of a configured bearer token are accepted; with
 * neither keys nor tokens configured the service is open.
 */
export function dataikuAuth(rt: DataikuRuntime): (req: EmulatorRequest) => EmulatorReply | undefined {
  const keys = new Set([...rt.apiKeys, ...(rt.keyCustomers?.keys() ?? [])]);
  // The exact header strings the SDK produces, so the common case is one Set lookup with no base64 decoding.
  const accepted = new Set<string>();
  for (const k of keys) {
    accepted.add(`Basic ${Buffer.from(`${k}:`).toString('base64')}`);
    accepted.add(`Bearer ${k}`);
  }
  for (const t of rt.bearerTokens) accepted.add(`Bearer ${t}`);
  return (req) => {
    const service = req.params['service'];
    if (service !== rt.serviceId) {
      throw new EmulatorError(404, `Service not found: ${service}`, {
        detailedMessage: `Service not found: ${service}. This API node serves "${rt.serviceId}": call /public/api/v1/${rt.serviceId}/{endpoint}/{verb}.`,
      });
    }
    if (keys.size === 0 && rt.bearerTokens.length === 0) return undefined;
    const header = req.headers.authorization;
    if (header !== undefined && accepted.has(header)) return undefined;
    const cred = readCredential(req.headers);
    if (cred.scheme === 'basic' && keys.has(cred.username)) return undefined;
    if (cred.scheme === 'bearer' && keys.has(cred.token)) return undefined;
    if (cred.scheme === 'none') {
      throw new EmulatorError(401, 'No API key', {
        detailedMessage: `No API key: service ${rt.serviceId} requires one. Send it as the HTTP Basic username with a blank password, or as "Authorization: Bearer <key>".`,
      });
    }
    const what = cred.scheme === 'raw' ? 'Authorization header (neither Basic nor Bearer)' : `${cred.scheme} credential`;
    throw new EmulatorError(401, `Invalid API key for service ${rt.serviceId}`, {
      detailedMessage: `Invalid API key for service ${rt.serviceId}: the ${what} matches no key of this service. Check the key configured for it.`,
    });
  };
}

/** How each kind of endpoint answers its verbs. */
type Impl =
  | { kind: 'predict'; score(features: Features, e: ResolvedExplanations): PredictionResult; defaults: ResolvedExplanations }
  | { kind: 'effect'; score(features: Features): CausalResult | IgnoredResult }
  | { kind: 'forecast'; forecast(items: ReadonlyArray<Record<string, unknown>>): ForecastResult[] }
  | { kind: 'query'; query(params: Record<string, unknown>): SqlQueryResponse }
  | { kind: 'lookup'; lookup(data: Record<string, unknown>, where: string): LookupResult }
  | { kind: 'run'; run(kwargs: Record<string, unknown>): unknown };

interface Endpoint {
  desc: DataikuEndpointDescription;
  impl: Impl;
}

/** The prediction an individual conditional expectation follows: the first class's probability, or the value. */
function pointOf(result: PredictionResult): number | undefined {
  if (result.ignored) return undefined;
  if ('probas' in result) return Object.values(result.probas)[0];
  return result.prediction;
}

/**
 * [OURS] With ICE explanations enabled, the result also carries `conditionals`: for each explained feature, the
 * prediction with that feature set to a few values (0, half, itself and double for a number; missing and itself
 * otherwise), every other feature unchanged.
 */
function withConditionals(
  score: (features: Features, e: ResolvedExplanations) => PredictionResult,
): (features: Features, e: ResolvedExplanations) => PredictionResult {
  return (features, e) => {
    const result = score(features, e);
    if (result.ignored || !e.enabled || e.method !== 'ICE' || !result.explanations) return result;
    const conditionals: Record<string, ConditionalPoint[]> = {};
    for (const name of Object.keys(result.explanations)) {
      const own = features[name];
      const values: unknown[] =
        typeof own === 'number' ? [...new Set([0, own / 2, own, own * 2])].sort((a, b) => a - b) : own == null ? [null] : [null, own];
      conditionals[name] = values.flatMap((value) => {
        const prediction = pointOf(score({ ...features, [name]: value }, NO_EXPLANATIONS));
        return prediction === undefined ? [] : [{ value, prediction }];
      });
    }
    return { ...result, conditionals };
  };
}

function defaultsOf(desc: DataikuEndpointDescription): ResolvedExplanations {
  const e = desc.explanations ?? { enabled: false, method: 'ICE', nExplanations: 3, nMonteCarloSteps: 100 };
  return Object.freeze({ ...e }) as ResolvedExplanations;
}

function implementations(customers: CustomerTable): Map<string, Endpoint> {
  const byId = new Map(DATAIKU_DEMO_ENDPOINTS.map((d) => [d.id, d]));
  const get = (id: string): DataikuEndpointDescription => byId.get(id)!;
  const list: Endpoint[] = [
    { desc: get('churn'), impl: { kind: 'predict', score: withConditionals(scoreChurn), defaults: defaultsOf(get('churn')) } },
    { desc: get('price'), impl: { kind: 'predict', score: withConditionals(scorePrice), defaults: defaultsOf(get('price')) } },
    { desc: get('sales-forecast'), impl: { kind: 'forecast', forecast: (items) => forecastSales(items, SALES_FORECAST_SPEC) } },
    { desc: get('uplift'), impl: { kind: 'effect', score: scoreUplift } },
    { desc: get('customers-sql'), impl: { kind: 'query', query: (p) => queryCustomers(customers, p) } },
    { desc: get('customers-lookup'), impl: { kind: 'lookup', lookup: (d, where) => lookupCustomer(customers, d, where) } },
    { desc: get('score'), impl: { kind: 'run', run: runScore } },
  ];
  return new Map(list.map((e) => [e.desc.id, e]));
}

const SINGLE_TIMING: PredictionTiming = Object.freeze({
  preProcessing: 12,
  wait: 3,
  enrich: 0,
  preparation: 41,
  prediction: 87,
  explanation: 0,
  postProcessing: 9,
});
const SINGLE_TIMING_EXPLAINED: PredictionTiming = Object.freeze({ ...SINGLE_TIMING, explanation: 230 });

/** [OURS] Deterministic microsecond timings that grow with the batch, so tests can assert them exactly. */
export function predictionTiming(n: number, explained: boolean): PredictionTiming {
  if (n === 1) return explained ? SINGLE_TIMING_EXPLAINED : SINGLE_TIMING;
  return {
    preProcessing: 12 + n,
    wait: 3,
    enrich: 0,
    preparation: 20 + 21 * n,
    prediction: 60 + 27 * n,
    explanation: explained ? 230 * n : 0,
    postProcessing: 9 + n,
  };
}

const RUN_TIMING: FunctionTiming = Object.freeze({ preProcessing: 15, wait: 2, execution: 140, postProcessing: 8 });

/** Builds one route per verb, so counters read e.g. `POST /public/api/v1/{service}/{endpoint}/predict-multi`. */
export function dataikuRoutes(rt: DataikuRuntime): RouteDef[] {
  const endpoints = implementations(rt.customers);
  // Another organization's key reads its own customers through the same endpoints.
  const keyEndpoints = new Map([...(rt.keyCustomers ?? [])].map(([key, table]) => [key, implementations(table)] as const));
  const generationSet = new Set(rt.generations);

  const endpointFor = (req: EmulatorRequest, verb: DataikuVerb): Endpoint => {
    const id = req.params['endpoint']!;
    const key = keyEndpoints.size > 0 ? presentedKey(req) : undefined;
    const ep = ((key !== undefined && keyEndpoints.get(key)) || endpoints).get(id);
    if (!ep) {
      throw new EmulatorError(404, `Endpoint not found: ${id}`, {
        detailedMessage: `Endpoint not found: ${id}. Service ${rt.serviceId} has: ${[...endpoints.keys()].join(', ')}.`,
      });
    }
    if (!ep.desc.verbs.includes(verb)) {
      throw new EmulatorError(
        400,
        `Endpoint ${id} is a ${ep.desc.type} endpoint and does not answer "${verb}": use ${ep.desc.verbs.join(' or ')}.`,
      );
    }
    return ep;
  };

  // Each verb belongs to one endpoint type, and each type to one kind of implementation.
  const implFor = <K extends Impl['kind']>(req: EmulatorRequest, verb: DataikuVerb, kind: K): Extract<Impl, { kind: K }> => {
    const { impl } = endpointFor(req, verb);
    if (impl.kind !== kind) throw new Error(`Endpoint ${req.params['endpoint']} answers ${verb} but is wired as ${impl.kind}`);
    return impl as Extract<Impl, { kind: K }>;
  };

  const objectBody = (req: EmulatorRequest, verb: DataikuVerb, expected: string, allowEmpty = false): Record<string, unknown> => {
    const body = req.body();
    if (body === undefined && allowEmpty) return {};
    if (!isObject(body)) {
      throw new EmulatorError(400, `The ${verb} body must be a JSON object ${expected}; got ${describeValue(body)}.`);
    }
    return body;
  };

  const generationOf = (dispatch: unknown): string => {
    if (dispatch === undefined || dispatch === null) return rt.activeGeneration;
    if (!isObject(dispatch)) {
      throw new EmulatorError(
        400,
        `"dispatch" must be an object {"forcedGeneration": "..."} or {"dispatchKey": "..."}; got ${describeValue(dispatch)}.`,
      );
    }
    const forced = dispatch['forcedGeneration'];
    if (forced !== undefined && forced !== null) {
      if (typeof forced === 'string' && generationSet.has(forced)) return forced;
      throw new EmulatorError(
        400,
        `Unknown generation ${JSON.stringify(forced)} in dispatch.forcedGeneration: service ${rt.serviceId} has generations ${rt.generations.join(', ')}.`,
      );
    }
    const key = dispatch['dispatchKey'];
    if (key !== undefined && key !== null) {
      if (typeof key !== 'string' && typeof key !== 'number') {
        throw new EmulatorError(400, `dispatch.dispatchKey must be a string, got ${describeValue(key)}.`);
      }
      // The same key always lands on the same generation, as the node's sticky dispatching does.
      return rt.generations[hashString(String(key)) % rt.generations.length]!;
    }
    return rt.activeGeneration;
  };

  const apiContext = (req: EmulatorRequest, generation: string): ApiContext => ({
    serviceId: rt.serviceId,
    endpointId: req.params['endpoint']!,
    serviceGeneration: generation,
  });

  const checkContext = (v: unknown, where: string): void => {
    if (v !== undefined && v !== null && !isObject(v)) {
      throw new EmulatorError(400, `${where} must be an object (it is logged, not used), got ${describeValue(v)}.`);
    }
  };

  const featuresOf = (v: unknown, where: string): Features => {
    if (!isObject(v)) {
      throw new EmulatorError(
        400,
        `${where} must be an object of feature name to value, e.g. {"features": {"city": "Aarhus"}}; got ${describeValue(v)}.`,
      );
    }
    return v;
  };

  const itemsOf = (body: Record<string, unknown>, shape: string): unknown[] => {
    const items = body['items'];
    if (!Array.isArray(items)) throw new EmulatorError(400, `"items" must be an array of ${shape}; got ${describeValue(items)}.`);
    if (items.length > rt.maxItems) {
      throw new EmulatorError(400, `"items" holds ${items.length} records; at most ${rt.maxItems} are accepted per call. Split the batch.`);
    }
    return items;
  };

  const resolveExplanations = (raw: unknown, defaults: ResolvedExplanations): ResolvedExplanations => {
    if (raw === undefined || raw === null) return defaults;
    if (!isObject(raw)) {
      throw new EmulatorError(
        400,
        `"explanations" must be an object {enabled, method, nExplanations, nMonteCarloSteps}; got ${describeValue(raw)}.`,
      );
    }
    const { enabled, method, nExplanations, nMonteCarloSteps } = raw;
    // The SDK always sends all four, null meaning "the endpoint's default": the common case allocates nothing.
    if (enabled == null && method == null && nExplanations == null && nMonteCarloSteps == null) return defaults;
    if (enabled != null && typeof enabled !== 'boolean') {
      throw new EmulatorError(400, `explanations.enabled must be true, false or null; got ${describeValue(enabled)}.`);
    }
    if (method != null && method !== 'SHAPLEY' && method !== 'ICE') {
      throw new EmulatorError(400, `explanations.method must be "SHAPLEY", "ICE" or null; got ${describeValue(method)}.`);
    }
    if (nExplanations != null && (typeof nExplanations !== 'number' || !Number.isInteger(nExplanations) || nExplanations < 1)) {
      throw new EmulatorError(400, `explanations.nExplanations must be an integer >= 1 or null; got ${describeValue(nExplanations)}.`);
    }
    if (
      nMonteCarloSteps != null &&
      (typeof nMonteCarloSteps !== 'number' || !Number.isInteger(nMonteCarloSteps) || nMonteCarloSteps < 25 || nMonteCarloSteps > 1000)
    ) {
      throw new EmulatorError(
        400,
        `explanations.nMonteCarloSteps must be an integer between 25 and 1000 or null; got ${describeValue(nMonteCarloSteps)}.`,
      );
    }
    return {
      enabled: enabled ?? defaults.enabled,
      method: (method as ResolvedExplanations['method'] | null | undefined) ?? defaults.method,
      nExplanations: nExplanations ?? defaults.nExplanations,
      nMonteCarloSteps: nMonteCarloSteps ?? defaults.nMonteCarloSteps,
    };
  };

  const handlers: Record<DataikuVerb, (req: EmulatorRequest) => EmulatorReply> = {
    predict(req) {
      const impl = implFor(req, 'predict', 'predict');
      const body = objectBody(req, 'predict', '{"features": {...}, "explanations": {...}}');
      const features = featuresOf(body['features'], '"features"');
      const explanations = resolveExplanations(body['explanations'], impl.defaults);
      checkContext(body['context'], '"context"');
      const generation = generationOf(body['dispatch']);
      const result = impl.score(features, explanations);
      return {
        status: 200,
        body: { result, timing: predictionTiming(1, explanations.enabled), apiContext: apiContext(req, generation) },
      };
    },

    'predict-multi'(req) {
      const impl = implFor(req, 'predict-multi', 'predict');
      const body = objectBody(req, 'predict-multi', '{"items": [{"features": {...}}], "explanations": {...}}');
      const items = itemsOf(body, '{"features": {...}, "context"?: {...}}');
      const explanations = resolveExplanations(body['explanations'], impl.defaults);
      const generation = generationOf(body['dispatch']);
      const results = new Array<PredictionResult>(items.length);
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (!isObject(item)) throw new EmulatorError(400, `items[${i}] must be an object {"features": {...}}; got ${describeValue(item)}.`);
        if (!('features' in item))
          throw new EmulatorError(400, `items[${i}] has no "features": each record must contain a "features" object.`);
        checkContext(item['context'], `items[${i}].context`);
        results[i] = impl.score(featuresOf(item['features'], `items[${i}].features`), explanations);
      }
      return {
        status: 200,
        body: { results, timing: predictionTiming(items.length, explanations.enabled), apiContext: apiContext(req, generation) },
      };
    },

    forecast(req) {
      const impl = implFor(req, 'forecast', 'forecast');
      const body = objectBody(req, 'forecast', '{"items": [{"date": "...", "store": "A", "sales": 10.0}]}');
      const items = itemsOf(body, 'flat rows {"date": "2015-01-04T00:00:00.000Z", "store": "A", "sales": 10.0}');
      if (items.length === 0) throw new EmulatorError(400, '"items" is empty: send the past rows of each time series to forecast.');
      const generation = generationOf(body['dispatch']);
      const results = impl.forecast(items as Array<Record<string, unknown>>);
      return {
        status: 200,
        body: { results, timing: predictionTiming(items.length, false), apiContext: apiContext(req, generation) },
      };
    },

    'predict-effect'(req) {
      const impl = implFor(req, 'predict-effect', 'effect');
      const body = objectBody(req, 'predict-effect', '{"features": {...}}');
      const features = featuresOf(body['features'], '"features"');
      checkContext(body['context'], '"context"');
      const generation = generationOf(body['dispatch']);
      return {
        status: 200,
        body: { result: impl.score(features), timing: predictionTiming(1, false), apiContext: apiContext(req, generation) },
      };
    },

    'predict-effect-multi'(req) {
      const impl = implFor(req, 'predict-effect-multi', 'effect');
      const body = objectBody(req, 'predict-effect-multi', '{"items": [{"features": {...}}]}');
      const items = itemsOf(body, '{"features": {...}, "context"?: {...}}');
      const generation = generationOf(body['dispatch']);
      const results = new Array<CausalResult | IgnoredResult>(items.length);
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (!isObject(item)) throw new EmulatorError(400, `items[${i}] must be an object {"features": {...}}; got ${describeValue(item)}.`);
        if (!('features' in item))
          throw new EmulatorError(400, `items[${i}] has no "features": each record must contain a "features" object.`);
        checkContext(item['context'], `items[${i}].context`);
        results[i] = impl.score(featuresOf(item['features'], `items[${i}].features`));
      }
      return {
        status: 200,
        body: { results, timing: predictionTiming(items.length, false), apiContext: apiContext(req, generation) },
      };
    },

    query(req) {
      const impl = implFor(req, 'query', 'query');
      // The SDK posts the parameters dict itself, flat.
      const params = objectBody(req, 'query', 'of named parameters, e.g. {"country": "DK", "limit": 10}', true);
      return { status: 200, body: impl.query(params) };
    },

    lookup(req) {
      const impl = implFor(req, 'lookup', 'lookup');
      const body = objectBody(req, 'lookup', '{"data": {"customerId": "C0001"}}');
      const data = body['data'];
      if (!isObject(data)) {
        throw new EmulatorError(
          400,
          `"data" must be an object holding the lookup key, e.g. {"customerId": "C0001"}; got ${describeValue(data)}.`,
        );
      }
      checkContext(body['context'], '"context"');
      // Even the single-record call answers a list: the SDK reads results[0].
      return { status: 200, body: { results: [impl.lookup(data, '"data"')] } };
    },

    'lookup-multi'(req) {
      const impl = implFor(req, 'lookup-multi', 'lookup');
      const body = objectBody(req, 'lookup-multi', '{"items": [{"data": {"customerId": "C0001"}}]}');
      const items = itemsOf(body, '{"data": {...}, "context"?: {...}}');
      const results = new Array<LookupResult>(items.length);
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (!isObject(item) || !isObject(item['data'])) {
          throw new EmulatorError(
            400,
            `items[${i}] must contain a "data" object, e.g. {"data": {"customerId": "C0001"}}; got ${JSON.stringify(item)}.`,
          );
        }
        checkContext(item['context'], `items[${i}].context`);
        results[i] = impl.lookup(item['data'], `items[${i}].data`);
      }
      return { status: 200, body: { results } };
    },

    run(req) {
      const impl = implFor(req, 'run', 'run');
      // The SDK posts the keyword arguments themselves, flat.
      const kwargs = objectBody(req, 'run', 'of keyword arguments, e.g. {"values": [1, 2, 3]}', true);
      return {
        status: 200,
        body: { response: impl.run(kwargs), timing: RUN_TIMING, apiContext: apiContext(req, rt.activeGeneration) },
      };
    },
  };

  return DATAIKU_VERBS.map((verb) => ({
    method: 'POST',
    path: `/public/api/v1/{service}/{endpoint}/${verb}`,
    handler: handlers[verb],
  }));
}
