/**
 * Deterministic "models" for the Prevision emulator: a scorer is a small linear (or logistic) model derived from a
 * dataset's columns and a seed, so a deployed model answers the same prediction for the same input on every run,
 * bulk predictions agree with unit predictions, and tests can assert exact numbers.
 */
import { seededRandom } from '../framework/util.js';
import type { CellValue, DatasetColumn } from './types.js';

export interface NumericFeature {
  name: string;
  type: 'numerical';
  weight: number;
  mean: number;
  scale: number;
}

export interface CategoricalFeature {
  name: string;
  type: 'categorical';
  /** Contribution of each known level; unknown levels contribute 0. */
  levels: Record<string, number>;
}

export type ScorerFeature = NumericFeature | CategoricalFeature;

/** A model as the emulator evaluates it. Only binary classification and regression are scored. */
export interface Scorer {
  trainingType: 'classification' | 'regression';
  target: string;
  /** Classification only: `[positive, negative]`. */
  classes: [string, string] | null;
  intercept: number;
  /** Regression: the target's spread, so contributions are in target units. Classification: 1 (logit units). */
  unit: number;
  features: ScorerFeature[];
}

/** Known target statistics, used when a dataset's target column is generated from the scorer itself (seed data). */
export type TargetStats =
  { kind: 'classification'; classes: [string, string]; positiveRate: number } | { kind: 'regression'; mean: number; std: number };

/** See {@link buildScorer}: `{tenure_months: -1, contract: ['two-year', 'one-year', 'month-to-month']}`. */
export type ScorerHints = Readonly<Record<string, 1 | -1 | readonly string[]>>;

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

function mean(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function std(xs: number[], m: number): number {
  if (xs.length < 2) return 1;
  const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
  return v > 1e-12 ? Math.sqrt(v) : 1;
}

/**
 * Derives a scorer from a dataset: numeric features are standardised with the column's mean and standard deviation,
 * categorical levels get a weight each; all weights come from `seed`. Columns in `exclude` (ids) are not features.
 */
export function buildScorer(args: {
  trainingType: 'classification' | 'regression';
  target: string;
  columns: readonly DatasetColumn[];
  rows: readonly CellValue[][];
  seed: number;
  exclude?: readonly string[];
  targetStats?: TargetStats;
  /** Domain knowledge for readable demos: a sign per numeric feature, levels from lowest to highest per categorical. */
  hints?: ScorerHints;
}): Scorer {
  const rnd = seededRandom(args.seed);
  const exclude = new Set(args.exclude ?? []);
  const features: ScorerFeature[] = [];
  args.columns.forEach((col, i) => {
    if (col.name === args.target || exclude.has(col.name)) return;
    if (col.type === 'numerical') {
      const xs = args.rows.map((r) => r[i]).filter((v): v is number => typeof v === 'number');
      const m = mean(xs);
      const hint = args.hints?.[col.name];
      const drawn = rnd() < 0.5 ? -1 : 1;
      const sign = typeof hint === 'number' ? hint : drawn;
      features.push({
        name: col.name,
        type: 'numerical',
        weight: round(sign * (0.3 + 0.9 * rnd()), 3),
        mean: round(m, 3),
        scale: round(std(xs, m), 3) || 1,
      });
    } else {
      const values = [...new Set(args.rows.map((r) => r[i]).filter((v): v is string => typeof v === 'string'))].sort();
      const weights = values.map(() => round((rnd() * 2 - 1) * 1.2, 3));
      const hint = args.hints?.[col.name];
      if (typeof hint === 'object') {
        // Same drawn weights, handed out so that the hinted order holds (hinted levels first, ascending).
        weights.sort((a, b) => a - b);
        const order = [...hint.filter((h) => values.includes(h)), ...values.filter((v) => !hint.includes(v))];
        values.splice(0, values.length, ...order);
      }
      const levels: Record<string, number> = {};
      values.forEach((v, j) => (levels[v] = weights[j]!));
      features.push({ name: col.name, type: 'categorical', levels });
    }
  });

  const targetIndex = args.columns.findIndex((c) => c.name === args.target);
  const targetValues = targetIndex === -1 ? [] : args.rows.map((r) => r[targetIndex]);
  if (args.trainingType === 'classification') {
    let classes: [string, string];
    let rate: number;
    if (args.targetStats?.kind === 'classification') {
      classes = args.targetStats.classes;
      rate = args.targetStats.positiveRate;
    } else {
      const labels = [...new Set(targetValues.filter((v) => v !== null).map(String))].sort();
      const positive = labels.includes('yes') ? 'yes' : labels.includes('1') ? '1' : (labels[0] ?? 'yes');
      const negative = labels.find((l) => l !== positive) ?? (positive === 'yes' ? 'no' : 'other');
      classes = [positive, negative];
      const n = targetValues.filter((v) => v !== null).length;
      rate = n === 0 ? 0.5 : targetValues.filter((v) => v !== null && String(v) === positive).length / n;
    }
    const p = Math.min(0.95, Math.max(0.05, rate));
    return {
      trainingType: 'classification',
      target: args.target,
      classes,
      intercept: round(Math.log(p / (1 - p)), 3),
      unit: 1,
      features,
    };
  }
  let m: number;
  let s: number;
  if (args.targetStats?.kind === 'regression') {
    m = args.targetStats.mean;
    s = args.targetStats.std;
  } else {
    const ys = targetValues.map((v) => (typeof v === 'number' ? v : Number(v))).filter((v) => Number.isFinite(v));
    m = mean(ys);
    s = std(ys, m);
  }
  return { trainingType: 'regression', target: args.target, classes: null, intercept: round(m, 2), unit: round(s * 0.5, 3), features };
}

/** A feature value the model cannot use under the `strict` type-violation policy. */
export class FeatureError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'FeatureError';
  }
}

