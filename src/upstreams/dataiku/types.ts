/** Wire types of the Dataiku API node user API (docs/upstreams.md §6 "Dataiku API node"); resolver parents map onto these. */

export interface DataikuExplanations {
  enabled: boolean | null;
  method: 'SHAPLEY' | 'ICE' | null;
  nExplanations: number | null;
  nMonteCarloSteps: number | null;
}

export type DataikuDispatch = { forcedGeneration: string } | { dispatchKey: string };

/** One record to score: its features and optional per-record context. */
export interface DataikuRecord {
  features: Record<string, unknown>;
  context?: Record<string, unknown>;
}

/** A prediction result (`result` of /predict, an element of `results` of /predict-multi). */
export interface DataikuPrediction {
  prediction?: unknown;
  probas?: Record<string, number>;
  probaPercentile?: number;
  explanations?: Record<string, number>;
  conditionals?: Record<string, unknown>;
  ignored: boolean;
  ignoreReason?: string;
}

export interface DataikuForecast {
  forecast?: number | null;
  ignored: boolean;
  ignoreReason?: string;
  quantiles?: number[];
  quantilesValues?: number[];
  time: string;
  timeseriesIdentifier?: Record<string, unknown>;
}

export interface DataikuEffect {
  predictedEffect?: number;
  ignored: boolean;
  ignoreReason?: string;
}

export interface DataikuLookup {
  data?: Record<string, unknown>;
  notFound?: boolean;
}

export interface DataikuSqlResult {
  columns: string[];
  rows: Array<Array<string | null>>;
}

export interface DataikuErrorBody {
  errorType?: string;
  message?: string;
  detailedMessage?: string;
}

/** The kinds of Dataiku API node endpoints Augur knows how to call. */
export type DataikuEndpointType = 'PREDICTION' | 'FORECAST' | 'CAUSAL_PREDICTION' | 'SQL_QUERY' | 'DATASET_LOOKUP' | 'FUNCTION';
export const DATAIKU_ENDPOINT_TYPES: readonly DataikuEndpointType[] = [
  'PREDICTION',
  'FORECAST',
  'CAUSAL_PREDICTION',
  'SQL_QUERY',
  'DATASET_LOOKUP',
  'FUNCTION',
];

/** Mapper of `SqlRow`: one row with the column names it is read against. */
export interface SqlRowShape {
  values: Array<string | null>;
  columns: string[];
}

/** The type of a value an endpoint expects (the `FeatureType` enum). */
export type DataikuFeatureType = 'NUMBER' | 'INTEGER' | 'STRING' | 'BOOLEAN' | 'DATE' | 'ARRAY' | 'OBJECT' | 'ANY';
export const DATAIKU_FEATURE_TYPES: readonly DataikuFeatureType[] = [
  'NUMBER',
  'INTEGER',
  'STRING',
  'BOOLEAN',
  'DATE',
  'ARRAY',
  'OBJECT',
  'ANY',
];

/**
 * One input an endpoint declares in Augur's configuration (the API node cannot describe its endpoints): a model's
 * feature, a forecast's column, a lookup key, a SQL parameter or a function argument. Mapper of `InputFeature`.
 */
export interface DataikuInputFeature {
  name: string;
  type: DataikuFeatureType;
  required: boolean;
}
