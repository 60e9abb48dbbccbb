/**
 * Internal to the Civis emulator: the seeded projects, files, reports and queries.
 */
import type { CivisRun } from '../types/common.js';
import type { FileRecord, JobRecord, ProjectRecord, QueryRecord, ReportRecord, SeedData, UserRecord } from '../records.js';
import { at } from './base.js';
import { runSql } from './tables.js';
import { frozenRun } from './jobs.js';

export function buildProjects(): Map<number, ProjectRecord> {
  const p = (
    over: Partial<ProjectRecord> & Pick<ProjectRecord, 'id' | 'authorId' | 'name' | 'memberIds' | 'createdAt' | 'updatedAt'>,
  ): ProjectRecord => ({
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

export function buildFiles(): Map<number, FileRecord> {
  const customers =
    [
      'customer_id,email,state',
      ...[0, 1, 2, 3, 4].map((r) => `${r + 1},user${r + 1}@example.com,${['IL', 'NY', 'CA', 'TX', 'WA'][r]}`),
    ].join('\n') + '\n';
  const list: FileRecord[] = [
    {
      id: 8001,
      name: 'customers_2025.csv',
      authorId: 4257,
      createdAt: at(200),
      expiresAt: null,
      description: 'Customer extract for the churn project.',
      content: Buffer.from(customers),
    },
    {
      id: 8002,
      name: 'churn_model_report.html',
      authorId: 4257,
      createdAt: at(630),
      expiresAt: at(630 + 24 * 30),
      description: null,
      content: Buffer.from('<html><body><h1>Churn propensity</h1><p>AUC 0.83</p></body></html>\n'),
    },
    {
      id: 8003,
      name: 'partner_drop.csv',
      authorId: 4258,
      createdAt: at(700),
      expiresAt: at(700 + 24 * 7),
      description: 'Weekly partner drop.',
      content: Buffer.from('partner_id,amount\n1,10.50\n2,99.00\n'),
    },
    {
      id: 8004,
      name: 'ltv_weights.json',
      authorId: 4259,
      createdAt: at(720),
      expiresAt: null,
      description: null,
      content: Buffer.from('{"intercept": 12.5, "orders": 3.1}\n'),
    },
  ];
  return new Map(list.map((f) => [f.id, f]));
}

export function buildReports(users: Map<number, UserRecord>, jobs: Map<number, JobRecord>): Map<number, ReportRecord> {
  const specs: Array<{
    id: number;
    name: string;
    user: number;
    type: string;
    state: string;
    hours: number;
    script: number | null;
    projects: Array<{ id: number; name: string }>;
    tableauId: number | null;
    members: number[];
  }> = [
    {
      id: 9001,
      name: 'Revenue dashboard',
      user: 4258,
      type: 'ReportTypes::HTML',
      state: 'succeeded',
      hours: 820,
      script: 5001,
      projects: [{ id: 7002, name: 'Revenue reporting' }],
      tableauId: null,
      members: [4258, 4257, 4260],
    },
    {
      id: 9002,
      name: 'Churn deep dive',
      user: 4257,
      type: 'ReportTypes::HTML',
      state: 'running',
      hours: 935,
      script: 5002,
      projects: [],
      tableauId: null,
      members: [4257],
    },
    {
      id: 9003,
      name: 'Tableau KPI workbook',
      user: 4259,
      type: 'ReportTypes::Tableau',
      state: 'succeeded',
      hours: 500,
      script: null,
      projects: [],
      tableauId: 77,
      members: [4259, 4261],
    },
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
      detail: {
        ...wire,
        authDataUrl: null,
        authCodeUrl: null,
        config: null,
        validOutputFile: s.state === 'succeeded',
        provideAPIKey: false,
        hidden: false,
        myPermissionLevel: 'read',
        appState: {},
        useViewersTableauUsername: false,
      },
      memberIds: s.members,
    });
  }
  return out;
}

export function buildQueries(store: Pick<SeedData, 'tables'>, firstRunId: number): { queries: Map<number, QueryRecord>; nextRun: number } {
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
