/** Resolvers of the Dataiku part of the schema: endpoints, predictions, forecasts, effects, lookups, SQL, functions. */
import type { DispatchInput, ExplanationsInput, InputMaybe, Resolvers } from '../generated/resolvers.js';
import { connectionFromArray } from '../relay/connection.js';
import type { Context } from './context.js';
import { endpointLocalId, type DataikuEndpointRef, type EndpointRef } from './models.js';
import type { DataikuEndpointType } from '../upstreams/dataiku/types.js';
import { AugurError, ErrorCode, InputErrors, badInput, quote } from '../core/errors.js';
import { checkInputs, inputProblems, type InputNoun } from './dataikuInputs.js';
import { payload } from './userErrors.js';
import type { DataikuCallContext, DataikuPredictOptions } from '../upstreams/dataiku/client.js';
import type { DataikuDispatch, DataikuPrediction, DataikuRecord } from '../upstreams/dataiku/types.js';
import { RECORD_KEY } from '../loaders/dataiku.js';
import { platformKind, platformName } from './platform.js';
import { deploymentRef, loadPrevision, predictOnDeployment, previsionEndpoints } from './prevision.js';
import type { PrevisionDeployment } from '../upstreams/prevision/types.js';

/** Where the same `endpoint` argument must lead, by field. */
const FIELD_FOR_TYPE: Record<DataikuEndpointType, string> = {
  PREDICTION: 'predict',
  FORECAST: 'forecast',
  CAUSAL_PREDICTION: 'predictEffect',
  SQL_QUERY: 'sqlQuery',
  DATASET_LOOKUP: 'lookup',
  FUNCTION: 'runFunction',
};

/** The arguments that name an endpoint: a global id or a configured name, exactly one of them. */
export interface EndpointArgs {
  endpoint?: InputMaybe<string>;
  endpointName?: InputMaybe<string>;
}

/**
 * Resolves `endpoint` (a global id) or `endpointName` (`service/endpoint` or a unique name) to a Dataiku endpoint, or
 * to the Prevision deployment an id names. `prefix` roots the argument names (`input.` inside a mutation's input).
 */
export function endpointRef(ctx: Context, args: EndpointArgs, prefix = ''): DataikuEndpointRef | { prevision: string } {
  const hasId = args.endpoint != null;
  const hasName = args.endpointName != null;
  if (hasId === hasName) {
    throw badInput(
      hasId
        ? `Pass either ${prefix}endpoint (a global id) or ${prefix}endpointName, not both.`
        : `Pass ${prefix}endpoint (a global id from Query.endpoints) or ${prefix}endpointName ("service/endpoint" or a configured name).`,
      { param: `${prefix}endpoint`, reason: hasId ? 'invalid' : 'required' },
    );
  }
  if (hasId) return ctx.services.endpoints.resolveId(args.endpoint!, ctx.services.codec, `${prefix}endpoint`);
  return ctx.services.endpoints.resolveName(args.endpointName!, `${prefix}endpointName`);
}

/** Resolves the endpoint arguments to a configured Dataiku endpoint of the expected type. */
export function dataikuEndpoint(
  ctx: Context,
  args: EndpointArgs,
  expected: DataikuEndpointType,
  prefix = '',
  ref: DataikuEndpointRef | { prevision: string } = endpointRef(ctx, args, prefix),
): DataikuEndpointRef {
  const param = `${prefix}${args.endpoint != null ? 'endpoint' : 'endpointName'}`;
  if ('prevision' in ref) {
    throw badInput(
      `${param} names a Prevision deployment; only ${FIELD_FOR_TYPE[expected]} on a Dataiku ${expected} endpoint works here.`,
      {
        param,
      },
    );
  }
  if (ref.type !== expected) {
    throw badInput(
      `Endpoint ${ref.serviceId}/${ref.endpointId} is a ${ref.type} endpoint; use ${FIELD_FOR_TYPE[ref.type]} with it, or pick a ${expected} endpoint for ${FIELD_FOR_TYPE[expected]}.`,
      { param },
    );
  }
  return ref;
}

export function dataikuCall(ctx: Context): DataikuCallContext {
  return { ...ctx.dataikuCredentials(), budget: ctx.budget };
}

