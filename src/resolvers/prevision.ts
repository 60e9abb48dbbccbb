/** Resolvers of the Prevision.io part of the schema, and predictions on Prevision deployments. */
import type { FeatureType, InputMaybe, PrevisionOrder, PrevisionOrderField, Resolvers } from '../generated/resolvers.js';
import { resolveConnection, type ConnectionArgs, type PageSource } from '../relay/connection.js';
import type { NodeTypeName } from '../relay/ids.js';
import type { Context } from './context.js';
import type { PrevisionDeploymentRef, PrevisionPredictionResult } from './models.js';
import { fieldNamedIn, payload, pointing } from './userErrors.js';
import { AugurError, ErrorCode, badInput, quote } from '../core/errors.js';
import type { DataikuPrediction } from '../upstreams/dataiku/types.js';
import type { PrevisionPredictOptions } from '../upstreams/prevision/deployedModels.js';
import { PREVISION_LISTS, sortedList, type PrevisionCollection, type PrevisionList } from '../upstreams/prevision/resources.js';
import type {
  PrevisionDataset,
  PrevisionDeployedInput,
  PrevisionDeployment,
  PrevisionDeploymentPrediction,
  PrevisionExperiment,
  PrevisionExperimentVersion,
  PrevisionModel,
  PrevisionProject,
  PrevisionUnitPrediction,
} from '../upstreams/prevision/types.js';

const PAGE_SIZE_LIMIT = 100;
/** Most deployments listed into `Query.endpoints` (projects × deployments pages). */
const MAX_LISTED_PAGES = 20;
const PREVISION_ID = /^[0-9a-f]{24}$/;

type PrevisionType =
  | 'PrevisionProject'
  | 'PrevisionDataset'
  | 'PrevisionExperiment'
  | 'PrevisionExperimentVersion'
  | 'PrevisionModel'
  | 'PrevisionDeployment'
  | 'PrevisionDeploymentPrediction'
  | 'PrevisionValidationPrediction'
  | 'PrevisionConnector'
  | 'PrevisionDataSource'
  | 'PrevisionExporter'
  | 'PrevisionExport'
  | 'PrevisionPipelineTemplate'
  | 'PrevisionPipelineScheduledRun'
  | 'PrevisionImageFolder';

/** The collection each type is read from by id. */
const COLLECTIONS: Record<PrevisionType, PrevisionCollection> = {
  PrevisionProject: 'projects',
  PrevisionDataset: 'datasets',
  PrevisionExperiment: 'experiments',
  PrevisionExperimentVersion: 'experiment-versions',
  PrevisionModel: 'models',
  PrevisionDeployment: 'deployments',
  PrevisionDeploymentPrediction: 'deployment-predictions',
  PrevisionValidationPrediction: 'validation-predictions',
  PrevisionConnector: 'connectors',
  PrevisionDataSource: 'data-sources',
  PrevisionExporter: 'exporters',
  PrevisionExport: 'exports',
  PrevisionPipelineTemplate: 'pipeline-templates',
  PrevisionPipelineScheduledRun: 'pipeline-scheduled-runs',
  PrevisionImageFolder: 'image-folders',
};

/** Reads a global id argument as the Prevision id it stands for; a deployment may also be given by its Endpoint's id. */
export function previsionId(ctx: Context, arg: string, type: PrevisionType, argName = 'id'): string {
  if (type === 'PrevisionDeployment') {
    const decoded = ctx.services.codec.decode(arg, ['PrevisionDeployment', 'Endpoint'], argName);
    if (decoded.type === 'PrevisionDeployment') return decoded.localId;
    if (decoded.localId.startsWith('prevision:')) return decoded.localId.slice('prevision:'.length);
    throw badInput(`Argument "${argName}" is a Dataiku endpoint, not a Prevision deployment.`, { param: argName });
  }
  return ctx.services.codec.decode(arg, [type], argName).localId;
}

/** Reads a single-object look-up's `id` (a global id) or `platformId` (Prevision's own id): exactly one. */
export function lookupId(ctx: Context, args: { id?: InputMaybe<string>; platformId?: InputMaybe<string> }, type: PrevisionType): string {
  if ((args.id == null) === (args.platformId == null)) {
    throw badInput('Pass exactly one of "id" (a global id) and "platformId" (Prevision\'s own id).', {
      param: args.id == null ? 'id' : 'platformId',
    });
  }
  if (args.id != null) return previsionId(ctx, args.id, type);
  if (!PREVISION_ID.test(args.platformId!)) {
    throw badInput(`Argument "platformId" must be Prevision's own id (24 hexadecimal digits), got ${quote(args.platformId)}.`, {
      param: 'platformId',
    });
  }
  return args.platformId!;
}

