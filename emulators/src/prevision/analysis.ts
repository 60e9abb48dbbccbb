/**
 * Internal to the Prevision emulator: what a trained model and an experiment version tell about themselves (bulk
 * prediction tables, metrics, feature importances, cross-validation, threshold analysis, feature statistics,
 * correlations, hyperparameters, the training graph). Everything is computed from a model's scorer and a version's
 * dataset, so the numbers are the same on every run and agree with what the deployed model answers.
 */
import { hashString, seededRandom } from '../framework/util.js';
import { quantileColumns, round, score, type Scorer } from './scoring.js';
import type { DatasetRecord, ModelRecord, Table } from './records.js';
import type { CellValue, CorrelationRow, DynamicAnalysis, ExperimentVersion, FeatureInfo, FeatureStats, Model } from './types.js';

export type { Table } from './records.js';

/** Folds of the cross-validation file (rows are dealt round-robin). */
const CV_FOLDS = 5;
/** Modalities listed per categorical feature. */
const TOP_MODALITIES = 20;
/** Bins of a numerical feature's distribution chart. */
const HISTOGRAM_BINS = 10;

const rowInput = (dataset: DatasetRecord, row: readonly CellValue[]): Record<string, unknown> => {
  const input: Record<string, unknown> = {};
  dataset.columns.forEach((c, i) => (input[c.name] = row[i]));
  return input;
};

/** Columns a version does not learn from: its id, fold and weight columns and its `drop_list`. */
export function trainingExclusions(v: ExperimentVersion): string[] {
  const p = v.experiment_version_params;
  return [p.id_column, p.fold_column, p.weight_column, ...p.drop_list].filter((c): c is string => typeof c === 'string' && c !== '');
}

/** The role of a dataset column in a version, as `/features` reports it. */
export function roleOf(v: ExperimentVersion, name: string): FeatureInfo['role'] {
  const p = v.experiment_version_params;
  if (name === p.target_column) return 'target';
  if (name === p.id_column) return 'id';
  if (name === p.fold_column) return 'fold';
  if (name === p.weight_column) return 'weight';
  if (p.drop_list.includes(name)) return 'dropped';
  return 'feature';
}

/**
 * What a bulk prediction produces: the input columns (the target dropped), `pred_<target>`, then for
 * classification `proba_<class>` per class. With `confidence`, classification adds `confidence` (the predicted
 * class's probability, as the deployed model's `confidence.score`) and `credibility` (|2p − 1|); regression adds
 * the `TARGET_quantile=<q>` columns.
 */
export function predictionTable(scorer: Scorer, dataset: DatasetRecord, confidence = false): Table {
  const keep = dataset.columns.map((c, i) => (c.name === scorer.target ? -1 : i)).filter((i) => i !== -1);
  const header = keep.map((i) => dataset.columns[i]!.name);
  header.push(`pred_${scorer.target}`);
  if (scorer.classes) header.push(...scorer.classes.map((c) => `proba_${c}`));
  if (confidence) header.push(...(scorer.classes ? ['confidence', 'credibility'] : quantileColumns(scorer, 0).map(([name]) => name)));
  const rows = dataset.rows.map((r) => {
    const s = score(scorer, rowInput(dataset, r), false);
    const out: CellValue[] = keep.map((i) => r[i] ?? null);
    out.push(s.prediction);
    if (scorer.classes && s.probability !== null) {
      const p = s.probability;
      out.push(p, round(1 - p, 4));
      if (confidence) out.push(round(Math.max(p, 1 - p), 4), round(Math.abs(2 * p - 1), 4));
    } else if (confidence) {
      out.push(...quantileColumns(scorer, s.prediction as number).map(([, value]) => value));
    }
    return out;
  });
  return { header, rows };
}

/** A dataset row the model scored, for rows whose target is known. */
export interface Scored {
  actual: string | number;
  prediction: string | number;
  /** Classification: probability of the positive class. */
  probability: number | null;
}

