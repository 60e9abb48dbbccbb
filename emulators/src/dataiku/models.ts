/**
 * The demo service's "models": pure, deterministic functions of their input, exported so gateway tests can compute
 * the exact values the emulator answers. Predict is the benchmarks' hot path, so scoring is a handful of arithmetic
 * operations and string hashes with no per-call allocation beyond the result.
 */
import { EmulatorError } from '../framework/emulator.js';
import { hashString } from '../framework/util.js';
import type {
  CausalResult,
  ClassificationResult,
  ExplanationMethod,
  Features,
  ForecastResult,
  IgnoredResult,
  RegressionResult,
} from './types.js';

/** Explanation settings after the endpoint defaults have replaced the request's `null`s. */
export interface ResolvedExplanations {
  enabled: boolean;
  method: ExplanationMethod;
  nExplanations: number;
  nMonteCarloSteps: number;
}

/** Settings that compute no explanation (the endpoints' default). */
export const NO_EXPLANATIONS: ResolvedExplanations = Object.freeze({
  enabled: false,
  method: 'ICE',
  nExplanations: 3,
  nMonteCarloSteps: 100,
}) as ResolvedExplanations;

/** The exact answer for a record the model does not score. */
export function ignoredResult(): IgnoredResult {
  return { ignored: true, ignoreReason: 'IGNORED_BY_MODEL' };
}

/** A record is scored only if at least one feature has a non-null value; `{}` is ignored by the model. */
export function hasAnyFeature(features: Features): boolean {
  for (const k in features) {
    const v = features[k];
    if (v !== null && v !== undefined) return true;
  }
  return false;
}