/** Loads one Prevision object by its type and id, through the request's loaders. */
export function loadPrevision<T>(ctx: Context, type: PrevisionType, id: string): Promise<T> {
  return ctx.prevision.get<T>(COLLECTIONS[type], id);
}

function source<T>(ctx: Context, list: PrevisionList): PageSource<T> {
  return { maxPageSize: PAGE_SIZE_LIMIT, fetchPage: (page, size) => ctx.prevision.list<T>(list, page, size) };
}

const SORT_KEYS: Record<PrevisionOrderField, string> = { NAME: 'name', CREATED_AT: 'created_at' };

/** The order fields a list's items can be sorted by, as Prevision's `sortBy` keys (every field when not given). */
export type PrevisionSortKeys = Partial<Record<PrevisionOrderField, string>>;

/** Lists whose items lack a name (experiment versions, bulk predictions, exports) sort by creation time only. */
export const BY_CREATION: PrevisionSortKeys = { CREATED_AT: 'created_at' };
/** Features have a name and no creation time. */
export const BY_NAME: PrevisionSortKeys = { NAME: 'name' };

/**
 * A connection over a paged Prevision list, in Prevision's order or the one `orderBy` asks for (`sortBy`,
 * `descending`); cursors are bound to the list and its order. An order field the list's items do not have is refused
 * before any call.
 */
export function connection<T>(
  ctx: Context,
  name: string,
  list: PrevisionList,
  args: ConnectionArgs & { orderBy?: InputMaybe<PrevisionOrder> },
  sortKeys: PrevisionSortKeys = SORT_KEYS,
) {
  let sort: { sortBy: string; descending: boolean } | undefined;
  if (args.orderBy) {
    const sortBy = sortKeys[args.orderBy.field];
    if (sortBy === undefined) {
      throw badInput(
        `${name} cannot be ordered by ${args.orderBy.field}: its items have no such field. Order by ${Object.keys(sortKeys).join(' or ')}.`,
        { param: 'orderBy.field' },
      );
    }
    sort = { sortBy, descending: args.orderBy.direction === 'DESC' };
  }
  const sorted = sortedList(list, sort);
  return resolveConnection<T>(name, { path: sorted.path }, args, source<T>(ctx, sorted), ctx.services.codec, ctx.services.config.paging);
}

export async function readAll<T>(ctx: Context, list: PrevisionList): Promise<T[]> {
  const first = await ctx.prevision.list<T>(list, 0, PAGE_SIZE_LIMIT);
  const pages = Math.min(MAX_LISTED_PAGES, Math.ceil(first.total / PAGE_SIZE_LIMIT));
  const rest = await Promise.all(
    Array.from({ length: Math.max(0, pages - 1) }, (_, i) => ctx.prevision.list<T>(list, i + 1, PAGE_SIZE_LIMIT)),
  );
  return [first, ...rest].flatMap((p) => p.items);
}

export function deploymentRef(d: PrevisionDeployment): PrevisionDeploymentRef {
  return { platform: 'prevision', deploymentId: d._id, projectId: d.project_id, name: d.name, type: 'DEPLOYMENT' };
}

/** Every deployment of every project, as endpoints. */
export async function previsionEndpoints(ctx: Context): Promise<PrevisionDeploymentRef[]> {
  const projects = await readAll<PrevisionProject>(ctx, PREVISION_LISTS.projects);
  const perProject = await Promise.all(projects.map((p) => readAll<PrevisionDeployment>(ctx, PREVISION_LISTS.deploymentsOf(p._id))));
  return perProject.flat().map(deploymentRef);
}

/** The schema's type of a deployed model's input. */
function featureType(input: PrevisionDeployedInput): FeatureType {
  return input.type === 'numerical' ? 'NUMBER' : 'STRING';
}

/**
 * Checks a record against the features a deployed model takes, before it is sent: every required feature present and
 * not null, every given value of its feature's type. Features the model does not take are left to Prevision, which
 * ignores them. Fails with BAD_USER_INPUT naming each feature at fault.
 */
