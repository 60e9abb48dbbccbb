/**
 * Internal to the Civis emulator: the seeded tables, their deterministic cells, and the tiny SQL "engine" that answers queries from them.
 */
import { hashString } from '../../framework/util.js';
import type { CivisColumn, CivisTableDetail, CivisTableSummary, CivisTableTag } from '../types/tables.js';
import type { SeedData, SqlOutcome, TableRecord } from '../records.js';
import { SEED_BASE_MS, HOUR, at } from './base.js';

/** Column kinds of the seeded tables, with the SQL type the warehouse reports for each. */
type Kind = 'int' | 'str' | 'num' | 'float' | 'bool' | 'date' | 'ts';

const SQL_TYPE: Record<Kind, [string, string]> = {
  int: ['integer', 'integer'],
  str: ['character varying(256)', 'string'],
  num: ['numeric(12,2)', 'numeric'],
  float: ['double precision', 'float'],
  bool: ['boolean', 'boolean'],
  date: ['date', 'date'],
  ts: ['timestamp without time zone', 'timestamp'],
};

interface ColumnSeed {
  name: string;
  kind: Kind;
}

/** A deterministic cell value for row `row` (0-based) of a column: the same in samples and query results. */
export function cellValue(table: string, col: ColumnSeed, row: number): string {
  const h = hashString(`${table}.${col.name}.${row}`);
  switch (col.kind) {
    case 'int':
      return col.name.endsWith('_id') && col.name.startsWith(table.replace(/s$/, '')) ? String(row + 1) : String((h % 5000) + 1);
    case 'str':
      if (col.name === 'email') return `user${row + 1}@example.com`;
      if (col.name === 'state') return ['IL', 'NY', 'CA', 'TX', 'WA'][h % 5]!;
      if (col.name === 'status') return ['shipped', 'pending', 'returned'][h % 3]!;
      if (col.name === 'channel') return ['email', 'search', 'social'][h % 3]!;
      if (col.name === 'industry') return ['retail', 'health', 'finance', 'media'][h % 4]!;
      return `${col.name}_${row + 1}`;
    case 'num':
      return ((h % 100_000) / 100).toFixed(2);
    case 'float':
      return ((h % 10_000) / 10_000).toFixed(4);
    case 'bool':
      return h % 3 === 0 ? 't' : 'f';
    case 'date':
      return new Date(SEED_BASE_MS - (h % 365) * 24 * HOUR).toISOString().slice(0, 10);
    case 'ts':
      return new Date(SEED_BASE_MS - (h % 8760) * HOUR).toISOString().replace('T', ' ').slice(0, 19);
  }
}

interface TableSeed {
  db: number;
  schema: string;
  name: string;
  rows: number;
  columns: ColumnSeed[];
  view?: boolean;
  tags?: number[];
  description?: string;
  pk?: string[];
}

const c = (name: string, kind: Kind): ColumnSeed => ({ name, kind });

