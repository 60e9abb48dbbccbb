/**
 * The endpoints of the demo API node service, described as data so the gateway can learn them from configuration
 * (endpoint id to type) without calling the node, and so the emulator routes each verb to the right model.
 */
import type { DataikuEndpointType, DataikuVerb, ExplanationMethod } from './types.js';

/** The demo service id (`APINodeClient(uri, "augur-demo", ...)`). */
export const DATAIKU_DEMO_SERVICE_ID = 'augur-demo';

/** Which verbs each endpoint type answers; any other verb on it is a 400. */
export const DATAIKU_VERBS_BY_TYPE: Readonly<Record<DataikuEndpointType, readonly DataikuVerb[]>> = {
  PREDICTION: ['predict', 'predict-multi'],
  FORECAST: ['forecast'],
  CAUSAL_PREDICTION: ['predict-effect', 'predict-effect-multi'],
  SQL_QUERY: ['query'],
  DATASET_LOOKUP: ['lookup', 'lookup-multi'],
  FUNCTION: ['run'],
};

/** Every verb, in the order the routes are declared. */
export const DATAIKU_VERBS: readonly DataikuVerb[] = [
  'predict',
  'predict-multi',
  'forecast',
  'predict-effect',
  'predict-effect-multi',
  'query',
  'lookup',
  'lookup-multi',
  'run',
];

/** The explanation settings an endpoint uses when the request leaves a field `null`. */
export interface ExplanationDefaults {
  enabled: boolean;
  method: ExplanationMethod;
  nExplanations: number;
  nMonteCarloSteps: number;
}

/** A named input of a SQL query endpoint (sent flat in the body) or of a function endpoint (sent as kwargs). */
export interface DataikuParameterDescription {
  name: string;
  type: 'string' | 'number' | 'integer' | 'date' | 'number[]';
  required: boolean;
  description: string;
}

/** What a gateway needs to know about one endpoint. */
export interface DataikuEndpointDescription {
  id: string;
  type: DataikuEndpointType;
  verbs: readonly DataikuVerb[];
  description: string;
  /** PREDICTION only. */
  predictionType?: 'BINARY_CLASSIFICATION' | 'REGRESSION';
  /** Binary classification classes, positive class first. */
  classes?: readonly string[];
  /** Input features the model knows (others are accepted; see the model's doc). */
  features?: readonly string[];
  explanations?: ExplanationDefaults;
  /** FORECAST only. */
  timeseries?: {
    dateColumn: string;
    identifierColumns: readonly string[];
    target: string;
    /** Steps forecast after the last date of each series. */
    horizon: number;
    /** Step length: the model was trained on daily data. */
    frequency: 'DAY';
    quantiles: readonly number[];
  };
  /** SQL_QUERY: flat named parameters. FUNCTION: keyword arguments. */
  parameters?: readonly DataikuParameterDescription[];
  /** SQL_QUERY and DATASET_LOOKUP: columns answered. */
  columns?: readonly string[];
  /** DATASET_LOOKUP: accepted key names in `data` (first wins). */
  lookupKeys?: readonly string[];
}

/** Columns of the seeded `customers` dataset, in SQL answer order. */
export const CUSTOMER_COLUMNS = ['id', 'name', 'email', 'country', 'city', 'segment', 'revenue', 'signup_date'] as const;

/** Churn model features: a Previsto contact's own fields (any extra numeric feature is accepted too). */
export const CHURN_FEATURES = [
  'name',
  'address',
  'postalCode',
  'city',
  'countryCode',
  'location',
  'phone',
  'email',
  'notifyBeforeWork',
  'archived',
  'accountingMode',
  'invoiceDelivery',
  'agentIds',
  'meta',
] as const;

