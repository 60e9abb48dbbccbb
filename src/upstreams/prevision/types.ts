/**
 * Wire types of the Prevision.io `/ext/v1` API and deployed-model hosts (docs/upstreams.md §5 "Prevision.io"); resolver
 * parents map onto these. A key is required where the `previsionio` SDK reads it from every answer (it builds its
 * objects from them), as the emulator serves them.
 */

export type PrevisionState = 'pending' | 'running' | 'done' | 'failed';

export interface PrevisionListPage<T> {
  items: T[];
  metaData: { totalItems: number; rowsPerPage?: number; currentPage?: number; nextPage?: boolean };
}

export interface PrevisionProject {
  _id: string;
  name: string;
  description: string | null;
  color: string;
  created_by?: string | null;
  created_at: string;
  pipelines_count?: number | null;
  experiments_count?: number | null;
  dataset_count?: number | null;
}

export interface PrevisionDataset {
  _id: string;
  project_id: string;
  /** The data source it was read from; null (or absent) for an upload. */
  datasource?: string | null;
  name: string;
  separator: string;
  file_type: string;
  copy_state: PrevisionState;
  describe_state: PrevisionState;
  drift_state?: PrevisionState | null;
  embeddings_state?: PrevisionState | null;
  nb_rows: number;
  nb_columns: number;
  created_at: string;
}

export interface PrevisionExperiment {
  _id: string;
  project_id: string;
  name: string;
  provider: string;
  training_type: string;
  data_type: string;
  hosting: string;
  created_at: string;
}

export interface PrevisionExperimentVersion {
  _id: string;
  project_id: string;
  experiment_id: string;
  description: string | null;
  version: number;
  created_at: string;
  dataset_id: string;
  state: PrevisionState;
  /** True until the version is confirmed; a draft does not train. */
  draft?: boolean;
  best_model: { _id: string; model_name: string; metric: { name: string; value: number } } | null;
  experiment_version_params: { target_column: string; metric: string };
}

export interface PrevisionModel {
  _id: string;
  experiment_version_id: string;
  project_id: string;
  model_name: string;
  deployable: boolean;
  training_type: string;
  provider?: string | null;
  hosting?: string | null;
  tags: string[];
  metric: { name: string; value: number };
}

export interface PrevisionDeployment {
  _id: string;
  project_id: string;
  name: string;
  description: string | null;
  experiment_id: string;
  current_version: number;
  deploy_state: PrevisionState;
  main_model_run_state: PrevisionState;
  current_type_violation_policy: string;
  access_type: string;
  training_type: string;
  /** The deployed model's host, which serves `/inputs` and `/predict` (5.6). */
  url: string;
  created_at: string;
}

export interface PrevisionDeploymentPrediction {
  _id: string;
  project_id: string;
  deployment_id: string;
  dataset_id: string;
  filename?: string | null;
  state: PrevisionState;
  main_model_id?: string | null;
  challenger_model_id?: string | null;
  main_model_prediction_state: PrevisionState;
  challenger_model_prediction_state: PrevisionState | null;
  predictions_count: number | null;
  created_at: string;
}

export interface PrevisionVersionInfo {
  version?: string;
  oidc_url: string;
}

/**
 * A feature the deployed model takes (`GET {url}/inputs`): a number is `numerical`, a level `categorical` (with the
 * levels the model knows in `values`).
 */
export interface PrevisionDeployedInput {
  name: string;
  type: 'numerical' | 'categorical';
  required: boolean;
  values?: string[];
}

/** The unit prediction answer of a deployed model (`POST {url}/predict`). */
export interface PrevisionUnitPrediction {
  prediction?: unknown;
  probas?: Record<string, number>;
  confidence?: Record<string, unknown>;
  explanation?: Record<string, number> | Array<{ name?: string; value?: number }>;
}

/** `GET /experiment-versions/{id}/features` (a paged list). */
export interface PrevisionFeature {
  name: string;
  type: string;
  role: string;
  stats: Record<string, unknown>;
  importance_value: number | null;
}

