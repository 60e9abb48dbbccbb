/**
 * Wire types of the Dataiku DSS API node user API (`/public/api/v1/{service}/{endpoint}/{verb}`), as the emulator
 * speaks them and as `dataikuapi.APINodeClient` sends and reads them. Fields marked [OURS] are this project's design
 * where nothing public confirms the vendor's shape; the gateway must treat them the same way.
 */

/** The kinds of endpoint an API node service can hold. */
export type DataikuEndpointType = 'PREDICTION' | 'FORECAST' | 'CAUSAL_PREDICTION' | 'SQL_QUERY' | 'DATASET_LOOKUP' | 'FUNCTION';

/** The last path segment of every user API call. */
export type DataikuVerb =
  'predict' | 'predict-multi' | 'forecast' | 'predict-effect' | 'predict-effect-multi' | 'query' | 'lookup' | 'lookup-multi' | 'run';

/** How explanations are computed: Shapley values (Monte Carlo) or individual conditional expectations. */
export type ExplanationMethod = 'SHAPLEY' | 'ICE';

/** The `explanations` object the SDK always sends with predict calls; `null` means "the endpoint's default". */
export interface ExplanationsRequest {
  enabled?: boolean | null;
  method?: ExplanationMethod | null;
  nExplanations?: number | null;
  nMonteCarloSteps?: number | null;
}

/** `forcedGeneration` wins over `dispatchKey` when both are present (the SDK only ever sends one). */
export interface DispatchRequest {
  forcedGeneration?: string | null;
  dispatchKey?: string | number | null;
}

/** One record's features: column name to value (any JSON). */
export type Features = Record<string, unknown>;

/** Body of `POST .../predict` (`predict_record`). */
export interface PredictRequest {
  features: Features;
  explanations?: ExplanationsRequest | null;
  dispatch?: DispatchRequest | null;
  context?: Record<string, unknown> | null;
}

/** Body of `POST .../predict-multi` (`predict_records`); each item must carry `features`. */
export interface PredictMultiRequest {
  items: Array<{ features: Features; context?: Record<string, unknown> | null }>;
  explanations?: ExplanationsRequest | null;
  dispatch?: DispatchRequest | null;
}

/** Forecast items are flat rows (date, time series identifiers, target), not wrapped in `features`. */
export interface ForecastRequest {
  items: Array<Record<string, unknown>>;
  dispatch?: DispatchRequest | null;
}

/** Body of `POST .../predict-effect`. */
export interface PredictEffectRequest {
  features: Features;
  dispatch?: DispatchRequest | null;
  context?: Record<string, unknown> | null;
}

/** Body of `POST .../predict-effect-multi`. */
export interface PredictEffectMultiRequest {
  items: Array<{ features: Features; context?: Record<string, unknown> | null }>;
  dispatch?: DispatchRequest | null;
}

/** Body of `POST .../lookup` (`lookup_record`): the lookup keys go in `data`. */
export interface LookupRequest {
  data: Record<string, unknown>;
  context?: Record<string, unknown> | null;
}

/** Body of `POST .../lookup-multi` (`lookup_records`); each item must carry `data`. */
export interface LookupMultiRequest {
  items: Array<{ data: Record<string, unknown>; context?: Record<string, unknown> | null }>;
}

/** A record the model declined to score: exactly these two keys, nothing else. */
export interface IgnoredResult {
  ignored: true;
  ignoreReason: 'IGNORED_BY_MODEL';
}

/** A binary classification result, as in the vendor's predict example. */
export interface ClassificationResult {
  prediction: string;
  probas: Record<string, number>;
  /** Only binary classification carries it. */
  probaPercentile: number;
  ignored: false;
  /** Only when explanations are enabled: feature name to contribution. */
  explanations?: Record<string, number>;
  /** [OURS] Only with ICE explanations: each explained feature's individual conditional expectation. */
  conditionals?: Record<string, ConditionalPoint[]>;
}

/**
 * [OURS] One point of an individual conditional expectation: the prediction (the first class's probability for a
 * classification, the value for a regression) with the feature set to `value` and every other feature unchanged.
 */
export interface ConditionalPoint {
  value: unknown;
  prediction: number;
}

/** A regression result: only `prediction` and `ignored` (plus explanations when enabled). */
export interface RegressionResult {
  prediction: number;
  ignored: false;
  explanations?: Record<string, number>;
  conditionals?: Record<string, ConditionalPoint[]>;
}

/** What `result` (or each of `results`) holds for a prediction endpoint. */
export type PredictionResult = ClassificationResult | RegressionResult | IgnoredResult;

/** [OURS] The inner fields of a causal result are not public. */
export interface CausalResult {
  predictedEffect: number;
  ignored: false;
}

/** One forecast step of one time series. */
export interface ForecastResult {
  forecast: number;
  ignored: false;
  quantiles: number[];
  quantilesValues: number[];
  /** ISO-8601 with microseconds, e.g. `2015-03-21T00:00:00.000000Z`. */
  time: string;
  /** The identifier columns of the series, e.g. `{store: "A"}`. */
  timeseriesIdentifier: Record<string, unknown>;
}

/** [OURS] Timing keys, in microseconds. */
export interface PredictionTiming {
  preProcessing: number;
  wait: number;
  enrich: number;
  preparation: number;
  prediction: number;
  explanation: number;
  postProcessing: number;
}

/** [OURS] Timing keys of a function run, in microseconds. */
export interface FunctionTiming {
  preProcessing: number;
  wait: number;
  execution: number;
  postProcessing: number;
}

/** Which service, endpoint and generation answered. */
export interface ApiContext {
  serviceId: string;
  endpointId: string;
  serviceGeneration: string;
}

/** Envelope of the single-record verbs (`predict`, `predict-effect`). */
export interface SingleEnvelope<R> {
  result: R;
  timing: PredictionTiming;
  apiContext: ApiContext;
}

/** Envelope of the batch verbs (`predict-multi`, `predict-effect-multi`, `forecast`). */
export interface MultiEnvelope<R> {
  results: R[];
  timing: PredictionTiming;
  apiContext: ApiContext;
}

/** SQL query answer: plain column names; every value a string, or `null`. */
export interface SqlQueryResponse {
  columns: string[];
  rows: Array<Array<string | null>>;
}

/** [OURS] One lookup answer: the matched line, or an empty `data` with `notFound: true`. */
export interface LookupResult {
  data: Record<string, unknown>;
  notFound?: true;
}

/** Lookups always answer `results`, even the single-record call (the SDK reads `results[0]`). */
export interface LookupResponse {
  results: LookupResult[];
}

/** [OURS] The API node's function endpoints wrap the returned value in `response`. */
export interface RunResponse<T = unknown> {
  response: T;
  timing: FunctionTiming;
  apiContext: ApiContext;
}

/** Every error body: the SDK raises `DataikuException("<errorType>: <detailedMessage or message>")`. */
export interface DataikuErrorBody {
  errorType: string;
  message: string;
  detailedMessage: string;
}