/** The demo service's endpoints. */
export const DATAIKU_DEMO_ENDPOINTS: readonly DataikuEndpointDescription[] = [
  {
    id: 'churn',
    type: 'PREDICTION',
    verbs: DATAIKU_VERBS_BY_TYPE.PREDICTION,
    description:
      'Binary classification of a Previsto contact: will the customer churn? Features are the contact fields; ' +
      'extra numeric features are accepted. A record with no non-null feature is ignored by the model.',
    predictionType: 'BINARY_CLASSIFICATION',
    classes: ['churn', 'stay'],
    features: CHURN_FEATURES,
    explanations: { enabled: false, method: 'ICE', nExplanations: 3, nMonteCarloSteps: 100 },
  },
  {
    id: 'price',
    type: 'PREDICTION',
    verbs: DATAIKU_VERBS_BY_TYPE.PREDICTION,
    description: 'Regression of a property price (DKK) from its surface (m²), number of rooms and city.',
    predictionType: 'REGRESSION',
    features: ['surface', 'rooms', 'city'],
    explanations: { enabled: false, method: 'ICE', nExplanations: 3, nMonteCarloSteps: 100 },
  },
  {
    id: 'sales-forecast',
    type: 'FORECAST',
    verbs: DATAIKU_VERBS_BY_TYPE.FORECAST,
    description:
      'Daily sales forecast per store: send past rows {date, store, sales}; answers 3 daily steps after the last ' + 'date of each store.',
    timeseries: {
      dateColumn: 'date',
      identifierColumns: ['store'],
      target: 'sales',
      horizon: 3,
      frequency: 'DAY',
      quantiles: [0.0001, 0.5, 0.9999],
    },
  },
  {
    id: 'uplift',
    type: 'CAUSAL_PREDICTION',
    verbs: DATAIKU_VERBS_BY_TYPE.CAUSAL_PREDICTION,
    description: 'Causal model: effect of a retention offer on the probability to stay.',
    features: ['tenureMonths', 'monthlySpend', 'channel', 'segment'],
  },
  {
    id: 'customers-sql',
    type: 'SQL_QUERY',
    verbs: DATAIKU_VERBS_BY_TYPE.SQL_QUERY,
    description:
      'SELECT id, name, email, country, city, segment, revenue, signup_date FROM customers WHERE each given ' +
      'parameter matches, ORDER BY id LIMIT ${limit} OFFSET ${offset}. Unknown parameters are refused.',
    columns: CUSTOMER_COLUMNS,
    parameters: [
      { name: 'country', type: 'string', required: false, description: 'ISO 3166 alpha-2 code, case-insensitive (country = ${country}).' },
      { name: 'segment', type: 'string', required: false, description: 'SMB, MID_MARKET, ENTERPRISE or CONSUMER, case-insensitive.' },
      { name: 'minRevenue', type: 'number', required: false, description: 'revenue >= ${minRevenue}.' },
      { name: 'maxRevenue', type: 'number', required: false, description: 'revenue <= ${maxRevenue}.' },
      { name: 'signedUpAfter', type: 'date', required: false, description: 'signup_date >= ${signedUpAfter} (YYYY-MM-DD).' },
      { name: 'limit', type: 'integer', required: false, description: 'Rows answered, 0..1000, default 100.' },
      { name: 'offset', type: 'integer', required: false, description: 'Rows skipped first, default 0.' },
    ],
  },
  {
    id: 'customers-lookup',
    type: 'DATASET_LOOKUP',
    verbs: DATAIKU_VERBS_BY_TYPE.DATASET_LOOKUP,
    description: 'Looks up one customer line by id; an unknown id answers {data: {}, notFound: true}.',
    columns: CUSTOMER_COLUMNS,
    lookupKeys: ['customerId', 'id'],
  },
  {
    id: 'score',
    type: 'FUNCTION',
    verbs: DATAIKU_VERBS_BY_TYPE.FUNCTION,
    description: 'score(values, weights=None): the weighted mean of values, rounded to 6 decimals.',
    parameters: [
      { name: 'values', type: 'number[]', required: true, description: 'At least one finite number.' },
      { name: 'weights', type: 'number[]', required: false, description: 'Same length as values, non-negative, positive sum.' },
    ],
  },
];
