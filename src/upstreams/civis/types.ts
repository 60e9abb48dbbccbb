/**
 * Wire types of the Civis Platform API (docs/upstreams.md §7 "Civis Platform"): camelCase JSON as the platform
 * answers it, field lists taken from the response schemas of the vendor's published Swagger document; resolver parents
 * map onto these. The emulator keeps its own copy (emulators/src/civis/types/): the gateway does not import the
 * emulators.
 */

/** The error envelope of every non-2xx answer. */
export interface CivisErrorBody {
  error: string;
  errorDescription: string;
  code: number;
}

/** The short user object embedded in credentials, projects, scripts... */
export interface CivisUserRef {
  id: number;
  name: string;
  username: string;
  initials: string;
  online: boolean;
}

export interface CivisGroupRef {
  id: number;
  name: string;
  slug: string;
  organizationId: number;
  organizationName: string;
}

/** `GET /credentials/`, `GET /credentials/{id}`. The password is never part of it. */
export interface CivisCredential {
  id: number;
  name: string;
  type: string;
  username: string | null;
  description: string | null;
  /** Username of the owner (the SDK's `get_aws_credential_id` filters on it). */
  owner: string;
  user: CivisUserRef;
  remoteHostId: number | null;
  remoteHostName: string | null;
  state: string | null;
  createdAt: string;
  updatedAt: string;
  default: boolean;
  oauth: boolean;
}

export interface CivisDatabase {
  id: number;
  name: string;
  adapter: string;
  clusterIdentifier: string | null;
  host: string;
  port: number;
  databaseName: string;
  managed: boolean;
}

export interface CivisSchema {
  schema: string;
}

export interface CivisSchemaTable {
  name: string;
  schema: string;
  isView: boolean;
  databaseId: number;
}

