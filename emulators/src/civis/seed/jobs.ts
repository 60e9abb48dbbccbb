/**
 * Internal to the Civis emulator: the seeded scripts and imports with their runs.
 */
import type { CivisImportEndpoint } from '../types/jobs.js';
import type { JobRecord, RunRecord } from '../records.js';
import { SEED_BASE_MS, HOUR, at, UNSCHEDULED, NIGHTLY } from './base.js';

export function frozenRun(id: number, state: string, hours: number, error: string | null = null): RunRecord {
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

export function buildJobs(): { jobs: Map<number, JobRecord>; nextRun: number } {
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
  const script = (
    over: Partial<JobRecord> & Pick<JobRecord, 'id' | 'name' | 'type' | 'authorId' | 'createdAt' | 'updatedAt' | 'runs'>,
  ): JobRecord => ({
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
