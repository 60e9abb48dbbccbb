/**
 * Internal to the Prevision emulator: the seeded tables. Feature columns are drawn from a seeded PRNG; a target, when
 * asked for, comes from a hidden "true" model plus noise, so the models trained on it score plausibly.
 */
import { seededRandom } from '../../framework/util.js';
import { buildScorer, round, score, type ScorerHints, type TargetStats } from '../scoring.js';
import type { CellValue, DatasetColumn } from '../types.js';

type Gen = (rnd: () => number, i: number) => CellValue;

/** A column of a seeded table and how its values are drawn. */
export interface ColumnSpec {
  name: string;
  type: 'numerical' | 'categorical';
  gen: Gen;
}

const int =
  (a: number, b: number): Gen =>
  (rnd) =>
    Math.floor(a + rnd() * (b - a + 1));
const num =
  (a: number, b: number): Gen =>
  (rnd) =>
    round(a + rnd() * (b - a), 2);
const pick =
  (values: readonly string[]): Gen =>
  (rnd) =>
    values[Math.floor(rnd() * values.length)]!;

/** Features of the churn and customer-value tables. */
export const CHURN_FEATURES: ColumnSpec[] = [
  { name: 'tenure_months', type: 'numerical', gen: int(1, 72) },
  { name: 'monthly_charges', type: 'numerical', gen: num(20, 120) },
  { name: 'contract', type: 'categorical', gen: pick(['month-to-month', 'one-year', 'two-year']) },
  { name: 'support_calls', type: 'numerical', gen: int(0, 6) },
];
/** The id column of the churn tables (`C-1001`, `C-1002`...). */
export const CUSTOMER_ID: ColumnSpec = { name: 'customer_id', type: 'categorical', gen: (_r, i) => `C-${1001 + i}` };
/** Features of the house-price and rent tables. */
export const HOUSE_FEATURES: ColumnSpec[] = [
  { name: 'surface_m2', type: 'numerical', gen: int(25, 220) },
  { name: 'rooms', type: 'numerical', gen: int(1, 8) },
  { name: 'city', type: 'categorical', gen: pick(['Bordeaux', 'Lyon', 'Nantes', 'Paris']) },
  { name: 'year_built', type: 'numerical', gen: int(1900, 2020) },
];
// Hints keep the demo models plausible: short tenure and many support calls mean churn, Paris is expensive...
/** How churn follows the churn features. */
export const CHURN_HINTS: ScorerHints = {
  tenure_months: -1,
  monthly_charges: 1,
  support_calls: 1,
  contract: ['two-year', 'one-year', 'month-to-month'],
};
/** How lifetime value follows the churn features. */
export const VALUE_HINTS: ScorerHints = {
  tenure_months: 1,
  monthly_charges: 1,
  support_calls: -1,
  contract: ['month-to-month', 'one-year', 'two-year'],
};
/** How price and rent follow the house features. */
export const HOUSE_HINTS: ScorerHints = { surface_m2: 1, rooms: 1, year_built: 1, city: ['Nantes', 'Bordeaux', 'Lyon', 'Paris'] };
/** How lead conversion follows the lead features. */
export const LEAD_HINTS: ScorerHints = { visits: 1, days_since_contact: -1, channel: ['email', 'web', 'phone'] };

/** Features of the lead-conversion table. */
export const LEAD_FEATURES: ColumnSpec[] = [
  { name: 'visits', type: 'numerical', gen: int(0, 30) },
  { name: 'days_since_contact', type: 'numerical', gen: int(0, 90) },
  { name: 'channel', type: 'categorical', gen: pick(['email', 'phone', 'web']) },
];

/** Generates feature rows, then (when a target is given) a target drawn from a hidden "true" model plus noise. */
export function generateTable(
  seed: number,
  count: number,
  specs: readonly ColumnSpec[],
  target?: { name: string; stats: TargetStats; hints?: ScorerHints },
  exclude: readonly string[] = [],
): { columns: DatasetColumn[]; rows: CellValue[][] } {
  const rnd = seededRandom(seed);
  const columns: DatasetColumn[] = specs.map((s) => ({ name: s.name, type: s.type }));
  const rows = Array.from({ length: count }, (_, i) => specs.map((s) => s.gen(rnd, i)));
  if (!target) return { columns, rows };
  const kind = target.stats.kind;
  const truth = buildScorer({
    trainingType: kind,
    target: target.name,
    columns,
    rows,
    seed: seed ^ 0x5bd1e995,
    exclude,
    targetStats: target.stats,
    hints: target.hints,
  });
  const withTarget = rows.map((r) => {
    const input: Record<string, unknown> = {};
    columns.forEach((c, j) => (input[c.name] = r[j]));
    const s = score(truth, input, false);
    if (truth.classes && s.probability !== null) return [...r, rnd() < s.probability ? truth.classes[0] : truth.classes[1]];
    const std = target.stats.kind === 'regression' ? target.stats.std : 1;
    return [...r, round((s.prediction as number) + (rnd() + rnd() + rnd() - 1.5) * std * 0.3, 2)];
  });
  return { columns: [...columns, { name: target.name, type: kind === 'classification' ? 'categorical' : 'numerical' }], rows: withTarget };
}
