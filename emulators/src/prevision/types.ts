/**
 * Wire types of the Prevision.io `/ext/v1` API and of a deployed model's host, as the emulator serves them. Keys are
 * spelled exactly as the `previsionio` SDK reads them (snake_case, Mongo-style `_id`).
 */

/** Lifecycle state shared by experiment versions, datasets and predictions (`ExperimentState` in the SDK). */
export type PrevisionState = 'pending' | 'running' | 'done' | 'failed';

export type TrainingType = 'classification' | 'regression' | 'multiclassification' | 'text-similarity' | 'object-detection';
export type DataType = 'tabular' | 'timeseries' | 'images';
export type TypeViolationPolicy = 'best_effort' | 'strict';
export type AccessType = 'public' | 'fine_grained' | 'private';

/**
 * Event names on `GET /ext/v1/events` that the SDK waits on (`PREDICTION_UPDATE` for validation predictions:
 * `ValidationPrediction._wait_for_prediction`).
 */
export type PrevisionEventName =
  | 'DEPLOYMENT_PREDICTION_UPDATE'
  | 'EXPERIMENT_VERSION_UPDATE'
  | 'DATASET_UPDATE'
  | 'PREDICTION_UPDATE'
  | 'EXPORT_UPDATE'
  | 'FOLDER_UPDATE'
  | 'PIPELINE_SCHEDULED_RUN_UPDATE';

/** `metaData` of every paged list. `currentPage` is 1-based. */
export interface ListMetaData {
  totalItems: number;
  rowsPerPage: number;
  currentPage: number;
  nextPage: boolean;
}

/** A paged list: `{items, metaData}`. */
export interface ListPage<T> {
  items: T[];
  metaData: ListMetaData;
}

/** The error envelope: `{status, err_code, message}`; `message` may be a list of strings. */
export interface PrevisionErrorBody {
  status: number;
  err_code: string;
  message: string | string[];
}

export interface UserRef {
  _id: string;
  email: string;
}

/** `GET /ext/v1/profile`. */
export interface Profile {
  _id: string;
  email: string;
  first_name: string;
  last_name: string;
  company: string;
  roles: string[];
  created_at: string;
}

/** `GET /ext/v1/version`; `oidc_url` is where the deployed-model token endpoint lives. */
export interface VersionInfo {
  version: string;
  build: string;
  oidc_url: string;
}

export interface Project {
  _id: string;
  name: string;
  description: string | null;
  color: string;
  created_by: string;
  created_at: string;
  admins: UserRef[];
  contributors: UserRef[];
  viewers: UserRef[];
  /** Members who may only use the project's deployed models (the R SDK's `end_user` role). */
  end_users: UserRef[];
  pipelines_count: number;
  experiments_count: number;
  dataset_count: number;
}

/** A column of a dataset as `/datasets/{id}/sample` lists it. */
export interface DatasetColumn {
  name: string;
  type: 'numerical' | 'categorical';
}

export type CellValue = string | number | null;

export interface Dataset {
  _id: string;
  project_id: string;
  name: string;
  separator: string;
  decimal: string;
  file_type: 'csv' | 'zip' | 'parquet';
  /** The data source it was read from; null for an upload. */
  datasource: string | null;
  copy_state: PrevisionState;
  describe_state: PrevisionState;
  drift_state: PrevisionState;
  embeddings_state: PrevisionState;
  /** Read by the R SDK's `get_dataset_info` loop. */
  isAvailable: boolean;
  nb_rows: number;
  nb_columns: number;
  size: number;
  created_at: string;
  created_by: string;
}

/** `GET /datasets/{id}/sample`: columns as objects, rows as arrays aligned with them. */
export interface DatasetSample {
  columns: DatasetColumn[];
  rows: CellValue[][];
}

export interface Experiment {
  _id: string;
  project_id: string;
  name: string;
  provider: 'prevision-auto-ml' | 'external';
  training_type: TrainingType;
  data_type: DataType;
  hosting: 'prevision' | 'external';
  created_at: string;
  created_by: string;
  versions_count: number;
}