/** Scores every row of `dataset` that holds the target; empty when the dataset has no target column. */
export function evaluate(scorer: Scorer, dataset: DatasetRecord): Scored[] {
  const ti = dataset.columns.findIndex((c) => c.name === scorer.target);
  if (ti === -1) return [];
  const out: Scored[] = [];
  for (const r of dataset.rows) {
    const y = r[ti];
    if (y === null || y === undefined) continue;
    let actual: string | number;
    if (scorer.classes) actual = String(y);
    else {
      const n = typeof y === 'number' ? y : Number(y);
      if (!Number.isFinite(n)) continue;
      actual = n;
    }
    const s = score(scorer, rowInput(dataset, r), false);
    out.push({ actual, prediction: s.prediction, probability: s.probability });
  }
  return out;
}

/** Area under the ROC curve (Mann-Whitney, ties averaged); `null` when only one class is present. */
function aucOf(ys: readonly number[], ps: readonly number[]): number | null {
  const idx = ps.map((_, i) => i).sort((a, b) => ps[a]! - ps[b]!);
  const ranks = new Array<number>(ps.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && ps[idx[j + 1]!] === ps[idx[i]!]) j++;
    for (let k = i; k <= j; k++) ranks[idx[k]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  const nPos = ys.filter((y) => y === 1).length;
  const nNeg = ys.length - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  const sumPos = ys.reduce((acc, y, i) => (y === 1 ? acc + ranks[i]! : acc), 0);
  return (sumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

function confusionAt(scorer: Scorer, scored: readonly Scored[], threshold: number): Confusion {
  const pos = scorer.classes![0];
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (const s of scored) {
    const predictedPos = (s.probability ?? 0) >= threshold;
    const actualPos = s.actual === pos;
    if (predictedPos && actualPos) c.tp++;
    else if (predictedPos) c.fp++;
    else if (actualPos) c.fn++;
    else c.tn++;
  }
  return c;
}

function scoresOf(c: Confusion): DynamicAnalysis['score'] {
  const n = c.tp + c.fp + c.tn + c.fn;
  const precision = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    accuracy: round(n === 0 ? 0 : (c.tp + c.tn) / n, 4),
    precision: round(precision, 4),
    recall: round(recall, 4),
    f1Score: round(f1, 4),
  };
}

/**
 * The value of `metric` over scored rows (4 decimals): `auc`, `log_loss`, `accuracy`, `error_rate` and `f1` for
 * classification, `rmse`, `mse`, `mae` and `r2` for regression; `null` for any other metric or no rows.
 */
export function metricValue(metric: string, scorer: Scorer, scored: readonly Scored[]): number | null {
  if (scored.length === 0) return null;
  if (scorer.classes) {
    const pos = scorer.classes[0];
    const ys = scored.map((s): number => (s.actual === pos ? 1 : 0));
    const ps = scored.map((s) => s.probability ?? 0);
    const accuracy = scored.filter((s) => s.prediction === s.actual).length / scored.length;
    switch (metric) {
      case 'auc': {
        const auc = aucOf(ys, ps);
        return auc === null ? null : round(auc, 4);
      }
      case 'log_loss': {
        const eps = 1e-6;
        const ll = ys.reduce<number>((acc, y, i) => {
          const p = Math.min(1 - eps, Math.max(eps, ps[i]!));
          return acc - (y === 1 ? Math.log(p) : Math.log(1 - p));
        }, 0);
        return round(ll / ys.length, 4);
      }
      case 'accuracy':
        return round(accuracy, 4);
      case 'error_rate':
        return round(1 - accuracy, 4);
      case 'f1':
        return scoresOf(confusionAt(scorer, scored, 0.5)).f1Score;
      default:
        return null;
    }
  }
  const errors = scored.map((s) => (s.prediction as number) - (s.actual as number));
  const mse = errors.reduce((a, e) => a + e * e, 0) / errors.length;
  switch (metric) {
    case 'rmse':
      return round(Math.sqrt(mse), 4);
    case 'mse':
      return round(mse, 4);
    case 'mae':
      return round(errors.reduce((a, e) => a + Math.abs(e), 0) / errors.length, 4);
    case 'r2': {
      const ys = scored.map((s) => s.actual as number);
      const m = ys.reduce((a, y) => a + y, 0) / ys.length;
      const ss = ys.reduce((a, y) => a + (y - m) ** 2, 0);
      return ss === 0 ? null : round(1 - (mse * ys.length) / ss, 4);
    }
    default:
      return null;
  }
}

/** Confusion matrix and scores at `threshold` (a row is predicted positive when its probability is >= threshold). */
export function dynamicAnalysis(scorer: Scorer, scored: readonly Scored[], threshold: number): DynamicAnalysis {
  const [pos, neg] = scorer.classes!;
  const c = confusionAt(scorer, scored, threshold);
  return {
    threshold,
    labels: [neg, pos],
    confusion_matrix: [
      [c.tn, c.fp],
      [c.fn, c.tp],
    ],
    score: scoresOf(c),
  };
}

/** The probability threshold (0.01 to 0.99) that maximises the F1 score; the lowest one on ties. */
export function optimalThreshold(scorer: Scorer, scored: readonly Scored[]): { threshold: number; f1Score: number } {
  let best = { threshold: 0.5, f1Score: -1 };
  for (let k = 1; k <= 99; k++) {
    const t = k / 100;
    const f1 = scoresOf(confusionAt(scorer, scored, t)).f1Score;
    if (f1 > best.f1Score) best = { threshold: t, f1Score: f1 };
  }
  return best;
}

/**
 * `GET /models/{id}/analysis`, computed on the version's training dataset. Classification: `optimal_proba` (what
 * `ClassificationModel.optimal_threshold` reads), the F1 score there, the AUC and a ROC curve; regression: error
 * metrics and residual statistics.
 */
export function modelAnalysis(model: ModelRecord, dataset: DatasetRecord): Record<string, unknown> {
  const base = {
    model_id: model.wire._id,
    model_name: model.wire.model_name,
    training_type: model.wire.training_type,
    dataset_id: dataset.wire._id,
  };
  const scorer = model.scorer;
  if (!scorer) return { ...base, nb_rows: dataset.rows.length };
  const scored = evaluate(scorer, dataset);
  if (scorer.classes) {
    const optimal = optimalThreshold(scorer, scored);
    const roc = Array.from({ length: 11 }, (_, k) => {
      const c = confusionAt(scorer, scored, k / 10);
      return {
        threshold: k / 10,
        fpr: round(c.fp + c.tn === 0 ? 0 : c.fp / (c.fp + c.tn), 4),
        tpr: round(c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn), 4),
      };
    });
    return {
      ...base,
      target: scorer.target,
      classes: [...scorer.classes],
      nb_rows: scored.length,
      optimal_proba: optimal.threshold,
      optimal_f1Score: optimal.f1Score,
      auc: metricValue('auc', scorer, scored),
      log_loss: metricValue('log_loss', scorer, scored),
      roc_curve: roc,
    };
  }
  const residuals = scored.map((s) => (s.actual as number) - (s.prediction as number));
  const mean = residuals.length === 0 ? 0 : residuals.reduce((a, r) => a + r, 0) / residuals.length;
  const std = residuals.length < 2 ? 0 : Math.sqrt(residuals.reduce((a, r) => a + (r - mean) ** 2, 0) / (residuals.length - 1));
  return {
    ...base,
    target: scorer.target,
    nb_rows: scored.length,
    rmse: metricValue('rmse', scorer, scored),
    mae: metricValue('mae', scorer, scored),
    r2: metricValue('r2', scorer, scored),
    residuals: { mean: round(mean, 4), std: round(std, 4) },
  };
}

/**
 * Feature importances of a model, summing to 1 (4 decimals), most important first (ties by name). A scored model
 * weighs a numerical feature by |weight| and a categorical one by half the spread of its level weights; other models
 * draw importances from their id.
 */
export function featureImportances(
  model: ModelRecord,
  version: ExperimentVersion,
  dataset: DatasetRecord | undefined,
): Array<{ feature: string; importance: number }> {
  let raw: Array<[string, number]>;
  if (model.scorer) {
    raw = model.scorer.features.map((f) => {
      if (f.type === 'numerical') return [f.name, Math.abs(f.weight)];
      const w = Object.values(f.levels);
      return [f.name, w.length < 2 ? 0 : (Math.max(...w) - Math.min(...w)) / 2];
    });
  } else {
    const excluded = new Set([version.experiment_version_params.target_column, ...trainingExclusions(version)]);
    const rnd = seededRandom(hashString(`${model.wire._id}:importance`));
    raw = (dataset?.columns ?? []).filter((c) => !excluded.has(c.name)).map((c) => [c.name, 0.05 + rnd()]);
  }
  const total = raw.reduce((a, [, w]) => a + w, 0);
  return raw
    .map(([feature, w]) => ({ feature, importance: round(total === 0 ? 1 / raw.length : w / total, 4) }))
    .sort((a, b) => b.importance - a.importance || (a.feature < b.feature ? -1 : 1));
}

/**
 * The cross-validation file: one row per training row with a known target, with the row's id (the version's id
 * column, else `index`), the actual target, the model's prediction (and class probabilities) and its fold.
 * Multiclass models, which the emulator does not score, predict the majority class with the class frequencies.
 * `null` for training types without a tabular target (text similarity, object detection).
 */
export function crossValidation(model: ModelRecord, version: ExperimentVersion, dataset: DatasetRecord): Table | null {
  const type = model.wire.training_type;
  if (type === 'text-similarity' || type === 'object-detection') return null;
  const target = version.experiment_version_params.target_column;
  const idColumn = version.experiment_version_params.id_column;
  const ti = dataset.columns.findIndex((c) => c.name === target);
  const ii = idColumn ? dataset.columns.findIndex((c) => c.name === idColumn) : -1;
  const idName = ii === -1 ? 'index' : idColumn!;
  const known = dataset.rows.map((r, i) => ({ r, i })).filter(({ r }) => ti !== -1 && r[ti] !== null && r[ti] !== undefined);
  const idOf = (r: readonly CellValue[], i: number): CellValue => (ii === -1 ? i : (r[ii] ?? null));
  const scorer = model.scorer;
  if (scorer) {
    const header = [idName, target, `pred_${target}`, ...(scorer.classes ? scorer.classes.map((c) => `proba_${c}`) : []), 'fold'];
    const rows = known.map(({ r, i }, n) => {
      const s = score(scorer, rowInput(dataset, r), false);
      const probas = scorer.classes && s.probability !== null ? [s.probability, round(1 - s.probability, 4)] : [];
      return [idOf(r, i), r[ti]!, s.prediction, ...probas, (n % CV_FOLDS) + 1];
    });
    return { header, rows };
  }
  const counts = new Map<string, number>();
  for (const { r } of known) counts.set(String(r[ti]), (counts.get(String(r[ti])) ?? 0) + 1);
  const labels = [...counts.keys()].sort();
  const majority = labels.reduce<string | null>((best, l) => (best === null || counts.get(l)! > counts.get(best)! ? l : best), null);
  const probas = labels.map((l) => round(counts.get(l)! / Math.max(1, known.length), 4));
  const header = [idName, target, `pred_${target}`, ...labels.map((l) => `proba_${l}`), 'fold'];
  const rows = known.map(({ r, i }, n) => [idOf(r, i), r[ti]!, majority, ...probas, (n % CV_FOLDS) + 1]);
  return { header, rows };
}

/** Hyperparameters of a model, by algorithm family (from its name), with values drawn from its id. */
export function hyperparameters(model: Model): Record<string, string | number | boolean> {
  const rnd = seededRandom(hashString(`${model._id}:hyperparameters`));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const seed = hashString(model._id) % 10_000;
  const classification = model.training_type === 'classification';
  const multiclass = model.training_type === 'multiclassification';
  if (model.model_name.startsWith('LightGBM')) {
    return {
      boosting_type: 'gbdt',
      objective: classification ? 'binary' : multiclass ? 'multiclass' : 'regression',
      learning_rate: pick([0.01, 0.03, 0.05, 0.1]),
      num_leaves: pick([15, 31, 63]),
      n_estimators: pick([100, 200, 400, 800]),
      min_child_samples: pick([5, 10, 20]),
      subsample: round(0.6 + 0.4 * rnd(), 2),
      colsample_bytree: round(0.5 + 0.5 * rnd(), 2),
      reg_lambda: round(rnd() * 5, 2),
      random_state: seed,
    };
  }
  if (model.model_name.startsWith('XGBoost')) {
    return {
      booster: 'gbtree',
      objective: classification ? 'binary:logistic' : multiclass ? 'multi:softprob' : 'reg:squarederror',
      eta: pick([0.01, 0.05, 0.1, 0.3]),
      max_depth: pick([3, 4, 6, 8]),
      n_estimators: pick([100, 200, 400]),
      subsample: round(0.6 + 0.4 * rnd(), 2),
      colsample_bytree: round(0.5 + 0.5 * rnd(), 2),
      min_child_weight: pick([1, 3, 5]),
      random_state: seed,
    };
  }
  if (classification || multiclass) {
    return {
      estimator: 'LogisticRegression',
      penalty: 'l2',
      C: pick([0.01, 0.1, 1, 10]),
      fit_intercept: true,
      max_iter: 1000,
      random_state: seed,
    };
  }
  return { estimator: 'Ridge', alpha: pick([0.01, 0.1, 1, 10]), fit_intercept: true, random_state: seed };
}

const numbersOf = (dataset: DatasetRecord, i: number): number[] =>
  dataset.rows.map((r) => r[i]).filter((v): v is number => typeof v === 'number');

function statsOf(dataset: DatasetRecord, i: number): FeatureStats {
  const values = dataset.rows.map((r) => r[i]).filter((v) => v !== null && v !== undefined);
  const nbMissing = dataset.rows.length - values.length;
  if (dataset.columns[i]!.type === 'numerical') {
    const xs = numbersOf(dataset, i).sort((a, b) => a - b);
    if (xs.length === 0) return { nb_values: 0, nb_missing: nbMissing, min: null, max: null, mean: null, std: null, median: null };
    const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
    const std = xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
    const mid = Math.floor(xs.length / 2);
    const median = xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
    return {
      nb_values: xs.length,
      nb_missing: nbMissing,
      min: xs[0]!,
      max: xs[xs.length - 1]!,
      mean: round(mean, 4),
      std: round(std, 4),
      median: round(median, 4),
    };
  }
  const counts = new Map<string, number>();
  for (const v of values) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  const modalities = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_MODALITIES)
    .map(([value, count]) => ({ value, count, frequency: round(count / values.length, 4) }));
  return { nb_values: values.length, nb_missing: nbMissing, nb_modalities: counts.size, modalities };
}

