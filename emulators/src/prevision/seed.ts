/**
 * Seed data of the Prevision emulator: two projects, each with datasets, a classification and a regression
 * experiment, trained versions and models, plus two deployed models with one API key each and a few bulk
 * predictions. Everything derives from fixed dates and seeded PRNGs, so ids and values are identical on every run
 * and after every reset. {@link PREVISION_DEMO} exposes the ids and credentials tests and gateways rely on.
 */
import { hashString, seededRandom } from '../framework/util.js';
import { predictionTable, trainingExclusions } from './analysis.js';
import { formatCsv, zipSingleFile } from './files.js';
import { buildScorer, round, score, type Scorer, type ScorerHints, type TargetStats } from './scoring.js';
import {
  ObjectIdFactory,
  type ApiKeyRecord,
  type DatasetRecord,
  type DeploymentRecord,
  type ModelRecord,
  type PlatformData,
  type PredictionRecord,
} from './store.js';
import type {
  CellValue,
  Dataset,
  DatasetColumn,
  Experiment,
  ExperimentVersion,
  ImageFolder,
  Model,
  PipelineScheduledRun,
  PipelineTemplate,
  Profile,
  Project,
  TrainingType,
  UserRef,
} from './types.js';

/** 2022-01-10T09:00:00Z: every seed date is an offset from here. */
export const SEED_BASE_MS = Date.UTC(2022, 0, 10, 9, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const iso = (ms: number): string => new Date(ms).toISOString();

/** The metric each training type is scored with, and whether lower is better. */
export function defaultMetric(t: TrainingType): { name: string; lowerIsBetter: boolean } {
  switch (t) {
    case 'regression':
      return { name: 'rmse', lowerIsBetter: true };
    case 'multiclassification':
      return { name: 'log_loss', lowerIsBetter: true };
    case 'text-similarity':
      return { name: 'accuracy_at_k', lowerIsBetter: false };
    case 'object-detection':
      return { name: 'map', lowerIsBetter: false };
    default:
      return { name: 'auc', lowerIsBetter: false };
  }
}

const MODEL_TEMPLATES = [
  { name: 'LightGBM-1', tags: ['best'] },
  { name: 'XGBoost-2', tags: ['fastest'] },
  { name: 'Linear-3', tags: ['simple'] },
] as const;

/**
 * The models a finished training produces: three per version, tagged `best`, `fastest` and `simple` (the SDK picks
 * `best_model` by the `best` tag). Scores and model weights derive from the version id.
 */
export function trainModels(
  ids: ObjectIdFactory,
  version: ExperimentVersion,
  dataset: DatasetRecord,
  atMs: number,
  hints?: ScorerHints,
): ModelRecord[] {
  const rnd = seededRandom(hashString(version._id));
  const type = version.experiment.training_type;
  const metric = version.experiment_version_params.metric || defaultMetric(type).name;
  const lower = defaultMetric(type).lowerIsBetter;
  const target = version.experiment_version_params.target_column;
  const ti = dataset.columns.findIndex((c) => c.name === target);
  const ys = dataset.rows.map((r) => r[ti]).filter((v): v is number => typeof v === 'number');
  const spread = ys.length > 1 ? Math.max(...ys) - Math.min(...ys) : 1;
  const best = lower ? spread * (0.08 + 0.04 * rnd()) : 0.84 + 0.08 * rnd();
  const values = lower ? [best, best * 1.08, best * 1.25] : [best, best - 0.01 - 0.02 * rnd(), best - 0.04 - 0.03 * rnd()];
  const exclude = trainingExclusions(version);
  return MODEL_TEMPLATES.map((t, i) => {
    const at = atMs + i * 60_000;
    const _id = ids.next(at);
    const wire: Model = {
      _id,
      project_id: version.project_id,
      experiment_id: version.experiment_id,
      experiment_version_id: version._id,
      model_name: t.name,
      name: t.name,
      deployable: true,
      training_type: type,
      provider: 'prevision-auto-ml',
      hosting: 'prevision',
      tags: [...t.tags],
      metric: { name: metric, value: round(values[i]!, 4) },
      created_at: iso(at),
    };
    const scorer: Scorer | null =
      type === 'classification' || type === 'regression'
        ? buildScorer({ trainingType: type, target, columns: dataset.columns, rows: dataset.rows, seed: hashString(_id), exclude, hints })
        : null;
    return { wire, scorer };
  });
}

/** Points `models_count` and `best_model` (the `best`-tagged model, else the first) at the models trained so far. */
export function recordModels(version: ExperimentVersion, models: readonly ModelRecord[]): void {
  const best = models.find((m) => m.wire.tags.includes('best')) ?? models[0];
  version.models_count = models.length;
  version.best_model = best ? { _id: best.wire._id, model_name: best.wire.model_name, metric: { ...best.wire.metric } } : null;
}

/** Marks a version as trained (or stopped) with the models it produced. */
export function finishVersion(version: ExperimentVersion, models: readonly ModelRecord[]): void {
  recordModels(version, models);
  version.state = 'done';
}

/** The zipped CSV a bulk prediction produces: input columns plus `pred_<target>` (and `proba_<class>` columns). */
export function predictionCsv(scorer: Scorer, dataset: DatasetRecord, name: string): { zip: Buffer; count: number } {
  const table = predictionTable(scorer, dataset);
  return { zip: zipSingleFile(`${name}.csv`, Buffer.from(formatCsv(table.header, table.rows))), count: table.rows.length };
}

type Gen = (rnd: () => number, i: number) => CellValue;
interface ColumnSpec {
  name: string;
  type: 'numerical' | 'categorical';
  gen: Gen;
}

const int =
  (a: number, b: number): Gen =>
  (rnd) =>
    Math.floor(a + rnd() * (b - a + 1));
const num =
  (a: number, b: number): Gen =>
  (rnd) =>
    round(a + rnd() * (b - a), 2);
const pick =
  (values: readonly string[]): Gen =>
  (rnd) =>
    values[Math.floor(rnd() * values.length)]!;

const CHURN_FEATURES: ColumnSpec[] = [
  { name: 'tenure_months', type: 'numerical', gen: int(1, 72) },
  { name: 'monthly_charges', type: 'numerical', gen: num(20, 120) },
  { name: 'contract', type: 'categorical', gen: pick(['month-to-month', 'one-year', 'two-year']) },
  { name: 'support_calls', type: 'numerical', gen: int(0, 6) },
];
const CUSTOMER_ID: ColumnSpec = { name: 'customer_id', type: 'categorical', gen: (_r, i) => `C-${1001 + i}` };
const HOUSE_FEATURES: ColumnSpec[] = [
  { name: 'surface_m2', type: 'numerical', gen: int(25, 220) },
  { name: 'rooms', type: 'numerical', gen: int(1, 8) },
  { name: 'city', type: 'categorical', gen: pick(['Bordeaux', 'Lyon', 'Nantes', 'Paris']) },
  { name: 'year_built', type: 'numerical', gen: int(1900, 2020) },
];
// Hints keep the demo models plausible: short tenure and many support calls mean churn, Paris is expensive...
const CHURN_HINTS: ScorerHints = {
  tenure_months: -1,
  monthly_charges: 1,
  support_calls: 1,
  contract: ['two-year', 'one-year', 'month-to-month'],
};
const VALUE_HINTS: ScorerHints = {
  tenure_months: 1,
  monthly_charges: 1,
  support_calls: -1,
  contract: ['month-to-month', 'one-year', 'two-year'],
};
const HOUSE_HINTS: ScorerHints = { surface_m2: 1, rooms: 1, year_built: 1, city: ['Nantes', 'Bordeaux', 'Lyon', 'Paris'] };
const LEAD_HINTS: ScorerHints = { visits: 1, days_since_contact: -1, channel: ['email', 'web', 'phone'] };

const LEAD_FEATURES: ColumnSpec[] = [
  { name: 'visits', type: 'numerical', gen: int(0, 30) },
  { name: 'days_since_contact', type: 'numerical', gen: int(0, 90) },
  { name: 'channel', type: 'categorical', gen: pick(['email', 'phone', 'web']) },
];

/** Generates feature rows, then (when a target is given) a target drawn from a hidden "true" model plus noise. */
function generateTable(
  seed: number,
  count: number,
  specs: readonly ColumnSpec[],
  target?: { name: string; stats: TargetStats; hints?: ScorerHints },
  exclude: readonly string[] = [],
): { columns: DatasetColumn[]; rows: CellValue[][] } {
  const rnd = seededRandom(seed);
  const columns: DatasetColumn[] = specs.map((s) => ({ name: s.name, type: s.type }));
  const rows = Array.from({ length: count }, (_, i) => specs.map((s) => s.gen(rnd, i)));
  if (!target) return { columns, rows };
  const kind = target.stats.kind;
  const truth = buildScorer({
    trainingType: kind,
    target: target.name,
    columns,
    rows,
    seed: seed ^ 0x5bd1e995,
    exclude,
    targetStats: target.stats,
    hints: target.hints,
  });
  const withTarget = rows.map((r) => {
    const input: Record<string, unknown> = {};
    columns.forEach((c, j) => (input[c.name] = r[j]));
    const s = score(truth, input, false);
    if (truth.classes && s.probability !== null) return [...r, rnd() < s.probability ? truth.classes[0] : truth.classes[1]];
    const std = target.stats.kind === 'regression' ? target.stats.std : 1;
    return [...r, round((s.prediction as number) + (rnd() + rnd() + rnd() - 1.5) * std * 0.3, 2)];
  });
  return { columns: [...columns, { name: target.name, type: kind === 'classification' ? 'categorical' : 'numerical' }], rows: withTarget };
}

/** Ids, names and credentials of the seed, for tests and demo banners. */
export interface PrevisionDemo {
  masterToken: string;
  user: { id: string; email: string };
  projects: Array<{ id: string; name: string; datasetIds: string[]; experimentIds: string[] }>;
  deployments: Array<{
    id: string;
    name: string;
    projectId: string;
    trainingType: 'classification' | 'regression';
    target: string;
    /** Feature names `/predict` expects (the order `/inputs` lists them). */
    features: string[];
    /** Classification only. */
    classes: string[] | null;
    modelId: string;
    apiKeyId: string;
    clientId: string;
    clientSecret: string;
    predictionIds: string[];
  }>;
}

export const DEFAULT_MASTER_TOKEN = 'augur-demo-prevision';
/** A second organization's master token, with data of its own (another user, project and deployment). */
export const SECOND_MASTER_TOKEN = 'augur-demo-prevision-2';
/** The 5-byte process part of the second organization's ids, so that no id of one organization is valid in the other. */
export const SECOND_ORG_MACHINE = 'b7c02d4e91';

/** Which organization's data a seed builds. */
export type SeedOrganization = 'first' | 'second';

/**
 * Builds the seed from scratch (a fresh object graph each call, so resets never share state with a previous run).
 * The first organization is the demo one; the second ({@link SECOND_MASTER_TOKEN}) has one project of its own.
 */
export function buildSeed(ids: ObjectIdFactory, org: SeedOrganization = 'first'): PlatformData {
  const second = org === 'second';
  const userId = ids.next(SEED_BASE_MS - 30 * DAY);
  const analystId = ids.next(SEED_BASE_MS - 29 * DAY);
  const demoUser: UserRef = { _id: userId, email: second ? 'bob@globex.example' : 'demo@augur.example' };
  const analyst: UserRef = { _id: analystId, email: second ? 'carol@globex.example' : 'analyst@augur.example' };
  const profile: Profile = {
    _id: userId,
    email: demoUser.email,
    first_name: second ? 'Bob' : 'Ada',
    last_name: second ? 'Analyst' : 'Demo',
    company: second ? 'Globex' : 'Augur',
    roles: ['admin'],
    created_at: iso(SEED_BASE_MS - 30 * DAY),
  };

  const data: PlatformData = {
    profile,
    projects: [],
    datasets: [],
    experiments: [],
    versions: [],
    models: [],
    deployments: [],
    apiKeys: [],
    predictions: [],
  };

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

  if (second) {
    // The second organization: one project, rent estimates (regression deployed), one bulk prediction.
    const rentProject = project('Rental pricing', 'Monthly rent estimates for the letting desk', '#E69500', SEED_BASE_MS + 2 * DAY);
    const rentTrain = dataset(
      rentProject,
      'rentals_train',
      generateTable(301, 30, HOUSE_FEATURES, { name: 'rent_eur', stats: { kind: 'regression', mean: 1100, std: 350 }, hints: HOUSE_HINTS }),
      SEED_BASE_MS + 2 * DAY + HOUR,
    );
    const rentScoring = dataset(rentProject, 'rentals_scoring', generateTable(302, 10, HOUSE_FEATURES), SEED_BASE_MS + 2 * DAY + 2 * HOUR);
    const rentExp = experiment(rentProject, 'Rent estimate', 'regression', SEED_BASE_MS + 3 * DAY);
    const rentV1 = version(rentExp, rentTrain, 'rent_eur', SEED_BASE_MS + 3 * DAY + HOUR, { description: 'baseline', hints: HOUSE_HINTS });
    const rentModel = rentV1.models[0]!;
    const rentDep = deployment(rentProject, rentExp, rentV1.version, rentModel, 'rent-api', SEED_BASE_MS + 4 * DAY, {
      clientId: 'augur-demo-rent-client',
      secret: 'augur-demo-rent-secret',
    });
    prediction(rentDep, rentModel, rentScoring, SEED_BASE_MS + 5 * DAY, 'done');
    return data;
  }

  // Project 1: customer churn (classification deployed) and lifetime value (regression).
  const churnProject = project('Customer churn', 'Who is about to leave, and what is each customer worth', '#16D92C', SEED_BASE_MS);
  const churnTrain = dataset(
    churnProject,
    'churn_train',
    generateTable(
      101,
      40,
      [CUSTOMER_ID, ...CHURN_FEATURES],
      { name: 'churn', stats: { kind: 'classification', classes: ['yes', 'no'], positiveRate: 0.3 }, hints: CHURN_HINTS },
      ['customer_id'],
    ),
    SEED_BASE_MS + 1 * HOUR,
  );
  const churnScoring = dataset(
    churnProject,
    'churn_scoring',
    generateTable(102, 12, [CUSTOMER_ID, ...CHURN_FEATURES]),
    SEED_BASE_MS + 2 * HOUR,
  );
  const valueTrain = dataset(
    churnProject,
    'customer_value_train',
    generateTable(103, 40, CHURN_FEATURES, {
      name: 'lifetime_value',
      stats: { kind: 'regression', mean: 2400, std: 900 },
      hints: VALUE_HINTS,
    }),
    SEED_BASE_MS + 3 * HOUR,
  );
  const churnExp = experiment(churnProject, 'Churn prediction', 'classification', SEED_BASE_MS + 1 * DAY);
  const churnV1 = version(churnExp, churnTrain, 'churn', SEED_BASE_MS + 1 * DAY + HOUR, {
    description: 'baseline',
    idColumn: 'customer_id',
    hints: CHURN_HINTS,
  });
  const churnV2 = version(churnExp, churnTrain, 'churn', SEED_BASE_MS + 3 * DAY, {
    description: 'more estimators',
    parent: churnV1.version,
    idColumn: 'customer_id',
    hints: CHURN_HINTS,
  });
  const valueExp = experiment(churnProject, 'Customer lifetime value', 'regression', SEED_BASE_MS + 2 * DAY);
  version(valueExp, valueTrain, 'lifetime_value', SEED_BASE_MS + 2 * DAY + HOUR, { description: 'baseline', hints: VALUE_HINTS });

  // Project 2: real estate (regression deployed) and lead conversion (classification).
  const estateProject = project(
    'Real estate',
    'Price estimates and lead scoring for the agency network',
    '#0099E6',
    SEED_BASE_MS + 4 * DAY,
  );
  const housesTrain = dataset(
    estateProject,
    'houses_train',
    generateTable(201, 40, HOUSE_FEATURES, { name: 'price_keur', stats: { kind: 'regression', mean: 320, std: 140 }, hints: HOUSE_HINTS }),
    SEED_BASE_MS + 4 * DAY + HOUR,
  );
  const housesScoring = dataset(estateProject, 'houses_scoring', generateTable(202, 12, HOUSE_FEATURES), SEED_BASE_MS + 4 * DAY + 2 * HOUR);
  const leadsTrain = dataset(
    estateProject,
    'leads_train',
    generateTable(203, 40, LEAD_FEATURES, {
      name: 'converted',
      stats: { kind: 'classification', classes: ['yes', 'no'], positiveRate: 0.25 },
      hints: LEAD_HINTS,
    }),
    SEED_BASE_MS + 4 * DAY + 3 * HOUR,
  );
  const houseExp = experiment(estateProject, 'House price', 'regression', SEED_BASE_MS + 5 * DAY);
  const houseV1 = version(houseExp, housesTrain, 'price_keur', SEED_BASE_MS + 5 * DAY + HOUR, {
    description: 'baseline',
    hints: HOUSE_HINTS,
  });
  const leadExp = experiment(estateProject, 'Lead conversion', 'classification', SEED_BASE_MS + 6 * DAY);
  version(leadExp, leadsTrain, 'converted', SEED_BASE_MS + 6 * DAY + HOUR, { description: 'baseline', hints: LEAD_HINTS });

  // Deployed models, one API key each, and bulk predictions (done and failed).
  const churnModel = churnV2.models[0]!;
  const churnDep = deployment(churnProject, churnExp, churnV2.version, churnModel, 'churn-api', SEED_BASE_MS + 7 * DAY, {
    clientId: 'augur-demo-churn-client',
    secret: 'augur-demo-churn-secret',
  });
  const houseModel = houseV1.models[0]!;
  const houseDep = deployment(estateProject, houseExp, houseV1.version, houseModel, 'house-price-api', SEED_BASE_MS + 8 * DAY, {
    clientId: 'augur-demo-house-client',
    secret: 'augur-demo-house-secret',
  });
  prediction(churnDep, churnModel, churnScoring, SEED_BASE_MS + 9 * DAY, 'done');
  prediction(churnDep, churnModel, churnTrain, SEED_BASE_MS + 9 * DAY + HOUR, 'failed');
  prediction(houseDep, houseModel, housesScoring, SEED_BASE_MS + 10 * DAY, 'done');

  // Pipelines of the churn project: a template scoring new customers, and a scheduled run of it that ran twice.
  // Created last, so the ids above stay what they were before pipelines existed.
  const at = SEED_BASE_MS + 11 * DAY;
  const component = (name: string, properties: Array<{ name: string; type: string; hidden?: boolean }>, t: number) => ({
    _id: ids.next(t),
    pipeline_component_id: { _id: ids.next(t), metadata: { name }, interfaces: { properties } },
  });
  const nodes = [
    component('import-dataset', [{ name: 'dataset_id', type: 'string' }], at),
    component(
      'predict',
      [
        { name: 'deployment_id', type: 'string' },
        { name: 'confidence', type: 'boolean' },
        { name: 'internal_queue', type: 'string', hidden: true },
      ],
      at,
    ),
    component('export', [{ name: 'exporter_id', type: 'string' }], at),
  ];
  const template: PipelineTemplate = {
    _id: ids.next(at),
    project_id: churnProject._id,
    name: 'Score new customers',
    description: 'Imports a dataset, scores it on churn-api and exports the predictions',
    nodes,
    edges: [
      { source: nodes[0]!._id, target: nodes[1]!._id },
      { source: nodes[1]!._id, target: nodes[2]!._id },
    ],
    draft: false,
    used_in_run: true,
    created_at: iso(at),
    created_by: userId,
  };
  const runAt = at + HOUR;
  const run: PipelineScheduledRun = {
    _id: ids.next(runAt),
    project_id: churnProject._id,
    name: 'Nightly churn scoring',
    description: null,
    pipeline_template_id: template._id,
    pipeline_template: { _id: template._id, name: template.name },
    nodes_properties: [{ node_id: nodes[1]!._id, properties: [{ name: 'deployment_id', value: churnDep._id }] }],
    exec_type: 'recurring',
    exec_cron: '0 2 * * *',
    exec_period_start: iso(runAt),
    exec_period_end: null,
    enabled: true,
    draft: false,
    executions: [1, 2].map((n) => ({
      _id: ids.next(runAt + n * DAY),
      status: 'done' as const,
      start_at: iso(runAt + n * DAY),
      end_at: iso(runAt + n * DAY + 10 * 60_000),
    })),
    created_at: iso(runAt),
    created_by: userId,
  };
  const folderAt = at + 2 * HOUR;
  const folder: ImageFolder = {
    _id: ids.next(folderAt),
    project_id: churnProject._id,
    name: 'store_fronts',
    copy_state: 'done',
    nb_images: 48,
    size: 3_145_728,
    created_at: iso(folderAt),
    created_by: userId,
  };
  data.pipelineTemplates = [template];
  data.pipelineRuns = [run];
  data.imageFolders = [folder];

  return data;
}

function describeSeed(data: PlatformData): PrevisionDemo {
  return {
    masterToken: DEFAULT_MASTER_TOKEN,
    user: { id: data.profile._id, email: data.profile.email },
    projects: data.projects.map((p) => ({
      id: p._id,
      name: p.name,
      datasetIds: data.datasets.filter((d) => d.wire.project_id === p._id).map((d) => d.wire._id),
      experimentIds: data.experiments.filter((e) => e.project_id === p._id).map((e) => e._id),
    })),
    deployments: data.deployments.map((d) => {
      const model = data.models.find((m) => m.wire._id === d.models[0]!._id)!;
      const key = data.apiKeys.find((k) => k.wire.deployment_id === d._id)!;
      const scorer = model.scorer!;
      return {
        id: d._id,
        name: d.name,
        projectId: d.project_id,
        trainingType: scorer.trainingType,
        target: scorer.target,
        features: scorer.features.map((f) => f.name),
        classes: scorer.classes ? [...scorer.classes] : null,
        modelId: model.wire._id,
        apiKeyId: key.wire._id,
        clientId: key.wire.service_account_client_id,
        clientSecret: key.secret,
        predictionIds: data.predictions.filter((p) => p.wire.deployment_id === d._id).map((p) => p.wire._id),
      };
    }),
  };
}

/** The seed's ids, names and demo credentials (computed once; identical to what every emulator instance serves). */
export const PREVISION_DEMO: PrevisionDemo = describeSeed(buildSeed(new ObjectIdFactory()));