/** The options of a prediction without explanations or dispatch (most of them): one frozen object, shared. */
const DEFAULT_PREDICT_OPTIONS: DataikuPredictOptions = Object.freeze({
  explanations: Object.freeze({ enabled: null, method: null, nExplanations: null, nMonteCarloSteps: null }),
});

/** Validates prediction options before anything is sent, with the same rules as the API node. */
export function predictOptions(
  explanations: InputMaybe<ExplanationsInput> | undefined,
  dispatch: InputMaybe<DispatchInput> | undefined,
): DataikuPredictOptions {
  if (explanations == null && dispatch == null) return DEFAULT_PREDICT_OPTIONS;
  const e = explanations ?? {};
  if (e.nExplanations != null && e.nExplanations < 1) {
    throw badInput(`explanations.nExplanations must be at least 1, got ${e.nExplanations}.`, { param: 'explanations.nExplanations' });
  }
  if (e.nMonteCarloSteps != null && (e.nMonteCarloSteps < 25 || e.nMonteCarloSteps > 1000)) {
    throw badInput(`explanations.nMonteCarloSteps must be between 25 and 1000, got ${e.nMonteCarloSteps}.`, {
      param: 'explanations.nMonteCarloSteps',
    });
  }
  const options: DataikuPredictOptions = {
    explanations: {
      enabled: e.enabled ?? null,
      method: e.method ?? null,
      nExplanations: e.nExplanations ?? null,
      nMonteCarloSteps: e.nMonteCarloSteps ?? null,
    },
  };
  const d = dispatchOf(dispatch);
  if (d) options.dispatch = d;
  return options;
}

function dispatchOf(dispatch: InputMaybe<DispatchInput> | undefined): DataikuDispatch | undefined {
  if (!dispatch) return undefined;
  const { forcedGeneration, dispatchKey } = dispatch;
  if (forcedGeneration != null && dispatchKey != null) {
    throw badInput('Set either dispatch.forcedGeneration or dispatch.dispatchKey, not both.', { param: 'dispatch' });
  }
  if (forcedGeneration != null) {
    if (!forcedGeneration.trim()) throw badInput('dispatch.forcedGeneration must not be empty.', { param: 'dispatch.forcedGeneration' });
    return { forcedGeneration };
  }
  if (dispatchKey != null) {
    if (!dispatchKey.trim()) throw badInput('dispatch.dispatchKey must not be empty.', { param: 'dispatch.dispatchKey' });
    return { dispatchKey };
  }
  return undefined;
}

/**
 * Scores one record on any prediction endpoint: a Dataiku PREDICTION endpoint (batched into predict-multi, its
 * features checked against the endpoint's declared inputs first) or a Prevision deployment (its unit /predict).
 * `own` are features the caller did not write (a contact's own fields, its `id` never among them): they are checked
 * for type, and dropped rather than refused when the endpoint takes a closed set of features that does not list them.
 */
export function predictAny(
  ctx: Context,
  features: Record<string, unknown>,
  args: EndpointArgs & {
    explanations?: InputMaybe<ExplanationsInput>;
    dispatch?: InputMaybe<DispatchInput>;
    context?: InputMaybe<Record<string, unknown>>;
  },
  recordKey?: string,
  own?: Readonly<Record<string, unknown>>,
): Promise<DataikuPrediction> {
  const options = predictOptions(args.explanations, args.dispatch);
  const ref = endpointRef(ctx, args);
  if ('prevision' in ref) return predictOnDeployment(ctx, ref.prevision, { ...ownFields(own), ...features }, args);
  const dataiku = dataikuEndpoint(ctx, args, 'PREDICTION', '', ref);
  let record: Readonly<Record<string, unknown>> = features;
  if (own) {
    // The object's own fields the endpoint takes, overridden by the caller's features. This runs once per list item:
    // with a closed set of inputs only those few are looked up, not every field of the object.
    if (dataiku.acceptsUnknown) record = hasKeys(features) ? { ...ownFields(own), ...features } : ownFields(own);
    else {
      const merged: Record<string, unknown> = {};
      for (const input of dataiku.inputs) {
        const name = input.name;
        if (name !== 'id' && Object.hasOwn(own, name)) merged[name] = own[name];
      }
      for (const k in features) merged[k] = features[k];
      record = merged;
    }
  }
  checkInputs(dataiku, record, ['features'], 'feature');
  return predictRecord(ctx, dataiku, record, options, args.context, recordKey);
}

