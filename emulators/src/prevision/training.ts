/**
 * Internal to the Prevision emulator: what a training produces (three scored models per version) and what a bulk
 * prediction writes. The seed and the experiment and prediction routes share it, so a seeded version and one trained
 * through the API look alike.
 */
import { hashString, seededRandom } from '../framework/util.js';
import { predictionTable, trainingExclusions } from './analysis.js';
import { formatCsv, zipSingleFile } from './files.js';
import { buildScorer, round, type Scorer, type ScorerHints } from './scoring.js';
import type { DatasetRecord, ModelRecord, ObjectIdFactory } from './store.js';
import type { ExperimentVersion, Model, TrainingType } from './types.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** The metric each training type is scored with, and whether lower is better. */
export function defaultMetric(t: TrainingType): { name: string; lowerIsBetter: boolean } {
  switch (t) {
    case 'regression':
      return { name: 'rmse', lowerIsBetter: true };
    case 'multiclassification':
      return { name: 'log_loss', lowerIsBetter: true };
    case 'text-similarity':
      return { name: 'accuracy_at_k', lowerIsBetter: false };
    case 'object-detection':
      return { name: 'map', lowerIsBetter: false };
    default:
      return { name: 'auc', lowerIsBetter: false };
  }
}

const MODEL_TEMPLATES = [
  { name: 'LightGBM-1', tags: ['best'] },
  { name: 'XGBoost-2', tags: ['fastest'] },
  { name: 'Linear-3', tags: ['simple'] },
] as const;

/**
 * The models a finished training produces: three per version, tagged `best`, `fastest` and `simple` (the SDK picks
 * `best_model` by the `best` tag). Scores and model weights derive from the version id.
 */
export function trainModels(
  ids: ObjectIdFactory,
  version: ExperimentVersion,
  dataset: DatasetRecord,
  atMs: number,
  hints?: ScorerHints,
): ModelRecord[] {
  const rnd = seededRandom(hashString(version._id));
  const type = version.experiment.training_type;
  const metric = version.experiment_version_params.metric || defaultMetric(type).name;
  const lower = defaultMetric(type).lowerIsBetter;
  const target = version.experiment_version_params.target_column;
  const ti = dataset.columns.findIndex((c) => c.name === target);
  const ys = dataset.rows.map((r) => r[ti]).filter((v): v is number => typeof v === 'number');
  const spread = ys.length > 1 ? Math.max(...ys) - Math.min(...ys) : 1;
  const best = lower ? spread * (0.08 + 0.04 * rnd()) : 0.84 + 0.08 * rnd();
  const values = lower ? [best, best * 1.08, best * 1.25] : [best, best - 0.01 - 0.02 * rnd(), best - 0.04 - 0.03 * rnd()];
  const exclude = trainingExclusions(version);
  return MODEL_TEMPLATES.map((t, i) => {
    const at = atMs + i * 60_000;
    const _id = ids.next(at);
    const wire: Model = {
      _id,
      project_id: version.project_id,
      experiment_id: version.experiment_id,
      experiment_version_id: version._id,
      model_name: t.name,
      name: t.name,
      deployable: true,
      training_type: type,
      provider: 'prevision-auto-ml',
      hosting: 'prevision',
      tags: [...t.tags],
      metric: { name: metric, value: round(values[i]!, 4) },
      created_at: iso(at),
    };
    const scorer: Scorer | null =
      type === 'classification' || type === 'regression'
        ? buildScorer({ trainingType: type, target, columns: dataset.columns, rows: dataset.rows, seed: hashString(_id), exclude, hints })
        : null;
    return { wire, scorer };
  });
}

/** Points `models_count` and `best_model` (the `best`-tagged model, else the first) at the models trained so far. */
export function recordModels(version: ExperimentVersion, models: readonly ModelRecord[]): void {
  const best = models.find((m) => m.wire.tags.includes('best')) ?? models[0];
  version.models_count = models.length;
  version.best_model = best ? { _id: best.wire._id, model_name: best.wire.model_name, metric: { ...best.wire.metric } } : null;
}

/** Marks a version as trained (or stopped) with the models it produced. */
export function finishVersion(version: ExperimentVersion, models: readonly ModelRecord[]): void {
  recordModels(version, models);
  version.state = 'done';
}

/** The zipped CSV a bulk prediction produces: input columns plus `pred_<target>` (and `proba_<class>` columns). */
export function predictionCsv(scorer: Scorer, dataset: DatasetRecord, name: string): { zip: Buffer; count: number } {
  const table = predictionTable(scorer, dataset);
  return { zip: zipSingleFile(`${name}.csv`, Buffer.from(formatCsv(table.header, table.rows))), count: table.rows.length };
}