export interface ExperimentVersionParams {
  target_column: string;
  id_column: string | null;
  fold_column: string | null;
  weight_column: string | null;
  time_column: string | null;
  group_columns: string[] | null;
  apriori_columns: string[] | null;
  drop_list: string[];
  metric: string;
  profile: 'quick' | 'normal' | 'advanced';
  features_engineering_selected_list: string[];
  normal_models: string[];
  lite_models: string[];
  simple_models: string[];
  features_selection_time: number;
  features_selection_count: number | null;
}

export interface ExperimentVersion {
  _id: string;
  project_id: string;
  experiment_id: string;
  description: string | null;
  version: number;
  /**
   * The parent's `version` number: `Supervised.new_version` and `ExternalExperimentVersion.new_version` send
   * `parent_version=self.version`, and the SDK reads the key back as it stored it.
   */
  parent_version: number | null;
  created_at: string;
  experiment: { data_type: DataType; training_type: TrainingType };
  dataset_id: string;
  holdout_dataset_id: string | null;
  experiment_version_params: ExperimentVersionParams;
  state: PrevisionState;
  /** True until `PUT /experiment-versions/{id}/confirm`. */
  draft: boolean;
  best_model: { _id: string; model_name: string; metric: { name: string; value: number } } | null;
  models_count: number;
}

export interface Model {
  _id: string;
  project_id: string;
  experiment_id: string;
  experiment_version_id: string;
  model_name: string;
  name: string;
  deployable: boolean;
  training_type: TrainingType;
  provider: 'prevision-auto-ml' | 'external';
  hosting: 'prevision' | 'external';
  tags: string[];
  metric: { name: string; value: number };
  created_at: string;
}

export interface DeploymentVersion {
  version: number;
  name: string;
  main_model_id: string;
  main_model_experiment_version_id: string;
  challenger_model_id: string | null;
  challenger_model_experiment_version_id: string | null;
  created_at: string;
}

export interface DeploymentModelRef {
  _id: string;
  model_name: string;
  experiment_version_id: string;
  role: 'main' | 'challenger';
}

/** `GET /deployments/{id}`; `url` is the deployed model's host (served by this emulator under `/deployments-host/{id}`). */
export interface Deployment {
  _id: string;
  project_id: string;
  name: string;
  description: string | null;
  experiment_id: string;
  current_version: number;
  versions: DeploymentVersion[];
  deploy_state: PrevisionState;
  main_model_run_state: PrevisionState;
  current_type_violation_policy: TypeViolationPolicy;
  access_type: AccessType;
  training_type: TrainingType;
  models: DeploymentModelRef[];
  url: string;
  created_at: string;
  created_by: string;
}

/** An API key of a deployment; the secret is only served by `/api-keys/{id}/secret`. */
export interface ApiKey {
  _id: string;
  deployment_id: string;
  project_id: string;
  service_account_client_id: string;
  created_at: string;
}

export interface ApiKeySecret {
  service_account_client_id: string;
  client_secret: string;
}

export interface DeploymentPrediction {
  _id: string;
  project_id: string;
  deployment_id: string;
  deployment_version: number;
  dataset_id: string;
  dataset_name: string;
  filename: string;
  state: PrevisionState;
  main_model_id: string;
  challenger_model_id: string | null;
  main_model_prediction_state: PrevisionState;
  challenger_model_prediction_state: PrevisionState | null;
  missing_columns: string[];
  predictions_count: number | null;
  created_at: string;
  created_by: string;
}

/** A feature the deployed model expects (`GET {deployment url}/inputs`). */
export interface DeployedInput {
  name: string;
  type: 'numerical' | 'categorical';
  required: boolean;
  values?: string[];
}

/** `GET {deployment url}/outputs`; the SDK reads `outputs[0].keyName`. */
export interface DeployedOutput {
  keyName: string;
  name: string;
  type: 'numerical' | 'categorical';
  values?: string[];
}