export interface ScoreResult {
  prediction: string | number;
  /** Classification: probability of the positive class, rounded to 4 decimals. */
  probability: number | null;
  /** Per-feature contribution (logit units for classification, target units for regression), 4 decimals. */
  contributions: Record<string, number>;
}

/**
 * Scores one row. `best_effort` ignores unknown features, treats missing or unusable values as neutral and accepts
 * numbers written as strings; `strict` throws a {@link FeatureError} naming every missing or mistyped feature.
 */
export function score(scorer: Scorer, input: Readonly<Record<string, unknown>>, strict: boolean): ScoreResult {
  let total = scorer.intercept;
  const contributions: Record<string, number> = {};
  const problems: string[] = [];
  for (const f of scorer.features) {
    const raw = input[f.name];
    let c = 0;
    if (raw === undefined || raw === null || raw === '') {
      if (strict) problems.push(`feature "${f.name}" is missing`);
    } else if (f.type === 'numerical') {
      const x = typeof raw === 'number' ? raw : typeof raw === 'string' && !strict ? Number(raw) : Number.NaN;
      if (Number.isFinite(x)) {
        const z = Math.max(-4, Math.min(4, (x - f.mean) / f.scale));
        c = f.weight * z * scorer.unit;
      } else if (strict) {
        problems.push(`feature "${f.name}" expects a number, got ${JSON.stringify(raw)}`);
      }
    } else {
      if (typeof raw !== 'string' && strict) problems.push(`feature "${f.name}" expects a string, got ${JSON.stringify(raw)}`);
      else if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean')
        c = (f.levels[String(raw)] ?? 0) * scorer.unit;
    }
    contributions[f.name] = round(c, 4);
    total += c;
  }
  if (problems.length > 0) throw new FeatureError(problems);
  if (scorer.trainingType === 'classification') {
    const p = round(1 / (1 + Math.exp(-total)), 4);
    const [pos, neg] = scorer.classes!;
    return { prediction: p >= 0.5 ? pos : neg, probability: p, contributions };
  }
  return { prediction: round(total, 2), probability: null, contributions };
}

/** Regression confidence as the SDK looks for it: keys containing `TARGET_quantile=`. */
export function quantiles(scorer: Scorer, prediction: number): Record<string, number> {
  const spread = 1.2816 * scorer.unit;
  return {
    'TARGET_quantile=10': round(prediction - spread, 2),
    'TARGET_quantile=50': prediction,
    'TARGET_quantile=90': round(prediction + spread, 2),
  };
}

/** Standard normal quantiles of the confidence columns bulk predictions carry (1st to 99th percentile). */
const QUANTILE_Z: ReadonlyArray<readonly [number, number]> = [
  [1, -2.3263],
  [5, -1.6449],
  [10, -1.2816],
  [25, -0.6745],
  [50, 0],
  [75, 0.6745],
  [95, 1.6449],
  [99, 2.3263],
];

/**
 * Regression confidence of a bulk prediction: one `TARGET_quantile=<q>` column per percentile (the SDK's tests look
 * for `_quantile=1`, `=5`, ... `=99` in the column names). The 10th and 50th agree with {@link quantiles}.
 */
export function quantileColumns(scorer: Scorer, prediction: number): Array<[string, number]> {
  return QUANTILE_Z.map(([q, z]) => [`TARGET_quantile=${q}`, z === 0 ? prediction : round(prediction + z * scorer.unit, 2)]);
}
