/**
 * The seeded `customers` dataset behind the `customers-sql` (SQL query) and `customers-lookup` (dataset lookup)
 * endpoints, and the pure functions that answer them. The dataset is read-only through the user API.
 */
import { EmulatorError } from '../framework/emulator.js';
import { seededRandom } from '../framework/util.js';
import { CUSTOMER_COLUMNS } from './endpoints.js';
import type { LookupResult, SqlQueryResponse } from './types.js';

/** One line of the `customers` dataset. */
export interface Customer {
  /** `C0001` to `C0120`. */
  id: string;
  name: string;
  /** `null` on every 25th line (C0025, C0050, ...). */
  email: string | null;
  /** ISO 3166 alpha-2. */
  country: string;
  city: string;
  segment: 'SMB' | 'MID_MARKET' | 'ENTERPRISE' | 'CONSUMER';
  /** Yearly revenue with 2 decimals. */
  revenue: number;
  /** `YYYY-MM-DD`, between 2019-01-01 and 2024-12-29. */
  signup_date: string;
}

/** The dataset with its SQL rows pre-rendered (strings) and an id index, built once per emulator. */
export interface CustomerTable {
  readonly customers: readonly Customer[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | null>>;
  readonly byId: ReadonlyMap<string, Customer>;
}

/** PRNG seed of the demo dataset; the report's sample lines come from it. */
export const DEFAULT_CUSTOMER_SEED = 20240601;
/** Lines in the demo dataset. */
export const CUSTOMER_COUNT = 120;

const FIRST = [
  'Anna',
  'Lars',
  'Mette',
  'Søren',
  'Ingrid',
  'Erik',
  'Sofia',
  'Jonas',
  'Camille',
  'Lukas',
  'Emma',
  'Noah',
  'Freja',
  'Oliver',
  'Astrid',
  'Mathis',
  'Hanna',
  'Felix',
  'Clara',
  'Hugo',
  'Maja',
  'Liam',
  'Elsa',
  'Theo',
];
const LAST = [
  'Jensen',
  'Nielsen',
  'Hansen',
  'Andersson',
  'Johansson',
  'Berg',
  'Larsen',
  'Müller',
  'Schmidt',
  'Dubois',
  'Martin',
  'Smith',
  'Brown',
  'de Vries',
  'Bakker',
  'Olsen',
  'Lindqvist',
  'Weber',
  'Moreau',
  'Taylor',
  'Pedersen',
  'Karlsson',
  'Fischer',
  'Lambert',
];
const PLACES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['DK', ['Copenhagen', 'Aarhus', 'Odense', 'Aalborg']],
  ['SE', ['Stockholm', 'Gothenburg', 'Malmö']],
  ['NO', ['Oslo', 'Bergen']],
  ['DE', ['Berlin', 'Hamburg', 'Munich']],
  ['FR', ['Paris', 'Lyon']],
  ['GB', ['London', 'Manchester']],
  ['NL', ['Amsterdam', 'Rotterdam']],
  ['US', ['New York', 'Chicago', 'Austin']],
];
const SEGMENTS: ReadonlyArray<readonly [Customer['segment'], number, number]> = [
  ['CONSUMER', 200, 5_000],
  ['SMB', 5_000, 60_000],
  ['MID_MARKET', 60_000, 400_000],
  ['ENTERPRISE', 400_000, 3_000_000],
];
const SIGNUP_BASE = Date.UTC(2019, 0, 1);

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)]!;
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z]/g, '');
}

/** Builds the deterministic dataset: the same seed gives the same lines on every run. */
export function seedCustomers(seed = DEFAULT_CUSTOMER_SEED, count = CUSTOMER_COUNT): CustomerTable {
  const rnd = seededRandom(seed);
  const customers: Customer[] = [];
  for (let i = 1; i <= count; i++) {
    const first = pick(rnd, FIRST);
    const last = pick(rnd, LAST);
    const [country, cities] = pick(rnd, PLACES);
    const city = pick(rnd, cities);
    const [segment, lo, hi] = pick(rnd, SEGMENTS);
    const revenue = Math.round((lo + rnd() * (hi - lo)) * 100) / 100;
    const signup = new Date(SIGNUP_BASE + Math.floor(rnd() * 2190) * 86_400_000).toISOString().slice(0, 10);
    customers.push({
      id: `C${String(i).padStart(4, '0')}`,
      name: `${first} ${last}`,
      email: i % 25 === 0 ? null : `${slug(first)}.${slug(last)}${i}@example.com`,
      country,
      city,
      segment,
      revenue,
      signup_date: signup,
    });
  }
  return {
    customers,
    rows: customers.map((c) => [c.id, c.name, c.email, c.country, c.city, c.segment, c.revenue.toFixed(2), c.signup_date]),
    byId: new Map(customers.map((c) => [c.id, c])),
  };
}