const TABLES: TableSeed[] = [
  {
    db: 32,
    schema: 'public',
    name: 'customers',
    rows: 12_500,
    tags: [12, 13],
    description: 'One row per customer.',
    pk: ['customer_id'],
    columns: [
      c('customer_id', 'int'),
      c('email', 'str'),
      c('first_name', 'str'),
      c('last_name', 'str'),
      c('state', 'str'),
      c('signup_date', 'date'),
      c('lifetime_value', 'num'),
      c('churned', 'bool'),
    ],
  },
  {
    db: 32,
    schema: 'public',
    name: 'orders',
    rows: 48_210,
    tags: [13],
    pk: ['order_id'],
    columns: [c('order_id', 'int'), c('customer_id', 'int'), c('order_date', 'date'), c('total', 'num'), c('status', 'str')],
  },
  {
    db: 32,
    schema: 'public',
    name: 'order_items',
    rows: 131_877,
    columns: [c('order_id', 'int'), c('line_number', 'int'), c('sku', 'str'), c('quantity', 'int'), c('unit_price', 'num')],
  },
  {
    db: 32,
    schema: 'analytics',
    name: 'daily_revenue',
    rows: 365,
    tags: [13],
    columns: [c('day', 'date'), c('revenue', 'num'), c('orders', 'int')],
  },
  {
    db: 32,
    schema: 'analytics',
    name: 'churn_scores',
    rows: 12_500,
    description: 'Scores written by the churn model.',
    columns: [c('customer_id', 'int'), c('score', 'float'), c('decile', 'int')],
  },
  {
    db: 32,
    schema: 'analytics',
    name: 'customer_360',
    rows: 12_500,
    view: true,
    tags: [12],
    columns: [c('customer_id', 'int'), c('email', 'str'), c('orders', 'int'), c('lifetime_value', 'num')],
  },
  {
    db: 32,
    schema: 'staging',
    name: 'raw_events',
    rows: 2_040_113,
    columns: [c('event_id', 'str'), c('customer_id', 'int'), c('event_type', 'str'), c('occurred_at', 'ts'), c('payload', 'str')],
  },
  {
    db: 45,
    schema: 'public',
    name: 'accounts',
    rows: 830,
    pk: ['account_id'],
    columns: [c('account_id', 'int'), c('name', 'str'), c('industry', 'str'), c('created_at', 'ts')],
  },
  {
    db: 45,
    schema: 'public',
    name: 'invoices',
    rows: 9_412,
    pk: ['invoice_id'],
    columns: [c('invoice_id', 'int'), c('account_id', 'int'), c('amount', 'num'), c('issued_on', 'date'), c('paid', 'bool')],
  },
  {
    db: 45,
    schema: 'marketing',
    name: 'campaigns',
    rows: 64,
    tags: [14],
    columns: [c('campaign_id', 'int'), c('name', 'str'), c('channel', 'str'), c('started_on', 'date'), c('budget', 'num')],
  },
  {
    db: 45,
    schema: 'marketing',
    name: 'campaign_touches',
    rows: 55_020,
    tags: [14],
    columns: [c('touch_id', 'int'), c('campaign_id', 'int'), c('account_id', 'int'), c('touched_at', 'ts')],
  },
  {
    db: 61,
    schema: 'public',
    name: 'customers',
    rows: 500,
    description: 'A sample of redshift-general public.customers.',
    columns: [c('customer_id', 'int'), c('email', 'str'), c('state', 'str')],
  },
  {
    db: 61,
    schema: 'scratch',
    name: 'ada_experiments',
    rows: 42,
    columns: [c('run_id', 'int'), c('metric', 'str'), c('value', 'float')],
  },
  {
    db: 61,
    schema: 'scratch',
    name: 'ltv_scores',
    rows: 12_500,
    columns: [c('customer_id', 'int'), c('ltv', 'float')],
  },
];

const TAGS: Record<number, CivisTableTag> = {
  12: { id: 12, name: 'PII' },
  13: { id: 13, name: 'Certified' },
  14: { id: 14, name: 'Marketing' },
};

/** Columns of each seeded table by `databaseId/schema.name`, for the SQL engine. */
const columnsByTable = new Map<string, { seed: TableSeed; id: number }>();