/** `POST {oidc_url}/auth/realms/prevision.io/protocol/openid-connect/token`. */
export interface TokenResponse {
  access_token: string;
  expires_in: number;
  refresh_expires_in: number;
  token_type: 'Bearer';
  'not-before-policy': number;
  scope: string;
}

/**
 * `POST {deployment url}/predict`. Top-level keys are the documented shape; `response.predictions` repeats them
 * keyed by the target name (`outputs[0].keyName`), which is where the SDK's `DeployedModel.predict` reads.
 */
export interface UnitPredictionResponse {
  prediction: string | number;
  probas?: Record<string, number>;
  confidence?: Record<string, number>;
  explanation?: Record<string, number>;
  response: { predictions: Record<string, unknown> };
}

/**
 * `POST /experiment-versions/{id}/validation-predictions`, `GET /validation-predictions/{id}`. The SDK builds
 * `ValidationPrediction(**body)`, which requires `_id`, `experiment_id`, `experiment_version_id` and `project_id`,
 * waits on `PREDICTION_UPDATE` until `state` is `done` (or `failed`), and names downloads after `filename`.
 * Holdout predictions (`GET /experiment-versions/{id}/holdout-predictions`) have the same shape with `holdout: true`.
 */
export interface ValidationPrediction {
  _id: string;
  project_id: string;
  experiment_id: string;
  experiment_version_id: string;
  model_id: string;
  model_name: string;
  dataset_id: string;
  dataset_name: string;
  folder_dataset_id: string | null;
  filename: string;
  state: PrevisionState;
  confidence: boolean;
  holdout: boolean;
  download_available: boolean;
  missing_columns: string[];
  /** The version's metric on this dataset, when it holds the target and the metric is one the emulator computes. */
  score: { name: string; value: number } | null;
  /** Seconds from creation to completion. */
  duration: number | null;
  predictions_count: number | null;
  created_at: string;
  created_by: string;
}

/** An item of `GET /experiment-versions/{id}/features`; `/features/{name}` adds `distribution_chart`. */
export interface FeatureInfo {
  name: string;
  /** `linear` for numerical columns, as the SDK's `get_feature_info` docstring names them. */
  type: 'linear' | 'categorical';
  role: 'target' | 'id' | 'fold' | 'weight' | 'feature' | 'dropped';
  stats: FeatureStats;
  /** Share of the best model's feature importance (0..1); `null` for non-features or before a model exists. */
  importance_value: number | null;
}

export type FeatureStats =
  | {
      nb_values: number;
      nb_missing: number;
      min: number | null;
      max: number | null;
      mean: number | null;
      std: number | null;
      median: number | null;
    }
  | {
      nb_values: number;
      nb_missing: number;
      nb_modalities: number;
      modalities: Array<{ value: string; count: number; frequency: number }>;
    };

/** An item of `GET /experiment-versions/{id}/correlation-matrix`: the SDK reads `name` and `correlation[j].score`. */
export interface CorrelationRow {
  name: string;
  correlation: Array<{ name: string; score: number }>;
}

/** `GET /models/{id}/dynamic-analysis?threshold=`: the SDK reads `confusion_matrix` and `score.{accuracy, precision, recall, f1Score}`. */
export interface DynamicAnalysis {
  threshold: number;
  /** Rows are the actual class, columns the predicted one, both in `labels` order (negative first). */
  labels: [string, string];
  confusion_matrix: [[number, number], [number, number]];
  score: { accuracy: number; precision: number; recall: number; f1Score: number };
}

/** The kinds of connector the SDK creates (`connectors_names`). */
export type ConnectorType = 'SQL' | 'FTP' | 'SFTP' | 'S3' | 'GCP';

/** `GET /ext/v1/connectors/{id}`: a connection to a remote source. Secrets (password, secret key, Google credentials) are never answered. */
export interface Connector {
  _id: string;
  project_id: string;
  name: string;
  type: ConnectorType;
  host: string | null;
  port: number | null;
  username: string | null;
  created_at: string;
  created_by: string;
}