const SQL_PARAMS = ['country', 'segment', 'minRevenue', 'maxRevenue', 'signedUpAfter', 'limit', 'offset'];
const SQL_PARAM_SET = new Set(SQL_PARAMS);

/** The flat named parameters of `customers-sql`; `null` means "not set". */
export interface CustomerQueryParameters {
  country?: string | null;
  segment?: string | null;
  minRevenue?: number | string | null;
  maxRevenue?: number | string | null;
  signedUpAfter?: string | null;
  limit?: number | string | null;
  offset?: number | string | null;
}

function numberParam(name: string, v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw new EmulatorError(400, `Parameter "${name}" must be a number, got ${JSON.stringify(v)}.`);
  return n;
}

function intParam(name: string, v: unknown, min: number, max: number, dflt: number): number {
  const n = numberParam(name, v);
  if (n === undefined) return dflt;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new EmulatorError(400, `Parameter "${name}" must be an integer in ${min}..${max}, got ${JSON.stringify(v)}.`);
  }
  return n;
}

function stringParam(name: string, v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'string') throw new EmulatorError(400, `Parameter "${name}" must be a string, got ${JSON.stringify(v)}.`);
  return v;
}

/**
 * Answers `customers-sql`: the lines matching every given parameter, ordered by id, then `offset`/`limit` (default
 * 100, at most 1000). An unknown parameter is a 400, as the query would not compile.
 */
export function queryCustomers(table: CustomerTable, params: Record<string, unknown>): SqlQueryResponse {
  for (const k of Object.keys(params)) {
    if (!SQL_PARAM_SET.has(k)) {
      throw new EmulatorError(400, `Unknown parameter "${k}" for the customers query. Known parameters: ${SQL_PARAMS.join(', ')}.`);
    }
  }
  const country = stringParam('country', params['country'])?.toUpperCase();
  const segment = stringParam('segment', params['segment'])?.toUpperCase();
  const minRevenue = numberParam('minRevenue', params['minRevenue']);
  const maxRevenue = numberParam('maxRevenue', params['maxRevenue']);
  const after = stringParam('signedUpAfter', params['signedUpAfter']);
  if (after !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(after)) {
    throw new EmulatorError(400, `Parameter "signedUpAfter" must be a date YYYY-MM-DD, got ${JSON.stringify(after)}.`);
  }
  const limit = intParam('limit', params['limit'], 0, 1000, 100);
  const offset = intParam('offset', params['offset'], 0, Number.MAX_SAFE_INTEGER, 0);

  const rows: Array<Array<string | null>> = [];
  let skipped = 0;
  const { customers } = table;
  for (let i = 0; i < customers.length && rows.length < limit; i++) {
    const c = customers[i]!;
    if (country !== undefined && c.country !== country) continue;
    if (segment !== undefined && c.segment !== segment) continue;
    if (minRevenue !== undefined && c.revenue < minRevenue) continue;
    if (maxRevenue !== undefined && c.revenue > maxRevenue) continue;
    if (after !== undefined && c.signup_date < after) continue;
    if (skipped < offset) {
      skipped++;
      continue;
    }
    rows.push([...table.rows[i]!]);
  }
  return { columns: [...CUSTOMER_COLUMNS], rows };
}

/**
 * Answers one `customers-lookup` record: `data.customerId` (or `data.id`) names the line. The matched line comes back
 * with typed values; an unknown id answers `{data: {}, notFound: true}`.
 */
export function lookupCustomer(table: CustomerTable, data: Record<string, unknown>, where = 'data'): LookupResult {
  const key = data['customerId'] ?? data['id'];
  if (key === undefined || key === null) {
    throw new EmulatorError(
      400,
      `${where} must hold the lookup key "customerId" (or "id"), e.g. {"customerId": "C0001"}; got keys ${JSON.stringify(Object.keys(data))}.`,
    );
  }
  const c = typeof key === 'string' || typeof key === 'number' ? table.byId.get(String(key)) : undefined;
  return c ? { data: { ...c } } : { data: {}, notFound: true };
}