export function buildTables(rnd: () => number): Map<number, TableRecord> {
  const out = new Map<number, TableRecord>();
  TABLES.forEach((t, i) => {
    const id = 2001 + i;
    columnsByTable.set(`${t.db}/${t.schema}.${t.name}`, { seed: t, id });
    const owner = t.db === 45 ? 'analytics_admin' : 'dbadmin';
    const columns: CivisColumn[] = t.columns.map((col, ci) => {
      const [sqlType, civisDataType] = SQL_TYPE[col.kind];
      const distinct = col.kind === 'bool' ? 2 : Math.max(1, Math.round(t.rows * (0.2 + rnd() * 0.8)));
      const nulls = col.name.endsWith('_id') ? 0 : Math.floor(t.rows * rnd() * 0.05);
      const numeric = col.kind === 'int' || col.kind === 'num' || col.kind === 'float';
      return {
        name: col.name,
        civisDataType,
        sqlType,
        sampleValues: [0, 1, 2].map((r) => cellValue(t.name, col, r)),
        encoding: t.db === 45 ? 'none' : col.kind === 'str' ? 'lzo' : 'az64',
        description: null,
        order: ci + 1,
        minValue: numeric ? cellValue(t.name, col, 0) : null,
        maxValue: numeric ? cellValue(t.name, col, 1) : null,
        avgValue: numeric ? Math.round(rnd() * 100_000) / 100 : null,
        stddev: numeric ? Math.round(rnd() * 10_000) / 100 : null,
        valueDistributionPercent: {},
        coverageCount: t.rows - nulls,
        nullCount: nulls,
        possibleDependentVariableTypes: col.kind === 'bool' ? ['binary'] : numeric ? ['continuous'] : [],
        useableAsIndependentVariable: !col.name.endsWith('_id'),
        useableAsPrimaryKey: (t.pk ?? []).includes(col.name),
        valueDistribution: {},
        distinctCount: distinct,
      };
    });
    const refreshedAt = at(24 * 30 + i * 5);
    const summary: CivisTableSummary = {
      id,
      databaseId: t.db,
      schema: t.schema,
      name: t.name,
      description: t.description ?? null,
      isView: t.view ?? false,
      rowCount: t.rows,
      columnCount: t.columns.length,
      sizeMb: t.view ? null : Math.round((t.rows * t.columns.length * 12) / 10_485.76) / 100,
      owner,
      distkey: t.db === 45 || t.view ? null : t.columns[0]!.name,
      sortkeys: t.db === 45 || t.view ? null : t.columns[0]!.name,
      refreshStatus: i % 4 === 3 ? 'stale' : 'current',
      lastRefresh: i % 4 === 3 ? null : refreshedAt,
      refreshId: null,
      lastRun: null,
      tableTags: (t.tags ?? []).map((tag) => TAGS[tag]!),
    };
    const detail: CivisTableDetail = {
      ...summary,
      dataUpdatedAt: refreshedAt,
      schemaUpdatedAt: at(i * 3),
      primaryKeys: t.pk ?? [],
      lastModifiedKeys: [],
      ontologyMapping: t.columns.some((x) => x.name === 'email') ? { email: 'email' } : {},
      columns,
      joins: [],
      multipartKey: [],
      enhancements: [],
      viewDef: t.view
        ? `SELECT c.customer_id, c.email, count(o.order_id) AS orders, c.lifetime_value FROM public.customers c LEFT JOIN public.orders o USING (customer_id) GROUP BY 1, 2, 4`
        : null,
      tableDef: t.view ? null : `CREATE TABLE ${t.schema}.${t.name} (${columns.map((x) => `${x.name} ${x.sqlType}`).join(', ')})`,
      outgoingTableMatches: [],
    };
    out.set(id, { summary, detail });
  });
  return out;
}

/**
 * Runs a SQL text against the seeded tables: `SELECT cols|*|count(*) FROM schema.table [LIMIT n]`. A table that does
 * not exist fails the query the way the warehouse would; SQL without a FROM answers one row.
 */
export function runSql(store: Pick<SeedData, 'tables'>, databaseId: number, sql: string, previewRows: number): SqlOutcome {
  const from = /\bfrom\s+"?([A-Za-z_][\w]*)"?\s*\.\s*"?([A-Za-z_][\w]*)"?/i.exec(sql);
  if (!from) {
    const literal = /^\s*select\s+([^\s,;]+)\s*;?\s*$/i.exec(sql);
    return { columns: ['?column?'], rows: [[literal ? literal[1]!.replace(/^'(.*)'$/, '$1') : '1']] };
  }
  const schema = from[1]!.toLowerCase();
  const name = from[2]!.toLowerCase();
  let found: TableRecord | undefined;
  for (const t of store.tables.values()) {
    if (t.summary.databaseId === databaseId && t.summary.schema === schema && t.summary.name === name) found = t;
  }
  if (!found) return { error: `relation "${schema}.${name}" does not exist` };
  const seedEntry = columnsByTable.get(`${databaseId}/${schema}.${name}`);
  const seedCols = seedEntry?.seed.columns ?? found.detail.columns.map((x) => ({ name: x.name, kind: 'str' as Kind }));
  if (/^\s*select\s+count\s*\(\s*\*\s*\)/i.test(sql)) return { columns: ['count'], rows: [[String(found.summary.rowCount)]] };
  const list = /^\s*select\s+(.+?)\s+from\s/is.exec(sql)?.[1]?.trim() ?? '*';
  let cols = seedCols;
  if (list !== '*') {
    const wanted = list.split(',').map((s) => s.trim().toLowerCase());
    const picked = wanted.map((w) => seedCols.find((x) => x.name === w));
    if (picked.some((p) => p === undefined)) {
      const missing = wanted.find((w) => !seedCols.some((x) => x.name === w));
      return { error: `column "${missing}" does not exist in ${schema}.${name}` };
    }
    cols = picked as ColumnSeed[];
  }
  const limitMatch = /\blimit\s+(\d+)/i.exec(sql);
  const n = Math.min(found.summary.rowCount, previewRows, limitMatch ? Number(limitMatch[1]) : Infinity);
  const rows: string[][] = [];
  for (let r = 0; r < n; r++) rows.push(cols.map((col) => cellValue(name, col, r)));
  return { columns: cols.map((x) => x.name), rows };
}