/** `GET /validation-predictions/{id}`, and the items of `GET /experiment-versions/{id}/holdout-predictions`. */
export interface PrevisionValidationPrediction {
  _id: string;
  project_id: string;
  experiment_id: string;
  experiment_version_id: string;
  model_id: string;
  model_name: string;
  dataset_id: string;
  dataset_name: string;
  state: PrevisionState;
  confidence: boolean;
  holdout: boolean;
  download_available: boolean;
  score: { name: string; value: number } | null;
  predictions_count: number | null;
  created_at: string;
}

/** The items of `GET /projects/{id}/users`. */
export interface PrevisionProjectUser {
  _id: string;
  email: string;
  role: string;
}

/** `GET /profile`: the user the master token belongs to. */
export interface PrevisionProfile {
  _id: string;
  email: string;
  first_name: string;
  last_name: string;
  company: string;
  roles: string[];
}

/** `GET /connectors/{id}`. Secrets are never part of it. */
export interface PrevisionConnector {
  _id: string;
  project_id: string;
  name: string;
  type: 'SQL' | 'FTP' | 'SFTP' | 'S3' | 'GCP';
  host: string | null;
  port: number | null;
  username: string | null;
  created_at: string;
}

/** `GET /data-sources/{id}`. */
export interface PrevisionDataSource {
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
}

/** `GET /exporters/{id}`. */
export interface PrevisionExporter {
  _id: string;
  project_id: string;
  connector_id: string;
  name: string;
  description: string | null;
  filepath: string | null;
  bucket: string | null;
  database: string | null;
  table: string | null;
  database_write_mode: string | null;
  file_write_mode: string | null;
  created_at: string;
}

/** `GET /exports/{id}`; `status` is a job state. */
export interface PrevisionExport {
  _id: string;
  exporter_id: string;
  dataset_id: string | null;
  prediction_id: string | null;
  prediction_type: 'deployment' | 'experiment' | null;
  status: PrevisionState;
  created_at: string;
}

/** A node of a pipeline template: its component, embedded, with the properties a run sets (the SDK's `get_nodes_properties`). */
export interface PrevisionPipelineNode {
  _id: string;
  pipeline_component_id?: {
    metadata?: { name?: string };
    interfaces?: { properties?: Array<{ name: string; type: string; hidden?: boolean }> };
  };
}

/** `GET /pipeline-templates/{id}` (the SDK's `PipelineTemplate`). */
export interface PrevisionPipelineTemplate {
  _id: string;
  project_id: string;
  name: string;
  description?: string | null;
  nodes?: PrevisionPipelineNode[];
  draft?: boolean;
  used_in_run?: boolean;
  created_at: string;
}

/** One execution of a scheduled run. */
export interface PrevisionPipelineExecution {
  _id: string;
  status: PrevisionState;
  start_at: string;
  end_at?: string | null;
}

/** `GET /pipeline-scheduled-runs/{id}` (the SDK's `PipelineScheduledRun`); `executions` only when read by id. */
export interface PrevisionPipelineScheduledRun {
  _id: string;
  project_id: string;
  name: string;
  description?: string | null;
  pipeline_template_id: string;
  nodes_properties?: Array<{ node_id: string; properties: Array<{ name: string; value: unknown }> }>;
  exec_type: 'manual' | 'recurring';
  exec_cron?: string | null;
  exec_period_start?: string | null;
  exec_period_end?: string | null;
  enabled: boolean;
  draft: boolean;
  executions?: PrevisionPipelineExecution[];
  created_at: string;
}

/** `GET /image-folders/{id}` (the SDK's `DatasetImages`). */
export interface PrevisionImageFolder {
  _id: string;
  project_id: string;
  name: string;
  copy_state: PrevisionState;
  nb_images?: number | null;
  size?: number | null;
  created_at: string;
}