/** Every column of the version's dataset as `/features` lists it; importances come from the version's best model. */
export function featureInfos(
  version: ExperimentVersion,
  dataset: DatasetRecord,
  importances: ReadonlyMap<string, number> | null,
): FeatureInfo[] {
  return dataset.columns.map((c, i) => {
    const role = roleOf(version, c.name);
    return {
      name: c.name,
      type: c.type === 'numerical' ? 'linear' : 'categorical',
      role,
      stats: statsOf(dataset, i),
      importance_value: role === 'feature' ? (importances?.get(c.name) ?? null) : null,
    };
  });
}

/** A column's distribution: a 10-bin histogram for numbers, modality counts for categories. */
export function distributionChart(dataset: DatasetRecord, i: number): Array<Record<string, string | number>> {
  if (dataset.columns[i]!.type === 'numerical') {
    const xs = numbersOf(dataset, i);
    if (xs.length === 0) return [];
    const min = Math.min(...xs);
    const max = Math.max(...xs);
    const width = max > min ? (max - min) / HISTOGRAM_BINS : 1;
    const bins = max > min ? HISTOGRAM_BINS : 1;
    const counts = new Array<number>(bins).fill(0);
    for (const x of xs) counts[Math.min(bins - 1, Math.floor((x - min) / width))]!++;
    return counts.map((count, k) => ({ bin_start: round(min + k * width, 4), bin_end: round(min + (k + 1) * width, 4), count }));
  }
  const stats = statsOf(dataset, i) as Extract<FeatureStats, { modalities: unknown }>;
  return stats.modalities.map((m) => ({ value: m.value, count: m.count }));
}

