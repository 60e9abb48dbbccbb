/**
 * Internal to the Civis emulator: the deterministic seed (fixed base date, seeded PRNG, no clock) and the tiny SQL
 * "engine" that answers queries from the seeded tables.
 */
import { seededRandom, hashString } from '../framework/util.js';
import type {
  CivisColumn,
  CivisDatabase,
  CivisGroupRef,
  CivisImportEndpoint,
  CivisModelBuild,
  CivisModelType,
  CivisRun,
  CivisSchedule,
  CivisTableDetail,
  CivisTableSummary,
  CivisTableTag,
} from './types.js';
import type {
  CredentialRecord,
  FileRecord,
  JobRecord,
  ModelRecord,
  PredictionRecord,
  ProjectRecord,
  QueryRecord,
  ReportRecord,
  RunRecord,
  SeedData,
  SqlOutcome,
  TableRecord,
  UserRecord,
} from './records.js';

/** 2026-01-05T09:00:00.000Z: every seeded time is an offset from it. */
export const SEED_BASE_MS = Date.UTC(2026, 0, 5, 9, 0, 0);
const HOUR = 3_600_000;

function at(hours: number): string {
  return new Date(SEED_BASE_MS + hours * HOUR).toISOString();
}

/** Ids a test or a gateway demo can rely on. */
export const SEED_IDS = {
  me: 4257,
  bob: 4258,
  carol: 4259,
  databases: { redshiftGeneral: 32, postgresAnalytics: 45, redshiftSandbox: 61 },
  /** `public.customers` on `redshift-general`. */
  customersTable: 2001,
  /** Job (a SQL script) with no run at all, so `POST /jobs/{id}/runs` succeeds. */
  idleJob: 5005,
  /** Job whose last run succeeded, so `POST /jobs/{id}/runs` succeeds. */
  finishedJob: 5001,
  /** Job whose last run is still `running`, so `POST /jobs/{id}/runs` is 409. */
  runningJob: 5002,
  /** Job whose last run is `queued`. */
  queuedJob: 5004,
} as const;

/** The schedule of a job that runs only when asked. */
export const UNSCHEDULED: CivisSchedule = {
  scheduled: false,
  scheduledDays: [],
  scheduledHours: [],
  scheduledMinutes: [],
  scheduledRunsPerHour: null,
  scheduledDaysOfMonth: [],
};

const NIGHTLY: CivisSchedule = {
  scheduled: true,
  scheduledDays: [0, 1, 2, 3, 4, 5, 6],
  scheduledHours: [2],
  scheduledMinutes: [30],
  scheduledRunsPerHour: null,
  scheduledDaysOfMonth: [],
};

// ------------------------------------------------------------------------------------------------ columns

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

