/** Resolvers of the Dataiku part of the schema: endpoints, predictions, forecasts, effects, lookups, SQL, functions. */
import type { DispatchInput, ExplanationsInput, InputMaybe, Resolvers } from '../generated/resolvers.js';
import { connectionFromArray } from '../relay/connection.js';
import type { Context } from './context.js';
import { endpointLocalId, type DataikuEndpointRef, type EndpointRef } from './models.js';
import type { DataikuEndpointType } from '../upstreams/dataiku/types.js';
import { badInput, quote } from '../core/errors.js';
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

/** Resolves an `endpoint` argument to a configured Dataiku endpoint of the expected type. */
export function dataikuEndpoint(
  ctx: Context,
  arg: string,
  expected: DataikuEndpointType,
  ref: DataikuEndpointRef | { prevision: string } = ctx.services.endpoints.resolve(arg, ctx.services.codec),
): DataikuEndpointRef {
  if ('prevision' in ref) {
    throw badInput(
      `Endpoint ${quote(arg)} is a Prevision deployment; only ${FIELD_FOR_TYPE[expected]} on a Dataiku ${expected} endpoint works here.`,
      {
        param: 'endpoint',
      },
    );
  }
  if (ref.type !== expected) {
    throw badInput(
      `Endpoint ${ref.serviceId}/${ref.endpointId} is a ${ref.type} endpoint; use ${FIELD_FOR_TYPE[ref.type]} with it, or pick a ${expected} endpoint for ${FIELD_FOR_TYPE[expected]}.`,
      { param: 'endpoint' },
    );
  }
  return ref;
}

export function dataikuCall(ctx: Context): DataikuCallContext {
  return { apiKey: ctx.credential('dataiku'), budget: ctx.budget };
}

/** Validates prediction options before anything is sent, with the same rules as the API node. */
export function predictOptions(
  explanations: InputMaybe<ExplanationsInput> | undefined,
  dispatch: InputMaybe<DispatchInput> | undefined,
): DataikuPredictOptions {
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
 * Scores one record on any prediction endpoint: a Dataiku PREDICTION endpoint (batched into predict-multi) or a
 * Prevision deployment (its unit /predict).
 */
export function predictAny(
  ctx: Context,
  endpoint: string,
  features: Record<string, unknown>,
  args: {
    explanations?: InputMaybe<ExplanationsInput>;
    dispatch?: InputMaybe<DispatchInput>;
    context?: InputMaybe<Record<string, unknown>>;
  },
  recordKey?: string,
): Promise<DataikuPrediction> {
  const options = predictOptions(args.explanations, args.dispatch);
  const ref = ctx.services.endpoints.resolve(endpoint, ctx.services.codec);
  if ('prevision' in ref) return predictOnDeployment(ctx, ref.prevision, features, args);
  return predictRecord(ctx, dataikuEndpoint(ctx, endpoint, 'PREDICTION', ref), features, options, args.context, recordKey);
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
    endpoint: async (_p, { id }, ctx) => {
      const ref = ctx.services.endpoints.resolve(id, ctx.services.codec, 'id');
      if (!('prevision' in ref)) return ref;
      return deploymentRef(await loadPrevision<PrevisionDeployment>(ctx, 'PrevisionDeployment', ref.prevision));
    },
    predict: (_p, args, ctx) => predictAny(ctx, args.endpoint, args.features, args),
    forecast: async (_p, args, ctx) => {
      const ref = dataikuEndpoint(ctx, args.endpoint, 'FORECAST');
      if (args.records.length === 0) throw badInput('records must hold at least one history row.', { param: 'records' });
      const max = ctx.services.config.limits.maxRecords;
      if (args.records.length > max) {
        throw badInput(`records holds ${args.records.length} rows, above the limit of ${max} per call (AUGUR_MAX_RECORDS).`, {
          param: 'records',
          limit: 'maxRecords',
          max,
        });
      }
      return ctx.services.dataiku.forecast(dataikuCall(ctx), ref, args.records, dispatchOf(args.dispatch));
    },
    predictEffect: (_p, args, ctx) => {
      const dispatch = dispatchOf(args.dispatch);
      const ref = dataikuEndpoint(ctx, args.endpoint, 'CAUSAL_PREDICTION');
      const record = args.context ? { features: args.features, context: args.context } : { features: args.features };
      return ctx.dataiku.effect(ref, dispatch).load(record);
    },
    lookup: (_p, args, ctx) => {
      const ref = dataikuEndpoint(ctx, args.endpoint, 'DATASET_LOOKUP');
      const item = args.context ? { data: args.data, context: args.context } : { data: args.data };
      return ctx.dataiku.lookup(ref).load(item);
    },
    sqlQuery: (_p, args, ctx) => {
      const ref = dataikuEndpoint(ctx, args.endpoint, 'SQL_QUERY');
      return ctx.services.dataiku.sqlQuery(dataikuCall(ctx), ref, args.parameters ?? {});
    },
  },
  Mutation: {
    runFunction: async (_p, args, ctx) => {
      const ref = dataikuEndpoint(ctx, args.endpoint, 'FUNCTION');
      return { response: await ctx.services.dataiku.run(dataikuCall(ctx), ref, args.arguments ?? {}) };
    },
  },
  Endpoint: {
    id: (ref, _a, ctx) => ctx.services.codec.encode('Endpoint', endpointLocalId(ref)),
    platform: (ref) => platformKind(ref.platform),
    name: (ref) => (ref.platform === 'dataiku' ? ref.endpointId : ref.name),
    serviceId: (ref) => (ref.platform === 'dataiku' ? ref.serviceId : ref.projectId),
    type: (ref) => ref.type,
  },
  Prediction: {
    prediction: (p) => (p.ignored ? null : (p.prediction ?? null)),
    probabilities: (p) => (p.probas ? Object.entries(p.probas).map(([label, probability]) => ({ label, probability })) : null),
    probaPercentile: (p) => p.probaPercentile ?? null,
    explanations: (p) => (p.explanations ? Object.entries(p.explanations).map(([feature, value]) => ({ feature, value })) : null),
    ignored: (p) => p.ignored === true,
    ignoreReason: (p) => p.ignoreReason ?? null,
  },
  Forecast: {
    time: (f) => f.time,
    forecast: (f) => (f.ignored ? null : (f.forecast ?? null)),
    quantiles: (f) =>
      (f.quantiles ?? [])
        .map((level, i) => ({ level, value: f.quantilesValues?.[i] ?? Number.NaN }))
        .filter((q) => Number.isFinite(q.value)),
    timeseriesIdentifier: (f) => f.timeseriesIdentifier ?? null,
    ignored: (f) => f.ignored === true,
    ignoreReason: (f) => f.ignoreReason ?? null,
  },
  EffectPrediction: {
    predictedEffect: (e) => (e.ignored ? null : (e.predictedEffect ?? null)),
    ignored: (e) => e.ignored === true,
    ignoreReason: (e) => e.ignoreReason ?? null,
  },
  LookupResult: {
    found: (l) => l.notFound !== true && l.data !== undefined,
    data: (l) => (l.notFound === true ? null : (l.data ?? null)),
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
