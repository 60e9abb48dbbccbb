/**
 * Internal to the Prevision emulator: the `/ext/v1` routes (master-token API). Route templates read like the
 * vendor paths, so `/_emulator/requests` keys are e.g. `GET /ext/v1/deployment-predictions/{id}`.
 */
import { hashString } from '../framework/util.js';
import { EmulatorError, type EmulatorRequest, type EmulatorReply, type RouteDef } from '../framework/emulator.js';
import {
  correlationMatrix,
  crossValidation,
  distributionChart,
  droppedFeatures,
  dynamicAnalysis,
  evaluate,
  featureImportances,
  featureInfos,
  featuresStats,
  hyperparameters,
  metricValue,
  modelAnalysis,
  predictionTable,
  versionGraph,
  type Table,
} from './analysis.js';
import {
  badRequest,
  notFound,
  objectBody,
  oneOf,
  optionalString,
  paginate,
  requiredString,
  type HandlerContext,
} from './context.js';
import { firstZipEntry, parseCsv, parseMultipart, zipSingleFile, formatCsv } from './files.js';
import { defaultMetric, finishVersion, predictionCsv, recordModels, trainModels } from './seed.js';
import type { DatasetRecord, DeploymentRecord, ModelRecord, PredictionRecord, ValidationPredictionRecord } from './store.js';
import type {
  AccessType,
  DataType,
  Dataset,
  Deployment,
  DeploymentModelRef,
  Experiment,
  ExperimentVersion,
  Project,
  TrainingType,
  TypeViolationPolicy,
  VersionInfo,
} from './types.js';

/** Platform version reported by `GET /ext/v1/version`. */
export const PLATFORM_VERSION = '11.7.0';
const API = '/ext/v1';
const SAMPLE_ROWS = 10;

const ok = (body: unknown): EmulatorReply => ({ status: 200, body });
const noContent = (): EmulatorReply => ({ status: 204 });

