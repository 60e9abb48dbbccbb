/** Resolvers of the Prevision.io part of the schema, and predictions on Prevision deployments. */
import type { Resolvers } from '../generated/resolvers.js';
import { resolveConnection, type ConnectionArgs, type PageSource } from '../relay/connection.js';
import type { NodeTypeName } from '../relay/ids.js';
import type { Context } from './context.js';
import type { PrevisionDeploymentRef } from './models.js';
import { AugurError, ErrorCode, badInput } from '../core/errors.js';
import type { DataikuPrediction } from '../upstreams/dataiku/types.js';
import { PREVISION_LISTS, type PrevisionCollection, type PrevisionList } from '../upstreams/prevision/client.js';
import type {
  PrevisionDataset,
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

type PrevisionType =
  | 'PrevisionProject'
  | 'PrevisionDataset'
  | 'PrevisionExperiment'
  | 'PrevisionExperimentVersion'
  | 'PrevisionModel'
  | 'PrevisionDeployment'
  | 'PrevisionDeploymentPrediction';

/** The collection each type is read from by id. */
const COLLECTIONS: Record<PrevisionType, PrevisionCollection> = {
  PrevisionProject: 'projects',
  PrevisionDataset: 'datasets',
  PrevisionExperiment: 'experiments',
  PrevisionExperimentVersion: 'experiment-versions',
  PrevisionModel: 'models',
  PrevisionDeployment: 'deployments',
  PrevisionDeploymentPrediction: 'deployment-predictions',
};

/** Reads an id argument that may be a global id or a Prevision (24-hex) id. */
export function previsionId(ctx: Context, arg: string, type: PrevisionType, argName = 'id'): string {
  if (/^[0-9a-f]{24}$/.test(arg)) return arg;
  if (type === 'PrevisionDeployment') {
    const decoded = ctx.services.codec.decode(arg, ['PrevisionDeployment', 'Endpoint'], argName);
    if (decoded.type === 'PrevisionDeployment') return decoded.localId;
    if (decoded.localId.startsWith('prevision:')) return decoded.localId.slice('prevision:'.length);
    throw badInput(`Argument "${argName}" is a Dataiku endpoint, not a Prevision deployment.`, { param: argName });
  }
  return ctx.services.codec.decode(arg, [type], argName).localId;
}

/** Loads one Prevision object by its type and id, through the request's loaders. */
export function loadPrevision<T>(ctx: Context, type: PrevisionType, id: string): Promise<T> {
  return ctx.prevision.get<T>(COLLECTIONS[type], id);
}

function source<T>(ctx: Context, list: PrevisionList): PageSource<T> {
  return { maxPageSize: PAGE_SIZE_LIMIT, fetchPage: (page, size) => ctx.prevision.list<T>(list, page, size) };
}

/** A connection over a paged Prevision list; cursors are bound to the list. */
function connection<T>(ctx: Context, name: string, list: PrevisionList, args: ConnectionArgs) {
  return resolveConnection<T>(name, { path: list.path }, args, source<T>(ctx, list), ctx.services.codec, ctx.services.config.paging);
}

async function readAll<T>(ctx: Context, list: PrevisionList): Promise<T[]> {
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

function toPrediction(p: PrevisionUnitPrediction): DataikuPrediction {
  const out: DataikuPrediction = { prediction: p.prediction, ignored: false };
  if (p.probas && typeof p.probas === 'object') out.probas = p.probas;
  if (p.explanation && !Array.isArray(p.explanation) && typeof p.explanation === 'object') out.explanations = p.explanation;
  return out;
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
  const deployment = await loadPrevision<PrevisionDeployment>(ctx, 'PrevisionDeployment', deploymentId);
  return toPrediction(await ctx.prevision.predict(deployment).load(features));
}

const gid = (type: NodeTypeName) => (o: { _id: string }, _a: unknown, ctx: Context) => ctx.services.codec.encode(type, o._id);
const date = (v: string | null | undefined) => (v ? v : null);
/**
 * A wire state as the `PrevisionState` enum's internal value. The cast works around typescript-resolvers typing
 * enums with object `enumValues` as `null` (graphql-code-generator issue #10204).
 */
const state = (v: string | null | undefined) => (v ?? null) as never;

export const previsionResolvers: Resolvers = {
  Query: {
    prevision: () => ({}),
  },
  Mutation: {
    startDeploymentPrediction: async (_p, args, ctx) => {
      const deploymentId = previsionId(ctx, args.deployment, 'PrevisionDeployment', 'deployment');
      const datasetId = previsionId(ctx, args.dataset, 'PrevisionDataset', 'dataset');
      const started = await ctx.services.prevision.startDeploymentPrediction(
        { masterToken: ctx.credential('prevision'), budget: ctx.budget },
        deploymentId,
        datasetId,
      );
      if (!started?._id)
        throw new AugurError(ErrorCode.UPSTREAM_ERROR, 'Prevision did not return the id of the started prediction.', {
          platform: 'prevision',
        });
      return loadPrevision<PrevisionDeploymentPrediction>(ctx, 'PrevisionDeploymentPrediction', started._id);
    },
  },
  Prevision: {
    projects: (_r, args, ctx) => connection<PrevisionProject>(ctx, 'prevision.projects', PREVISION_LISTS.projects, args),
    project: (_r, { id }, ctx) => loadPrevision(ctx, 'PrevisionProject', previsionId(ctx, id, 'PrevisionProject')),
    dataset: (_r, { id }, ctx) => loadPrevision(ctx, 'PrevisionDataset', previsionId(ctx, id, 'PrevisionDataset')),
    experiment: (_r, { id }, ctx) => loadPrevision(ctx, 'PrevisionExperiment', previsionId(ctx, id, 'PrevisionExperiment')),
    experimentVersion: (_r, { id }, ctx) =>
      loadPrevision(ctx, 'PrevisionExperimentVersion', previsionId(ctx, id, 'PrevisionExperimentVersion')),
    model: (_r, { id }, ctx) => loadPrevision(ctx, 'PrevisionModel', previsionId(ctx, id, 'PrevisionModel')),
    deployment: (_r, { id }, ctx) => loadPrevision(ctx, 'PrevisionDeployment', previsionId(ctx, id, 'PrevisionDeployment')),
    deploymentPrediction: (_r, { id }, ctx) =>
      loadPrevision(ctx, 'PrevisionDeploymentPrediction', previsionId(ctx, id, 'PrevisionDeploymentPrediction')),
  },
  PrevisionProject: {
    id: gid('PrevisionProject'),
    previsionId: (p) => p._id,
    createdAt: (p) => date(p.created_at),
    datasets: (p, args, ctx) => connection<PrevisionDataset>(ctx, 'PrevisionProject.datasets', PREVISION_LISTS.datasetsOf(p._id), args),
    experiments: (p, args, ctx) =>
      connection<PrevisionExperiment>(ctx, 'PrevisionProject.experiments', PREVISION_LISTS.experimentsOf(p._id), args),
    deployments: (p, args, ctx) =>
      connection<PrevisionDeployment>(ctx, 'PrevisionProject.deployments', PREVISION_LISTS.deploymentsOf(p._id), args),
  },
  PrevisionDataset: {
    id: gid('PrevisionDataset'),
    previsionId: (d) => d._id,
    fileType: (d) => d.file_type ?? null,
    rowCount: (d) => d.nb_rows ?? null,
    columnCount: (d) => d.nb_columns ?? null,
    copyState: (d) => state(d.copy_state ?? null),
    describeState: (d) => state(d.describe_state ?? null),
    createdAt: (d) => date(d.created_at),
  },
  PrevisionExperiment: {
    id: gid('PrevisionExperiment'),
    previsionId: (e) => e._id,
    trainingType: (e) => e.training_type ?? null,
    dataType: (e) => e.data_type ?? null,
    project: (e, _a, ctx) => loadPrevision(ctx, 'PrevisionProject', e.project_id),
    versions: (e, args, ctx) =>
      connection<PrevisionExperimentVersion>(ctx, 'PrevisionExperiment.versions', PREVISION_LISTS.versionsOf(e._id), args),
  },
  PrevisionExperimentVersion: {
    id: gid('PrevisionExperimentVersion'),
    previsionId: (v) => v._id,
    targetColumn: (v) => v.experiment_version_params?.target_column ?? null,
    metric: (v) => v.experiment_version_params?.metric ?? v.best_model?.metric?.name ?? null,
    bestModelScore: (v) => v.best_model?.metric?.value ?? null,
    createdAt: (v) => date(v.created_at),
    experiment: (v, _a, ctx) => loadPrevision(ctx, 'PrevisionExperiment', v.experiment_id),
    models: (v, args, ctx) => connection<PrevisionModel>(ctx, 'PrevisionExperimentVersion.models', PREVISION_LISTS.modelsOf(v._id), args),
  },
  PrevisionModel: {
    id: gid('PrevisionModel'),
    previsionId: (m) => m._id,
    name: (m) => m.model_name,
    deployable: (m) => m.deployable === true,
    trainingType: (m) => m.training_type ?? m.type_problem ?? null,
    tags: (m) => m.tags ?? [],
    score: (m) => m.metric?.value ?? null,
  },
  PrevisionDeployment: {
    id: gid('PrevisionDeployment'),
    previsionId: (d) => d._id,
    deployState: (d) => state(d.deploy_state ?? null),
    mainModelRunState: (d) => state(d.main_model_run_state ?? d.run_state ?? null),
    trainingType: (d) => d.training_type ?? null,
    accessType: (d) => d.access_type ?? null,
    currentVersion: (d) => d.current_version ?? null,
    createdAt: (d) => date(d.created_at),
    endpoint: (d) => deploymentRef(d),
    predictions: (d, args, ctx) =>
      connection<PrevisionDeploymentPrediction>(ctx, 'PrevisionDeployment.predictions', PREVISION_LISTS.predictionsOf(d._id), args),
  },
  PrevisionDeploymentPrediction: {
    id: gid('PrevisionDeploymentPrediction'),
    previsionId: (p) => p._id,
    mainModelPredictionState: (p) => state(p.main_model_prediction_state ?? null),
    challengerModelPredictionState: (p) => state(p.challenger_model_prediction_state ?? null),
    datasetId: (p) => p.dataset_id ?? null,
    predictionsCount: (p) => p.predictions_count ?? null,
    createdAt: (p) => date(p.created_at),
    deployment: (p, _a, ctx) => loadPrevision(ctx, 'PrevisionDeployment', p.deployment_id),
  },
};