/** A run as embedded in `lastRun` and served by `/jobs/{id}/runs`. */
export interface CivisRun {
  id: number;
  state: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export interface CivisTableTag {
  id: number;
  name: string;
}

export interface CivisTableSummary {
  id: number;
  databaseId: number;
  schema: string;
  name: string;
  description: string | null;
  isView: boolean;
  rowCount: number;
  columnCount: number;
  sizeMb: number | null;
  owner: string;
  distkey: string | null;
  sortkeys: string | null;
  refreshStatus: string;
  lastRefresh: string | null;
  refreshId: string | null;
  lastRun: CivisRun | null;
  tableTags: CivisTableTag[];
}

export interface CivisColumn {
  name: string;
  civisDataType: string;
  sqlType: string;
  sampleValues: string[];
  encoding: string;
  description: string | null;
  order: number;
  minValue: string | null;
  maxValue: string | null;
  avgValue: number | null;
  stddev: number | null;
  valueDistributionPercent: Record<string, number>;
  coverageCount: number;
  nullCount: number;
  possibleDependentVariableTypes: string[];
  useableAsIndependentVariable: boolean;
  useableAsPrimaryKey: boolean;
  valueDistribution: Record<string, number>;
  distinctCount: number;
}

/** `PATCH /tables/{id}`: the summary plus the editable metadata, without columns, joins or definitions. */
export interface CivisTableUpdated extends CivisTableSummary {
  dataUpdatedAt: string | null;
  schemaUpdatedAt: string | null;
  primaryKeys: string[];
  lastModifiedKeys: string[];
  ontologyMapping: Record<string, string>;
}

export interface CivisTableDetail extends CivisTableSummary {
  dataUpdatedAt: string | null;
  schemaUpdatedAt: string | null;
  primaryKeys: string[];
  lastModifiedKeys: string[];
  ontologyMapping: Record<string, string>;
  columns: CivisColumn[];
  joins: unknown[];
  multipartKey: string[];
  enhancements: unknown[];
  viewDef: string | null;
  tableDef: string | null;
  outgoingTableMatches: unknown[];
}

export interface CivisUserSummary {
  id: number;
  user: string;
  name: string;
  email: string;
  active: boolean;
  primaryGroupId: number;
  groups: CivisGroupRef[];
  createdAt: string;
  currentSignInAt: string | null;
  updatedAt: string;
  lastSeenAt: string | null;
  suspended: boolean;
  createdById: number | null;
  lastUpdatedById: number | null;
  unconfirmedEmail: string | null;
  accountStatus: string;
}

export interface CivisUserDetail extends CivisUserSummary {
  initials: string;
  city: string | null;
  state: string | null;
  timeZone: string;
  department: string | null;
  title: string | null;
  githubUsername: string | null;
  robot: boolean;
  phone: string | null;
  organizationSlug: string;
  myPermissionLevel: string;
}

/** `GET /users/me`. */
export interface CivisMe {
  id: number;
  name: string;
  email: string;
  username: string;
  initials: string;
  lastCheckedAnnouncements: string;
  featureFlags: Record<string, boolean>;
  roles: string[];
  preferences: Record<string, unknown>;
  customBranding: string | null;
  primaryGroupId: number;
  groups: CivisGroupRef[];
  organizationName: string;
  organizationSlug: string;
  organizationDefaultThemeId: number | null;
  createdAt: string;
  signInCount: number;
  assumingRole: boolean;
  roleAssumer: Record<string, unknown>;
  assumingAdmin: boolean;
  assumingAdminExpiration: string | null;
  superadminModeExpiration: string | null;
  disableNonCompliantFedrampFeatures: boolean;
  personaRole: string | null;
  createdById: number | null;
  lastUpdatedById: number | null;
}

export interface CivisSchedule {
  scheduled: boolean;
  scheduledDays: number[];
  scheduledHours: number[];
  scheduledMinutes: number[];
  scheduledRunsPerHour: number | null;
  scheduledDaysOfMonth: number[];
}

/** `GET /jobs/`. */
export interface CivisJob {
  id: number;
  name: string;
  type: string;
  fromTemplateId: number | null;
  state: string;
  createdAt: string;
  updatedAt: string;
  lastRun: CivisRun | null;
  archived: boolean;
  author: CivisUserRef;
  schedule: CivisSchedule;
}

/** `GET /jobs/{id}`. */
export interface CivisJobDetail extends CivisJob {
  runs: CivisRun[];
  hidden: boolean;
  successEmailSubject: string | null;
  successEmailBody: string | null;
  runningAsUser: string;
  runByUser: string;
}

/** `GET /scripts/`. */
export interface CivisScript {
  id: number;
  name: string;
  type: string;
  createdAt: string;
  updatedAt: string;
  author: CivisUserRef;
  state: string;
  finishedAt: string | null;
  category: string;
  projects: Array<{ id: number; name: string }>;
  parentId: number | null;
  isTemplate: boolean;
  fromTemplateId: number | null;
  templateScriptId: number | null;
  links: { details: string; runs: string };
  timeZone: string;
  lastRun: CivisRun | null;
  archived: boolean;
}

/** A parameter a script declares (`params` of a script's detail). */
export interface CivisScriptParamWire {
  name: string;
  label?: string | null;
  description?: string | null;
  type: string;
  required?: boolean | null;
  value?: string | null;
  default?: string | null;
  allowedValues?: Array<{ label?: string | null; value: string }> | null;
}

/** What a script sends after its runs. */
export interface CivisNotifications {
  urls: string[];
  successEmailSubject: string | null;
  successEmailBody: string | null;
  successEmailAddresses: string[];
  successEmailFromName: string | null;
  successEmailReplyTo: string | null;
  failureEmailAddresses: string[];
  stallWarningMinutes: number | null;
  successOn: boolean;
  failureOn: boolean;
}

/** `GET /jobs/{id}/runs/{run_id}/outputs`: one thing a run produced (a query's run: its result file). */
export interface CivisRunOutput {
  objectType: string;
  objectId: number;
  name: string;
  link: string;
  value: string | null;
}

export interface CivisScriptDetail extends CivisScript {
  hidden: boolean;
  schedule: CivisSchedule;
  params: CivisScriptParamWire[];
  arguments: Record<string, unknown>;
  notifications: CivisNotifications;
  runningAs: CivisUserRef;
  sql: string | null;
  source: string | null;
  expectedRuntime: number | null;
  myPermissionLevel: string;
}

/** `POST /scripts/{id}/cancel`. */
export interface CivisCancelResult {
  id: number;
  state: string;
  isCancelRequested: boolean;
}

export interface CivisImportEndpoint {
  remoteHostId: number | null;
  credentialId: number | null;
  additionalCredentials: number[];
  name: string;
}

export interface CivisImport {
  name: string;
  syncType: string;
  /** `null` when the import has none (an AutoImport has no source). */
  source: CivisImportEndpoint | null;
  destination: CivisImportEndpoint | null;
  schedule: CivisSchedule;
  id: number;
  isOutbound: boolean;
  jobType: string;
  state: string;
  createdAt: string;
  updatedAt: string;
  lastRun: CivisRun | null;
  user: CivisUserRef;
  timeZone: string;
  archived: boolean;
}

export interface CivisImportDetail extends CivisImport {
  hidden: boolean;
  parentId: number | null;
  runningAs: CivisUserRef;
  myPermissionLevel: string;
}

export interface CivisModelBuild {
  id: number;
  state: string;
  error: string | null;
  name: string;
  createdAt: string;
  description: string | null;
  rootMeanSquaredError: number | null;
  rSquaredError: number | null;
  rocPoints: Array<{ falsePositiveRate: number; truePositiveRate: number }>;
  rocAuc: number | null;
  averageLogLoss: number | null;
  fitDurationInSeconds: number | null;
  outputLocation: string | null;
  transformationMetadata: string | null;
  lastRun: CivisRun | null;
}

export interface CivisModel {
  id: number;
  tableName: string;
  databaseId: number;
  credentialId: number;
  modelName: string;
  description: string | null;
  interactionTerms: boolean;
  boxCoxTransformation: boolean;
  modelTypeId: number;
  primaryKey: string;
  dependentVariable: string;
  dependentVariableOrder: string[];
  excludedColumns: string[];
  limitingSQL: string | null;
  crossValidationParameters: Record<string, unknown>;
  numberOfFolds: number;
  schedule: CivisSchedule;
  parentId: number | null;
  timeZone: string;
  lastRun: CivisRun | null;
  user: CivisUserRef;
  createdAt: string;
  updatedAt: string;
  currentBuildState: string;
  currentBuildException: string | null;
  builds: Array<{ id: number; name: string; createdAt: string; description: string | null }>;
  predictions: Array<{
    id: number;
    tableName: string;
    primaryKey: string[];
    limitingSQL: string | null;
    outputTable: string;
    state: string;
  }>;
  lastOutputLocation: string | null;
  archived: boolean;
}

export interface CivisModelDetail extends CivisModel {
  activeBuildId: number | null;
  notifications: Record<string, unknown>;
  runningAs: CivisUserRef;
  hidden: boolean;
}

export interface CivisModelType {
  id: number;
  algorithm: string;
  dvType: string;
  fintAllowed: boolean;
}

export interface CivisPrediction {
  id: number;
  modelId: number;
  scoredTableId: number;
  scoredTableName: string;
  outputTableName: string | null;
  state: string;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  lastRun: CivisRun | null;
}

export interface CivisPredictionDetail extends CivisPrediction {
  scoredTables: Array<{ id: number; schema: string; name: string; createdAt: string; scoreStats: unknown[] }>;
  schedule: CivisSchedule;
  limitingSQL: string | null;
  primaryKey: string[];
}

export interface CivisProjectObjectRef {
  id: number;
  name: string;
}

/** `GET /projects/`. */
export interface CivisProject {
  id: number;
  author: CivisUserRef;
  name: string;
  description: string | null;
  users: CivisUserRef[];
  autoShare: boolean;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface CivisProjectDetail extends CivisProject {
  tables: Array<{ schema: string; name: string; rowCount: number; columnCount: number; createdAt: string; updatedAt: string }>;
  surveys: unknown[];
  scripts: Array<{
    id: number;
    createdAt: string;
    updatedAt: string;
    name: string;
    type: string;
    finishedAt: string | null;
    state: string;
    lastRun: CivisRun | null;
  }>;
  imports: Array<{
    id: number;
    createdAt: string;
    updatedAt: string;
    name: string;
    type: string;
    finishedAt: string | null;
    state: string;
    lastRun: CivisRun | null;
  }>;
  exports: unknown[];
  models: Array<{ id: number; createdAt: string; updatedAt: string; name: string; state: string; lastRun: CivisRun | null }>;
  notebooks: unknown[];
  services: unknown[];
  workflows: unknown[];
  reports: Array<{ id: number; createdAt: string; updatedAt: string; name: string; state: string }>;
  scriptTemplates: unknown[];
  files: CivisProjectFileRef[];
  enhancements: unknown[];
  projects: CivisProjectObjectRef[];
  allObjects: Array<{
    projectId: number;
    objectId: number;
    objectType: string;
    fcoType: string;
    subType: string;
    name: string;
    icon: string;
    author: string;
    updatedAt: string;
    archived: boolean;
  }>;
  note: string | null;
  canCurrentUserEnableAutoShare: boolean;
  hidden: boolean;
  parentProject: CivisProjectObjectRef | null;
  myPermissionLevel: string;
}

/** `POST /files/` answer. */
export interface CivisFileCreated {
  id: number;
  name: string;
  createdAt: string;
  /** 0 until the upload lands. */
  fileSize: number;
  expiresAt: string | null;
  description: string | null;
  uploadUrl: string;
  uploadFields: Record<string, string>;
  myPermissionLevel: string;
}

/** `POST /files/multipart`: the file record plus one presigned-style part URL per part, in part order. */
export interface CivisMultipartFileCreated {
  id: number;
  name: string;
  createdAt: string;
  /** 0 until the upload is completed. */
  fileSize: number;
  expiresAt: string | null;
  description: string | null;
  /** `PUT` each part's bytes to its URL (no auth), then `POST /files/multipart/{id}/complete`. */
  uploadUrls: string[];
}

/** `GET /files/{id}`, `PUT` and `PATCH /files/{id}`. */
export interface CivisFile {
  id: number;
  name: string;
  createdAt: string;
  /** 0 while the file has no content. */
  fileSize: number;
  /** `null`: kept indefinitely. */
  expiresAt: string | null;
  description: string | null;
  author: CivisUserRef;
  /** A presigned-style URL that needs no auth; `null` while the file has no content. */
  downloadUrl: string | null;
  /** The same URL as `downloadUrl` (civis-python downloads through this one, without auth). */
  fileUrl: string | null;
  detectedInfo: {
    includeHeader: boolean | null;
    columnDelimiter: string | null;
    compression: string | null;
    tableColumns: Array<{ name: string; sqlType: string }>;
  };
  myPermissionLevel: string;
}

/** `GET /queries/`, `GET /queries/{id}`, `POST /queries/`. */
export interface CivisQuery {
  id: number;
  database: number;
  sql: string;
  credential: number;
  resultRows: string[][] | null;
  resultColumns: string[] | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  state: string;
  scriptId: number | null;
  exception: string | null;
  createdAt: string;
  updatedAt: string;
  lastRunId: number;
  hidden: boolean;
  archived: boolean;
  name: string | null;
  author: CivisUserRef;
  previewRows: number;
  reportId: number | null;
}

/** `POST /queries/` answers the query with the CSV options its result file is written with. */
export interface CivisQueryCreated extends CivisQuery {
  myPermissionLevel: string;
  interactive: boolean;
  includeHeader: boolean;
  compression: string;
  columnDelimiter: string;
  unquoted: boolean;
  filenamePrefix: string | null;
}

/** A file as `GET /projects/{project_id}` lists it. */
export interface CivisProjectFileRef {
  id: number;
  createdAt: string;
  updatedAt: string;
  name: string;
  fileName: string;
  fileSize: number | null;
  expired: boolean;
}

/** `GET /reports/`. */
export interface CivisReport {
  id: number;
  name: string;
  user: CivisUserRef;
  createdAt: string;
  updatedAt: string;
  type: string;
  archived: boolean;
  projects: CivisProjectObjectRef[];
  state: string;
  finishedAt: string | null;
  vizUpdatedAt: string | null;
  script: { id: number; name: string; sql: string } | null;
  jobPath: string | null;
  tableauId: number | null;
  templateId: number | null;
  authThumbnailUrl: string | null;
  lastRun: CivisRun | null;
}

export interface CivisReportDetail extends CivisReport {
  authDataUrl: string | null;
  authCodeUrl: string | null;
  config: string | null;
  validOutputFile: boolean;
  provideAPIKey: boolean;
  hidden: boolean;
  myPermissionLevel: string;
  appState: Record<string, unknown>;
  useViewersTableauUsername: boolean;
}

/**
 * A user in whichever shape a Civis answer carried it: the short `{id, name, username, initials, online}` embedded in
 * credentials, jobs and projects, a `GET /users/` summary, `GET /users/{id}`, or `GET /users/me`. Only `id` is
 * certain; resolvers load `GET /users/{id}` (once per user and request) for a field the shape at hand lacks.
 */
export type CivisUserParent = { id: number } & Partial<Omit<CivisUserRef, 'id'>> &
  Partial<Omit<CivisUserDetail, 'id'>> &
  Partial<Omit<CivisMe, 'id'>>;

/** A run of a job (scripts and imports are jobs too), with the job it belongs to: its global id is `jobId:runId`. */
export type CivisJobRunParent = CivisRun & { jobId: number };

/** Mapper of `CivisProjectObject`: one entry of a project's `allObjects`. */
export type CivisProjectObjectShape = CivisProjectDetail['allObjects'][number];
