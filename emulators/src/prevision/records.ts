/**
 * Internal to the Prevision emulator: the records the store keeps and the seed and analysis build, apart from the
 * store so that those modules need not import it.
 */
import type { Scorer } from './scoring.js';
import type { ApiKey, CellValue, Dataset, DatasetColumn, Deployment, DeploymentPrediction, Model, ValidationPrediction } from './types.js';

/** A CSV-shaped result: a header and rows aligned with it. */
export interface Table {
  header: string[];
  rows: CellValue[][];
}

export interface DatasetRecord {
  wire: Dataset;
  columns: DatasetColumn[];
  rows: CellValue[][];
}

export interface ModelRecord {
  wire: Model;
  /** `null` for training types the emulator does not score (multiclass, text similarity, images). */
  scorer: Scorer | null;
}

/** A deployment without `url`, which depends on the host the client reached us on. */
export type DeploymentRecord = Omit<Deployment, 'url'>;

export interface ApiKeyRecord {
  wire: ApiKey;
  secret: string;
}

export interface PredictionRecord {
  wire: DeploymentPrediction;
  /** The zipped CSV served by `/download`, built when the prediction completes. */
  result: Buffer | null;
}

export interface ValidationPredictionRecord {
  wire: ValidationPrediction;
  /** The predictions, built when the job completes; `/download` serves them zipped (default) or as csv. */
  result: Table | null;
}

export interface AccessToken {
  deploymentId: string;
  clientId: string;
  expiresAt: number;
}