/**
 * `GET /experiment-versions/{id}/features-stats`: counts by type and role, the dropped features (as
 * `/dropped-features` lists them) and the share of missing cells.
 */
export function featuresStats(version: ExperimentVersion, dataset: DatasetRecord): Record<string, unknown> {
  const infos = featureInfos(version, dataset, null);
  const features = infos.filter((f) => f.role === 'feature');
  const roles: Record<string, number> = {};
  for (const f of infos) roles[f.role] = (roles[f.role] ?? 0) + 1;
  const cells = dataset.rows.length * dataset.columns.length;
  const missing = infos.reduce((a, f) => a + f.stats.nb_missing, 0);
  return {
    nb_rows: dataset.rows.length,
    nb_columns: dataset.columns.length,
    nb_features: features.length,
    nb_dropped_features: droppedFeatures(version, dataset).length,
    types: {
      linear: features.filter((f) => f.type === 'linear').length,
      categorical: features.filter((f) => f.type === 'categorical').length,
    },
    roles,
    missing_ratio: cells === 0 ? 0 : round(missing / cells, 4),
  };
}

/** Columns the version does not learn from: its `drop_list`, and features holding at most one distinct value. */
export function droppedFeatures(
  version: ExperimentVersion,
  dataset: DatasetRecord,
): Array<{ name: string; reason: 'drop_list' | 'constant' }> {
  const out: Array<{ name: string; reason: 'drop_list' | 'constant' }> = [];
  dataset.columns.forEach((c, i) => {
    const role = roleOf(version, c.name);
    if (role === 'dropped') out.push({ name: c.name, reason: 'drop_list' });
    else if (role === 'feature' && new Set(dataset.rows.map((r) => r[i]).filter((v) => v !== null && v !== undefined)).size <= 1) {
      out.push({ name: c.name, reason: 'constant' });
    }
  });
  return out;
}