export function checkFeatures(inputs: readonly PrevisionDeployedInput[], features: Record<string, unknown>, param = 'features'): void {
  const problems: string[] = [];
  const names: string[] = [];
  for (const input of inputs) {
    const value = features[input.name];
    let problem: string | undefined;
    if (value === undefined || value === null) {
      if (input.required) problem = `${quote(input.name)} is required and missing`;
    } else if (featureType(input) === 'NUMBER' && (typeof value !== 'number' || !Number.isFinite(value))) {
      problem = `${quote(input.name)} takes a number, got ${quote(value)}`;
    } else if (featureType(input) === 'STRING' && typeof value !== 'string') {
      problem = `${quote(input.name)} takes a string, got ${quote(value)}`;
    }
    if (problem) {
      problems.push(problem);
      names.push(input.name);
    }
  }
  if (problems.length > 0) {
    const expected = inputs.map((i) => `${i.name} (${featureType(i) === 'NUMBER' ? 'number' : 'string'})`).join(', ');
    throw badInput(`${param} does not fit the deployed model: ${problems.join('; ')}. It takes: ${expected}. Nothing was scored.`, {
      param,
      features: names,
    });
  }
}

/** Loads a deployment, checks `features` against its model's inputs, and scores them (the deployed model's unit predict). */
async function scoreOnDeployment(
  ctx: Context,
  deploymentId: string,
  features: Record<string, unknown>,
  param: string,
  options: PrevisionPredictOptions = {},
): Promise<PrevisionUnitPrediction> {
  const deployment = await loadPrevision<PrevisionDeployment>(ctx, 'PrevisionDeployment', deploymentId);
  checkFeatures(await ctx.prevision.inputs(deployment), features, param);
  return ctx.prevision.predict(deployment, options).load(features);
}

function toPrediction(p: PrevisionUnitPrediction): DataikuPrediction {
  const out: DataikuPrediction = { prediction: p.prediction, ignored: false };
  if (p.probas && typeof p.probas === 'object') out.probas = p.probas;
  if (p.explanation && !Array.isArray(p.explanation) && typeof p.explanation === 'object') out.explanations = p.explanation;
  return out;
}

/**
 * A model's explanation as contributions by feature, largest first (an object by feature, or the SDK's list of
 * `{name, value}`); empty when none was sent. Values that are not numbers are left out.
 */
function explanationOf(e: PrevisionUnitPrediction['explanation']): Array<{ feature: string; value: number }> {
  if (!e || typeof e !== 'object') return [];
  const pairs: Array<[unknown, unknown]> = Array.isArray(e) ? e.map((x) => [x?.name, x?.value]) : Object.entries(e);
  return pairs
    .filter((p): p is [string, number] => typeof p[0] === 'string' && typeof p[1] === 'number' && Number.isFinite(p[1]))
    .map(([feature, value]) => ({ feature, value }))
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value) || a.feature.localeCompare(b.feature));
}

/** The typed result of a unit prediction: a class with its probabilities, or a number. */
function typedPrediction(deploymentId: string, p: PrevisionUnitPrediction): PrevisionPredictionResult {
  const raw: Record<string, unknown> = { prediction: p.prediction };
  if (p.probas && typeof p.probas === 'object') raw['probas'] = p.probas;
  if (p.confidence && typeof p.confidence === 'object') raw['confidence'] = p.confidence;
  const confidence = p.confidence && typeof p.confidence === 'object' ? p.confidence : null;
  const explanation = explanationOf(p.explanation);
  if (typeof p.prediction === 'number' && !p.probas) return { kind: 'regression', value: p.prediction, raw, explanation, confidence };
  if (typeof p.prediction === 'string' || typeof p.prediction === 'number' || typeof p.prediction === 'boolean') {
    const probabilities = Object.entries(p.probas ?? {})
      .filter((e): e is [string, number] => typeof e[1] === 'number')
      .map(([label, probability]) => ({ label, probability }))
      .sort((a, b) => b.probability - a.probability);
    return { kind: 'classification', label: String(p.prediction), probabilities, raw, explanation, confidence };
  }
  throw new AugurError(
    ErrorCode.UPSTREAM_ERROR,
    `Prevision deployment ${deploymentId} answered a prediction that is neither a class nor a number.`,
    { platform: 'prevision' },
  );
}

