/**
 * The Prevision.io life cycle through Augur: projects, experiments and versions created, trained, stopped and
 * deleted; models deployed and redeployed; validation predictions started; and what a version and a model describe
 * (features, holdout predictions, hyperparameters, analysis), the profile and project members.
 */
import type { Resolvers } from '../generated/resolvers.js';
import type { NodeTypeName } from '../relay/ids.js';
import { ErrorCode, quote } from '../core/errors.js';
import { PREVISION_LISTS, type PrevisionDeletable } from '../upstreams/prevision/resources.js';
import type {
  PrevisionDeployment,
  PrevisionExperiment,
  PrevisionExperimentVersion,
  PrevisionFeature,
  PrevisionModel,
  PrevisionProfile,
  PrevisionProject,
  PrevisionProjectUser,
  PrevisionValidationPrediction,
} from '../upstreams/prevision/types.js';
import type { Context } from './context.js';
import { BY_NAME, connection, loadPrevision, lookupId, previsionId } from './prevision.js';
import { call, created, Problems, refusal } from './previsionWrites.js';
import { fieldNamedIn, payload, pointing } from './userErrors.js';

const COLOR = /^#[0-9A-Fa-f]{6}$/;

const DELETABLE: Partial<Record<NodeTypeName, PrevisionDeletable>> = {
  PrevisionProject: 'projects',
  PrevisionDataset: 'datasets',
  PrevisionExperiment: 'experiments',
  PrevisionExperimentVersion: 'experiment-versions',
  PrevisionDeployment: 'deployments',
  PrevisionValidationPrediction: 'validation-predictions',
  PrevisionConnector: 'connectors',
  PrevisionDataSource: 'data-sources',
  PrevisionExporter: 'exporters',
  PrevisionPipelineTemplate: 'pipeline-templates',
  PrevisionPipelineScheduledRun: 'pipeline-scheduled-runs',
  PrevisionImageFolder: 'image-folders',
};

const gid = (type: NodeTypeName) => (o: { _id: string }, _a: unknown, ctx: Context) => ctx.services.codec.encode(type, o._id);
const state = <S extends string | null>(v: S) => v as never;

/** Reads a model and checks its version has finished training, for a deployment. */
async function trainedModel(ctx: Context, modelId: string, param: string): Promise<PrevisionModel> {
  return pointing(
    () => loadPrevision<PrevisionModel>(ctx, 'PrevisionModel', modelId),
    () => param,
  );
}

