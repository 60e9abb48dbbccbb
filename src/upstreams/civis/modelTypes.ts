/** Civis wire types of models (`/models/`), their builds and their predictions (`/predictions/`). */
import type { CivisUserRef, CivisRun, CivisSchedule } from './types.js';

export interface CivisModelBuild {
  id: number;
  state: string;
  error: string | null;
  name: string;
  createdAt: string;
  description: string | null;
  rootMeanSquaredError: number | null;
  rSquaredError: number | null;
  rocPoints: Array<{ falsePositiveRate: number; truePositiveRate: number }>;
  rocAuc: number | null;
  averageLogLoss: number | null;
  fitDurationInSeconds: number | null;
  outputLocation: string | null;
  transformationMetadata: string | null;
  lastRun: CivisRun | null;
}

export interface CivisModel {
  id: number;
  tableName: string;
  databaseId: number;
  credentialId: number;
  modelName: string;
  description: string | null;
  interactionTerms: boolean;
  boxCoxTransformation: boolean;
  modelTypeId: number;
  primaryKey: string;
  dependentVariable: string;
  dependentVariableOrder: string[];
  excludedColumns: string[];
  limitingSQL: string | null;
  crossValidationParameters: Record<string, unknown>;
  numberOfFolds: number;
  schedule: CivisSchedule;
  parentId: number | null;
  timeZone: string;
  lastRun: CivisRun | null;
  user: CivisUserRef;
  createdAt: string;
  updatedAt: string;
  currentBuildState: string;
  currentBuildException: string | null;
  builds: Array<{ id: number; name: string; createdAt: string; description: string | null }>;
  predictions: Array<{
    id: number;
    tableName: string;
    primaryKey: string[];
    limitingSQL: string | null;
    outputTable: string;
    state: string;
  }>;
  lastOutputLocation: string | null;
  archived: boolean;
}

export interface CivisModelDetail extends CivisModel {
  activeBuildId: number | null;
  notifications: Record<string, unknown>;
  runningAs: CivisUserRef;
  hidden: boolean;
}

export interface CivisModelType {
  id: number;
  algorithm: string;
  dvType: string;
  fintAllowed: boolean;
}

export interface CivisPrediction {
  id: number;
  modelId: number;
  scoredTableId: number;
  scoredTableName: string;
  outputTableName: string | null;
  state: string;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  lastRun: CivisRun | null;
}

export interface CivisPredictionDetail extends CivisPrediction {
  scoredTables: Array<{ id: number; schema: string; name: string; createdAt: string; scoreStats: unknown[] }>;
  schedule: CivisSchedule;
  limitingSQL: string | null;
  primaryKey: string[];
}