function buildTables(rnd: () => number): Map<number, TableRecord> {
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
      viewDef: t.view ? `SELECT c.customer_id, c.email, count(o.order_id) AS orders, c.lifetime_value FROM public.customers c LEFT JOIN public.orders o USING (customer_id) GROUP BY 1, 2, 4` : null,
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

// ------------------------------------------------------------------------------------------------ the seed

const ORGANIZATION = { id: 104, name: 'Augur Demo Org', slug: 'augur-demo' };

const GROUPS: Record<string, CivisGroupRef> = {
  ds: { id: 4867, name: 'Data Science', slug: 'data-science', organizationId: 104, organizationName: ORGANIZATION.name },
  eng: { id: 4868, name: 'Engineering', slug: 'engineering', organizationId: 104, organizationName: ORGANIZATION.name },
  lead: { id: 4869, name: 'Leadership', slug: 'leadership', organizationId: 104, organizationName: ORGANIZATION.name },
};

function buildUsers(): Map<number, UserRecord> {
  const rows: Array<[number, string, string, boolean, string[], string[], string | null, string | null, boolean]> = [
    // id, name, username, online, groups, roles, title, department, active
    [4257, 'Ada Demo', 'ada.demo', true, ['ds'], ['sdm'], 'Data Scientist', 'Analytics', true],
    [4258, 'Bob Analyst', 'bob.analyst', false, ['ds'], ['sdm'], 'Analyst', 'Analytics', true],
    [4259, 'Carol Engineer', 'carol.eng', true, ['eng'], ['sdm'], 'Data Engineer', 'Platform', true],
    [4260, 'Dan Viewer', 'dan.viewer', false, ['ds'], [], 'Program Manager', 'Programs', true],
    [4261, 'Erin Admin', 'erin.admin', true, ['eng', 'lead'], ['admin', 'sdm'], 'Head of Data', 'Platform', true],
    [4262, 'Frank Ops', 'frank.ops', false, ['eng'], [], 'Operations', 'Platform', false],
  ];
  const out = new Map<number, UserRecord>();
  rows.forEach(([id, name, username, online, groups, roles, title, department, active], i) => {
    const initials = name
      .split(' ')
      .map((p) => p[0])
      .join('')
      .toUpperCase();
    out.set(id, {
      id,
      name,
      username,
      email: `${username}@example.com`,
      initials,
      online,
      active,
      accountStatus: active ? 'active' : 'inactive',
      roles,
      groups: groups.map((g) => GROUPS[g]!),
      createdAt: at(-24 * 400 + i * 24 * 30),
      lastSeenAt: active ? at(24 * 60 + i) : null,
      title,
      department,
      timeZone: 'America/Chicago',
      featureFlags: { table_param: false, python_3_scripts: true, container_scripts: true, civis_ml: true, notebooks: i % 2 === 0 },
      ref: { id, name, username, initials, online },
    });
  });
  return out;
}

function buildDatabases(): Map<number, CivisDatabase> {
  const list: CivisDatabase[] = [
    {
      id: 32,
      name: 'redshift-general',
      adapter: 'redshift',
      clusterIdentifier: 'redshift-general-cluster',
      host: 'redshift-general.emulator.local',
      port: 5439,
      databaseName: 'dev',
      managed: true,
    },
    {
      id: 45,
      name: 'postgres-analytics',
      adapter: 'postgresql',
      clusterIdentifier: null,
      host: 'postgres-analytics.emulator.local',
      port: 5432,
      databaseName: 'analytics',
      managed: false,
    },
    {
      id: 61,
      name: 'redshift-sandbox',
      adapter: 'redshift',
      clusterIdentifier: 'redshift-sandbox-cluster',
      host: 'redshift-sandbox.emulator.local',
      port: 5439,
      databaseName: 'sandbox',
      managed: true,
    },
  ];
  return new Map(list.map((d) => [d.id, d]));
}

/** [owner, type, name, username, remoteHostId, default, private to owner] */
type CredSeed = [number, string, string, string | null, number | null, boolean, boolean];

const CREDENTIALS: CredSeed[] = [
  [4257, 'Database', 'ada_demo', 'ada_demo', 32, true, false],
  [4257, 'Database', 'ada_demo', 'ada_demo', 45, false, false],
  [4257, 'Database', 'ada_demo', 'ada_demo', 61, false, false],
  [4258, 'Database', 'bob_analyst', 'bob_analyst', 32, false, false],
  [4258, 'Database', 'bob_analyst', 'bob_analyst', 45, true, false],
  [4258, 'Database', 'bob_analyst', 'bob_analyst', 61, false, false],
  [4259, 'Database', 'carol_eng', 'carol_eng', 32, true, false],
  [4259, 'Database', 'carol_eng', 'carol_eng', 45, false, false],
  [4259, 'Database', 'carol_eng', 'carol_eng', 61, false, false],
  [4259, 'Database', 'etl_service', 'etl_service', 32, false, false],
  [4258, 'Database', 'reporting_ro', 'reporting_ro', 45, false, false],
  [4257, 'Amazon Web Services S3', 'aws-analytics', 'AKIAEMULATOR0ADA0001', null, false, false],
  [4258, 'Amazon Web Services S3', 'aws-analytics', 'AKIAEMULATOR0BOB0001', null, false, false],
  [4259, 'Amazon Web Services S3', 'aws-archive', 'AKIAEMULATOR0CAR0001', null, false, false],
  [4257, 'Amazon Web Services S3', 'aws-ml-artifacts', 'AKIAEMULATOR0ADA0002', null, false, false],
  [4259, 'Amazon Web Services S3', 'aws-ml-artifacts', 'AKIAEMULATOR0CAR0002', null, false, false],
  [4258, 'Amazon Web Services S3', 'aws-exports', 'AKIAEMULATOR0BOB0002', null, false, false],
  [4259, 'Amazon Web Services S3', 'aws-sandbox', 'AKIAEMULATOR0CAR0003', null, false, false],
  [4257, 'Custom', 'mailchimp-api', 'ada@mailchimp', null, false, false],
  [4257, 'Custom', 'slack-webhook', null, null, false, false],
  [4258, 'Custom', 'sftp-partner-acme', 'acme_drop', null, false, false],
  [4258, 'Custom', 'vendor-x-api-key', 'vendor-x', null, false, false],
  [4259, 'Custom', 'snowplow-collector', 'snowplow', null, false, false],
  [4259, 'Custom', 'pagerduty-token', null, null, false, false],
  [4257, 'Custom', 'geocoder-api', 'geo-ada', null, false, false],
  [4258, 'Custom', 'survey-platform', 'bob-surveys', null, false, false],
  [4257, 'Github', 'github-ada', 'ada-demo', null, false, false],
  [4258, 'Github', 'github-bob', 'bob-analyst', null, false, false],
  [4259, 'Github', 'github-carol', 'carol-eng', null, false, true],
  [4259, 'Github', 'github-ci-bot', 'augur-ci-bot', null, false, false],
  [4257, 'Github', 'github-models-repo', 'ada-demo', null, false, false],
  [4257, 'Google', 'google-sheets-ada', 'ada.demo@example.com', null, false, false],
  [4258, 'Google', 'google-analytics-bob', 'bob.analyst@example.com', null, false, false],
  [4259, 'Google', 'google-bigquery-svc', 'bq-svc@augur-demo.iam', null, false, false],
  [4258, 'Salesforce User', 'salesforce-bob', 'bob@salesforce.example', null, false, true],
  [4257, 'Salesforce User', 'salesforce-ada', 'ada@salesforce.example', null, false, false],
];

function buildCredentials(users: Map<number, UserRecord>, dbs: Map<number, CivisDatabase>, rnd: () => number): Map<number, CredentialRecord> {
  const out = new Map<number, CredentialRecord>();
  CREDENTIALS.forEach(([ownerId, type, name, username, hostId, isDefault, isPrivate], i) => {
    const id = 1001 + i;
    const owner = users.get(ownerId)!;
    const createdH = i * 7;
    // Updates land up to three weeks later, so updated_at order differs from id order.
    const updatedH = createdH + Math.floor(rnd() * 24 * 21);
    out.set(id, {
      ownerId,
      password: `seed-password-${id}`,
      sharedWith: isPrivate ? [] : 'all',
      system: false,
      wire: {
        id,
        name,
        type,
        username,
        description: type === 'Database' ? `${owner.name} on ${dbs.get(hostId!)!.name}` : null,
        owner: owner.username,
        user: owner.ref,
        remoteHostId: hostId,
        remoteHostName: hostId === null ? null : dbs.get(hostId)!.name,
        state: null,
        createdAt: at(createdH),
        updatedAt: at(updatedH),
        default: isDefault,
        oauth: type === 'Github' || type === 'Google',
      },
    });
  });
  return out;
}

function frozenRun(id: number, state: string, hours: number, error: string | null = null): RunRecord {
  const created = SEED_BASE_MS + hours * HOUR;
  const started = state === 'queued' ? null : created + 60_000;
  const finished = state === 'queued' || state === 'running' ? null : created + 11 * 60_000;
  return {
    id,
    state,
    createdMs: created,
    startedMs: started,
    finishedMs: finished,
    error,
    live: false,
    reads: 0,
    outcome: 'succeeded',
    outcomeError: null,
  };
}

function buildJobs(): { jobs: Map<number, JobRecord>; nextRun: number } {
  let runId = 90001;
  const run = (state: string, hours: number, error: string | null = null) => frozenRun(runId++, state, hours, error);
  const base = {
    archived: false,
    hidden: false,
    fromTemplateId: null,
    templateScriptId: null,
    isTemplate: false,
    parentId: null,
    timeZone: 'America/Chicago',
    schedule: UNSCHEDULED,
    projectIds: [] as number[],
    sql: null,
    source: null,
    import: null,
  };
  const script = (over: Partial<JobRecord> & Pick<JobRecord, 'id' | 'name' | 'type' | 'authorId' | 'createdAt' | 'updatedAt' | 'runs'>): JobRecord => ({
    ...base,
    kind: 'script',
    category: 'script',
    ...over,
  });
  const db = (id: number, credentialId: number, name: string): CivisImportEndpoint => ({
    remoteHostId: id,
    credentialId,
    additionalCredentials: [],
    name,
  });
  const list: JobRecord[] = [
    script({
      id: 5001,
      name: 'Nightly revenue rollup',
      type: 'JobTypes::SqlRunner',
      authorId: 4257,
      createdAt: at(10),
      updatedAt: at(400),
      schedule: NIGHTLY,
      projectIds: [7002],
      sql: 'INSERT INTO analytics.daily_revenue SELECT order_date, sum(total), count(*) FROM public.orders GROUP BY 1',
      runs: [run('succeeded', 900), run('succeeded', 924)],
    }),
    script({
      id: 5002,
      name: 'Churn feature build',
      type: 'JobTypes::PythonDocker',
      authorId: 4257,
      createdAt: at(20),
      updatedAt: at(610),
      projectIds: [7001],
      source: 'import civis\nclient = civis.APIClient()\nprint(client.users.get_me().username)\n',
      runs: [run('succeeded', 700), run('running', 930)],
    }),
    script({
      id: 5003,
      name: 'Weekly KPI report',
      type: 'JobTypes::RDocker',
      authorId: 4258,
      createdAt: at(30),
      updatedAt: at(500),
      projectIds: [7002],
      source: 'library(civis)\nread_civis("analytics.daily_revenue")\n',
      runs: [run('succeeded', 600), run('failed', 800, "Error in library(civis): there is no package called 'civis'")],
    }),
    script({
      id: 5004,
      name: 'Vendor sync container',
      type: 'JobTypes::ContainerDocker',
      authorId: 4259,
      createdAt: at(40),
      updatedAt: at(450),
      projectIds: [7003],
      runs: [run('queued', 940)],
    }),
    script({
      id: 5005,
      name: 'Ad hoc export',
      type: 'JobTypes::SqlRunner',
      authorId: 4257,
      createdAt: at(50),
      updatedAt: at(360),
      sql: 'SELECT * FROM public.customers LIMIT 100',
      runs: [],
    }),
    script({
      id: 5006,
      name: 'Dedupe customers',
      type: 'JobTypes::PythonDocker',
      authorId: 4258,
      createdAt: at(60),
      updatedAt: at(200),
      archived: true,
      runs: [run('succeeded', 150)],
    }),
    script({
      id: 5007,
      name: 'CSV loader template',
      type: 'JobTypes::PythonDocker',
      authorId: 4259,
      createdAt: at(70),
      updatedAt: at(300),
      isTemplate: true,
      runs: [run('cancelled', 250)],
    }),
    script({
      id: 5008,
      name: 'Scoring helper',
      type: 'JobTypes::PythonDocker',
      authorId: 4261,
      createdAt: at(80),
      updatedAt: at(700),
      fromTemplateId: 5007,
      templateScriptId: 5007,
      runs: [run('succeeded', 690)],
    }),
    {
      ...base,
      id: 5101,
      name: 'Sync accounts from postgres',
      type: 'JobTypes::Import',
      kind: 'import',
      category: 'import',
      authorId: 4257,
      createdAt: at(90),
      updatedAt: at(520),
      schedule: NIGHTLY,
      projectIds: [7003],
      import: {
        syncType: 'Dbsync',
        isOutbound: false,
        source: db(45, 1002, 'postgres-analytics'),
        destination: db(32, 1001, 'redshift-general'),
      },
      runs: [run('succeeded', 880)],
    },
    {
      ...base,
      id: 5102,
      name: 'Salesforce opportunities',
      type: 'JobTypes::Import',
      kind: 'import',
      category: 'import',
      authorId: 4258,
      createdAt: at(100),
      updatedAt: at(480),
      import: {
        syncType: 'Salesforce',
        isOutbound: false,
        source: { remoteHostId: null, credentialId: 1036, additionalCredentials: [], name: 'Salesforce' },
        destination: db(32, 1004, 'redshift-general'),
      },
      runs: [run('failed', 870, 'INVALID_SESSION_ID: Session expired or invalid')],
    },
    {
      ...base,
      id: 5103,
      name: 'Google Sheet budget',
      type: 'JobTypes::Import',
      kind: 'import',
      category: 'import',
      authorId: 4257,
      createdAt: at(110),
      updatedAt: at(560),
      import: {
        syncType: 'GdocImport',
        isOutbound: false,
        source: { remoteHostId: null, credentialId: 1032, additionalCredentials: [], name: 'Google Sheets' },
        destination: db(45, 1002, 'postgres-analytics'),
      },
      runs: [run('running', 935)],
    },
    {
      ...base,
      id: 5104,
      name: 'Archive export to S3',
      type: 'JobTypes::Import',
      kind: 'import',
      category: 'export',
      authorId: 4259,
      createdAt: at(120),
      updatedAt: at(330),
      projectIds: [7003],
      import: {
        syncType: 'Dbsync',
        isOutbound: true,
        source: db(32, 1007, 'redshift-general'),
        destination: { remoteHostId: null, credentialId: 1014, additionalCredentials: [], name: 'aws-archive' },
      },
      runs: [],
    },
  ];
  return { jobs: new Map(list.map((j) => [j.id, j])), nextRun: runId };
}

const MODEL_TYPES: CivisModelType[] = [
  { id: 1, algorithm: 'sparse_logistic', dvType: 'binary', fintAllowed: true },
  { id: 2, algorithm: 'gradient_boosting_classifier', dvType: 'binary', fintAllowed: false },
  { id: 3, algorithm: 'random_forest_regressor', dvType: 'continuous', fintAllowed: false },
  { id: 4, algorithm: 'sparse_linear_regressor', dvType: 'continuous', fintAllowed: true },
];

function buildModels(users: Map<number, UserRecord>, tables: Map<number, TableRecord>): { models: Map<number, ModelRecord>; predictions: Map<number, PredictionRecord> } {
  const runOf = (id: number, state: string, hours: number, error: string | null = null): CivisRun => {
    const r = frozenRun(id, state, hours, error);
    return {
      id: r.id,
      state: r.state,
      createdAt: new Date(r.createdMs).toISOString(),
      startedAt: r.startedMs === null ? null : new Date(r.startedMs).toISOString(),
      finishedAt: r.finishedMs === null ? null : new Date(r.finishedMs).toISOString(),
      error,
    };
  };
  const build = (id: number, name: string, state: string, hours: number, binary: boolean, error: string | null = null): CivisModelBuild => {
    const done = state === 'succeeded';
    return {
      id,
      state,
      error,
      name,
      createdAt: at(hours),
      description: null,
      rootMeanSquaredError: done && !binary ? 412.37 : null,
      rSquaredError: done && !binary ? 0.61 : null,
      rocPoints: done && binary ? [{ falsePositiveRate: 0, truePositiveRate: 0 }, { falsePositiveRate: 0.2, truePositiveRate: 0.71 }, { falsePositiveRate: 1, truePositiveRate: 1 }] : [],
      rocAuc: done && binary ? 0.83 : null,
      averageLogLoss: done && binary ? 0.41 : null,
      fitDurationInSeconds: done ? 318 : null,
      outputLocation: done ? `s3://augur-demo-models/builds/${id}/` : null,
      transformationMetadata: null,
      lastRun: runOf(80000 + id, state, hours, error),
    };
  };
  // [id, name, tableId, credentialId, dv, modelTypeId, userId, builds, activeBuildId, archived, hours]
  const specs: Array<{ id: number; name: string; table: number; cred: number; dv: string; type: number; user: number; builds: CivisModelBuild[]; active: number | null; archived: boolean; hours: number }> = [
    {
      id: 3001,
      name: 'Churn propensity',
      table: 2001,
      cred: 1001,
      dv: 'churned',
      type: 1,
      user: 4257,
      builds: [build(3101, 'Build 1', 'succeeded', 300, true), build(3102, 'Build 2', 'succeeded', 620, true)],
      active: 3102,
      archived: false,
      hours: 290,
    },
    {
      id: 3002,
      name: 'Lifetime value',
      table: 2001,
      cred: 1004,
      dv: 'lifetime_value',
      type: 3,
      user: 4258,
      builds: [build(3103, 'Build 1', 'failed', 410, false, 'Dependent variable lifetime_value has 12% nulls'), build(3104, 'Build 2', 'succeeded', 450, false)],
      active: 3104,
      archived: false,
      hours: 400,
    },
    {
      id: 3003,
      name: 'Invoice payment',
      table: 2009,
      cred: 1008,
      dv: 'paid',
      type: 2,
      user: 4259,
      builds: [build(3105, 'Build 1', 'running', 938, true)],
      active: null,
      archived: false,
      hours: 930,
    },
    {
      id: 3004,
      name: 'Archived baseline',
      table: 2002,
      cred: 1001,
      dv: 'status',
      type: 1,
      user: 4257,
      builds: [],
      active: null,
      archived: true,
      hours: 50,
    },
  ];
  // [id, modelId, scoredTableId, outputTable, state, error]
  const predSpecs: Array<[number, number, number, string | null, string, string | null]> = [
    [3501, 3001, 2001, 'analytics.churn_scores', 'succeeded', null],
    [3502, 3001, 2012, 'scratch.churn_sandbox', 'failed', 'Column churned is missing from public.customers'],
    [3503, 3002, 2001, 'scratch.ltv_scores', 'succeeded', null],
    [3504, 3003, 2009, null, 'running', null],
  ];
  const predictions = new Map<number, PredictionRecord>();
  for (const [id, modelId, tableId, output, state, error] of predSpecs) {
    const t = tables.get(tableId)!.summary;
    const lastRun = runOf(85000 + id, state, 600 + (id - 3500) * 40, error);
    const model = specs.find((m) => m.id === modelId)!;
    const wire = {
      id,
      modelId,
      scoredTableId: tableId,
      scoredTableName: `${t.schema}.${t.name}`,
      outputTableName: output,
      state,
      error,
      startedAt: lastRun.startedAt,
      finishedAt: lastRun.finishedAt,
      lastRun,
    };
    predictions.set(id, {
      wire,
      detail: {
        ...wire,
        scoredTables: state === 'succeeded' ? [{ id: tableId, schema: t.schema, name: t.name, createdAt: lastRun.finishedAt!, scoreStats: [] }] : [],
        schedule: UNSCHEDULED,
        limitingSQL: null,
        primaryKey: tables.get(model.table)!.detail.primaryKeys.slice(),
      },
    });
  }
  const models = new Map<number, ModelRecord>();
  for (const m of specs) {
    const t = tables.get(m.table)!;
    const last = m.builds[m.builds.length - 1];
    const wire = {
      id: m.id,
      tableName: `${t.summary.schema}.${t.summary.name}`,
      databaseId: t.summary.databaseId,
      credentialId: m.cred,
      modelName: m.name,
      description: null,
      interactionTerms: false,
      boxCoxTransformation: false,
      modelTypeId: m.type,
      primaryKey: t.detail.primaryKeys[0] ?? t.detail.columns[0]!.name,
      dependentVariable: m.dv,
      dependentVariableOrder: [],
      excludedColumns: [],
      limitingSQL: null,
      crossValidationParameters: {},
      numberOfFolds: 4,
      schedule: UNSCHEDULED,
      parentId: null,
      timeZone: 'America/Chicago',
      lastRun: last ? last.lastRun : null,
      user: users.get(m.user)!.ref,
      createdAt: at(m.hours),
      updatedAt: last ? last.createdAt : at(m.hours),
      currentBuildState: last ? last.state : 'idle',
      currentBuildException: last?.error ?? null,
      builds: m.builds.map((b) => ({ id: b.id, name: b.name, createdAt: b.createdAt, description: b.description })),
      predictions: [...predictions.values()]
        .filter((p) => p.wire.modelId === m.id)
        .map((p) => ({
          id: p.wire.id,
          tableName: p.wire.scoredTableName,
          primaryKey: p.detail.primaryKey,
          limitingSQL: null,
          outputTable: p.wire.outputTableName ?? '',
          state: p.wire.state,
        })),
      lastOutputLocation: last?.outputLocation ?? null,
      archived: m.archived,
    };
    models.set(m.id, {
      wire,
      detail: { ...wire, activeBuildId: m.active, notifications: { successEmailSubject: null, failureOn: true }, runningAs: users.get(m.user)!.ref, hidden: false },
      builds: m.builds,
    });
  }
  return { models, predictions };
}

function buildProjects(): Map<number, ProjectRecord> {
  const p = (over: Partial<ProjectRecord> & Pick<ProjectRecord, 'id' | 'authorId' | 'name' | 'memberIds' | 'createdAt' | 'updatedAt'>): ProjectRecord => ({
    description: null,
    note: null,
    autoShare: false,
    hidden: false,
    archived: false,
    scriptIds: [],
    importIds: [],
    modelIds: [],
    reportIds: [],
    fileIds: [],
    tableIds: [],
    ...over,
  });
  const list = [
    p({
      id: 7001,
      authorId: 4257,
      name: 'Churn reduction',
      description: 'Predict and reduce customer churn.',
      memberIds: [4257, 4258],
      createdAt: at(5),
      updatedAt: at(640),
      scriptIds: [5002],
      modelIds: [3001],
      fileIds: [8001, 8002],
      tableIds: [2001, 2005],
      note: 'Weekly sync on Mondays.',
    }),
    p({
      id: 7002,
      authorId: 4258,
      name: 'Revenue reporting',
      description: 'Dashboards and rollups for finance.',
      memberIds: [4258, 4257, 4260],
      createdAt: at(15),
      updatedAt: at(810),
      scriptIds: [5001, 5003],
      reportIds: [9001],
      modelIds: [3002],
      tableIds: [2004],
      autoShare: true,
    }),
    p({
      id: 7003,
      authorId: 4259,
      name: 'Data platform',
      description: 'Imports, exports and plumbing.',
      memberIds: [4259, 4261],
      createdAt: at(25),
      updatedAt: at(560),
      scriptIds: [5004],
      importIds: [5101, 5104],
      fileIds: [8004],
    }),
    p({
      id: 7004,
      authorId: 4257,
      name: 'Archive 2025',
      memberIds: [4257],
      createdAt: at(1),
      updatedAt: at(100),
      archived: true,
    }),
  ];
  return new Map(list.map((x) => [x.id, x]));
}

function buildFiles(): Map<number, FileRecord> {
  const customers = ['customer_id,email,state', ...[0, 1, 2, 3, 4].map((r) => `${r + 1},user${r + 1}@example.com,${['IL', 'NY', 'CA', 'TX', 'WA'][r]}`)].join('\n') + '\n';
  const list: FileRecord[] = [
    { id: 8001, name: 'customers_2025.csv', authorId: 4257, createdAt: at(200), expiresAt: null, description: 'Customer extract for the churn project.', content: Buffer.from(customers) },
    { id: 8002, name: 'churn_model_report.html', authorId: 4257, createdAt: at(630), expiresAt: at(630 + 24 * 30), description: null, content: Buffer.from('<html><body><h1>Churn propensity</h1><p>AUC 0.83</p></body></html>\n') },
    { id: 8003, name: 'partner_drop.csv', authorId: 4258, createdAt: at(700), expiresAt: at(700 + 24 * 7), description: 'Weekly partner drop.', content: Buffer.from('partner_id,amount\n1,10.50\n2,99.00\n') },
    { id: 8004, name: 'ltv_weights.json', authorId: 4259, createdAt: at(720), expiresAt: null, description: null, content: Buffer.from('{"intercept": 12.5, "orders": 3.1}\n') },
  ];
  return new Map(list.map((f) => [f.id, f]));
}

function buildReports(users: Map<number, UserRecord>, jobs: Map<number, JobRecord>): Map<number, ReportRecord> {
  const specs: Array<{ id: number; name: string; user: number; type: string; state: string; hours: number; script: number | null; projects: Array<{ id: number; name: string }>; tableauId: number | null; members: number[] }> = [
    { id: 9001, name: 'Revenue dashboard', user: 4258, type: 'ReportTypes::HTML', state: 'succeeded', hours: 820, script: 5001, projects: [{ id: 7002, name: 'Revenue reporting' }], tableauId: null, members: [4258, 4257, 4260] },
    { id: 9002, name: 'Churn deep dive', user: 4257, type: 'ReportTypes::HTML', state: 'running', hours: 935, script: 5002, projects: [], tableauId: null, members: [4257] },
    { id: 9003, name: 'Tableau KPI workbook', user: 4259, type: 'ReportTypes::Tableau', state: 'succeeded', hours: 500, script: null, projects: [], tableauId: 77, members: [4259, 4261] },
  ];
  const out = new Map<number, ReportRecord>();
  for (const s of specs) {
    const j = s.script === null ? undefined : jobs.get(s.script);
    const run = frozenRun(88000 + s.id, s.state, s.hours);
    const lastRun: CivisRun = {
      id: run.id,
      state: run.state,
      createdAt: new Date(run.createdMs).toISOString(),
      startedAt: run.startedMs === null ? null : new Date(run.startedMs).toISOString(),
      finishedAt: run.finishedMs === null ? null : new Date(run.finishedMs).toISOString(),
      error: null,
    };
    const wire = {
      id: s.id,
      name: s.name,
      user: users.get(s.user)!.ref,
      createdAt: at(s.hours - 100),
      updatedAt: at(s.hours),
      type: s.type,
      archived: false,
      projects: s.projects,
      state: s.state,
      finishedAt: lastRun.finishedAt,
      vizUpdatedAt: lastRun.finishedAt,
      script: j ? { id: j.id, name: j.name, sql: j.sql ?? '' } : null,
      jobPath: j ? `/scripts/${j.id}` : null,
      tableauId: s.tableauId,
      templateId: null,
      authThumbnailUrl: null,
      lastRun,
    };
    out.set(s.id, {
      wire,
      detail: { ...wire, authDataUrl: null, authCodeUrl: null, config: null, validOutputFile: s.state === 'succeeded', provideAPIKey: false, hidden: false, myPermissionLevel: 'read', appState: {}, useViewersTableauUsername: false },
      memberIds: s.members,
    });
  }
  return out;
}

function buildQueries(store: Pick<SeedData, 'tables'>, firstRunId: number): { queries: Map<number, QueryRecord>; nextRun: number } {
  let runId = firstRunId;
  const specs: Array<[number, number, number, number, string, number]> = [
    // id, author, database, credential, sql, hours
    [6001, 4257, 32, 1001, 'SELECT customer_id, email FROM public.customers LIMIT 5', 610],
    [6002, 4258, 45, 1005, 'SELECT count(*) FROM public.invoices', 620],
    [6003, 4257, 32, 1001, 'SELECT * FROM analytics.missing_table', 630],
    [6004, 4259, 61, 1009, 'SELECT 1', 640],
    [6005, 4257, 45, 1002, 'SELECT name, channel FROM marketing.campaigns LIMIT 3', 650],
  ];
  const out = new Map<number, QueryRecord>();
  for (const [id, author, database, credential, sql, hours] of specs) {
    const outcome = runSql(store, database, sql, 100);
    const failed = 'error' in outcome;
    const run = frozenRun(runId++, failed ? 'failed' : 'succeeded', hours, failed ? outcome.error : null);
    out.set(id, {
      id,
      authorId: author,
      database,
      credential,
      sql,
      previewRows: 100,
      hidden: false,
      createdAt: new Date(run.createdMs).toISOString(),
      run,
      result: failed ? null : outcome,
    });
  }
  return { queries: out, nextRun: runId };
}

/** Builds the whole seed; calling it twice gives equal data (it is what `reset` restores). */
export function buildSeed(): SeedData {
  const rnd = seededRandom(0xc1715);
  const users = buildUsers();
  const databases = buildDatabases();
  const tables = buildTables(rnd);
  const credentials = buildCredentials(users, databases, rnd);
  const { jobs, nextRun } = buildJobs();
  const { models, predictions } = buildModels(users, tables);
  const reports = buildReports(users, jobs);
  const { queries, nextRun: afterQueries } = buildQueries({ tables }, nextRun);
  return {
    users,
    credentials,
    databases,
    tables,
    jobs,
    models,
    modelTypes: MODEL_TYPES,
    predictions,
    projects: buildProjects(),
    files: buildFiles(),
    queries,
    reports,
    nextIds: { credential: 1001 + CREDENTIALS.length, run: afterQueries, query: 6006, file: 8005, project: 7005, job: 5105, report: 9004 },
    organization: ORGANIZATION,
  };
}