export const previsionLifecycleResolvers: Resolvers = {
  Mutation: {
    createPrevisionProject: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          p.text('input.name', input.name, true);
          if (input.color != null && !COLOR.test(input.color))
            p.add('input.color', `input.color must be a colour as "#RRGGBB", got ${quote(input.color)}.`);
          p.throwIfAny();
          const body: Record<string, unknown> = { name: input.name };
          if (input.description != null) body['description'] = input.description;
          if (input.color != null) body['color'] = input.color;
          return created<PrevisionProject>('project')(
            await pointing(
              () => ctx.services.prevision.createProject<PrevisionProject>(call(ctx), body),
              refusal(undefined, [
                ['input.name', 'name'],
                ['input.color', 'color'],
              ]),
            ),
          );
        },
        (project): { project: PrevisionProject | null } => ({ project }),
        { project: null },
      ),
    deletePrevisionObject: (_p, { input }, ctx) =>
      payload(
        async () => {
          const types = Object.keys(DELETABLE) as NodeTypeName[];
          const { type, localId } = ctx.services.codec.decode(input.id, types, 'input.id');
          await pointing(
            () => ctx.services.prevision.delete(call(ctx), DELETABLE[type]!, localId),
            () => 'input.id',
          );
          return ctx.services.codec.encode(type, localId);
        },
        (deletedId): { deletedId: string | null } => ({ deletedId }),
        { deletedId: null },
      ),
    createPrevisionExperiment: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const projectId = p.id(ctx, 'input.projectId', input.projectId, 'PrevisionProject');
          p.text('input.name', input.name, true);
          p.throwIfAny();
          const body = {
            name: input.name,
            provider: 'prevision-auto-ml',
            training_type: input.trainingType,
            data_type: input.dataType ?? 'tabular',
          };
          return created<PrevisionExperiment>('experiment')(
            await pointing(
              () => ctx.services.prevision.createExperiment<PrevisionExperiment>(call(ctx), projectId!, body),
              refusal('input.projectId', [
                ['input.name', 'name'],
                ['input.trainingType', 'training_type'],
                ['input.dataType', 'data_type'],
              ]),
            ),
          );
        },
        (experiment): { experiment: PrevisionExperiment | null } => ({ experiment }),
        { experiment: null },
      ),
    createPrevisionExperimentVersion: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const experimentId = p.id(ctx, 'input.experimentId', input.experimentId, 'PrevisionExperiment');
          const datasetId = p.id(ctx, 'input.datasetId', input.datasetId, 'PrevisionDataset');
          const holdout =
            input.holdoutDatasetId != null ? p.id(ctx, 'input.holdoutDatasetId', input.holdoutDatasetId, 'PrevisionDataset') : undefined;
          p.text('input.targetColumn', input.targetColumn, true);
          if (input.idColumn != null && input.idColumn === input.targetColumn)
            p.add('input.idColumn', 'input.idColumn must not be the target column.');
          if (input.dropList?.includes(input.targetColumn)) p.add('input.dropList', 'input.dropList must not drop the target column.');
          p.throwIfAny();
          const body: Record<string, unknown> = { dataset_id: datasetId, target_column: input.targetColumn };
          if (input.idColumn != null) body['id_column'] = input.idColumn;
          if (holdout !== undefined) body['holdout_dataset_id'] = holdout;
          if (input.metric != null) body['metric'] = input.metric;
          if (input.profile != null) body['profile'] = input.profile;
          if (input.dropList != null) body['drop_list'] = input.dropList;
          if (input.description != null) body['description'] = input.description;
          return created<PrevisionExperimentVersion>('experiment version')(
            await pointing(
              () => ctx.services.prevision.createExperimentVersion<PrevisionExperimentVersion>(call(ctx), experimentId!, body),
              refusal('input.experimentId', [
                ['input.holdoutDatasetId', 'holdout_dataset_id'],
                ['input.datasetId', 'dataset_id'],
                ['input.targetColumn', 'target_column'],
                ['input.idColumn', 'id_column'],
                ['input.metric', 'metric'],
              ]),
            ),
          );
        },
        (experimentVersion): { experimentVersion: PrevisionExperimentVersion | null } => ({ experimentVersion }),
        { experimentVersion: null },
      ),
    confirmPrevisionExperimentVersion: (_p, { input }, ctx) =>
      payload(
        async () => {
          const id = previsionId(ctx, input.id, 'PrevisionExperimentVersion', 'input.id');
          // A refusal (already confirmed) is about the version itself.
          return pointing(
            () => ctx.services.prevision.confirmExperimentVersion<PrevisionExperimentVersion>(call(ctx), id),
            () => 'input.id',
          );
        },
        (experimentVersion): { experimentVersion: PrevisionExperimentVersion | null } => ({ experimentVersion }),
        { experimentVersion: null },
      ),
    stopPrevisionExperimentVersion: (_p, { input }, ctx) =>
      payload(
        async () => {
          const id = previsionId(ctx, input.id, 'PrevisionExperimentVersion', 'input.id');
          return pointing(
            () => ctx.services.prevision.stopExperimentVersion<PrevisionExperimentVersion>(call(ctx), id),
            () => 'input.id',
          );
        },
        (experimentVersion): { experimentVersion: PrevisionExperimentVersion | null } => ({ experimentVersion }),
        { experimentVersion: null },
      ),
    createPrevisionDeployment: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          p.text('input.name', input.name, true);
          const mainId = p.id(ctx, 'input.mainModelId', input.mainModelId, 'PrevisionModel');
          const challengerId =
            input.challengerModelId != null ? p.id(ctx, 'input.challengerModelId', input.challengerModelId, 'PrevisionModel') : undefined;
          if (mainId !== undefined && mainId === challengerId)
            p.add('input.challengerModelId', 'input.challengerModelId must be another model than the main one.');
          p.throwIfAny();
          // Prevision takes the experiment, each model and its version: all are read from the models.
          const [main, challenger] = await Promise.all([
            trainedModel(ctx, mainId!, 'input.mainModelId'),
            challengerId !== undefined ? trainedModel(ctx, challengerId, 'input.challengerModelId') : undefined,
          ]);
          const version = await loadPrevision<PrevisionExperimentVersion>(ctx, 'PrevisionExperimentVersion', main.experiment_version_id);
          const body: Record<string, unknown> = {
            name: input.name,
            experiment_id: version.experiment_id,
            main_model_experiment_version_id: main.experiment_version_id,
            main_model_id: main._id,
            access_type: input.accessType ?? 'fine_grained',
          };
          if (input.description != null) body['description'] = input.description;
          if (challenger) {
            body['challenger_model_experiment_version_id'] = challenger.experiment_version_id;
            body['challenger_model_id'] = challenger._id;
          }
          return created<PrevisionDeployment>('deployment')(
            await pointing(
              () => ctx.services.prevision.createDeployment<PrevisionDeployment>(call(ctx), version.project_id, body),
              refusal(undefined, [
                ['input.challengerModelId', 'challenger_model_id', 'challenger_model_experiment_version_id'],
                ['input.mainModelId', 'main_model_id', 'main_model_experiment_version_id', 'experiment_id'],
                ['input.name', 'name'],
              ]),
            ),
          );
        },
        (deployment): { deployment: PrevisionDeployment | null } => ({ deployment }),
        { deployment: null },
      ),
    createPrevisionDeploymentVersion: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const deploymentId = p.id(ctx, 'input.deploymentId', input.deploymentId, 'PrevisionDeployment');
          p.text('input.name', input.name, true);
          const mainId = p.id(ctx, 'input.mainModelId', input.mainModelId, 'PrevisionModel');
          const challengerId =
            input.challengerModelId != null ? p.id(ctx, 'input.challengerModelId', input.challengerModelId, 'PrevisionModel') : undefined;
          p.throwIfAny();
          const [main, challenger] = await Promise.all([
            trainedModel(ctx, mainId!, 'input.mainModelId'),
            challengerId !== undefined ? trainedModel(ctx, challengerId, 'input.challengerModelId') : undefined,
          ]);
          const body: Record<string, unknown> = {
            name: input.name,
            main_model_experiment_version_id: main.experiment_version_id,
            main_model_id: main._id,
          };
          if (challenger) {
            body['challenger_model_experiment_version_id'] = challenger.experiment_version_id;
            body['challenger_model_id'] = challenger._id;
          }
          await pointing(
            () => ctx.services.prevision.createDeploymentVersion<unknown>(call(ctx), deploymentId!, body),
            (e) =>
              e.code === ErrorCode.NOT_FOUND
                ? 'input.deploymentId'
                : (fieldNamedIn(e.message, [
                    ['input.challengerModelId', 'challenger_model_id', 'challenger_model_experiment_version_id'],
                    ['input.mainModelId', 'main_model_id', 'main_model_experiment_version_id'],
                    ['input.name', 'name'],
                  ]) ?? 'input.deploymentId'),
          );
          return ctx.services.prevision.get<PrevisionDeployment>(call(ctx), 'deployments', deploymentId!);
        },
        (deployment): { deployment: PrevisionDeployment | null } => ({ deployment }),
        { deployment: null },
      ),
    startPrevisionValidationPrediction: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const modelId = p.id(ctx, 'input.modelId', input.modelId, 'PrevisionModel');
          const datasetId = p.id(ctx, 'input.datasetId', input.datasetId, 'PrevisionDataset');
          p.throwIfAny();
          const model = await trainedModel(ctx, modelId!, 'input.modelId');
          const body = { dataset_id: datasetId, model_id: model._id, confidence: input.confidence === true };
          return created<PrevisionValidationPrediction>('validation prediction')(
            await pointing(
              () =>
                ctx.services.prevision.startValidationPrediction<PrevisionValidationPrediction>(
                  call(ctx),
                  model.experiment_version_id,
                  body,
                ),
              refusal('input.modelId', [
                ['input.datasetId', 'dataset_id', 'dataset'],
                ['input.modelId', 'model_id', 'model'],
              ]),
            ),
          );
        },
        (validationPrediction): { validationPrediction: PrevisionValidationPrediction | null } => ({ validationPrediction }),
        { validationPrediction: null },
      ),
  },
  Prevision: {
    profile: (_r, _a, ctx) => ctx.services.prevision.getDocument<PrevisionProfile>(call(ctx), 'profile'),
    validationPrediction: (_r, args, ctx) =>
      loadPrevision<PrevisionValidationPrediction>(
        ctx,
        'PrevisionValidationPrediction',
        lookupId(ctx, args, 'PrevisionValidationPrediction'),
      ),
  },
  PrevisionProfile: {
    platformId: (p) => p._id,
    firstName: (p) => p.first_name,
    lastName: (p) => p.last_name,
  },
  PrevisionProject: {
    users: async (p, _a, ctx) => {
      const page = await ctx.services.prevision.getDocument<{ items?: PrevisionProjectUser[] } | PrevisionProjectUser[]>(
        call(ctx),
        'projectUsers',
        p._id,
      );
      return Array.isArray(page) ? page : (page.items ?? []);
    },
  },
  PrevisionProjectUser: {
    platformId: (u) => u._id,
  },
  PrevisionExperimentVersion: {
    draft: (v) => v.draft === true,
    datasetPlatformId: (v) => v.dataset_id,
    features: (v, args, ctx) =>
      connection<PrevisionFeature>(ctx, 'PrevisionExperimentVersion.features', PREVISION_LISTS.featuresOf(v._id), args, BY_NAME),
    holdoutPredictions: async (v, _a, ctx) => {
      const page = await ctx.services.prevision.getDocument<{ items?: PrevisionValidationPrediction[] }>(
        call(ctx),
        'holdoutPredictions',
        v._id,
      );
      return page.items ?? [];
    },
  },
  PrevisionFeature: {
    importance: (f) => f.importance_value,
    stats: (f) => f.stats ?? {},
  },
  PrevisionModel: {
    experimentVersionPlatformId: (m) => m.experiment_version_id,
    hyperparameters: (m, _a, ctx) => ctx.services.prevision.getDocument<Record<string, unknown>>(call(ctx), 'hyperparameters', m._id),
    analysis: (m, _a, ctx) => ctx.services.prevision.getDocument<Record<string, unknown>>(call(ctx), 'analysis', m._id),
  },
  PrevisionValidationPrediction: {
    id: gid('PrevisionValidationPrediction'),
    platformId: (p) => p._id,
    state: (p) => state(p.state),
    modelPlatformId: (p) => p.model_id,
    modelName: (p) => p.model_name,
    datasetPlatformId: (p) => p.dataset_id,
    datasetName: (p) => p.dataset_name,
    score: (p) => p.score?.value ?? null,
    predictionsCount: (p) => p.predictions_count,
    downloadAvailable: (p) => p.download_available,
    experimentVersionPlatformId: (p) => p.experiment_version_id,
    model: (p, _a, ctx) => loadPrevision(ctx, 'PrevisionModel', p.model_id),
    experimentVersion: (p, _a, ctx) => loadPrevision(ctx, 'PrevisionExperimentVersion', p.experiment_version_id),
    createdAt: (p) => p.created_at,
  },
};