/** `GET /ext/v1/data-sources/{id}`: what to read through a connector. */
export interface DataSource {
  _id: string;
  project_id: string;
  connector_id: string;
  name: string;
  path: string | null;
  database: string | null;
  table: string | null;
  bucket: string | null;
  request: string | null;
  created_at: string;
  created_by: string;
}

/** `GET /ext/v1/exporters/{id}`: where exports of datasets and predictions go, through a connector. */
export interface Exporter {
  _id: string;
  project_id: string;
  connector_id: string;
  name: string;
  description: string | null;
  filepath: string | null;
  bucket: string | null;
  database: string | null;
  table: string | null;
  /** `replace` or `append`, for a database. */
  database_write_mode: 'replace' | 'append' | null;
  /** `timestamp`, `safe` or `replace`, for files. */
  file_write_mode: 'timestamp' | 'safe' | 'replace' | null;
  created_at: string;
  created_by: string;
}

/** `GET /ext/v1/exports/{id}`: one export of a dataset, a prediction or an uploaded file; `status` moves like a job's state. */
export interface Export {
  _id: string;
  project_id: string;
  exporter_id: string;
  dataset_id: string | null;
  prediction_id: string | null;
  prediction_type: 'deployment' | 'experiment' | null;
  /** **[OURS]** The uploaded file's name, for an export of a file (`POST /exporters/{id}/file`); null otherwise. */
  file_name: string | null;
  /** **[OURS]** The uploaded file's size in bytes, for an export of a file; null otherwise. */
  file_size: number | null;
  status: PrevisionState;
  created_at: string;
  created_by: string;
}

/** A property a pipeline component takes, as `PipelineTemplate.get_nodes_properties` reads it. */
export interface PipelineComponentProperty {
  name: string;
  type: string;
  hidden?: boolean;
}

/** A node of a pipeline template: its `pipeline_component_id` is the component, embedded. */
export interface PipelineNode {
  _id: string;
  pipeline_component_id: {
    _id: string;
    metadata: { name: string };
    interfaces: { properties: PipelineComponentProperty[] };
  };
}

/** `GET /ext/v1/pipeline-templates/{id}`: the SDK's `PipelineTemplate` reads `_id`, `name`, `project_id`, `nodes`, `edges`, `description`, `draft`, `used_in_run`. */
export interface PipelineTemplate {
  _id: string;
  project_id: string;
  name: string;
  description: string | null;
  nodes: PipelineNode[];
  edges: Array<{ source: string; target: string }>;
  draft: boolean;
  used_in_run: boolean;
  created_at: string;
  created_by: string;
}

/** One execution of a scheduled run (`GET /pipeline-scheduled-runs/{id}?limit=n` answers the last n as `executions`). */
export interface PipelineExecution {
  _id: string;
  status: PrevisionState;
  start_at: string;
  end_at: string | null;
}

/** `GET /ext/v1/pipeline-scheduled-runs/{id}`: the SDK's `PipelineScheduledRun`. */
export interface PipelineScheduledRun {
  _id: string;
  project_id: string;
  name: string;
  description: string | null;
  pipeline_template_id: string;
  pipeline_template: { _id: string; name: string };
  /** What each node was configured with (`PUT /pipeline-scheduled-runs/{id}/node/{node_id}`). */
  nodes_properties: Array<{ node_id: string; properties: Array<{ name: string; value: unknown }> }>;
  exec_type: 'manual' | 'recurring';
  exec_cron: string | null;
  exec_period_start: string | null;
  exec_period_end: string | null;
  enabled: boolean;
  draft: boolean;
  executions: PipelineExecution[];
  created_at: string;
  created_by: string;
}

/** `GET /ext/v1/image-folders/{id}`: a zip of images; the SDK's `DatasetImages` reads `_id`, `name`, `project_id`, `copy_state`. */
export interface ImageFolder {
  _id: string;
  project_id: string;
  name: string;
  copy_state: PrevisionState;
  nb_images: number;
  size: number;
  created_at: string;
  created_by: string;
}