/** Whether an object has an enumerable property. */
function hasKeys(object: object): boolean {
  for (const _ in object) return true;
  return false;
}

/**
 * The features of each frozen object (an entity cache hit, shared by every operation that reads it until it expires),
 * derived once and frozen in turn: every operation that scores the object sends the same object, whose JSON text is
 * then serialised once too (core/frozenJson.ts).
 */
const sharedFeatures = new WeakMap<object, Readonly<Record<string, unknown>>>();

/** An object's fields as features (a contact's, scored with its own fields): all of them but its `id`. */
export function ownFields(own: object | undefined): Readonly<Record<string, unknown>> {
  if (!own) return {};
  if (!Object.isFrozen(own)) return withoutId(own);
  let fields = sharedFeatures.get(own);
  if (fields === undefined) {
    fields = Object.freeze(withoutId(own));
    sharedFeatures.set(own, fields);
  }
  return fields;
}

function withoutId(own: object): Record<string, unknown> {
  // Rest destructuring copies through V8's object-clone fast path: several times faster than a loop of keyed stores.
  const { id: _id, ...fields } = own as Record<string, unknown>;
  void _id;
  return fields;
}

/** Scores one record on a Dataiku PREDICTION endpoint through the request's batching loader. */
export function predictRecord(
  ctx: Context,
  ref: DataikuEndpointRef,
  features: Record<string, unknown>,
  options: DataikuPredictOptions,
  context: Record<string, unknown> | null | undefined,
  recordKey?: string,
): Promise<DataikuPrediction> {
  const record: DataikuRecord & { [RECORD_KEY]?: string } = context ? { features, context } : { features };
  if (recordKey !== undefined) record[RECORD_KEY] = context ? `${recordKey}|${JSON.stringify(context)}` : recordKey;
  return ctx.dataiku.predict(ref, options).load(record);
}

/** Refuses more records than one field may send (`AUGUR_MAX_RECORDS`), before any call. */
function checkRecordCount(ctx: Context, count: number, what: string): void {
  const max = ctx.services.config.limits.maxRecords;
  if (count > max) {
    throw badInput(`records holds ${count} ${what}, above the limit of ${max} per call (AUGUR_MAX_RECORDS).`, {
      param: 'records',
      limit: 'maxRecords',
      max,
    });
  }
}

/**
 * One result per record, in input order: a record whose values the endpoint's declared inputs refuse fails alone
 * (its item is null, with its errors), and is not sent; the others go to `load`, batched by the request's loader.
 */
function perRecord<R extends { context?: InputMaybe<Record<string, unknown>> }, V>(
  ref: DataikuEndpointRef,
  records: readonly R[],
  key: 'features' | 'data',
  noun: InputNoun,
  load: (values: Record<string, unknown>, context: Record<string, unknown> | undefined) => Promise<V>,
): Array<Promise<V>> {
  return records.map((record, i) => {
    const values = (record as unknown as Record<typeof key, Record<string, unknown>>)[key];
    const problems = inputProblems(ref, values, ['records', i, key], noun);
    if (problems.length > 0) return Promise.reject(new InputErrors(problems));
    return load(values, record.context ?? undefined);
  });
}

/** The individual conditional expectations of a result (`conditionals`: feature to points); malformed entries are skipped. */
function conditionalsOf(p: DataikuPrediction): Array<{ feature: string; points: Array<{ value: unknown; prediction: number }> }> {
  const raw = p.conditionals;
  if (!raw || typeof raw !== 'object') return [];
  return Object.entries(raw).flatMap(([feature, points]) => {
    if (!Array.isArray(points)) return [];
    const kept = points.flatMap((point: unknown) => {
      if (typeof point !== 'object' || point === null) return [];
      const { value, prediction } = point as { value?: unknown; prediction?: unknown };
      return typeof prediction === 'number' && Number.isFinite(prediction) ? [{ value: value ?? null, prediction }] : [];
    });
    return [{ feature, points: kept }];
  });
}