/** Rounds to 6 decimals, the precision of every probability and effect answered. */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** A finite number from a number or a numeric string; anything else is "missing" (the model imputes it). */
export function numericFeature(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function truthy(v: unknown): boolean {
  return v === true || v === 'true' || v === 1 || v === '1';
}

function blank(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

/**
 * A stable contribution in [-scale, scale] derived from a feature's name and value, standing in for everything a
 * real model learns from free text (names, addresses) and unknown columns.
 */
export function hashedContribution(name: string, value: unknown, scale: number): number {
  const text =
    typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  return (((hashString(`${name}\u0000${text}`) % 2001) - 1000) / 1000) * scale;
}

/** Keeps the `n` largest contributions by magnitude (ties by name), as the explanation output. */
function topExplanations(
  contributions: Record<string, number>,
  settings: ResolvedExplanations,
  probabilityScale: number,
): Record<string, number> {
  const entries = Object.entries(contributions).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]) || (a[0] < b[0] ? -1 : 1));
  const out: Record<string, number> = {};
  // SHAPLEY values are expressed in probability (or target) units, ICE in the model's raw score units.
  const factor = settings.method === 'SHAPLEY' ? probabilityScale : 1;
  for (let i = 0; i < entries.length && i < settings.nExplanations; i++) {
    const [k, v] = entries[i]!;
    out[k] = round6(v * factor);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// churn: binary classification over Previsto contact fields

/** Logit intercept of the churn model. */
export const CHURN_INTERCEPT = -1.1;
/** Probability of `churn` at or above which the prediction is `churn`. */
export const CHURN_THRESHOLD = 0.5;
/** Reference point (lon, lat) of the churn model's distance feature: central Denmark. */
export const CHURN_REFERENCE_LOCATION: readonly [number, number] = [10.2, 56.2];

const CHURN_STRUCTURED = new Set([
  'archived',
  'notifyBeforeWork',
  'email',
  'phone',
  'agentIds',
  'invoiceDelivery',
  'accountingMode',
  'countryCode',
  'location',
  'meta',
]);
const CHURN_TEXT = new Set(['name', 'address', 'postalCode', 'city']);

/**
 * The churn model's logit and, when `out` is given, each feature's non-zero contribution to it.
 *
 * - `archived` true: +2.4. `notifyBeforeWork`: true −0.7, false +0.2, missing 0.
 * - `email` blank or missing: +0.9, else −0.3. `phone` blank or missing: +0.5, else −0.2.
 * - `agentIds`: none +0.3, else −0.35 per agent up to 3.
 * - `invoiceDelivery`: `Email` −0.4, `None` +0.25, anything else +0.1.
 * - `accountingMode`: `AddToInvoice` −0.3, `AddToDraft` +0.1, `None` +0.35, anything else 0.
 * - `countryCode`: `DK` −0.2, another code +0.3, missing 0.
 * - `location` `[lon, lat]`: 0.08 × min(distance in degrees to {@link CHURN_REFERENCE_LOCATION}, 10) − 0.2.
 * - `meta`: −0.1 per key up to 5.
 * - `name`, `address`, `postalCode`, `city` and any other non-numeric feature: {@link hashedContribution} with scale 0.25.
 * - any other numeric feature x: w × tanh(x / 100), w = {@link hashedContribution}(name, "weight", 0.5).
 */
export function churnLogit(features: Features, out?: Record<string, number>): number {
  let z = CHURN_INTERCEPT;
  let c: number;

  c = truthy(features['archived']) ? 2.4 : 0;
  z += c;
  if (out && c !== 0) out['archived'] = c;

  const notify = features['notifyBeforeWork'];
  c = notify === null || notify === undefined ? 0 : truthy(notify) ? -0.7 : 0.2;
  z += c;
  if (out && c !== 0) out['notifyBeforeWork'] = c;

  c = blank(features['email']) ? 0.9 : -0.3;
  z += c;
  if (out) out['email'] = c;

  c = blank(features['phone']) ? 0.5 : -0.2;
  z += c;
  if (out) out['phone'] = c;

  const agents = features['agentIds'];
  const nAgents = Array.isArray(agents) ? agents.length : 0;
  c = nAgents === 0 ? 0.3 : -0.35 * Math.min(nAgents, 3);
  z += c;
  if (out) out['agentIds'] = c;

  const delivery = features['invoiceDelivery'];
  c = delivery === 'Email' ? -0.4 : delivery === 'None' ? 0.25 : 0.1;
  z += c;
  if (out) out['invoiceDelivery'] = c;

  const mode = features['accountingMode'];
  c = mode === 'AddToInvoice' ? -0.3 : mode === 'AddToDraft' ? 0.1 : mode === 'None' ? 0.35 : 0;
  z += c;
  if (out && c !== 0) out['accountingMode'] = c;

  const country = features['countryCode'];
  c = typeof country === 'string' && country !== '' ? (country.toUpperCase() === 'DK' ? -0.2 : 0.3) : 0;
  z += c;
  if (out && c !== 0) out['countryCode'] = c;

  const loc = features['location'];
  if (Array.isArray(loc) && loc.length >= 2 && typeof loc[0] === 'number' && typeof loc[1] === 'number') {
    const dx = loc[0] - CHURN_REFERENCE_LOCATION[0];
    const dy = loc[1] - CHURN_REFERENCE_LOCATION[1];
    c = 0.08 * Math.min(Math.sqrt(dx * dx + dy * dy), 10) - 0.2;
    z += c;
    if (out && c !== 0) out['location'] = c;
  }

  const meta = features['meta'];
  if (meta !== null && typeof meta === 'object' && !Array.isArray(meta)) {
    c = -0.1 * Math.min(Object.keys(meta).length, 5);
    z += c;
    if (out && c !== 0) out['meta'] = c;
  }

  for (const k in features) {
    if (CHURN_STRUCTURED.has(k)) continue;
    const v = features[k];
    if (v === null || v === undefined) continue;
    if (typeof v === 'number' && !CHURN_TEXT.has(k)) {
      if (!Number.isFinite(v)) continue;
      c = hashedContribution(k, 'weight', 0.5) * Math.tanh(v / 100);
    } else {
      c = hashedContribution(k, v, 0.25);
    }
    z += c;
    if (out && c !== 0) out[k] = c;
  }
  return z;
}

/** Probability of `churn` for a contact's features. */
export function churnProbability(features: Features): number {
  return round6(1 / (1 + Math.exp(-churnLogit(features))));
}

/** Scores one record on the `churn` endpoint, exactly as the emulator answers it inside `result`. */
export function scoreChurn(features: Features, explanations: ResolvedExplanations = NO_EXPLANATIONS): ClassificationResult | IgnoredResult {
  if (!hasAnyFeature(features)) return ignoredResult();
  const contributions: Record<string, number> | undefined = explanations.enabled ? {} : undefined;
  const p = round6(1 / (1 + Math.exp(-churnLogit(features, contributions))));
  const result: ClassificationResult = {
    prediction: p >= CHURN_THRESHOLD ? 'churn' : 'stay',
    probaPercentile: Math.min(100, Math.max(1, Math.ceil(p * 100))),
    probas: { churn: p, stay: round6(1 - p) },
    ignored: false,
  };
  if (contributions) result.explanations = topExplanations(contributions, explanations, p * (1 - p));
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// price: regression

/** Price multipliers per city (lower-case); other cities get 0.8..1.2 from a hash of the name. */
export const PRICE_CITY_FACTORS: Readonly<Record<string, number>> = {
  copenhagen: 1.55,
  københavn: 1.55,
  aarhus: 1.25,
  odense: 1,
  aalborg: 0.95,
  esbjerg: 0.85,
};

/** The city factor of the price model; a missing city is 1. */
export function priceCityFactor(city: unknown): number {
  if (typeof city !== 'string' || city.trim() === '') return 1;
  const key = city.trim().toLowerCase();
  return PRICE_CITY_FACTORS[key] ?? 0.8 + (hashString(key) % 41) / 100;
}

/**
 * price = 150000 + 9000 × surface × cityFactor + 12000 × rooms, rounded to 2 decimals. A missing or non-numeric
 * surface is imputed as 80, rooms as 3. Explanations are contributions relative to that imputed baseline.
 */
export function scorePrice(features: Features, explanations: ResolvedExplanations = NO_EXPLANATIONS): RegressionResult | IgnoredResult {
  if (!hasAnyFeature(features)) return ignoredResult();
  const surface = numericFeature(features['surface']) ?? 80;
  const rooms = numericFeature(features['rooms']) ?? 3;
  const cf = priceCityFactor(features['city']);
  const prediction = round2(150000 + 9000 * surface * cf + 12000 * rooms);
  const result: RegressionResult = { prediction, ignored: false };
  if (explanations.enabled) {
    const contributions: Record<string, number> = {};
    const cs = (surface - 80) * 9000 * cf;
    const cr = (rooms - 3) * 12000;
    const cc = 80 * 9000 * (cf - 1);
    if (cs !== 0) contributions['surface'] = cs;
    if (cr !== 0) contributions['rooms'] = cr;
    if (cc !== 0) contributions['city'] = cc;
    result.explanations = topExplanations(contributions, explanations, 1);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// uplift: causal prediction

/**
 * predictedEffect = 0.04 + 0.06 × tanh((12 − tenureMonths) / 12) + 0.00005 × clamp(monthlySpend, 0, 1000)
 * + channel bonus (email 0.01, sms 0.02, phone 0.05) + segment bonus (CONSUMER 0.01, SMB 0.015, MID_MARKET 0.005,
 * ENTERPRISE −0.01), rounded to 6 decimals. Missing tenure is 12, missing spend 50.
 */
export function scoreUplift(features: Features): CausalResult | IgnoredResult {
  if (!hasAnyFeature(features)) return ignoredResult();
  const tenure = numericFeature(features['tenureMonths']) ?? 12;
  const spend = Math.min(Math.max(numericFeature(features['monthlySpend']) ?? 50, 0), 1000);
  const channel = features['channel'];
  const ch = channel === 'email' ? 0.01 : channel === 'sms' ? 0.02 : channel === 'phone' ? 0.05 : 0;
  const segment = features['segment'];
  const seg =
    segment === 'CONSUMER' ? 0.01 : segment === 'SMB' ? 0.015 : segment === 'MID_MARKET' ? 0.005 : segment === 'ENTERPRISE' ? -0.01 : 0;
  return {
    predictedEffect: round6(0.04 + 0.06 * Math.tanh((12 - tenure) / 12) + 0.00005 * spend + ch + seg),
    ignored: false,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// sales-forecast

/** Shape of the forecast model: column names, horizon in days and quantiles. */
export interface ForecastSpec {
  dateColumn: string;
  identifierColumn: string;
  target: string;
  horizon: number;
  quantiles: readonly number[];
}

/** The `sales-forecast` endpoint's model: daily steps, store identifier, `sales` target, horizon 3. */
export const SALES_FORECAST_SPEC: ForecastSpec = {
  dateColumn: 'date',
  identifierColumn: 'store',
  target: 'sales',
  horizon: 3,
  quantiles: [0.0001, 0.5, 0.9999],
};

const DAY_MS = 86_400_000;
/** Standard normal quantile of 0.9999 (and minus that of 0.0001). */
const Z_9999 = 3.719016;

/** Dates as the forecast answer writes them: microsecond precision, as in the vendor's example. */
export function dssForecastTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, -1)}000Z`;
}

interface Series {
  id: unknown;
  lastMs: number;
  points: Array<{ ms: number; value: number }>;
}

/**
 * Forecasts `horizon` daily steps after the last date of each series (series in order of first appearance, then
 * steps). The model: mean m and slope s (first to last, per step) of the last 7 known values of the series;
 * forecast(h) = max(0, m + s × ((n − 1) / 2 + h)); the outer quantiles are ±3.719016 × σ × √h around it (lower
 * clamped at 0), σ being the RMS residual of that line, at least 0.05 × |m| + 0.5. Values are rounded to 2 decimals.
 * Rows with a null target still move the series' last date.
 */
export function forecastSales(items: ReadonlyArray<Record<string, unknown>>, spec: ForecastSpec = SALES_FORECAST_SPEC): ForecastResult[] {
  const { dateColumn, identifierColumn, target } = spec;
  const bySeries = new Map<string, Series>();
  for (let i = 0; i < items.length; i++) {
    const row = items[i]!;
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new EmulatorError(
        400,
        `items[${i}] must be a flat object {${dateColumn}, ${identifierColumn}, ${target}}, got ${JSON.stringify(row)}.`,
      );
    }
    const id = row[identifierColumn];
    if (typeof id !== 'string' && typeof id !== 'number') {
      throw new EmulatorError(
        400,
        `items[${i}].${identifierColumn} (the time series identifier) must be a string or a number, got ${JSON.stringify(id)}.`,
      );
    }
    const rawDate = row[dateColumn];
    const ms = typeof rawDate === 'string' ? Date.parse(rawDate) : Number.NaN;
    if (!Number.isFinite(ms)) {
      throw new EmulatorError(
        400,
        `items[${i}].${dateColumn} must be an ISO-8601 date such as "2015-01-04T00:00:00.000Z", got ${JSON.stringify(rawDate)}.`,
      );
    }
    const rawValue = row[target];
    if (rawValue !== null && rawValue !== undefined && (typeof rawValue !== 'number' || !Number.isFinite(rawValue))) {
      throw new EmulatorError(400, `items[${i}].${target} must be a number or null, got ${JSON.stringify(rawValue)}.`);
    }
    const key = `${typeof id}:${id}`;
    let s = bySeries.get(key);
    if (!s) {
      s = { id, lastMs: ms, points: [] };
      bySeries.set(key, s);
    }
    if (ms > s.lastMs) s.lastMs = ms;
    if (typeof rawValue === 'number') s.points.push({ ms, value: rawValue });
  }

  const out: ForecastResult[] = [];
  for (const s of bySeries.values()) {
    if (s.points.length === 0) {
      throw new EmulatorError(
        400,
        `Time series ${identifierColumn}=${JSON.stringify(s.id)} has no ${target} value: send at least one past row with a number.`,
      );
    }
    s.points.sort((a, b) => a.ms - b.ms);
    const window = s.points.slice(-7).map((p) => p.value);
    const n = window.length;
    const mean = window.reduce((a, b) => a + b, 0) / n;
    const slope = n >= 2 ? (window[n - 1]! - window[0]!) / (n - 1) : 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const fitted = mean + slope * (i - (n - 1) / 2);
      sq += (window[i]! - fitted) ** 2;
    }
    const sigma = Math.max(Math.sqrt(sq / n), 0.05 * Math.abs(mean) + 0.5);
    for (let h = 1; h <= spec.horizon; h++) {
      const f = Math.max(0, mean + slope * ((n - 1) / 2 + h));
      const spread = Z_9999 * sigma * Math.sqrt(h);
      out.push({
        forecast: round2(f),
        ignored: false,
        quantiles: [...spec.quantiles],
        quantilesValues: [round2(Math.max(0, f - spread)), round2(f), round2(f + spread)],
        time: dssForecastTime(s.lastMs + h * DAY_MS),
        timeseriesIdentifier: { [identifierColumn]: s.id },
      });
    }
  }
  return out;
}

/** 14 days of deterministic sales history for stores A and B, ending 2024-03-14: a ready-made forecast input. */
export function demoSalesHistory(): Array<{ date: string; store: string; sales: number }> {
  const rows: Array<{ date: string; store: string; sales: number }> = [];
  const start = Date.UTC(2024, 2, 1);
  for (const [store, base, trend] of [
    ['A', 120, 1.5],
    ['B', 80, -0.5],
  ] as const) {
    for (let d = 0; d < 14; d++) {
      const weekly = [0, 4, 6, 3, -2, 10, 14][d % 7]!;
      rows.push({ date: new Date(start + d * DAY_MS).toISOString(), store, sales: round2(base + trend * d + weekly) });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// score: function endpoint

const SCORE_ARGS = new Set(['values', 'weights']);

function finiteArray(name: string, v: unknown): number[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    throw new EmulatorError(400, `Argument "${name}" must be an array of finite numbers, got ${JSON.stringify(v)}.`);
  }
  return v as number[];
}

/** `score(values, weights=None)`: the weighted mean of `values`, rounded to 6 decimals. Bad arguments throw a 400. */
export function runScore(kwargs: Record<string, unknown>): number {
  for (const k of Object.keys(kwargs)) {
    if (!SCORE_ARGS.has(k)) {
      throw new EmulatorError(400, `score() got an unexpected keyword argument "${k}". It takes: values, weights (optional).`);
    }
  }
  if (kwargs['values'] === undefined)
    throw new EmulatorError(400, 'score() is missing the required argument "values" (an array of numbers).');
  const values = finiteArray('values', kwargs['values']);
  if (values.length === 0) throw new EmulatorError(400, 'Argument "values" must hold at least one number, got [].');
  const rawWeights = kwargs['weights'];
  if (rawWeights === undefined || rawWeights === null) return round6(values.reduce((a, b) => a + b, 0) / values.length);
  const weights = finiteArray('weights', rawWeights);
  if (weights.length !== values.length) {
    throw new EmulatorError(400, `Argument "weights" must have as many entries as "values" (${values.length}), got ${weights.length}.`);
  }
  let sw = 0;
  let swx = 0;
  for (let i = 0; i < values.length; i++) {
    const w = weights[i]!;
    if (w < 0) throw new EmulatorError(400, `Argument "weights" must be non-negative, got ${w} at index ${i}.`);
    sw += w;
    swx += w * values[i]!;
  }
  if (sw === 0) throw new EmulatorError(400, 'Argument "weights" must have a positive sum, got all zeros.');
  return round6(swx / sw);
}