/** Scores one record on a Prevision deployment (the deployed model's unit predict call, OAuth2 token cached). */
export async function predictOnDeployment(
  ctx: Context,
  deploymentId: string,
  features: Record<string, unknown>,
  options: { dispatch?: unknown; context?: unknown; explanations?: { enabled?: boolean | null } | null },
): Promise<DataikuPrediction> {
  if (options.dispatch)
    throw badInput('dispatch applies to Dataiku endpoints only; remove it for a Prevision deployment.', { param: 'dispatch' });
  if (options.context)
    throw badInput('context applies to Dataiku endpoints only; remove it for a Prevision deployment.', { param: 'context' });
  if (options.explanations?.enabled) {
    throw badInput('Explanations are not available through Augur for Prevision deployments; remove explanations.enabled.', {
      param: 'explanations',
    });
  }
  return toPrediction(await scoreOnDeployment(ctx, deploymentId, features, 'features'));
}

const gid = (type: NodeTypeName) => (o: { _id: string }, _a: unknown, ctx: Context) => ctx.services.codec.encode(type, o._id);
const pid = (o: { _id: string }) => o._id;
/**
 * A wire state as the `PrevisionState` enum's internal value. The cast works around typescript-resolvers typing
 * enums with object `enumValues` as `null` (graphql-code-generator issue #10204).
 */
const state = <S extends string | null>(v: S) => v as never;

