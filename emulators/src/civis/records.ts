/**
 * Internal to the Civis emulator: the records the store keeps and the seed builds, and the constants both share.
 */
import type { CivisCredential, CivisDatabase } from './types/accounts.js';
import type { CivisGroupRef, CivisSchedule, CivisUserRef } from './types/common.js';
import type { CivisImportEndpoint } from './types/jobs.js';
import type {
  CivisModel,
  CivisModelBuild,
  CivisModelDetail,
  CivisModelType,
  CivisPrediction,
  CivisPredictionDetail,
} from './types/models.js';
import type { CivisTableDetail, CivisTableSummary } from './types/tables.js';
import type { CivisReport, CivisReportDetail } from './types/workspace.js';

/** Every credential type the API knows (`GET /credentials/types`). */
export const CREDENTIAL_TYPES = [
  'Amazon Web Services S3',
  'Bitbucket',
  'CASS/NCOA PAF',
  'Certificate',
  'Civis Platform',
  'Custom',
  'Database',
  'Google',
  'Github',
  'Salesforce User',
  'Salesforce Client',
  'TableauUser',
] as const;

/** Import sync types `POST /imports/` accepts. */
export const IMPORT_SYNC_TYPES = ['Dbsync', 'AutoImport', 'GdocImport', 'GdocExport', 'Salesforce'] as const;

/**
 * S3's multipart limits, which the platform's part URLs are subject to: at most 10 000 parts, and every part but the
 * last at least 5 MiB when the upload is completed (civis-python's own `MIN_PART_SIZE`).
 */
export const MULTIPART_MAX_PARTS = 10_000;
export const MULTIPART_MIN_PART_BYTES = 5 * 2 ** 20;

export interface UserRecord {
  id: number;
  name: string;
  username: string;
  email: string;
  initials: string;
  online: boolean;
  active: boolean;
  accountStatus: string;
  roles: string[];
  groups: CivisGroupRef[];
  createdAt: string;
  lastSeenAt: string | null;
  title: string | null;
  department: string | null;
  timeZone: string;
  featureFlags: Record<string, boolean>;
  ref: CivisUserRef;
}

export interface CredentialRecord {
  wire: CivisCredential;
  ownerId: number;
  /** Stored for `/credentials/authenticate`; never rendered. */
  password: string;
  /** Users who can read it besides the owner; `all` for credentials shared with the whole organisation. */
  sharedWith: 'all' | number[];
  system: boolean;
}

export interface TableRecord {
  summary: CivisTableSummary;
  detail: CivisTableDetail;
}

/** A run of a job or a query. Seeded runs are frozen; runs started through the API progress as they are polled. */
export interface RunRecord {
  id: number;
  state: string;
  createdMs: number;
  startedMs: number | null;
  finishedMs: number | null;
  error: string | null;
  live: boolean;
  /** Polling reads seen while queued or running. */
  reads: number;
  /** What a live run ends as. */
  outcome: 'succeeded' | 'failed';
  outcomeError: string | null;
}

export interface ImportSpec {
  syncType: string;
  isOutbound: boolean;
  source: CivisImportEndpoint | null;
  destination: CivisImportEndpoint | null;
}

/** Scripts and imports are both jobs and share one id space, as on the platform. */
export interface JobRecord {
  id: number;
  name: string;
  type: string;
  kind: 'script' | 'import';
  authorId: number;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  hidden: boolean;
  fromTemplateId: number | null;
  templateScriptId: number | null;
  isTemplate: boolean;
  parentId: number | null;
  category: string;
  timeZone: string;
  schedule: CivisSchedule;
  projectIds: number[];
  sql: string | null;
  source: string | null;
  runs: RunRecord[];
  import: ImportSpec | null;
  /** Script parameters and their values, as given when the script was created. */
  params?: unknown[];
  arguments?: Record<string, unknown>;
  /** What is sent after a run (e-mails, webhook URLs), as given; absent until a write sets it. */
  notifications?: Record<string, unknown>;
  /** A container script's image, command and resources. */
  container?: ContainerSpec | null;
}

/** What a container script runs. */
export interface ContainerSpec {
  dockerImageName: string;
  dockerImageTag: string;
  dockerCommand: string;
  repoHttpUri: string | null;
  requiredResources: Record<string, unknown>;
}

export interface ModelRecord {
  wire: CivisModel;
  detail: CivisModelDetail;
  builds: CivisModelBuild[];
}

export interface PredictionRecord {
  wire: CivisPrediction;
  detail: CivisPredictionDetail;
}

export interface ProjectRecord {
  id: number;
  authorId: number;
  name: string;
  description: string | null;
  note: string | null;
  memberIds: number[];
  autoShare: boolean;
  hidden: boolean;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
  scriptIds: number[];
  importIds: number[];
  modelIds: number[];
  reportIds: number[];
  fileIds: number[];
  tableIds: number[];
}

export interface FileRecord {
  id: number;
  name: string;
  authorId: number;
  createdAt: string;
  expiresAt: string | null;
  description: string | null;
  content: Buffer | null;
  /** What the platform detected of a CSV it wrote itself (a query's result file); otherwise sniffed from the content. */
  detected?: { includeHeader: boolean; columnDelimiter: string; compression: string } | null;
  /** The multipart upload in progress, from `POST /files/multipart` until it is completed or aborted. */
  upload?: MultipartUpload | null;
}