export function apiRoutes(ctx: HandlerContext): RouteDef[] {
  const { store, hub, options } = ctx;

  const page = <T extends object>(items: readonly T[], req: EmulatorRequest): EmulatorReply =>
    ok(paginate(items, req.query, options));

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
    return { ...p, experiments_count: experiments, dataset_count: datasets };
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
    if (typeof id !== 'string' || id === '') throw badRequest(`Field "${field}" is required and must be a dataset id, got ${JSON.stringify(id)}.`);
    const d = store.datasets.get(id);
    if (!d || d.wire.project_id !== pid) throw badRequest(`Field "${field}": dataset ${JSON.stringify(id)} does not exist in project ${pid}.`);
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
      throw badRequest(`Field "parent_version" must be a version number (or a version id) of experiment ${e._id}, got ${JSON.stringify(raw)}.`);
    }
    if (!found) {
      const known = siblings.map((v) => v.version).join(', ') || 'none';
      throw badRequest(`Field "parent_version": ${JSON.stringify(raw)} is not a version of experiment ${e._id} (its versions: ${known}); send an existing version number.`);
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
  const modelsOf = (versionId: string): ModelRecord[] => [...store.models.values()].filter((m) => m.wire.experiment_version_id === versionId);
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
    if (!d) throw badRequest(`The training dataset ${v.dataset_id} of experiment version ${v._id} has been deleted, so it can no longer be analysed.`);
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
  const pickModel = (body: Record<string, unknown>, e: Experiment, role: 'main' | 'challenger'): { v: ExperimentVersion; m: ModelRecord } | null => {
    const vKey = `${role}_model_experiment_version_id`;
    const mKey = `${role}_model_id`;
    if (role === 'challenger' && body[vKey] === undefined && body[mKey] === undefined) return null;
    const v = store.versions.get(requiredString(body, vKey));
    if (!v || v.experiment_id !== e._id) throw badRequest(`Field "${vKey}": no version ${JSON.stringify(body[vKey])} in experiment ${e._id}.`);
    if (v.state !== 'done') throw badRequest(`Field "${vKey}": version ${v._id} has not finished training (state ${v.state}).`);
    const m = store.models.get(requiredString(body, mKey));
    if (!m || m.wire.experiment_version_id !== v._id) throw badRequest(`Field "${mKey}": no model ${JSON.stringify(body[mKey])} in version ${v._id}.`);
    return { v, m };
  };
  const modelRefs = (main: { v: ExperimentVersion; m: ModelRecord }, challenger: { v: ExperimentVersion; m: ModelRecord } | null): DeploymentModelRef[] => [
    { _id: main.m.wire._id, model_name: main.m.wire.model_name, experiment_version_id: main.v._id, role: 'main' },
    ...(challenger ? [{ _id: challenger.m.wire._id, model_name: challenger.m.wire.model_name, experiment_version_id: challenger.v._id, role: 'challenger' as const }] : []),
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
    const scored = new Set([...store.validationPredictions.values()].filter((p) => p.wire.holdout && p.wire.experiment_version_id === v._id).map((p) => p.wire.model_id));
    for (const m of models) {
      if (scored.has(m.wire._id)) continue;
      completeValidation(newValidationPrediction(v, m, holdout, { confidence: false, folder: null, holdout: true }), v, m, holdout);
    }
  };

  const routes: RouteDef[] = [
    {
      method: 'GET',
      path: `${API}/version`,
      handler: (req) => ok({ version: PLATFORM_VERSION, build: 'emulator', oidc_url: ctx.baseUrl(req) } satisfies VersionInfo),
    },
    { method: 'GET', path: `${API}/profile`, handler: () => ok(store.profile) },
    {
      method: 'GET',
      path: `${API}/events`,
      handler: (_req, res) => {
        hub.attach(res);
        return undefined;
      },
    },

    // Projects
    { method: 'GET', path: `${API}/projects`, handler: (req) => page([...store.projects.values()].map(projectWire), req) },
    {
      method: 'POST',
      path: `${API}/projects`,
      handler: (req) => {
        const body = objectBody(req);
        const name = requiredString(body, 'name');
        const description = optionalString(body, 'description');
        const color = optionalString(body, 'color') ?? '#16D92C';
        if (!/^#[0-9A-Fa-f]{6}$/.test(color)) throw badRequest(`Field "color" must be a hex colour such as "#16D92C", got ${JSON.stringify(color)}.`);
        const now = options.now();
        const me = { _id: store.profile._id, email: store.profile.email };
        const p: Project = {
          _id: store.ids.next(now),
          name,
          description,
          color,
          created_by: me._id,
          created_at: new Date(now).toISOString(),
          admins: [me],
          contributors: [],
          viewers: [],
          pipelines_count: 0,
          experiments_count: 0,
          dataset_count: 0,
        };
        store.projects.set(p._id, p);
        return ok(projectWire(p));
      },
    },
    { method: 'GET', path: `${API}/projects/{id}`, handler: (req) => ok(projectWire(project(req.params['id']!))) },
    {
      method: 'DELETE',
      path: `${API}/projects/{id}`,
      handler: (req) => {
        project(req.params['id']!);
        store.deleteProject(req.params['id']!);
        return noContent();
      },
    },
    {
      method: 'GET',
      path: `${API}/projects/{id}/users`,
      handler: (req) => {
        const p = project(req.params['id']!);
        const users = [
          ...p.admins.map((u) => ({ ...u, role: 'admin' })),
          ...p.contributors.map((u) => ({ ...u, role: 'contributor' })),
          ...p.viewers.map((u) => ({ ...u, role: 'viewer' })),
        ];
        return page(users, req);
      },
    },

    // Datasets
    {
      method: 'GET',
      path: `${API}/projects/{pid}/datasets`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        store.jobs.settleAll();
        return page([...store.datasets.values()].filter((d) => d.wire.project_id === pid).map((d) => d.wire), req);
      },
    },
    {
      method: 'POST',
      path: `${API}/projects/{pid}/datasets/file`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        const parts = parseMultipart(req.rawBody, req.headers['content-type']);
        if (!parts) {
          throw badRequest(
            `Expected a multipart/form-data body with fields "name" and "file" (csv or zip), got Content-Type ${JSON.stringify(req.headers['content-type'] ?? null)}.`,
          );
        }
        const field = (n: string): string | undefined => parts.find((p) => p.name === n && p.filename === null)?.data.toString('utf8');
        const name = field('name');
        if (!name) throw badRequest('Multipart field "name" is required (the dataset name).');
        const file = parts.find((p) => p.name === 'file');
        if (!file) throw badRequest('Multipart field "file" is required: attach a csv file or a zip holding one.');
        const origin = field('origin');
        if (origin !== undefined && origin !== 'pipeline_output' && origin !== 'pipeline_intermediate_file') {
          throw badRequest(`Field "origin" must be pipeline_output or pipeline_intermediate_file, got ${JSON.stringify(origin)}.`);
        }
        const separator = field('separator') || ',';
        const decimal = field('decimal') || '.';
        let content = file.data;
        let fileType: Dataset['file_type'] = 'csv';
        if (content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
          const entry = firstZipEntry(content);
          if (!entry) throw badRequest('The zip file could not be read: expected one csv entry, stored or deflated.');
          content = entry.data;
          fileType = 'zip';
        } else if (content.subarray(0, 4).toString('latin1') === 'PAR1') {
          throw badRequest('Parquet uploads are not supported here: send a csv file, or a zip holding one.');
        }
        const table = parseCsv(content.toString('utf8'), separator, decimal);
        if (table.columns.length === 0) throw badRequest('The uploaded file is empty: expected a header line and rows.');
        const now = options.now();
        const wire: Dataset = {
          _id: store.ids.next(now),
          project_id: pid,
          name,
          separator,
          decimal,
          file_type: fileType,
          datasource: null,
          copy_state: 'running',
          describe_state: 'pending',
          drift_state: 'pending',
          embeddings_state: 'pending',
          isAvailable: false,
          nb_rows: table.totalRows,
          nb_columns: table.columns.length,
          size: file.data.length,
          created_at: new Date(now).toISOString(),
          created_by: store.profile._id,
        };
        store.datasets.set(wire._id, { wire, columns: table.columns, rows: table.rows });
        store.jobs.start(wire._id, 'DATASET_UPDATE', [
          () => {
            wire.copy_state = 'done';
            wire.describe_state = 'running';
            wire.drift_state = 'running';
          },
          () => {
            wire.describe_state = 'done';
            wire.drift_state = 'done';
            wire.isAvailable = true;
          },
        ]);
        return ok(wire);
      },
    },
    {
      method: 'GET',
      path: `${API}/datasets/{id}`,
      handler: (req) => {
        const d = dataset(req.params['id']!);
        store.jobs.read(d.wire._id);
        return ok(d.wire);
      },
    },
    {
      method: 'DELETE',
      path: `${API}/datasets/{id}`,
      handler: (req) => {
        store.deleteDataset(dataset(req.params['id']!).wire._id);
        return noContent();
      },
    },
    {
      method: 'GET',
      path: `${API}/datasets/{id}/sample`,
      handler: (req) => {
        const d = dataset(req.params['id']!);
        return ok({ columns: d.columns, rows: d.rows.slice(0, SAMPLE_ROWS) });
      },
    },
    {
      method: 'GET',
      path: `${API}/datasets/{id}/download`,
      handler: (req) => {
        const d = dataset(req.params['id']!);
        store.jobs.settleAll();
        if (d.wire.copy_state !== 'done') throw badRequest(`Dataset ${d.wire._id} is still being copied (copy_state ${d.wire.copy_state}); retry once it is done.`);
        const csv = formatCsv(
          d.columns.map((c) => c.name),
          d.rows,
        );
        return zipReply(`${d.wire.name}.zip`, zipSingleFile(`${d.wire.name}.csv`, Buffer.from(csv)));
      },
    },

    // Experiments and versions
    {
      method: 'GET',
      path: `${API}/projects/{pid}/experiments`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        return page([...store.experiments.values()].filter((e) => e.project_id === pid), req);
      },
    },
    {
      method: 'POST',
      path: `${API}/projects/{pid}/experiments`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        const body = objectBody(req);
        const now = options.now();
        const e: Experiment = {
          _id: store.ids.next(now),
          project_id: pid,
          name: requiredString(body, 'name'),
          provider: oneOf(body, 'provider', ['prevision-auto-ml', 'external'] as const, 'prevision-auto-ml'),
          training_type: oneOf<TrainingType>(body, 'training_type', [
            'classification',
            'regression',
            'multiclassification',
            'text-similarity',
            'object-detection',
          ]),
          data_type: oneOf<DataType>(body, 'data_type', ['tabular', 'timeseries', 'images'], 'tabular'),
          hosting: oneOf(body, 'hosting', ['prevision', 'external'] as const, 'prevision'),
          created_at: new Date(now).toISOString(),
          created_by: store.profile._id,
          versions_count: 0,
        };
        store.experiments.set(e._id, e);
        return ok(e);
      },
    },
    { method: 'GET', path: `${API}/experiments/{id}`, handler: (req) => ok(experiment(req.params['id']!)) },
    {
      method: 'DELETE',
      path: `${API}/experiments/{id}`,
      handler: (req) => {
        const e = experiment(req.params['id']!);
        const deployed = [...store.deployments.values()].find((d) => d.experiment_id === e._id);
        if (deployed) throw badRequest(`Experiment ${e._id} is deployed as ${JSON.stringify(deployed.name)} (${deployed._id}); delete the deployment first.`);
        store.deleteExperiment(e._id);
        return noContent();
      },
    },
    {
      method: 'GET',
      path: `${API}/experiments/{id}/versions`,
      handler: (req) => {
        const id = experiment(req.params['id']!)._id;
        store.jobs.settleAll();
        return page([...store.versions.values()].filter((v) => v.experiment_id === id), req);
      },
    },
    {
      method: 'POST',
      path: `${API}/experiments/{id}/versions`,
      handler: (req) => {
        const e = experiment(req.params['id']!);
        const body = objectBody(req);
        const ds = datasetInProject(e.project_id, body['dataset_id'], 'dataset_id');
        const target = requiredString(body, 'target_column');
        const columns = new Set(ds.columns.map((c) => c.name));
        if (!columns.has(target)) {
          throw badRequest(`Field "target_column": ${JSON.stringify(target)} is not a column of dataset ${ds.wire.name} (columns: ${[...columns].join(', ')}).`);
        }
        const idColumn = optionalString(body, 'id_column');
        if (idColumn !== null && !columns.has(idColumn)) throw badRequest(`Field "id_column": ${JSON.stringify(idColumn)} is not a column of dataset ${ds.wire.name}.`);
        const parent = parentVersion(e, body['parent_version']);
        const holdout = optionalString(body, 'holdout_dataset_id');
        if (holdout !== null) datasetInProject(e.project_id, holdout, 'holdout_dataset_id');
        const metric = optionalString(body, 'metric') ?? defaultMetric(e.training_type).name;
        const profile = oneOf(body, 'profile', ['quick', 'normal', 'advanced'] as const, 'quick');
        const strings = (k: string): string[] => (Array.isArray(body[k]) ? (body[k] as unknown[]).filter((x): x is string => typeof x === 'string') : []);
        const now = options.now();
        e.versions_count++;
        const v: ExperimentVersion = {
          _id: store.ids.next(now),
          project_id: e.project_id,
          experiment_id: e._id,
          description: optionalString(body, 'description'),
          version: e.versions_count,
          parent_version: parent?.version ?? null,
          created_at: new Date(now).toISOString(),
          experiment: { data_type: e.data_type, training_type: e.training_type },
          dataset_id: ds.wire._id,
          holdout_dataset_id: holdout,
          experiment_version_params: {
            target_column: target,
            id_column: idColumn,
            fold_column: optionalString(body, 'fold_column'),
            weight_column: optionalString(body, 'weight_column'),
            time_column: optionalString(body, 'time_column'),
            group_columns: null,
            apriori_columns: null,
            drop_list: strings('drop_list'),
            metric,
            profile,
            features_engineering_selected_list: strings('features_engineering_selected_list'),
            normal_models: strings('normal_models'),
            lite_models: strings('lite_models'),
            simple_models: strings('simple_models'),
            features_selection_time: typeof body['features_selection_time'] === 'number' ? body['features_selection_time'] : 3600,
            features_selection_count: typeof body['features_selection_count'] === 'number' ? body['features_selection_count'] : null,
          },
          state: 'pending',
          draft: true,
          best_model: null,
          models_count: 0,
        };
        store.versions.set(v._id, v);
        return ok(v);
      },
    },
    {
      method: 'GET',
      path: `${API}/experiment-versions/{id}`,
      handler: (req) => {
        const v = version(req.params['id']!);
        store.jobs.read(v._id);
        return ok(v);
      },
    },
    {
      method: 'PUT',
      path: `${API}/experiment-versions/{id}/confirm`,
      handler: (req) => {
        const v = version(req.params['id']!);
        if (!v.draft) throw badRequest(`Experiment version ${v._id} is already confirmed (state ${v.state}); create a new version to train again.`);
        v.draft = false;
        // The platform lists models as they finish, while the version is still running (the SDK's own tests wait
        // for `len(models) > 0`, then assert `running` and call `stop()`): the first model comes with `running`,
        // the others with `done`.
        let trained: ModelRecord[] | null = null;
        store.jobs.start(v._id, 'EXPERIMENT_VERSION_UPDATE', [
          () => {
            v.state = 'running';
            const ds = store.datasets.get(v.dataset_id);
            if (!ds) return;
            trained = trainModels(store.ids, v, ds, options.now());
            store.models.set(trained[0]!.wire._id, trained[0]!);
            recordModels(v, trained.slice(0, 1));
          },
          () => {
            if (!trained) {
              v.state = 'failed';
              return;
            }
            for (const m of trained) store.models.set(m.wire._id, m);
            finishTraining(v, trained);
          },
        ]);
        return ok(v);
      },
    },
    {
      method: 'PUT',
      path: `${API}/experiment-versions/{id}/stop`,
      handler: (req) => {
        const v = version(req.params['id']!);
        store.jobs.settleOne(v._id);
        if (v.draft) throw badRequest(`Experiment version ${v._id} is a draft: confirm it (PUT /experiment-versions/${v._id}/confirm) before stopping it.`);
        if (v.state === 'pending' || v.state === 'running') {
          // Stopping keeps the models trained so far and ends in `done`: the SDK's stop() then waits for
          // EXPERIMENT_VERSION_UPDATE and a `done` state (`failed` would raise).
          store.jobs.cancel(v._id);
          finishTraining(v, modelsOf(v._id));
          hub.emit('EXPERIMENT_VERSION_UPDATE', v._id);
        }
        // A JSON object either way: stop() logs `parse_json(response).items()`.
        return ok(v);
      },
    },
    {
      method: 'DELETE',
      path: `${API}/experiment-versions/{id}`,
      handler: (req) => {
        const v = version(req.params['id']!);
        const deployed = deploymentUsing(v._id);
        if (deployed) throw badRequest(`Experiment version ${v._id} has a model deployed as ${JSON.stringify(deployed.name)} (${deployed._id}); delete the deployment first.`);
        // The experiment's versions_count is left as is: version numbers are never reused, so a child's
        // parent_version keeps naming one version.
        store.deleteVersion(v._id);
        return noContent();
      },
    },
    {
      method: 'GET',
      path: `${API}/experiment-versions/{id}/models`,
      handler: (req) => {
        const id = version(req.params['id']!)._id;
        store.jobs.settleAll();
        return page(
          [...store.models.values()].filter((m) => m.wire.experiment_version_id === id).map((m) => m.wire),
          req,
        );
      },
    },
    {
      method: 'GET',
      path: `${API}/experiment-versions/{id}/features`,
      handler: (req) => {
        const v = version(req.params['id']!);
        store.jobs.settleAll();
        const ds = trainingDataset(v);
        return page(featureInfos(v, ds, bestImportances(v, ds)), req);
      },
    },
    {
      method: 'GET',
      path: `${API}/experiment-versions/{id}/features/{name}`,
      handler: (req) => {
        const v = version(req.params['id']!);
        store.jobs.settleAll();
        const ds = trainingDataset(v);
        const name = req.params['name']!;
        const i = ds.columns.findIndex((c) => c.name === name);
        if (i === -1) {
          throw new EmulatorError(
            404,
            `Feature ${JSON.stringify(name)} is not a column of dataset ${ds.wire.name} (names are case-sensitive); list them with GET /experiment-versions/${v._id}/features.`,
          );
        }
        // get_feature_info() drops every key containing "chart".
        return ok({ ...featureInfos(v, ds, bestImportances(v, ds))[i]!, distribution_chart: distributionChart(ds, i) });
      },
    },
    {
      method: 'GET',
      path: `${API}/experiment-versions/{id}/features-stats`,
      handler: (req) => {
        const v = version(req.params['id']!);
        return ok(featuresStats(v, trainingDataset(v)));
      },
    },
    {
      method: 'GET',
      path: `${API}/experiment-versions/{id}/dropped-features`,
      handler: (req) => {
        const v = version(req.params['id']!);
        return page(droppedFeatures(v, trainingDataset(v)), req);
      },
    },
    {
      method: 'GET',
      path: `${API}/experiment-versions/{id}/correlation-matrix`,
      handler: (req) => {
        const v = version(req.params['id']!);
        return ok(correlationMatrix(v, trainingDataset(v)));
      },
    },
    {
      method: 'GET',
      path: `${API}/experiment-versions/{id}/graph`,
      handler: (req) => {
        const v = version(req.params['id']!);
        store.jobs.settleAll();
        return ok(versionGraph(v, store.datasets.get(v.dataset_id)?.wire.name ?? null, modelsOf(v._id)));
      },
    },
    {
      method: 'GET',
      path: `${API}/experiment-versions/{id}/holdout-predictions`,
      handler: (req) => {
        const id = version(req.params['id']!)._id;
        store.jobs.settleAll();
        // Not paged: get_holdout_predictions() reads `items` of the bare response.
        return ok({ items: [...store.validationPredictions.values()].filter((p) => p.wire.holdout && p.wire.experiment_version_id === id).map((p) => p.wire) });
      },
    },

    // Validation predictions (a model of a version scoring a dataset)
    {
      method: 'POST',
      path: `${API}/experiment-versions/{id}/validation-predictions`,
      handler: (req) => {
        const v = version(req.params['id']!);
        const body = objectBody(req);
        if (v.experiment.training_type === 'text-similarity' || body['queries_dataset_id'] !== undefined) {
          throw badRequest(
            `Text-similarity predictions (queries_dataset_id, top_k) are not supported here; experiment version ${v._id} is ${v.experiment.training_type}. Send {dataset_id, model_id, confidence} for a tabular model.`,
          );
        }
        store.jobs.settleAll();
        const modelId = requiredString(body, 'model_id');
        const m = store.models.get(modelId);
        if (!m || m.wire.experiment_version_id !== v._id) {
          throw badRequest(`Field "model_id": no model ${JSON.stringify(modelId)} in experiment version ${v._id}; list them with GET /experiment-versions/${v._id}/models.`);
        }
        const ds = datasetInProject(v.project_id, body['dataset_id'], 'dataset_id');
        const confidence = booleanField(body, 'confidence', false);
        const folder = optionalString(body, 'folder_dataset_id');
        if (folder !== null) datasetInProject(v.project_id, folder, 'folder_dataset_id');
        const rec = newValidationPrediction(v, m, ds, { confidence, folder, holdout: false });
        store.jobs.start(rec.wire._id, 'PREDICTION_UPDATE', [
          () => {
            rec.wire.state = 'running';
          },
          () => completeValidation(rec, v, m, ds),
        ]);
        // The whole prediction: _predict_bulk() builds ValidationPrediction(**body), whose constructor requires
        // _id, experiment_id, experiment_version_id and project_id.
        return ok(rec.wire);
      },
    },
    {
      method: 'GET',
      path: `${API}/validation-predictions/{id}`,
      handler: (req) => {
        const p = validationPrediction(req.params['id']!);
        store.jobs.read(p.wire._id);
        return ok(p.wire);
      },
    },
    {
      method: 'DELETE',
      path: `${API}/validation-predictions/{id}`,
      handler: (req) => {
        store.deleteValidationPrediction(validationPrediction(req.params['id']!).wire._id);
        return noContent();
      },
    },
    {
      method: 'GET',
      path: `${API}/validation-predictions/{id}/download`,
      handler: (req) => {
        const p = validationPrediction(req.params['id']!);
        const extension = req.query.get('extension') || 'zip';
        if (extension !== 'zip' && extension !== 'csv') {
          throw badRequest(
            extension === 'parquet'
              ? 'Parquet downloads are not supported here: ask for extension=zip (the default) or extension=csv.'
              : `Query parameter extension must be zip, csv or parquet, got ${JSON.stringify(extension)}.`,
          );
        }
        store.jobs.settleAll();
        if (!p.result) {
          throw badRequest(`Prediction ${p.wire._id} has no result to download (state ${p.wire.state}); wait for its PREDICTION_UPDATE event and state done.`);
        }
        return tableReply(p.wire.filename, p.result, extension);
      },
    },

    // Models
    { method: 'GET', path: `${API}/models/{id}`, handler: (req) => ok(model(req.params['id']!).wire) },
    {
      method: 'GET',
      path: `${API}/models/{id}/hyperparameters/download`,
      handler: (req) => ok(hyperparameters(model(req.params['id']!).wire)),
    },
    {
      method: 'GET',
      path: `${API}/models/{id}/features-importances/download`,
      handler: (req) => {
        const m = model(req.params['id']!);
        const v = modelVersion(m);
        const rows = featureImportances(m, v, store.datasets.get(v.dataset_id)).map((f) => [f.feature, f.importance]);
        return tableReply(`${m.wire.model_name}_features_importances`, { header: ['feature', 'importance'], rows }, 'zip');
      },
    },
    {
      method: 'GET',
      path: `${API}/models/{id}/cross-validation/download`,
      handler: (req) => {
        const m = model(req.params['id']!);
        const v = modelVersion(m);
        const cv = crossValidation(m, v, trainingDataset(v));
        if (!cv) throw badRequest(`Model ${m.wire._id} is a ${m.wire.training_type} model, which has no cross-validation file.`);
        return tableReply(`${m.wire.model_name}_cross_validation`, cv, 'zip');
      },
    },
    {
      method: 'GET',
      path: `${API}/models/{id}/analysis`,
      handler: (req) => {
        const m = model(req.params['id']!);
        return ok(modelAnalysis(m, trainingDataset(modelVersion(m))));
      },
    },
    {
      method: 'GET',
      path: `${API}/models/{id}/dynamic-analysis`,
      handler: (req) => {
        const m = model(req.params['id']!);
        const raw = req.query.get('threshold');
        const threshold = raw === null ? 0.5 : Number(raw);
        if (raw !== null && (raw.trim() === '' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1)) {
          throw badRequest(`Query parameter threshold must be a number between 0 and 1, got ${JSON.stringify(raw)}.`);
        }
        if (!m.scorer?.classes) {
          throw badRequest(`Dynamic analysis is for binary classification models; model ${m.wire._id} is a ${m.wire.training_type} model.`);
        }
        return ok(dynamicAnalysis(m.scorer, evaluate(m.scorer, trainingDataset(modelVersion(m))), threshold));
      },
    },

    // Deployments
    {
      method: 'GET',
      path: `${API}/projects/{pid}/model-deployments`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        store.jobs.settleAll();
        return page(
          [...store.deployments.values()].filter((d) => d.project_id === pid).map((d) => deploymentWire(d, req)),
          req,
        );
      },
    },
    {
      method: 'POST',
      path: `${API}/projects/{pid}/model-deployments`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        const body = objectBody(req);
        const name = requiredString(body, 'name');
        const e = store.experiments.get(requiredString(body, 'experiment_id'));
        if (!e || e.project_id !== pid) throw badRequest(`Field "experiment_id": no experiment ${JSON.stringify(body['experiment_id'])} in project ${pid}.`);
        const main = pickModel(body, e, 'main')!;
        const challenger = pickModel(body, e, 'challenger');
        const policy = oneOf<TypeViolationPolicy>(body, 'type_violation_policy', ['best_effort', 'strict'], 'best_effort');
        const access = oneOf<AccessType>(body, 'access_type', ['public', 'fine_grained', 'private'], 'fine_grained');
        const now = options.now();
        const d: DeploymentRecord = {
          _id: store.ids.next(now),
          project_id: pid,
          name,
          description: optionalString(body, 'description'),
          experiment_id: e._id,
          current_version: 1,
          versions: [
            {
              version: 1,
              name,
              main_model_id: main.m.wire._id,
              main_model_experiment_version_id: main.v._id,
              challenger_model_id: challenger?.m.wire._id ?? null,
              challenger_model_experiment_version_id: challenger?.v._id ?? null,
              created_at: new Date(now).toISOString(),
            },
          ],
          deploy_state: 'pending',
          main_model_run_state: 'pending',
          current_type_violation_policy: policy,
          access_type: access,
          training_type: e.training_type,
          models: modelRefs(main, challenger),
          created_at: new Date(now).toISOString(),
          created_by: store.profile._id,
        };
        store.deployments.set(d._id, d);
        // The SDK polls deploy_state (no SSE event exists for deployments).
        store.jobs.start(d._id, null, [
          () => {
            d.deploy_state = 'running';
            d.main_model_run_state = 'running';
          },
          () => {
            d.deploy_state = 'done';
            d.main_model_run_state = 'done';
          },
        ]);
        return ok(deploymentWire(d, req));
      },
    },
    {
      method: 'GET',
      path: `${API}/deployments/{id}`,
      handler: (req) => getDeployment(req),
    },
    {
      method: 'DELETE',
      path: `${API}/deployments/{id}`,
      handler: (req) => deleteDeployment(req),
    },
    // `ExperimentDeployment.resource` is 'model-deployments': the inherited ApiResource.delete() and
    // update_status() address `/model-deployments/{id}`, while from_id() reads `/deployments/{id}`.
    {
      method: 'GET',
      path: `${API}/model-deployments/{id}`,
      handler: (req) => getDeployment(req),
    },
    {
      method: 'DELETE',
      path: `${API}/model-deployments/{id}`,
      handler: (req) => deleteDeployment(req),
    },
    {
      method: 'POST',
      path: `${API}/deployments/{id}/versions`,
      handler: (req) => {
        const d = deployment(req.params['id']!);
        store.jobs.settleOne(d._id);
        if (d.deploy_state !== 'done' || d.main_model_run_state !== 'done') {
          throw badRequest(
            `Deployment ${d._id} is still deploying (deploy_state ${d.deploy_state}, main_model_run_state ${d.main_model_run_state}); wait until both are done before adding a version.`,
          );
        }
        const body = objectBody(req);
        const name = requiredString(body, 'name');
        const e = experiment(d.experiment_id);
        const main = pickModel(body, e, 'main')!;
        const challenger = pickModel(body, e, 'challenger');
        const now = options.now();
        const number = Math.max(0, ...d.versions.map((x) => x.version)) + 1;
        d.versions.push({
          version: number,
          name,
          main_model_id: main.m.wire._id,
          main_model_experiment_version_id: main.v._id,
          challenger_model_id: challenger?.m.wire._id ?? null,
          challenger_model_experiment_version_id: challenger?.v._id ?? null,
          created_at: new Date(now).toISOString(),
        });
        // A rolling update: the current version keeps serving (deploy_state stays done) while the new one starts;
        // current_version and models switch when main_model_run_state reaches done, which the SDK polls.
        d.main_model_run_state = 'pending';
        store.jobs.start(d._id, null, [
          () => {
            d.main_model_run_state = 'running';
          },
          () => {
            d.current_version = number;
            d.models = modelRefs(main, challenger);
            d.main_model_run_state = 'done';
          },
        ]);
        // new_version() reads `_id` and then GETs /deployments/{_id}: the deployment's own id.
        return ok(deploymentWire(d, req));
      },
    },
    {
      method: 'GET',
      path: `${API}/deployments/{id}/api-keys`,
      handler: (req) => {
        const id = deployment(req.params['id']!)._id;
        return page([...store.apiKeys.values()].filter((k) => k.wire.deployment_id === id).map((k) => k.wire), req);
      },
    },
    {
      method: 'POST',
      path: `${API}/deployments/{id}/api-keys`,
      handler: (req) => {
        const d = deployment(req.params['id']!);
        const now = options.now();
        const _id = store.ids.next(now);
        const h = (s: string): string => hashString(s).toString(16).padStart(8, '0');
        const key = {
          wire: {
            _id,
            deployment_id: d._id,
            project_id: d.project_id,
            service_account_client_id: `${d.name}-${_id.slice(-6)}`,
            created_at: new Date(now).toISOString(),
          },
          secret: `pvs_${h(`${_id}:a`)}${h(`${_id}:b`)}${h(`${_id}:c`)}${h(`${_id}:d`)}`,
        };
        store.addApiKey(key);
        return ok(key.wire);
      },
    },
    {
      method: 'GET',
      path: `${API}/api-keys/{id}/secret`,
      handler: (req) => {
        const k = store.apiKeys.get(req.params['id']!);
        if (!k) throw notFound('API key', req.params['id']!);
        return ok({ service_account_client_id: k.wire.service_account_client_id, client_secret: k.secret });
      },
    },

    // Bulk predictions
    {
      method: 'POST',
      path: `${API}/deployments/{id}/deployment-predictions`,
      handler: (req) => {
        const d = deployment(req.params['id']!);
        store.jobs.settleAll();
        if (d.deploy_state !== 'done') throw badRequest(`Deployment ${d._id} is not running yet (deploy_state ${d.deploy_state}); wait until it is done.`);
        const body = objectBody(req);
        const ds = datasetInProject(d.project_id, body['dataset_id'], 'dataset_id');
        const main = store.models.get(d.models[0]!._id);
        const scorer = main?.scorer ?? null;
        const columns = new Set(ds.columns.map((c) => c.name));
        const missing = scorer ? scorer.features.map((f) => f.name).filter((n) => !columns.has(n)) : [];
        const now = options.now();
        const filename = `${ds.wire.name}_predictions`;
        const rec: PredictionRecord = {
          wire: {
            _id: store.ids.next(now),
            project_id: d.project_id,
            deployment_id: d._id,
            deployment_version: d.current_version,
            dataset_id: ds.wire._id,
            dataset_name: ds.wire.name,
            filename,
            state: 'pending',
            main_model_id: d.models[0]!._id,
            challenger_model_id: d.models[1]?._id ?? null,
            main_model_prediction_state: 'pending',
            challenger_model_prediction_state: d.models[1] ? 'pending' : null,
            missing_columns: missing,
            predictions_count: null,
            created_at: new Date(now).toISOString(),
            created_by: store.profile._id,
          },
          result: null,
        };
        const w = rec.wire;
        store.predictions.set(w._id, rec);
        const fails = !scorer || (missing.length > 0 && d.current_type_violation_policy === 'strict');
        store.jobs.start(w._id, 'DEPLOYMENT_PREDICTION_UPDATE', [
          () => {
            w.state = 'running';
            w.main_model_prediction_state = 'running';
            if (w.challenger_model_prediction_state) w.challenger_model_prediction_state = 'running';
          },
          () => {
            const final = fails ? 'failed' : 'done';
            if (!fails) {
              const out = predictionCsv(scorer!, ds, filename);
              rec.result = out.zip;
              w.predictions_count = out.count;
            }
            w.state = final;
            w.main_model_prediction_state = final;
            if (w.challenger_model_prediction_state) w.challenger_model_prediction_state = final;
          },
        ]);
        // The whole prediction, as GET /deployment-predictions/{id} serves it: predict_from_dataset() builds
        // DeploymentPrediction(**body), whose constructor requires _id, project_id and deployment_id.
        return ok(w);
      },
    },
    {
      method: 'GET',
      path: `${API}/deployments/{id}/deployment-predictions`,
      handler: (req) => {
        const id = deployment(req.params['id']!)._id;
        store.jobs.settleAll();
        return page([...store.predictions.values()].filter((p) => p.wire.deployment_id === id).map((p) => p.wire), req);
      },
    },
    {
      method: 'GET',
      path: `${API}/deployment-predictions/{id}`,
      handler: (req) => {
        const p = prediction(req.params['id']!);
        store.jobs.read(p.wire._id);
        return ok(p.wire);
      },
    },
    {
      method: 'GET',
      path: `${API}/deployment-predictions/{id}/download`,
      handler: (req) => {
        const p = prediction(req.params['id']!);
        store.jobs.settleAll();
        if (!p.result) {
          throw badRequest(`Prediction ${p.wire._id} has no result to download (state ${p.wire.state}); wait for main_model_prediction_state done.`);
        }
        return zipReply(`${p.wire.filename}.zip`, p.result);
      },
    },
  ];
  return routes;
}

/** A table as a download: a zip holding `<name>.csv` (what `zip_to_pandas` reads), or the csv itself. */
function tableReply(name: string, table: Table, extension: 'zip' | 'csv'): EmulatorReply {
  const csv = Buffer.from(formatCsv(table.header, table.rows));
  if (extension === 'zip') return zipReply(`${name}.zip`, zipSingleFile(`${name}.csv`, csv));
  return {
    status: 200,
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}.csv"` },
    body: csv,
  };
}

function zipReply(filename: string, zip: Buffer): EmulatorReply {
  return {
    status: 200,
    headers: { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${filename}"` },
    body: zip,
  };
}