/** The kind of a prediction's outcome, from its shape: a class with probabilities, or a number without. */
function predictionKind(p: DataikuPrediction): 'IgnoredRecord' | 'ClassificationResult' | 'RegressionResult' {
  if (p.ignored) return 'IgnoredRecord';
  if (p.probas && typeof p.probas === 'object') return 'ClassificationResult';
  if (typeof p.prediction === 'number') return 'RegressionResult';
  if (typeof p.prediction === 'string' || typeof p.prediction === 'boolean') return 'ClassificationResult';
  throw new AugurError(
    ErrorCode.UPSTREAM_ERROR,
    `The model answered a result that is neither ignored nor a class or a number (prediction: ${quote(p.prediction ?? null)}).`,
    { platform: 'dataiku' },
  );
}

export const dataikuResolvers: Resolvers = {
  Query: {
    endpoints: async (_p, args, ctx) => {
      const platform = args.platform ? platformName(args.platform) : undefined;
      const all: EndpointRef[] = [];
      if (!platform || platform === 'dataiku') all.push(...ctx.services.endpoints.dataikuEndpoints());
      if ((!platform || platform === 'prevision') && (!args.type || args.type === 'DEPLOYMENT'))
        all.push(...(await previsionEndpoints(ctx)));
      const filtered = args.type ? all.filter((e) => e.type === args.type) : all;
      return connectionFromArray(
        'endpoints',
        { platform: args.platform ?? null, type: args.type ?? null },
        args,
        filtered,
        ctx.services.codec,
        ctx.services.config.paging,
      );
    },
    endpoint: async (_p, { id, name }, ctx) => {
      const ref = endpointRef(ctx, { endpoint: id, endpointName: name });
      if (!('prevision' in ref)) return ref;
      return deploymentRef(await loadPrevision<PrevisionDeployment>(ctx, 'PrevisionDeployment', ref.prevision));
    },
    predict: (_p, args, ctx) => predictAny(ctx, args.features, args),
    forecast: async (_p, args, ctx) => {
      const ref = dataikuEndpoint(ctx, args, 'FORECAST');
      if (args.records.length === 0) throw badInput('records must hold at least one history row.', { param: 'records' });
      const max = ctx.services.config.limits.maxRecords;
      if (args.records.length > max) {
        throw badInput(`records holds ${args.records.length} rows, above the limit of ${max} per call (AUGUR_MAX_RECORDS).`, {
          param: 'records',
          limit: 'maxRecords',
          max,
        });
      }
      const problems = args.records.flatMap((record, i) => inputProblems(ref, record, ['records', i], 'column'));
      if (problems.length > 0) throw new InputErrors(problems);
      return ctx.services.dataiku.forecast(dataikuCall(ctx), ref, args.records, dispatchOf(args.dispatch));
    },
    predictEffect: (_p, args, ctx) => {
      const dispatch = dispatchOf(args.dispatch);
      const ref = dataikuEndpoint(ctx, args, 'CAUSAL_PREDICTION');
      checkInputs(ref, args.features, ['features'], 'feature');
      const record = args.context ? { features: args.features, context: args.context } : { features: args.features };
      return ctx.dataiku.effect(ref, dispatch).load(record);
    },
    lookup: (_p, args, ctx) => {
      const ref = dataikuEndpoint(ctx, args, 'DATASET_LOOKUP');
      checkInputs(ref, args.data, ['data'], 'key');
      const item = args.context ? { data: args.data, context: args.context } : { data: args.data };
      return ctx.dataiku.lookup(ref).load(item);
    },
    predictRecords: (_p, args, ctx) => {
      const options = predictOptions(args.explanations, args.dispatch);
      const ref = dataikuEndpoint(ctx, args, 'PREDICTION');
      checkRecordCount(ctx, args.records.length, 'records');
      const loader = ctx.dataiku.predict(ref, options);
      return perRecord(ref, args.records, 'features', 'feature', (features, context) =>
        loader.load(context ? { features, context } : { features }),
      );
    },
    predictEffects: (_p, args, ctx) => {
      const dispatch = dispatchOf(args.dispatch);
      const ref = dataikuEndpoint(ctx, args, 'CAUSAL_PREDICTION');
      checkRecordCount(ctx, args.records.length, 'records');
      const loader = ctx.dataiku.effect(ref, dispatch);
      return perRecord(ref, args.records, 'features', 'feature', (features, context) =>
        loader.load(context ? { features, context } : { features }),
      );
    },
    lookupRecords: (_p, args, ctx) => {
      const ref = dataikuEndpoint(ctx, args, 'DATASET_LOOKUP');
      checkRecordCount(ctx, args.records.length, 'lines');
      const loader = ctx.dataiku.lookup(ref);
      return perRecord(ref, args.records, 'data', 'key', (data, context) => loader.load(context ? { data, context } : { data }));
    },
    sqlQuery: (_p, args, ctx) => {
      const ref = dataikuEndpoint(ctx, args, 'SQL_QUERY');
      const parameters = args.parameters ?? {};
      checkInputs(ref, parameters, ['parameters'], 'parameter');
      return ctx.services.dataiku.sqlQuery(dataikuCall(ctx), ref, parameters);
    },
  },
  Mutation: {
    runFunction: (_p, { input }, ctx) =>
      payload(
        async () => {
          const ref = dataikuEndpoint(ctx, input, 'FUNCTION', 'input.');
          const args = input.arguments ?? {};
          checkInputs(ref, args, ['input', 'arguments'], 'argument');
          return ctx.services.dataiku.run(dataikuCall(ctx), ref, args);
        },
        (response) => ({ response }),
        { response: null },
      ),
  },
  Endpoint: {
    id: (ref, _a, ctx) => ctx.services.codec.encode('Endpoint', endpointLocalId(ref)),
    platformId: (ref) => (ref.platform === 'dataiku' ? `${ref.serviceId}/${ref.endpointId}` : ref.deploymentId),
    platform: (ref) => platformKind(ref.platform),
    name: (ref) => (ref.platform === 'dataiku' ? ref.endpointId : ref.name),
    serviceId: (ref) => (ref.platform === 'dataiku' ? ref.serviceId : ref.projectId),
    type: (ref) => ref.type,
    inputFeatures: (ref) => (ref.platform === 'dataiku' ? [...ref.inputs] : []),
    acceptsUnknownFeatures: (ref) => ref.platform !== 'dataiku' || ref.acceptsUnknown,
  },
  PredictionResult: {
    __resolveType: (p) => predictionKind(p),
  },
  ClassificationResult: {
    predictedClass: (p) => String(p.prediction),
    probabilities: (p) => Object.entries(p.probas ?? {}).map(([label, probability]) => ({ label, probability })),
    probabilityPercentile: (p) => p.probaPercentile ?? null,
  },
  RegressionResult: {
    predictedValue: (p) => p.prediction as number,
  },
  IgnoredRecord: {
    reason: (p) => p.ignoreReason ?? null,
  },
  Prediction: {
    result: (p) => p,
    explanations: (p) => Object.entries(p.explanations ?? {}).map(([feature, value]) => ({ feature, value })),
    conditionals: (p) => conditionalsOf(p),
    ignored: (p) => p.ignored === true,
    raw: (p) => ({ ...p }),
  },
  Forecast: {
    time: (f) => f.time,
    value: (f) => (f.ignored ? null : (f.forecast ?? null)),
    quantiles: (f) =>
      (f.quantiles ?? [])
        .map((level, i) => ({ level, value: f.quantilesValues?.[i] ?? Number.NaN }))
        .filter((q) => Number.isFinite(q.value)),
    timeseriesIdentifier: (f) => f.timeseriesIdentifier ?? {},
    ignored: (f) => f.ignored === true,
    ignoreReason: (f) => (f.ignored ? (f.ignoreReason ?? null) : null),
    raw: (f) => ({ ...f }),
  },
  EffectPrediction: {
    predictedEffect: (e) => (e.ignored ? null : (e.predictedEffect ?? null)),
    ignored: (e) => e.ignored === true,
    ignoreReason: (e) => (e.ignored ? (e.ignoreReason ?? null) : null),
    raw: (e) => ({ ...e }),
  },
  LookupResult: {
    found: (l) => l.notFound !== true && l.data !== undefined,
    data: (l) => (l.notFound === true ? {} : (l.data ?? {})),
    raw: (l) => ({ ...l }),
  },
  SqlQueryResult: {
    columns: (r) => r.columns.map((name, index) => ({ name, index })),
    rows: (r) => r.rows.map((values) => ({ values, columns: r.columns })),
    rowCount: (r) => r.rows.length,
  },
  SqlRow: {
    values: (row) => row.values,
    record: (row) => Object.fromEntries(row.columns.map((c, i) => [c, row.values[i] ?? null])),
    value: (row, { column }) => {
      const i = row.columns.indexOf(column);
      return i === -1 ? null : (row.values[i] ?? null);
    },
  },
};