/** A multipart upload in progress: the parts received so far through the part URLs. */
export interface MultipartUpload {
  /** Carried by every part URL, so a URL of an earlier, finished upload no longer matches anything. */
  uploadId: string;
  numParts: number;
  /** Part number (1-based) to its bytes; a part sent again replaces the earlier copy, as S3 does. */
  parts: Map<number, Buffer>;
}

export interface QueryRecord {
  id: number;
  authorId: number;
  database: number;
  credential: number;
  sql: string;
  previewRows: number;
  hidden: boolean;
  createdAt: string;
  run: RunRecord;
  result: { columns: string[]; rows: string[][] } | null;
  /** How the result file is written (`POST /queries/`'s CSV options); the seed's queries use the defaults. */
  export?: QueryExport;
  /** The result file, written the first time a succeeded run's outputs are read. */
  resultFileId?: number | null;
}

/** The CSV options of a query's result file, as `POST /queries/` takes them. */
export interface QueryExport {
  includeHeader: boolean;
  compression: 'gzip' | 'zip' | 'none';
  columnDelimiter: 'comma' | 'tab' | 'pipe';
  unquoted: boolean;
  filenamePrefix: string | null;
}

/** Defaults of `POST /queries/`'s CSV options, from the vendor's spec. */
export const DEFAULT_QUERY_EXPORT: QueryExport = {
  includeHeader: true,
  compression: 'gzip',
  columnDelimiter: 'comma',
  unquoted: false,
  filenamePrefix: null,
};

/** **[OURS]** Most rows the emulator writes to a query's result file (the seed's largest table has two million). */
export const RESULT_FILE_MAX_ROWS = 200_000;

export interface ReportRecord {
  wire: CivisReport;
  detail: CivisReportDetail;
  memberIds: number[];
  /** The HTML of a report created or edited through the API; stored, never rendered in JSON. */
  codeBody?: string | null;
}

/** The seed as built by `seed.ts`: every collection plus the next free id of each writable one. */
export interface SeedData {
  users: Map<number, UserRecord>;
  credentials: Map<number, CredentialRecord>;
  databases: Map<number, CivisDatabase>;
  tables: Map<number, TableRecord>;
  jobs: Map<number, JobRecord>;
  models: Map<number, ModelRecord>;
  modelTypes: CivisModelType[];
  predictions: Map<number, PredictionRecord>;
  projects: Map<number, ProjectRecord>;
  files: Map<number, FileRecord>;
  queries: Map<number, QueryRecord>;
  reports: Map<number, ReportRecord>;
  /** `job` is shared by scripts and imports, as their ids are. */
  nextIds: { credential: number; run: number; query: number; file: number; project: number; job: number; report: number };
  organization: { id: number; name: string; slug: string };
}

/** How runs started through the API move on. */
export interface ProgressOptions {
  /** Polling reads (GET of the run, its job, script or query) after which a queued run has finished. */
  runReadsToFinish: number;
  /** Milliseconds after creation after which a run has finished whatever the reads; `undefined` turns time off. */
  runFinishAfterMs: number | undefined;
  now: () => number;
}

/** What a SQL text does when run, decided by `seed.ts` from the tables it names. */
export type SqlOutcome = { columns: string[]; rows: string[][] } | { error: string };

/** Runs a SQL text against the seeded tables; `seed.ts` provides the one the emulator uses. */
export type SqlRunner = (store: Pick<SeedData, 'tables'>, databaseId: number, sql: string, previewRows: number) => SqlOutcome;

/** The URL segment of each script type in `links`. */
export const SCRIPT_SEGMENTS: Record<string, string> = {
  'JobTypes::SqlRunner': 'sql',
  'JobTypes::PythonDocker': 'python3',
  'JobTypes::RDocker': 'r',
  'JobTypes::ContainerDocker': 'containers',
  'JobTypes::JavascriptRunner': 'javascript',
};

/** The languages scripts are created in through `POST /scripts/{segment}`. */
export type ScriptSegment = 'sql' | 'python3' | 'r' | 'containers';

/** The job type of each script language. */
export const SCRIPT_JOB_TYPES: Record<ScriptSegment, string> = {
  sql: 'JobTypes::SqlRunner',
  python3: 'JobTypes::PythonDocker',
  r: 'JobTypes::RDocker',
  containers: 'JobTypes::ContainerDocker',
};

/** The parameter types a script's `params` may declare, from the vendor's spec. */
export const SCRIPT_PARAM_TYPES = [
  'string',
  'multi_line_string',
  'integer',
  'float',
  'bool',
  'file',
  'table',
  'database',
  'credential_aws',
  'credential_redshift',
  'credential_custom',
] as const;

/** The keys of a script's `notifications`. */
export const NOTIFICATION_KEYS = [
  'urls',
  'successEmailSubject',
  'successEmailBody',
  'successEmailAddresses',
  'successEmailFromName',
  'successEmailReplyTo',
  'failureEmailAddresses',
  'stallWarningMinutes',
  'successOn',
  'failureOn',
] as const;