function pearson(dataset: DatasetRecord, a: number, b: number): number {
  if (a === b) return 1;
  const pairs = dataset.rows
    .map((r) => [r[a], r[b]] as const)
    .filter((p): p is readonly [number, number] => typeof p[0] === 'number' && typeof p[1] === 'number');
  if (pairs.length < 2) return 0;
  const ma = pairs.reduce((s, p) => s + p[0], 0) / pairs.length;
  const mb = pairs.reduce((s, p) => s + p[1], 0) / pairs.length;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (const [x, y] of pairs) {
    cov += (x - ma) * (y - mb);
    va += (x - ma) ** 2;
    vb += (y - mb) ** 2;
  }
  return va === 0 || vb === 0 ? 0 : round(cov / Math.sqrt(va * vb), 4);
}

/**
 * Pearson correlations between the version's numerical features, in dataset order. Row `i`'s `correlation` lists
 * every feature in the same order, which is how the SDK fills its matrix (`matrix[name] = [d['score'] ...]`).
 */
export function correlationMatrix(version: ExperimentVersion, dataset: DatasetRecord): CorrelationRow[] {
  const idx = dataset.columns.map((c, i) => ({ c, i })).filter(({ c }) => c.type === 'numerical' && roleOf(version, c.name) === 'feature');
  return idx.map(({ c, i }) => ({
    name: c.name,
    correlation: idx.map(({ c: d, i: j }) => ({ name: d.name, score: pearson(dataset, i, j) })),
  }));
}

/** `GET /experiment-versions/{id}/graph`: the dataset, the selected feature engineerings and the models, as a DAG. */
export function versionGraph(
  version: ExperimentVersion,
  datasetName: string | null,
  models: readonly ModelRecord[],
): { nodes: Array<Record<string, unknown>>; edges: Array<{ source: string; target: string }> } {
  const nodes: Array<Record<string, unknown>> = [{ id: version.dataset_id, type: 'dataset', name: datasetName }];
  const edges: Array<{ source: string; target: string }> = [];
  const engineering = version.experiment_version_params.features_engineering_selected_list;
  for (const fe of engineering) {
    nodes.push({ id: `fe:${fe}`, type: 'feature_engineering', name: fe });
    edges.push({ source: version.dataset_id, target: `fe:${fe}` });
  }
  for (const m of models) {
    nodes.push({ id: m.wire._id, type: 'model', name: m.wire.model_name, tags: [...m.wire.tags] });
    if (engineering.length === 0) edges.push({ source: version.dataset_id, target: m.wire._id });
    for (const fe of engineering) edges.push({ source: `fe:${fe}`, target: m.wire._id });
  }
  return { nodes, edges };
}
