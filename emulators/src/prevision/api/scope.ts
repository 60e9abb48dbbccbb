/**
 * Internal to the Prevision emulator: what the `/ext/v1` route groups share (lookups of records by id, the job steps
 * of trainings and validation predictions, and reply helpers).
 */
import type { EmulatorRequest, EmulatorReply } from '../../framework/emulator.js';
import { evaluate, featureImportances, metricValue, predictionTable, type Table } from '../analysis.js';
import { badRequest, notFound, paginate, requiredString, type HandlerContext } from '../context.js';
import { zipSingleFile, formatCsv } from '../files.js';
import { finishVersion } from '../training.js';
import type { DatasetRecord, DeploymentRecord, ModelRecord, PredictionRecord, ValidationPredictionRecord } from '../store.js';
import type { Deployment, DeploymentModelRef, Experiment, ExperimentVersion, Project } from '../types.js';

/** Platform version reported by `GET /ext/v1/version`. */
export const PLATFORM_VERSION = '11.7.0';
export const API = '/ext/v1';
export const SAMPLE_ROWS = 10;

export const ok = (body: unknown): EmulatorReply => ({ status: 200, body });
export const noContent = (): EmulatorReply => ({ status: 204 });

/** The lookups and job steps the `/ext/v1` route groups share, closed over one emulator's state. */
export function apiScope(ctx: HandlerContext) {
  const { store, options } = ctx;

  const page = <T extends object>(items: readonly T[], req: EmulatorRequest): EmulatorReply => ok(paginate(items, req.query, options));

  const project = (id: string): Project => {
    const p = store.projects.get(id);
    if (!p) throw notFound('Project', id);
    return p;
  };
  const projectWire = (p: Project): Project => {
    let experiments = 0;
    let datasets = 0;
    for (const e of store.experiments.values()) if (e.project_id === p._id) experiments++;
    for (const d of store.datasets.values()) if (d.wire.project_id === p._id) datasets++;
    let pipelines = 0;
    for (const t of store.pipelineTemplates.values()) if (t.project_id === p._id) pipelines++;
    return { ...p, experiments_count: experiments, dataset_count: datasets, pipelines_count: pipelines };
  };
  const dataset = (id: string): DatasetRecord => {
    const d = store.datasets.get(id);
    if (!d) throw notFound('Dataset', id);
    return d;
  };
  const experiment = (id: string): Experiment => {
    const e = store.experiments.get(id);
    if (!e) throw notFound('Experiment', id);
    return e;
  };
  const version = (id: string): ExperimentVersion => {
    const v = store.versions.get(id);
    if (!v) throw notFound('Experiment version', id);
    return v;
  };
  const model = (id: string): ModelRecord => {
    const m = store.models.get(id);
    if (!m) throw notFound('Model', id);
    return m;
  };
  const deployment = (id: string): DeploymentRecord => {
    const d = store.deployments.get(id);
    if (!d) throw notFound('Deployment', id);
    return d;
  };
  const deploymentWire = (d: DeploymentRecord, req: EmulatorRequest): Deployment => ({
    ...d,
    url: `${ctx.baseUrl(req)}/deployments-host/${d._id}`,
  });
  const prediction = (id: string): PredictionRecord => {
    const p = store.predictions.get(id);
    if (!p) throw notFound('Deployment prediction', id);
    return p;
  };
  const datasetInProject = (pid: string, id: unknown, field: string): DatasetRecord => {
    if (typeof id !== 'string' || id === '')
      throw badRequest(`Field "${field}" is required and must be a dataset id, got ${JSON.stringify(id)}.`);
    const d = store.datasets.get(id);
    if (!d || d.wire.project_id !== pid)
      throw badRequest(`Field "${field}": dataset ${JSON.stringify(id)} does not exist in project ${pid}.`);
    if (d.wire.copy_state !== 'done') {
      throw badRequest(`Dataset ${id} is not ready (copy_state ${d.wire.copy_state}); wait for its DATASET_UPDATE event and retry.`);
    }
    return d;
  };
  /**
   * `parent_version` as the SDK sends it (`Supervised.new_version` and `ExternalExperimentVersion.new_version` pass
   * `parent_version=self.version`, the integer version number), or as a version `_id`; either way a version of the
   * same experiment.
   */
  const parentVersion = (e: Experiment, raw: unknown): ExperimentVersion | null => {
    if (raw === undefined || raw === null) return null;
    const siblings = [...store.versions.values()].filter((v) => v.experiment_id === e._id);
    let found: ExperimentVersion | undefined;
    if (typeof raw === 'number' && Number.isInteger(raw)) {
      found = siblings.find((v) => v.version === raw);
    } else if (typeof raw === 'string' && raw !== '') {
      found = siblings.find((v) => v._id === raw) ?? (/^\d+$/.test(raw) ? siblings.find((v) => v.version === Number(raw)) : undefined);
    } else {
      throw badRequest(
        `Field "parent_version" must be a version number (or a version id) of experiment ${e._id}, got ${JSON.stringify(raw)}.`,
      );
    }
    if (!found) {
      const known = siblings.map((v) => v.version).join(', ') || 'none';
      throw badRequest(
        `Field "parent_version": ${JSON.stringify(raw)} is not a version of experiment ${e._id} (its versions: ${known}); send an existing version number.`,
      );
    }
    return found;
  };
  const getDeployment = (req: EmulatorRequest): EmulatorReply => {
    const d = deployment(req.params['id']!);
    store.jobs.read(d._id);
    return ok(deploymentWire(d, req));
  };
  const deleteDeployment = (req: EmulatorRequest): EmulatorReply => {
    store.deleteDeployment(deployment(req.params['id']!)._id);
    return noContent();
  };
  const modelsOf = (versionId: string): ModelRecord[] =>
    [...store.models.values()].filter((m) => m.wire.experiment_version_id === versionId);
  const deploymentUsing = (versionId: string): DeploymentRecord | undefined =>
    [...store.deployments.values()].find((d) => d.models.some((m) => m.experiment_version_id === versionId));
  const validationPrediction = (id: string): ValidationPredictionRecord => {
    const p = store.validationPredictions.get(id);
    if (!p) throw notFound('Validation prediction', id);
    return p;
  };
  /** The dataset a version trained on, which describes its features and scores its models. */
  const trainingDataset = (v: ExperimentVersion): DatasetRecord => {
    const d = store.datasets.get(v.dataset_id);
    if (!d)
      throw badRequest(
        `The training dataset ${v.dataset_id} of experiment version ${v._id} has been deleted, so it can no longer be analysed.`,
      );
    return d;
  };
  const modelVersion = (m: ModelRecord): ExperimentVersion => version(m.wire.experiment_version_id);
  /** The version's best model's importances, by feature name; `null` before a model exists. */
  const bestImportances = (v: ExperimentVersion, ds: DatasetRecord): Map<string, number> | null => {
    const best = v.best_model ? store.models.get(v.best_model._id) : undefined;
    return best ? new Map(featureImportances(best, v, ds).map((f) => [f.feature, f.importance])) : null;
  };
  const booleanField = (body: Record<string, unknown>, key: string, fallback: boolean): boolean => {
    const v = body[key];
    if (v === undefined || v === null) return fallback;
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    throw badRequest(`Field "${key}" must be "true" or "false" (or a JSON boolean), got ${JSON.stringify(v)}.`);
  };
  /** A main or challenger model named by `<role>_model_experiment_version_id` and `<role>_model_id`: a trained model of `e`. */
  const pickModel = (
    body: Record<string, unknown>,
    e: Experiment,
    role: 'main' | 'challenger',
  ): { v: ExperimentVersion; m: ModelRecord } | null => {
    const vKey = `${role}_model_experiment_version_id`;
    const mKey = `${role}_model_id`;
    if (role === 'challenger' && body[vKey] === undefined && body[mKey] === undefined) return null;
    const v = store.versions.get(requiredString(body, vKey));
    if (!v || v.experiment_id !== e._id)
      throw badRequest(`Field "${vKey}": no version ${JSON.stringify(body[vKey])} in experiment ${e._id}.`);
    if (v.state !== 'done') throw badRequest(`Field "${vKey}": version ${v._id} has not finished training (state ${v.state}).`);
    const m = store.models.get(requiredString(body, mKey));
    if (!m || m.wire.experiment_version_id !== v._id)
      throw badRequest(`Field "${mKey}": no model ${JSON.stringify(body[mKey])} in version ${v._id}.`);
    return { v, m };
  };
  const modelRefs = (
    main: { v: ExperimentVersion; m: ModelRecord },
    challenger: { v: ExperimentVersion; m: ModelRecord } | null,
  ): DeploymentModelRef[] => [
    { _id: main.m.wire._id, model_name: main.m.wire.model_name, experiment_version_id: main.v._id, role: 'main' },
    ...(challenger
      ? [
          {
            _id: challenger.m.wire._id,
            model_name: challenger.m.wire.model_name,
            experiment_version_id: challenger.v._id,
            role: 'challenger' as const,
          },
        ]
      : []),
  ];
  const newValidationPrediction = (
    v: ExperimentVersion,
    m: ModelRecord,
    ds: DatasetRecord,
    opts: { confidence: boolean; folder: string | null; holdout: boolean },
  ): ValidationPredictionRecord => {
    const now = options.now();
    const scorer = m.scorer;
    const columns = new Set(ds.columns.map((c) => c.name));
    const rec: ValidationPredictionRecord = {
      wire: {
        _id: store.ids.next(now),
        project_id: v.project_id,
        experiment_id: v.experiment_id,
        experiment_version_id: v._id,
        model_id: m.wire._id,
        model_name: m.wire.model_name,
        dataset_id: ds.wire._id,
        dataset_name: ds.wire.name,
        folder_dataset_id: opts.folder,
        filename: `${ds.wire.name}_predictions`,
        state: 'pending',
        confidence: opts.confidence,
        holdout: opts.holdout,
        download_available: false,
        missing_columns: scorer ? scorer.features.map((f) => f.name).filter((n) => !columns.has(n)) : [],
        score: null,
        duration: null,
        predictions_count: null,
        created_at: new Date(now).toISOString(),
        created_by: store.profile._id,
      },
      result: null,
    };
    store.validationPredictions.set(rec.wire._id, rec);
    return rec;
  };
  /**
   * Scores the dataset with the model (validation predictions use best effort: missing features count as neutral),
   * and the version's metric when the dataset holds the target. Models the emulator does not score fail.
   */
  const completeValidation = (rec: ValidationPredictionRecord, v: ExperimentVersion, m: ModelRecord, ds: DatasetRecord): void => {
    const w = rec.wire;
    const scorer = m.scorer;
    w.duration = Math.max(0, Math.round((options.now() - Date.parse(w.created_at)) / 1000));
    if (!scorer) {
      w.state = 'failed';
      return;
    }
    rec.result = predictionTable(scorer, ds, w.confidence);
    const metric = v.experiment_version_params.metric;
    const value = metricValue(metric, scorer, evaluate(scorer, ds));
    w.score = value === null ? null : { name: metric, value };
    w.predictions_count = rec.result.rows.length;
    w.download_available = true;
    w.state = 'done';
  };
  /** Ends a training (or a stop): records the models and, with a holdout dataset, scores it with each model. */
  const finishTraining = (v: ExperimentVersion, models: readonly ModelRecord[]): void => {
    finishVersion(v, models);
    const holdout = v.holdout_dataset_id === null ? undefined : store.datasets.get(v.holdout_dataset_id);
    if (!holdout) return;
    const scored = new Set(
      [...store.validationPredictions.values()]
        .filter((p) => p.wire.holdout && p.wire.experiment_version_id === v._id)
        .map((p) => p.wire.model_id),
    );
    for (const m of models) {
      if (scored.has(m.wire._id)) continue;
      completeValidation(newValidationPrediction(v, m, holdout, { confidence: false, folder: null, holdout: true }), v, m, holdout);
    }
  };

  return {
    page,
    project,
    projectWire,
    dataset,
    experiment,
    version,
    model,
    deployment,
    deploymentWire,
    prediction,
    datasetInProject,
    parentVersion,
    getDeployment,
    deleteDeployment,
    modelsOf,
    deploymentUsing,
    validationPrediction,
    trainingDataset,
    modelVersion,
    bestImportances,
    booleanField,
    pickModel,
    modelRefs,
    newValidationPrediction,
    completeValidation,
    finishTraining,
  };
}

/** What {@link apiScope} hands the route groups. */
export type ApiScope = ReturnType<typeof apiScope>;

/** A table as a download: a zip holding `<name>.csv` (what `zip_to_pandas` reads), or the csv itself. */
export function tableReply(name: string, table: Table, extension: 'zip' | 'csv'): EmulatorReply {
  const csv = Buffer.from(formatCsv(table.header, table.rows));
  if (extension === 'zip') return zipReply(`${name}.zip`, zipSingleFile(`${name}.csv`, csv));
  return {
    status: 200,
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}.csv"` },
    body: csv,
  };
}

export function zipReply(filename: string, zip: Buffer): EmulatorReply {
  return {
    status: 200,
    headers: { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${filename}"` },
    body: zip,
  };
}
