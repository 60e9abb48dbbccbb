/**
 * Internal to the Prevision emulator: the record builders the seed is written with. Each one creates a record the way
 * the platform would (ids from the shared factory, in call order), pushes it into the organization's data and answers
 * it, so an organization's seed reads as a list of what it holds.
 */
import { formatCsv } from '../files.js';
import type { ScorerHints } from '../scoring.js';
import type {
  ApiKeyRecord,
  DatasetRecord,
  DeploymentRecord,
  ModelRecord,
  ObjectIdFactory,
  PlatformData,
  PredictionRecord,
} from '../store.js';
import { defaultMetric, finishVersion, predictionCsv, trainModels } from '../training.js';
import type { CellValue, Dataset, DatasetColumn, Experiment, ExperimentVersion, Project, UserRef } from '../types.js';
import { HOUR, iso } from './base.js';

/** Who owns an organization's seeded records: its demo user (admin of every project) and an analyst (contributor). */
export interface SeedPeople {
  userId: string;
  demoUser: UserRef;
  analyst: UserRef;
}

/** The builders of one organization's seed, writing into `data`. */
export type SeedBuilder = ReturnType<typeof seedBuilder>;

/** Binds the record builders to an organization's id factory, data and people. */
export function seedBuilder(ids: ObjectIdFactory, data: PlatformData, { userId, demoUser, analyst }: SeedPeople) {
  const project = (name: string, description: string, color: string, at: number): Project => {
    const p: Project = {
      _id: ids.next(at),
      name,
      description,
      color,
      created_by: userId,
      created_at: iso(at),
      admins: [demoUser],
      contributors: [analyst],
      viewers: [],
      end_users: [],
      pipelines_count: 0,
      experiments_count: 0,
      dataset_count: 0,
    };
    data.projects.push(p);
    return p;
  };

  const dataset = (p: Project, name: string, table: { columns: DatasetColumn[]; rows: CellValue[][] }, at: number): DatasetRecord => {
    const csv = formatCsv(
      table.columns.map((c) => c.name),
      table.rows,
    );
    const wire: Dataset = {
      _id: ids.next(at),
      project_id: p._id,
      name,
      separator: ',',
      decimal: '.',
      file_type: 'csv',
      datasource: null,
      copy_state: 'done',
      describe_state: 'done',
      drift_state: 'done',
      embeddings_state: 'pending',
      isAvailable: true,
      nb_rows: table.rows.length,
      nb_columns: table.columns.length,
      size: Buffer.byteLength(csv),
      created_at: iso(at),
      created_by: userId,
    };
    const rec = { wire, columns: table.columns, rows: table.rows };
    data.datasets.push(rec);
    return rec;
  };

  const experiment = (p: Project, name: string, training_type: 'classification' | 'regression', at: number): Experiment => {
    const e: Experiment = {
      _id: ids.next(at),
      project_id: p._id,
      name,
      provider: 'prevision-auto-ml',
      training_type,
      data_type: 'tabular',
      hosting: 'prevision',
      created_at: iso(at),
      created_by: userId,
      versions_count: 0,
    };
    data.experiments.push(e);
    return e;
  };

  const version = (
    e: Experiment,
    ds: DatasetRecord,
    target: string,
    at: number,
    opts: { description?: string; parent?: ExperimentVersion; idColumn?: string; hints?: ScorerHints } = {},
  ): { version: ExperimentVersion; models: ModelRecord[] } => {
    e.versions_count++;
    const v: ExperimentVersion = {
      _id: ids.next(at),
      project_id: e.project_id,
      experiment_id: e._id,
      description: opts.description ?? null,
      version: e.versions_count,
      parent_version: opts.parent?.version ?? null,
      created_at: iso(at),
      experiment: { data_type: e.data_type, training_type: e.training_type },
      dataset_id: ds.wire._id,
      holdout_dataset_id: null,
      experiment_version_params: {
        target_column: target,
        id_column: opts.idColumn ?? null,
        fold_column: null,
        weight_column: null,
        time_column: null,
        group_columns: null,
        apriori_columns: null,
        drop_list: [],
        metric: defaultMetric(e.training_type).name,
        profile: 'quick',
        features_engineering_selected_list: [],
        normal_models: ['LGB', 'XGB', 'LR'],
        lite_models: [],
        simple_models: ['LR'],
        features_selection_time: 3600,
        features_selection_count: null,
      },
      state: 'running',
      draft: false,
      best_model: null,
      models_count: 0,
    };
    const models = trainModels(ids, v, ds, at + 2 * HOUR, opts.hints);
    finishVersion(v, models);
    data.versions.push(v);
    data.models.push(...models);
    return { version: v, models };
  };

  const deployment = (
    p: Project,
    e: Experiment,
    v: ExperimentVersion,
    m: ModelRecord,
    name: string,
    at: number,
    key: { clientId: string; secret: string },
  ): DeploymentRecord => {
    const d: DeploymentRecord = {
      _id: ids.next(at),
      project_id: p._id,
      name,
      description: null,
      experiment_id: e._id,
      current_version: 1,
      versions: [
        {
          version: 1,
          name,
          main_model_id: m.wire._id,
          main_model_experiment_version_id: v._id,
          challenger_model_id: null,
          challenger_model_experiment_version_id: null,
          created_at: iso(at),
        },
      ],
      deploy_state: 'done',
      main_model_run_state: 'done',
      current_type_violation_policy: 'best_effort',
      access_type: 'fine_grained',
      training_type: e.training_type,
      models: [{ _id: m.wire._id, model_name: m.wire.model_name, experiment_version_id: v._id, role: 'main' }],
      created_at: iso(at),
      created_by: userId,
    };
    data.deployments.push(d);
    const k: ApiKeyRecord = {
      wire: {
        _id: ids.next(at + HOUR),
        deployment_id: d._id,
        project_id: p._id,
        service_account_client_id: key.clientId,
        created_at: iso(at + HOUR),
      },
      secret: key.secret,
    };
    data.apiKeys.push(k);
    return d;
  };

  const prediction = (d: DeploymentRecord, m: ModelRecord, ds: DatasetRecord, at: number, state: 'done' | 'failed'): PredictionRecord => {
    const _id = ids.next(at);
    const filename = `${ds.wire.name}_predictions`;
    const result = state === 'done' ? predictionCsv(m.scorer!, ds, filename) : null;
    const rec: PredictionRecord = {
      wire: {
        _id,
        project_id: d.project_id,
        deployment_id: d._id,
        deployment_version: d.current_version,
        dataset_id: ds.wire._id,
        dataset_name: ds.wire.name,
        filename,
        state,
        main_model_id: m.wire._id,
        challenger_model_id: null,
        main_model_prediction_state: state,
        challenger_model_prediction_state: null,
        missing_columns: [],
        predictions_count: result ? result.count : null,
        created_at: iso(at),
        created_by: userId,
      },
      result: result ? result.zip : null,
    };
    data.predictions.push(rec);
    return rec;
  };

  return { project, dataset, experiment, version, deployment, prediction };
}
