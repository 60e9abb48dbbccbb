/** Wire types of the Prevision.io `/ext/v1` API and deployed-model hosts (docs/upstreams.md §5 "Prevision.io"); resolver parents map onto these. */

export type PrevisionState = 'pending' | 'running' | 'done' | 'failed';

export interface PrevisionListPage<T> {
  items: T[];
  metaData: { totalItems: number; rowsPerPage?: number; currentPage?: number; nextPage?: boolean };
}

export interface PrevisionProject {
  _id: string;
  name: string;
  description?: string | null;
  color?: string | null;
  created_by?: string | null;
  created_at?: string | null;
  pipelines_count?: number | null;
  experiments_count?: number | null;
  dataset_count?: number | null;
}

export interface PrevisionDataset {
  _id: string;
  project_id?: string;
  name: string;
  separator?: string | null;
  file_type?: string | null;
  copy_state?: PrevisionState | null;
  describe_state?: PrevisionState | null;
  drift_state?: PrevisionState | null;
  embeddings_state?: PrevisionState | null;
  nb_rows?: number | null;
  nb_columns?: number | null;
  created_at?: string | null;
}

export interface PrevisionExperiment {
  _id: string;
  project_id: string;
  name: string;
  provider?: string | null;
  training_type?: string | null;
  data_type?: string | null;
  hosting?: string | null;
  created_at?: string | null;
}

export interface PrevisionExperimentVersion {
  _id: string;
  project_id: string;
  experiment_id: string;
  description?: string | null;
  version: number;
  created_at?: string | null;
  dataset_id?: string | null;
  state?: PrevisionState | null;
  best_model?: { _id?: string; model_name?: string; metric?: { name?: string; value?: number } } | null;
  experiment_version_params?: { target_column?: string; metric?: string } | null;
}

export interface PrevisionModel {
  _id: string;
  experiment_version_id: string;
  project_id?: string;
  model_name: string;
  deployable?: boolean | null;
  training_type?: string | null;
  type_problem?: string | null;
  provider?: string | null;
  hosting?: string | null;
  tags?: string[] | null;
  metric?: { name?: string; value?: number } | null;
}

export interface PrevisionDeployment {
  _id: string;
  project_id: string;
  name: string;
  description?: string | null;
  experiment_id?: string | null;
  current_version?: number | null;
  deploy_state?: PrevisionState | null;
  main_model_run_state?: PrevisionState | null;
  run_state?: PrevisionState | null;
  current_type_violation_policy?: string | null;
  access_type?: string | null;
  training_type?: string | null;
  url?: string | null;
  created_at?: string | null;
}

export interface PrevisionDeploymentPrediction {
  _id: string;
  project_id?: string;
  deployment_id: string;
  dataset_id?: string | null;
  filename?: string | null;
  state?: PrevisionState | null;
  main_model_id?: string | null;
  challenger_model_id?: string | null;
  main_model_prediction_state?: PrevisionState | null;
  challenger_model_prediction_state?: PrevisionState | null;
  predictions_count?: number | null;
  created_at?: string | null;
}

export interface PrevisionVersionInfo {
  version?: string;
  oidc_url: string;
}

/** The unit prediction answer of a deployed model (`POST {url}/predict`). */
export interface PrevisionUnitPrediction {
  prediction?: unknown;
  probas?: Record<string, number>;
  confidence?: Record<string, unknown>;
  explanation?: Record<string, number> | Array<{ name?: string; value?: number }>;
}
