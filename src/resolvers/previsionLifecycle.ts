/**
 * The Prevision.io life cycle through Augur: projects, experiments and versions created, trained, stopped and
 * deleted; models deployed and redeployed; validation predictions started; and what a version and a model describe
 * (features, holdout predictions, hyperparameters, analysis), the profile and project members.
 */
import type { Resolvers } from '../generated/resolvers.js';
import type { NodeTypeName } from '../relay/ids.js';
import { AugurError, ErrorCode, InputErrors, badInput, quote } from '../core/errors.js';
import { PREVISION_LISTS, type PrevisionCallContext, type PrevisionDeletable } from '../upstreams/prevision/client.js';
import type {
  PrevisionConnector,
  PrevisionDataSource,
  PrevisionDataset,
  PrevisionDeployment,
  PrevisionExport,
  PrevisionExporter,
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
import { BY_CREATION, BY_NAME, connection, loadPrevision, lookupId, previsionId } from './prevision.js';
import { fieldNamedIn, payload, pointing, type NamedField } from './userErrors.js';

const MAX_NAME = 255;
const COLOR = /^#[0-9A-Fa-f]{6}$/;

/** The call context of a Prevision request: the caller's master token and the operation's budget. */
export function call(ctx: Context): PrevisionCallContext {
  return { masterToken: ctx.credential('prevision'), budget: ctx.budget };
}

/** Collects the input's problems, so every one is reported at once. */
export class Problems {
  private readonly list: AugurError[] = [];
  add(param: string, message: string, reason?: 'required'): void {
    this.list.push(badInput(message, { param, ...(reason ? { reason } : {}) }));
  }
  text(param: string, value: string | null | undefined, required: boolean): void {
    if (value == null) {
      if (required) this.add(param, `${param} is required.`, 'required');
    } else if (!value.trim()) this.add(param, `${param} must not be blank.`, 'required');
    else if (value.length > MAX_NAME) this.add(param, `${param} may have at most ${MAX_NAME} characters, got ${value.length}.`);
  }
  /** A global id argument as the Prevision id it names; undefined (and a problem recorded) when it is not one. */
  id(ctx: Context, param: string, value: string, type: Parameters<typeof previsionId>[2]): string | undefined {
    try {
      return previsionId(ctx, value, type, param);
    } catch (e) {
      if (!(e instanceof AugurError)) throw e;
      this.list.push(new AugurError(e.code, e.message, { ...e.details, param }));
      return undefined;
    }
  }
  throwIfAny(): void {
    if (this.list.length === 1) throw this.list[0]!;
    if (this.list.length > 1) throw new InputErrors(this.list);
  }
}

/** Prevision names its body fields in messages (`Field "target_column": ...`): a refusal is pointed at the input field. */
export function refusal(notFound: string | undefined, fields: readonly NamedField[]) {
  return (e: AugurError) => (e.code === ErrorCode.NOT_FOUND && notFound ? notFound : fieldNamedIn(e.message, fields));
}

/** The id Prevision answered a create with; a create answer without one breaks its contract. */
export function created<T extends { _id?: string }>(what: string) {
  return (answer: T): T & { _id: string } => {
    if (!answer?._id) {
      throw new AugurError(ErrorCode.UPSTREAM_ERROR, `Prevision did not return the id of the new ${what}.`, { platform: 'prevision' });
    }
    return answer as T & { _id: string };
  };
}

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

const PORTLESS = new Set(['S3', 'GCP']);

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

    createPrevisionConnector: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const projectId = p.id(ctx, 'input.projectId', input.projectId, 'PrevisionProject');
          p.text('input.name', input.name, true);
          const type = input.type;
          const need = (field: 'host' | 'username' | 'password', when: boolean) => {
            const v = input[field];
            if (when && (v == null || !v.trim()))
              p.add(`input.${field}`, `input.${field} is required for a ${type} connector.`, 'required');
          };
          need('host', !PORTLESS.has(type));
          need('username', type !== 'GCP');
          need('password', type !== 'GCP');
          if (!PORTLESS.has(type) && input.port == null) p.add('input.port', `input.port is required for a ${type} connector.`, 'required');
          if (input.port != null && (input.port < 1 || input.port > 65535))
            p.add('input.port', `input.port must be between 1 and 65535, got ${input.port}.`);
          if (type === 'GCP' && input.googleCredentials == null)
            p.add('input.googleCredentials', 'input.googleCredentials is required for a GCP connector.', 'required');
          if (type !== 'GCP' && input.googleCredentials != null)
            p.add('input.googleCredentials', 'input.googleCredentials applies to GCP connectors only.');
          p.throwIfAny();
          const body: Record<string, unknown> = { type, name: input.name };
          for (const f of ['host', 'port', 'username', 'password', 'googleCredentials'] as const) if (input[f] != null) body[f] = input[f];
          const connector = await pointing(
            () => ctx.services.prevision.createConnector<PrevisionConnector>(call(ctx), projectId!, body),
            refusal('input.projectId', [
              ['input.port', 'port'],
              ['input.host', 'host'],
              ['input.username', 'username'],
              ['input.password', 'password'],
              ['input.googleCredentials', 'googleCredentials'],
              ['input.name', 'name'],
            ]),
          ).catch((e: unknown) => {
            // Prevision is not expected to echo a secret, but never trusted to.
            if (e instanceof AugurError && input.password && e.message.includes(input.password))
              throw new AugurError(e.code, e.message.split(input.password).join('[REDACTED]'), e.details);
            throw e;
          });
          return created<PrevisionConnector>('connector')(connector);
        },
        (connector): { connector: PrevisionConnector | null } => ({ connector }),
        { connector: null },
      ),
    testPrevisionConnector: (_p, { input }, ctx) =>
      payload(
        async () => {
          const id = previsionId(ctx, input.id, 'PrevisionConnector', 'input.id');
          try {
            await ctx.services.prevision.testConnector(call(ctx), id);
            return true;
          } catch (e) {
            // A 400 is Prevision's answer that the source cannot be reached through the connector.
            if (e instanceof AugurError && e.details.upstreamStatus === 400) return false;
            if (e instanceof AugurError && e.code === ErrorCode.NOT_FOUND)
              throw new AugurError(e.code, e.message, { ...e.details, param: 'input.id' });
            throw e;
          }
        },
        (reachable): { reachable: boolean | null } => ({ reachable }),
        { reachable: null },
      ),
    createPrevisionDataSource: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const connectorId = p.id(ctx, 'input.connectorId', input.connectorId, 'PrevisionConnector');
          p.text('input.name', input.name, true);
          if (input.table != null && input.request != null) p.add('input.request', 'Pass input.table or input.request, not both.');
          p.throwIfAny();
          const connector = await pointing(
            () => loadPrevision<PrevisionConnector>(ctx, 'PrevisionConnector', connectorId!),
            () => 'input.connectorId',
          );
          const body: Record<string, unknown> = { connector_id: connector._id, name: input.name };
          for (const f of ['database', 'table', 'request', 'path', 'bucket'] as const) if (input[f] != null) body[f] = input[f];
          return created<PrevisionDataSource>('data source')(
            await pointing(
              () => ctx.services.prevision.createDataSource<PrevisionDataSource>(call(ctx), connector.project_id, body),
              (e) =>
                fieldNamedIn(e.message, [
                  ['input.connectorId', 'connector_id'],
                  ['input.table', 'table'],
                  ['input.request', 'request'],
                  ['input.path', 'path'],
                  ['input.bucket', 'bucket'],
                  ['input.name', 'name'],
                ]),
            ),
          );
        },
        (dataSource): { dataSource: PrevisionDataSource | null } => ({ dataSource }),
        { dataSource: null },
      ),
    createPrevisionDatasetFromDataSource: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const sourceId = p.id(ctx, 'input.dataSourceId', input.dataSourceId, 'PrevisionDataSource');
          p.text('input.name', input.name, true);
          p.throwIfAny();
          const source = await pointing(
            () => loadPrevision<PrevisionDataSource>(ctx, 'PrevisionDataSource', sourceId!),
            () => 'input.dataSourceId',
          );
          return created<PrevisionDataset>('dataset')(
            await pointing(
              () =>
                ctx.services.prevision.createDatasetFromDataSource<PrevisionDataset>(call(ctx), source.project_id, {
                  name: input.name,
                  datasource_id: source._id,
                }),
              refusal('input.dataSourceId', [
                ['input.dataSourceId', 'datasource_id'],
                ['input.name', 'name'],
              ]),
            ),
          );
        },
        (dataset): { dataset: PrevisionDataset | null } => ({ dataset }),
        { dataset: null },
      ),
    createPrevisionExporter: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const connectorId = p.id(ctx, 'input.connectorId', input.connectorId, 'PrevisionConnector');
          p.text('input.name', input.name, true);
          p.throwIfAny();
          const connector = await pointing(
            () => loadPrevision<PrevisionConnector>(ctx, 'PrevisionConnector', connectorId!),
            () => 'input.connectorId',
          );
          const database = connector.type === 'SQL';
          if (database) {
            if (input.database == null)
              p.add('input.database', 'input.database is required for an exporter on a SQL connector.', 'required');
            if (input.table == null) p.add('input.table', 'input.table is required for an exporter on a SQL connector.', 'required');
            if (input.writeMode != null && input.writeMode !== 'replace' && input.writeMode !== 'append')
              p.add('input.writeMode', 'input.writeMode must be REPLACE or APPEND for a database.');
          } else {
            if (input.path == null)
              p.add('input.path', `input.path is required for an exporter on a ${connector.type} connector.`, 'required');
            if (input.writeMode === 'append') p.add('input.writeMode', 'input.writeMode must be TIMESTAMP, SAFE or REPLACE for files.');
          }
          p.throwIfAny();
          const body: Record<string, unknown> = { connector_id: connector._id, name: input.name };
          if (input.description != null) body['description'] = input.description;
          if (input.database != null) body['database'] = input.database;
          if (input.table != null) body['table'] = input.table;
          if (input.path != null) body['filepath'] = input.path;
          if (input.bucket != null) body['bucket'] = input.bucket;
          if (input.writeMode != null) body[database ? 'database_write_mode' : 'file_write_mode'] = input.writeMode;
          return created<PrevisionExporter>('exporter')(
            await pointing(
              () => ctx.services.prevision.createExporter<PrevisionExporter>(call(ctx), connector.project_id, body),
              (e) =>
                fieldNamedIn(e.message, [
                  ['input.connectorId', 'connector_id'],
                  ['input.database', 'database'],
                  ['input.table', 'table'],
                  ['input.path', 'filepath'],
                  ['input.writeMode', 'database_write_mode', 'file_write_mode'],
                  ['input.name', 'name'],
                ]),
            ),
          );
        },
        (exporter): { exporter: PrevisionExporter | null } => ({ exporter }),
        { exporter: null },
      ),
    startPrevisionExport: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const exporterId = p.id(ctx, 'input.exporterId', input.exporterId, 'PrevisionExporter');
          const given = (['datasetId', 'deploymentPredictionId', 'validationPredictionId'] as const).filter((k) => input[k] != null);
          if (given.length !== 1)
            p.add(
              given.length === 0 ? 'input.datasetId' : `input.${given[1]!}`,
              'Pass exactly one of input.datasetId, input.deploymentPredictionId and input.validationPredictionId.',
            );
          const dataset = input.datasetId != null ? p.id(ctx, 'input.datasetId', input.datasetId, 'PrevisionDataset') : undefined;
          const deployment =
            input.deploymentPredictionId != null
              ? p.id(ctx, 'input.deploymentPredictionId', input.deploymentPredictionId, 'PrevisionDeploymentPrediction')
              : undefined;
          const validation =
            input.validationPredictionId != null
              ? p.id(ctx, 'input.validationPredictionId', input.validationPredictionId, 'PrevisionValidationPrediction')
              : undefined;
          p.throwIfAny();
          const what =
            dataset !== undefined
              ? { dataset }
              : deployment !== undefined
                ? { prediction: deployment, type: 'deployment' as const }
                : { prediction: validation!, type: 'experiment' as const };
          const field = `input.${given[0]!}`;
          return created<PrevisionExport>('export')(
            await pointing(
              () => ctx.services.prevision.startExport<PrevisionExport>(call(ctx), exporterId!, what),
              // A 404 is the exporter; a 400 says the dataset or prediction is not in its project.
              (e) => (e.code === ErrorCode.NOT_FOUND ? 'input.exporterId' : field),
            ),
          );
        },
        (exp): { export: PrevisionExport | null } => ({ export: exp }),
        { export: null },
      ),
  },
  Prevision: {
    profile: (_r, _a, ctx) => ctx.services.prevision.getDocument<PrevisionProfile>(call(ctx), 'profile'),
    export: (_r, args, ctx) => loadPrevision<PrevisionExport>(ctx, 'PrevisionExport', lookupId(ctx, args, 'PrevisionExport')),
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
    exporters: (p, args, ctx) => connection<PrevisionExporter>(ctx, 'PrevisionProject.exporters', PREVISION_LISTS.exportersOf(p._id), args),
    connectors: (p, args, ctx) =>
      connection<PrevisionConnector>(ctx, 'PrevisionProject.connectors', PREVISION_LISTS.connectorsOf(p._id), args),
    dataSources: (p, args, ctx) =>
      connection<PrevisionDataSource>(ctx, 'PrevisionProject.dataSources', PREVISION_LISTS.dataSourcesOf(p._id), args),
    users: async (p, _a, ctx) => {
      const page = await ctx.services.prevision.getDocument<{ items?: PrevisionProjectUser[] } | PrevisionProjectUser[]>(
        call(ctx),
        'projectUsers',
        p._id,
      );
      return Array.isArray(page) ? page : (page.items ?? []);
    },
  },
  PrevisionDataset: {
    dataSourcePlatformId: (d) => d.datasource ?? null,
  },
  PrevisionConnector: {
    id: gid('PrevisionConnector'),
    platformId: (c) => c._id,
    createdAt: (c) => c.created_at,
  },
  PrevisionDataSource: {
    id: gid('PrevisionDataSource'),
    platformId: (s) => s._id,
    connectorPlatformId: (s) => s.connector_id,
    connector: (s, _a, ctx) => loadPrevision(ctx, 'PrevisionConnector', s.connector_id),
    createdAt: (s) => s.created_at,
  },
  PrevisionExporter: {
    id: gid('PrevisionExporter'),
    platformId: (e) => e._id,
    connectorPlatformId: (e) => e.connector_id,
    connector: (e, _a, ctx) => loadPrevision(ctx, 'PrevisionConnector', e.connector_id),
    target: (e) => (e.database != null ? `${e.database}.${e.table ?? ''}` : `${e.bucket ? `${e.bucket}/` : ''}${e.filepath ?? ''}`),
    writeMode: (e) => (e.database_write_mode ?? e.file_write_mode ?? 'replace') as never,
    createdAt: (e) => e.created_at,
    exports: (e, args, ctx) =>
      connection<PrevisionExport>(ctx, 'PrevisionExporter.exports', PREVISION_LISTS.exportsOf(e._id), args, BY_CREATION),
  },
  PrevisionExport: {
    id: gid('PrevisionExport'),
    platformId: (x) => x._id,
    state: (x) => state(x.status),
    exporterPlatformId: (x) => x.exporter_id,
    sourcePlatformId: (x) => x.dataset_id ?? x.prediction_id ?? '',
    sourceType: (x) => (x.dataset_id != null ? 'dataset' : (x.prediction_type ?? 'deployment')),
    createdAt: (x) => x.created_at,
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