export const previsionResolvers: Resolvers = {
  Query: {
    prevision: () => ({}),
  },
  Mutation: {
    startDeploymentPrediction: (_p, { input }, ctx) =>
      payload(
        async () => {
          const deploymentId = previsionId(ctx, input.deploymentId, 'PrevisionDeployment', 'input.deploymentId');
          const datasetId = previsionId(ctx, input.datasetId, 'PrevisionDataset', 'input.datasetId');
          const started = await pointing(
            () =>
              ctx.services.prevision.startDeploymentPrediction(
                { masterToken: ctx.credential('prevision'), budget: ctx.budget },
                deploymentId,
                datasetId,
              ),
            (e) =>
              e.code === ErrorCode.NOT_FOUND
                ? 'input.deploymentId'
                : fieldNamedIn(e.message, [
                    ['input.datasetId', 'dataset_id', 'dataset'],
                    ['input.deploymentId', 'deployment'],
                  ]),
          );
          if (!started?._id)
            throw new AugurError(ErrorCode.UPSTREAM_ERROR, 'Prevision did not return the id of the started prediction.', {
              platform: 'prevision',
            });
          return loadPrevision<PrevisionDeploymentPrediction>(ctx, 'PrevisionDeploymentPrediction', started._id);
        },
        (deploymentPrediction): { deploymentPrediction: PrevisionDeploymentPrediction | null } => ({ deploymentPrediction }),
        { deploymentPrediction: null },
      ),
  },
  Prevision: {
    projects: (_r, args, ctx) => connection<PrevisionProject>(ctx, 'prevision.projects', PREVISION_LISTS.projects, args),
    project: (_r, args, ctx) => loadPrevision(ctx, 'PrevisionProject', lookupId(ctx, args, 'PrevisionProject')),
    dataset: (_r, args, ctx) => loadPrevision(ctx, 'PrevisionDataset', lookupId(ctx, args, 'PrevisionDataset')),
    experiment: (_r, args, ctx) => loadPrevision(ctx, 'PrevisionExperiment', lookupId(ctx, args, 'PrevisionExperiment')),
    experimentVersion: (_r, args, ctx) =>
      loadPrevision(ctx, 'PrevisionExperimentVersion', lookupId(ctx, args, 'PrevisionExperimentVersion')),
    model: (_r, args, ctx) => loadPrevision(ctx, 'PrevisionModel', lookupId(ctx, args, 'PrevisionModel')),
    deployment: (_r, args, ctx) => loadPrevision(ctx, 'PrevisionDeployment', lookupId(ctx, args, 'PrevisionDeployment')),
    deploymentPrediction: (_r, args, ctx) =>
      loadPrevision(ctx, 'PrevisionDeploymentPrediction', lookupId(ctx, args, 'PrevisionDeploymentPrediction')),
    predict: async (_r, { deployment, features, explain, confidence }, ctx) => {
      const deploymentId = previsionId(ctx, deployment, 'PrevisionDeployment', 'deployment');
      const options = { explain: explain === true, confidence: confidence === true };
      return typedPrediction(deploymentId, await scoreOnDeployment(ctx, deploymentId, features, 'features', options));
    },
  },
  PrevisionPrediction: {
    __resolveType: (p) => (p.kind === 'classification' ? 'PrevisionClassification' : 'PrevisionRegression'),
  },
  PrevisionProject: {
    id: gid('PrevisionProject'),
    platformId: pid,
    createdAt: (p) => p.created_at,
    datasets: (p, args, ctx) => connection<PrevisionDataset>(ctx, 'PrevisionProject.datasets', PREVISION_LISTS.datasetsOf(p._id), args),
    experiments: (p, args, ctx) =>
      connection<PrevisionExperiment>(ctx, 'PrevisionProject.experiments', PREVISION_LISTS.experimentsOf(p._id), args),
    deployments: (p, args, ctx) =>
      connection<PrevisionDeployment>(ctx, 'PrevisionProject.deployments', PREVISION_LISTS.deploymentsOf(p._id), args),
  },
  PrevisionDataset: {
    id: gid('PrevisionDataset'),
    platformId: pid,
    fileType: (d) => d.file_type,
    rowCount: (d) => d.nb_rows,
    columnCount: (d) => d.nb_columns,
    copyState: (d) => state(d.copy_state),
    describeState: (d) => state(d.describe_state),
    createdAt: (d) => d.created_at,
  },
  PrevisionExperiment: {
    id: gid('PrevisionExperiment'),
    platformId: pid,
    trainingType: (e) => e.training_type,
    dataType: (e) => e.data_type,
    project: (e, _a, ctx) => loadPrevision(ctx, 'PrevisionProject', e.project_id),
    versions: (e, args, ctx) =>
      connection<PrevisionExperimentVersion>(ctx, 'PrevisionExperiment.versions', PREVISION_LISTS.versionsOf(e._id), args, BY_CREATION),
  },
  PrevisionExperimentVersion: {
    id: gid('PrevisionExperimentVersion'),
    platformId: pid,
    state: (v) => state(v.state),
    targetColumn: (v) => v.experiment_version_params.target_column,
    metric: (v) => v.experiment_version_params.metric,
    bestModelScore: (v) => v.best_model?.metric.value ?? null,
    createdAt: (v) => v.created_at,
    experiment: (v, _a, ctx) => loadPrevision(ctx, 'PrevisionExperiment', v.experiment_id),
    models: (v, args, ctx) => connection<PrevisionModel>(ctx, 'PrevisionExperimentVersion.models', PREVISION_LISTS.modelsOf(v._id), args),
  },
  PrevisionModel: {
    id: gid('PrevisionModel'),
    platformId: pid,
    name: (m) => m.model_name,
    trainingType: (m) => m.training_type,
    metric: (m) => m.metric.name,
    score: (m) => m.metric.value,
  },
  PrevisionDeployment: {
    id: gid('PrevisionDeployment'),
    platformId: pid,
    deployState: (d) => state(d.deploy_state),
    mainModelRunState: (d) => state(d.main_model_run_state),
    trainingType: (d) => d.training_type,
    accessType: (d) => d.access_type,
    currentVersion: (d) => d.current_version,
    createdAt: (d) => d.created_at,
    inputFeatures: async (d, _a, ctx) =>
      (await ctx.prevision.inputs(d)).map((input) => ({ name: input.name, type: featureType(input), required: input.required })),
    endpoint: (d) => deploymentRef(d),
    predictions: (d, args, ctx) =>
      connection<PrevisionDeploymentPrediction>(
        ctx,
        'PrevisionDeployment.predictions',
        PREVISION_LISTS.predictionsOf(d._id),
        args,
        BY_CREATION,
      ),
  },
  PrevisionDeploymentPrediction: {
    id: gid('PrevisionDeploymentPrediction'),
    platformId: pid,
    state: (p) => state(p.state),
    mainModelPredictionState: (p) => state(p.main_model_prediction_state),
    challengerModelPredictionState: (p) => state(p.challenger_model_prediction_state),
    datasetPlatformId: (p) => p.dataset_id,
    // A dataset may be deleted after it was scored: that is an answer (null), not a failure.
    dataset: (p, _a, ctx) =>
      loadPrevision<PrevisionDataset>(ctx, 'PrevisionDataset', p.dataset_id).catch((e: unknown) => {
        if (e instanceof AugurError && e.code === ErrorCode.NOT_FOUND) return null;
        throw e;
      }),
    createdAt: (p) => p.created_at,
    deployment: (p, _a, ctx) => loadPrevision(ctx, 'PrevisionDeployment', p.deployment_id),
  },
};
