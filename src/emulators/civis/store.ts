/**
 * Internal to the Civis emulator: the mutable platform state (seeded by `seed.ts`), the rules that change it, and
 * the rendering of records into wire objects.
 */
import { createHash } from 'node:crypto';
import { badRequest, notFound, type Body } from './query.js';
import { UNSCHEDULED } from './seed.js';
import type {
  CivisCancelResult,
  CivisCredential,
  CivisDatabase,
  CivisFile,
  CivisFileCreated,
  CivisGroupRef,
  CivisImport,
  CivisImportDetail,
  CivisImportEndpoint,
  CivisJob,
  CivisJobDetail,
  CivisMe,
  CivisModel,
  CivisModelBuild,
  CivisModelDetail,
  CivisModelType,
  CivisMultipartFileCreated,
  CivisPrediction,
  CivisPredictionDetail,
  CivisProject,
  CivisProjectDetail,
  CivisQuery,
  CivisReport,
  CivisReportDetail,
  CivisRun,
  CivisSchedule,
  CivisScript,
  CivisScriptDetail,
  CivisTableDetail,
  CivisTableSummary,
  CivisTableUpdated,
  CivisUserDetail,
  CivisUserRef,
  CivisUserSummary,
} from './types.js';
import { EmulatorError } from '../framework/emulator.js';

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

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** Import sync types `POST /imports/` accepts. */
export const IMPORT_SYNC_TYPES = ['Dbsync', 'AutoImport', 'GdocImport', 'GdocExport', 'Salesforce'] as const;

const DAY_MS = 86_400_000;

/**
 * S3's multipart limits, which the platform's part URLs are subject to: at most 10 000 parts, and every part but the
 * last at least 5 MiB when the upload is completed (civis-python's own `MIN_PART_SIZE`).
 */
export const MULTIPART_MAX_PARTS = 10_000;
export const MULTIPART_MIN_PART_BYTES = 5 * 2 ** 20;
/** Part URLs are good for 12 hours, as the API documents for `uploadUrls`. */
const PART_URL_TTL_S = 12 * 3600;

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
}

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

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** The platform state for one emulator instance. */
export class CivisStore implements SeedData {
  users!: Map<number, UserRecord>;
  credentials!: Map<number, CredentialRecord>;
  databases!: Map<number, CivisDatabase>;
  tables!: Map<number, TableRecord>;
  jobs!: Map<number, JobRecord>;
  models!: Map<number, ModelRecord>;
  modelTypes!: CivisModelType[];
  predictions!: Map<number, PredictionRecord>;
  projects!: Map<number, ProjectRecord>;
  files!: Map<number, FileRecord>;
  queries!: Map<number, QueryRecord>;
  reports!: Map<number, ReportRecord>;
  nextIds!: SeedData['nextIds'];
  organization!: SeedData['organization'];
  /** Bumped by every change, so ETags change with the data. */
  version = 0;

  constructor(
    seed: SeedData,
    private readonly progress: ProgressOptions,
    private readonly runSql: (store: CivisStore, databaseId: number, sql: string, previewRows: number) => SqlOutcome,
  ) {
    Object.assign(this, seed);
  }

  private nowIso(): string {
    return new Date(this.progress.now()).toISOString();
  }

  // ---------------------------------------------------------------- users

  user(id: number): UserRecord {
    const u = this.users.get(id);
    if (!u) throw notFound();
    return u;
  }

  userSummary(u: UserRecord): CivisUserSummary {
    return {
      id: u.id,
      user: u.username,
      name: u.name,
      email: u.email,
      active: u.active,
      primaryGroupId: u.groups[0]!.id,
      groups: u.groups,
      createdAt: u.createdAt,
      currentSignInAt: u.lastSeenAt,
      updatedAt: u.createdAt,
      lastSeenAt: u.lastSeenAt,
      suspended: !u.active,
      createdById: null,
      lastUpdatedById: null,
      unconfirmedEmail: null,
      accountStatus: u.accountStatus,
    };
  }

  userDetail(u: UserRecord, callerId: number): CivisUserDetail {
    return {
      ...this.userSummary(u),
      initials: u.initials,
      city: null,
      state: null,
      timeZone: u.timeZone,
      department: u.department,
      title: u.title,
      githubUsername: null,
      robot: false,
      phone: null,
      organizationSlug: this.organization.slug,
      myPermissionLevel: u.id === callerId ? 'manage' : 'read',
    };
  }

  me(u: UserRecord): CivisMe {
    return {
      id: u.id,
      name: u.name,
      email: u.email,
      username: u.username,
      initials: u.initials,
      lastCheckedAnnouncements: u.createdAt,
      featureFlags: u.featureFlags,
      roles: u.roles,
      preferences: { default_success_notifications_on: true, default_failure_notifications_on: true, welcome_dismissed: true },
      customBranding: null,
      primaryGroupId: u.groups[0]!.id,
      groups: u.groups,
      organizationName: this.organization.name,
      organizationSlug: this.organization.slug,
      organizationDefaultThemeId: null,
      createdAt: u.createdAt,
      signInCount: 42,
      assumingRole: false,
      roleAssumer: {},
      assumingAdmin: false,
      assumingAdminExpiration: null,
      superadminModeExpiration: null,
      disableNonCompliantFedrampFeatures: false,
      personaRole: null,
      createdById: null,
      lastUpdatedById: null,
    };
  }

  // ---------------------------------------------------------------- credentials

  canRead(c: CredentialRecord, callerId: number): boolean {
    return c.ownerId === callerId || c.sharedWith === 'all' || c.sharedWith.includes(callerId);
  }

  /** A credential the caller may read; others are 404, as the API hides what one may not see. */
  credential(id: number, callerId: number): CredentialRecord {
    const c = this.credentials.get(id);
    if (!c || !this.canRead(c, callerId)) throw notFound();
    return c;
  }

  /** The caller's default credential, if any. */
  defaultCredential(callerId: number): CredentialRecord | undefined {
    for (const c of this.credentials.values()) if (c.ownerId === callerId && c.wire.default) return c;
    return undefined;
  }

  createCredential(callerId: number, body: Body): CivisCredential {
    const type = body.string('type');
    if (!type) throw badRequest(`type is required; expected one of ${CREDENTIAL_TYPES.join(', ')}.`);
    checkType(type);
    const ownerId = body.int('userId') ?? callerId;
    if (ownerId !== callerId) {
      throw badRequest(`userId ${ownerId} is not the caller (${callerId}); credentials can only be created for yourself.`);
    }
    const password = body.string('password');
    if (password === undefined || password === null) throw badRequest('password is required (it is stored, never returned).');
    const username = body.string('username') ?? null;
    if (type === 'Database' && !username) throw badRequest('username is required for a Database credential.');
    const now = this.nowIso();
    const owner = this.user(ownerId);
    const wire: CivisCredential = {
      id: this.nextIds.credential++,
      name: body.string('name') || username || type,
      type,
      username,
      description: body.string('description') ?? null,
      owner: owner.username,
      user: owner.ref,
      remoteHostId: null,
      remoteHostName: null,
      state: body.string('state') ?? null,
      createdAt: now,
      updatedAt: now,
      default: false,
      oauth: body.bool('oauth') ?? false,
    };
    this.applyRemoteHost(wire, body);
    if (type === 'Database' && wire.remoteHostId === null) {
      throw badRequest('remoteHostId is required for a Database credential; GET /databases/ lists the ids.');
    }
    const rec: CredentialRecord = { wire, ownerId, password, sharedWith: [], system: body.bool('systemCredential') ?? false };
    // Validate (makeDefault may refuse) before anything is stored.
    if (body.bool('default')) this.makeDefault(rec);
    this.credentials.set(wire.id, rec);
    this.version++;
    return rec.wire;
  }

  /** PUT (`replace`: type and password required, omitted optional fields reset) or PATCH (only given fields). */
  updateCredential(callerId: number, id: number, body: Body, replace: boolean): CivisCredential {
    const rec = this.credential(id, callerId);
    // Someone else's credential is as invisible to writes as an unknown one.
    if (rec.ownerId !== callerId) throw notFound();
    const w = { ...rec.wire };
    if (replace) {
      const type = body.string('type');
      if (!type) throw badRequest('type is required on PUT; use PATCH to change single fields.');
      const password = body.string('password');
      if (password === undefined || password === null) throw badRequest('password is required on PUT; use PATCH to change single fields.');
    }
    const type = body.string('type');
    if (type) {
      checkType(type);
      w.type = type;
    }
    if (body.has('name')) w.name = body.string('name') ?? w.name;
    if (replace || body.has('username')) w.username = body.string('username') ?? null;
    if (replace || body.has('description')) w.description = body.string('description') ?? null;
    if (replace || body.has('state')) w.state = body.string('state') ?? null;
    if (body.has('oauth')) w.oauth = body.bool('oauth') ?? false;
    if (replace) {
      w.remoteHostId = null;
      w.remoteHostName = null;
    }
    this.applyRemoteHost(w, body);
    if (w.type === 'Database' && w.remoteHostId === null) {
      throw badRequest('remoteHostId is required for a Database credential; GET /databases/ lists the ids.');
    }
    const def = body.bool('default');
    if (def === true && w.type !== 'Database') {
      throw badRequest(`only Database credentials can be a default, this one is ${JSON.stringify(w.type)}.`);
    }
    const password = body.string('password');
    if (password !== undefined && password !== null) rec.password = password;
    w.updatedAt = this.nowIso();
    if (def === false) w.default = false;
    rec.wire = w;
    if (def === true) this.makeDefault(rec);
    this.version++;
    return rec.wire;
  }

  deleteCredential(callerId: number, id: number): void {
    const rec = this.credential(id, callerId);
    if (rec.ownerId !== callerId) throw notFound();
    this.credentials.delete(id);
    this.version++;
  }

  /** `POST /credentials/authenticate`: finds the caller-visible credential with that username and password. */
  authenticate(callerId: number, body: Body): CivisCredential {
    const username = body.string('username');
    const password = body.string('password');
    if (!username || password === undefined || password === null) throw badRequest('username and password are required.');
    for (const c of this.credentials.values()) {
      if (c.wire.username === username && c.password === password && this.canRead(c, callerId)) return c.wire;
    }
    throw new EmulatorError(400, 'Username or password is incorrect.', { error: 'authentication_error' });
  }

  private applyRemoteHost(w: CivisCredential, body: Body): void {
    if (!body.has('remoteHostId')) return;
    const hostId = body.int('remoteHostId');
    if (hostId === null || hostId === undefined) {
      w.remoteHostId = null;
      w.remoteHostName = null;
      return;
    }
    const db = this.databases.get(hostId);
    if (!db) throw badRequest(`remoteHostId ${hostId} is not a known remote host; GET /databases/ lists the ids.`);
    w.remoteHostId = db.id;
    w.remoteHostName = db.name;
  }

  /** One default per owner: setting one unsets the previous. */
  private makeDefault(rec: CredentialRecord): void {
    if (rec.wire.type !== 'Database') {
      throw badRequest(`only Database credentials can be a default, this one is ${JSON.stringify(rec.wire.type)}.`);
    }
    for (const c of this.credentials.values()) {
      if (c.ownerId === rec.ownerId && c.wire.default && c !== rec) c.wire = { ...c.wire, default: false };
    }
    rec.wire = { ...rec.wire, default: true };
  }

  // ---------------------------------------------------------------- databases and tables

  database(id: number): CivisDatabase {
    const d = this.databases.get(id);
    if (!d) throw notFound();
    return d;
  }

  table(id: number): TableRecord {
    const t = this.tables.get(id);
    if (!t) throw notFound();
    return t;
  }

  /** `PATCH /tables/{id}`: only the fields given change; key lists and mapped columns must be columns of the table. */
  updateTable(id: number, body: Body): CivisTableUpdated {
    const t = this.table(id);
    const columns = new Set(t.detail.columns.map((c) => c.name));
    const checkColumns = (field: string, names: Iterable<string>) => {
      for (const n of names) {
        if (!columns.has(n)) {
          throw badRequest(`${field}: ${JSON.stringify(n)} is not a column of ${t.summary.schema}.${t.summary.name}; GET /tables/${id}/columns lists them.`);
        }
      }
    };
    const description = body.has('description') ? (body.string('description') ?? null) : undefined;
    const primaryKeys = body.has('primaryKeys') ? (body.stringList('primaryKeys') ?? []) : undefined;
    const lastModifiedKeys = body.has('lastModifiedKeys') ? (body.stringList('lastModifiedKeys') ?? []) : undefined;
    const ontologyMapping = body.has('ontologyMapping') ? (body.stringMap('ontologyMapping') ?? {}) : undefined;
    if (primaryKeys) checkColumns('primaryKeys', primaryKeys);
    if (lastModifiedKeys) checkColumns('lastModifiedKeys', lastModifiedKeys);
    if (ontologyMapping) checkColumns('ontologyMapping', Object.values(ontologyMapping));
    // Validate everything before changing anything.
    if (description !== undefined) {
      t.summary = { ...t.summary, description };
      t.detail = { ...t.detail, description };
    }
    if (primaryKeys) t.detail = { ...t.detail, primaryKeys: [...primaryKeys] };
    if (lastModifiedKeys) t.detail = { ...t.detail, lastModifiedKeys: [...lastModifiedKeys] };
    if (ontologyMapping) t.detail = { ...t.detail, ontologyMapping: { ...ontologyMapping } };
    this.version++;
    return this.tableUpdated(t);
  }

  /** The answer of `PATCH /tables/{id}`, fields in the platform's order. */
  tableUpdated(t: TableRecord): CivisTableUpdated {
    const s = t.summary;
    const d = t.detail;
    return {
      id: s.id,
      databaseId: s.databaseId,
      schema: s.schema,
      name: s.name,
      description: s.description,
      isView: s.isView,
      rowCount: s.rowCount,
      columnCount: s.columnCount,
      sizeMb: s.sizeMb,
      owner: s.owner,
      distkey: s.distkey,
      sortkeys: s.sortkeys,
      refreshStatus: s.refreshStatus,
      lastRefresh: s.lastRefresh,
      dataUpdatedAt: d.dataUpdatedAt,
      schemaUpdatedAt: d.schemaUpdatedAt,
      refreshId: s.refreshId,
      lastRun: s.lastRun,
      primaryKeys: d.primaryKeys,
      lastModifiedKeys: d.lastModifiedKeys,
      tableTags: s.tableTags,
      ontologyMapping: d.ontologyMapping,
    };
  }

  // ---------------------------------------------------------------- runs

  /** Moves a live run on: `observe` counts one polling read. Returns whether its state changed. */
  settle(run: RunRecord, observe: boolean): boolean {
    if (!run.live || TERMINAL.has(run.state)) return false;
    if (observe) run.reads++;
    const now = this.progress.now();
    const { runReadsToFinish, runFinishAfterMs } = this.progress;
    const before = run.state;
    if (run.reads >= runReadsToFinish || (runFinishAfterMs !== undefined && now - run.createdMs >= runFinishAfterMs)) {
      run.startedMs ??= now;
      run.finishedMs = now;
      run.state = run.outcome;
      run.error = run.outcome === 'failed' ? run.outcomeError : null;
    } else if (run.reads >= 1 && run.state === 'queued') {
      run.state = 'running';
      run.startedMs = now;
    }
    if (run.state !== before) {
      this.version++;
      return true;
    }
    return false;
  }

  newRun(outcome: RunRecord['outcome'] = 'succeeded', outcomeError: string | null = null): RunRecord {
    const run: RunRecord = {
      id: this.nextIds.run++,
      state: 'queued',
      createdMs: this.progress.now(),
      startedMs: null,
      finishedMs: null,
      error: null,
      live: true,
      reads: 0,
      outcome,
      outcomeError,
    };
    this.settle(run, false);
    this.version++;
    return run;
  }

  runWire(r: RunRecord): CivisRun {
    return { id: r.id, state: r.state, createdAt: iso(r.createdMs)!, startedAt: iso(r.startedMs), finishedAt: iso(r.finishedMs), error: r.error };
  }

  // ---------------------------------------------------------------- jobs, scripts, imports

  job(id: number): JobRecord {
    const j = this.jobs.get(id);
    if (!j) throw notFound();
    return j;
  }

  lastRun(j: JobRecord): RunRecord | undefined {
    return j.runs[j.runs.length - 1];
  }

  /** Settles time-based progress of a job's newest run; `observe` when this read is a poll of it. */
  touchJob(j: JobRecord, observe: boolean): void {
    const r = this.lastRun(j);
    if (r) this.settle(r, observe);
  }

  jobState(j: JobRecord): string {
    return this.lastRun(j)?.state ?? 'idle';
  }

  activeRun(j: JobRecord): RunRecord | undefined {
    return j.runs.find((r) => r.state === 'queued' || r.state === 'running');
  }

  /** `POST /jobs/{id}/runs` and `POST /scripts/{id}/run`: a run, unless one is already queued or running. */
  startRun(j: JobRecord, conflict: (active: RunRecord) => { error: string; message: string }): RunRecord {
    this.touchJob(j, false);
    const active = this.activeRun(j);
    if (active) {
      const { error, message } = conflict(active);
      throw new EmulatorError(409, message, { error });
    }
    const run = this.newRun();
    j.runs.push(run);
    return run;
  }

  cancelRun(j: JobRecord): CivisCancelResult {
    this.touchJob(j, false);
    const run = this.activeRun(j);
    if (!run) {
      throw new EmulatorError(409, `Script ${j.id} has no queued or running run to cancel; its state is ${this.jobState(j)}.`, {
        error: 'conflict',
      });
    }
    run.state = 'cancelled';
    run.finishedMs = this.progress.now();
    run.live = false;
    this.version++;
    return { id: run.id, state: run.state, isCancelRequested: true };
  }

  jobWire(j: JobRecord): CivisJob {
    const last = this.lastRun(j);
    return {
      id: j.id,
      name: j.name,
      type: j.type,
      fromTemplateId: j.fromTemplateId,
      state: this.jobState(j),
      createdAt: j.createdAt,
      updatedAt: j.updatedAt,
      lastRun: last ? this.runWire(last) : null,
      archived: j.archived,
      author: this.user(j.authorId).ref,
      schedule: j.schedule,
    };
  }

  jobDetail(j: JobRecord): CivisJobDetail {
    const author = this.user(j.authorId);
    return {
      ...this.jobWire(j),
      runs: j.runs
        .slice(-10)
        .reverse()
        .map((r) => this.runWire(r)),
      hidden: j.hidden,
      successEmailSubject: null,
      successEmailBody: null,
      runningAsUser: author.name,
      runByUser: author.name,
    };
  }

  scriptWire(j: JobRecord): CivisScript {
    const last = this.lastRun(j);
    const segment = SCRIPT_SEGMENTS[j.type] ?? 'custom';
    return {
      id: j.id,
      name: j.name,
      type: j.type,
      createdAt: j.createdAt,
      updatedAt: j.updatedAt,
      author: this.user(j.authorId).ref,
      state: this.jobState(j),
      finishedAt: last ? iso(last.finishedMs) : null,
      category: j.category,
      projects: j.projectIds.map((id) => ({ id, name: this.projects.get(id)?.name ?? '' })),
      parentId: j.parentId,
      isTemplate: j.isTemplate,
      fromTemplateId: j.fromTemplateId,
      templateScriptId: j.templateScriptId,
      links: { details: `/scripts/${segment}/${j.id}`, runs: `/scripts/${segment}/${j.id}/runs` },
      timeZone: j.timeZone,
      lastRun: last ? this.runWire(last) : null,
      archived: j.archived,
    };
  }

  scriptDetail(j: JobRecord, callerId: number): CivisScriptDetail {
    return {
      ...this.scriptWire(j),
      hidden: j.hidden,
      schedule: j.schedule,
      params: j.params ?? [],
      arguments: j.arguments ?? {},
      runningAs: this.user(j.authorId).ref,
      sql: j.sql,
      source: j.source,
      expectedRuntime: null,
      myPermissionLevel: j.authorId === callerId ? 'manage' : 'read',
    };
  }

  importWire(j: JobRecord): CivisImport {
    const last = this.lastRun(j);
    const spec = j.import!;
    return {
      name: j.name,
      syncType: spec.syncType,
      source: spec.source,
      destination: spec.destination,
      schedule: j.schedule,
      id: j.id,
      isOutbound: spec.isOutbound,
      jobType: 'import',
      state: this.jobState(j),
      createdAt: j.createdAt,
      updatedAt: j.updatedAt,
      lastRun: last ? this.runWire(last) : null,
      user: this.user(j.authorId).ref,
      timeZone: j.timeZone,
      archived: j.archived,
    };
  }

  importDetail(j: JobRecord, callerId: number): CivisImportDetail {
    return {
      ...this.importWire(j),
      hidden: j.hidden,
      parentId: j.parentId,
      runningAs: this.user(j.authorId).ref,
      myPermissionLevel: j.authorId === callerId ? 'manage' : 'read',
    };
  }

  /** A new job record of the caller's, idle, unscheduled, in no project. */
  private newJob(callerId: number, over: Pick<JobRecord, 'name' | 'type' | 'kind' | 'category'> & Partial<JobRecord>): JobRecord {
    const now = this.nowIso();
    const j: JobRecord = {
      id: this.nextIds.job++,
      authorId: callerId,
      createdAt: now,
      updatedAt: now,
      archived: false,
      hidden: false,
      fromTemplateId: null,
      templateScriptId: null,
      isTemplate: false,
      parentId: null,
      timeZone: this.user(callerId).timeZone,
      schedule: { ...UNSCHEDULED },
      projectIds: [],
      sql: null,
      source: null,
      runs: [],
      import: null,
      ...over,
    };
    this.jobs.set(j.id, j);
    this.version++;
    return j;
  }

  /** A Database credential the caller may use, or a 400 naming the field. */
  private databaseCredential(callerId: number, id: number, field: string): CredentialRecord {
    const c = this.credentials.get(id);
    if (!c || !this.canRead(c, callerId)) throw badRequest(`${field} ${id} does not exist or is not shared with you; GET /credentials/ lists yours.`);
    if (c.wire.type !== 'Database') throw badRequest(`${field} ${id} is a ${c.wire.type} credential; a Database one is needed.`);
    return c;
  }

  /** `POST /scripts/`: a SQL script on a database, run with a Database credential. */
  createScript(callerId: number, body: Body): CivisScriptDetail {
    const name = body.string('name');
    if (!name || !name.trim()) throw badRequest('name is required and must not be blank.');
    const hostId = body.int('remoteHostId');
    if (hostId === undefined || hostId === null) throw badRequest('remoteHostId is required: the id of the database the SQL runs on (GET /databases/ lists them).');
    if (!this.databases.has(hostId)) throw badRequest(`remoteHostId ${hostId} is not a known database; GET /databases/ lists the ids.`);
    const credentialId = body.int('credentialId');
    if (credentialId === undefined || credentialId === null) throw badRequest('credentialId is required: the id of a Database credential for that database.');
    this.databaseCredential(callerId, credentialId, 'credentialId');
    const sql = body.string('sql');
    if (!sql || !sql.trim()) throw badRequest('sql is required and must not be blank.');
    const templateScriptId = body.int('templateScriptId') ?? null;
    if (templateScriptId !== null && this.jobs.get(templateScriptId)?.kind !== 'script') {
      throw badRequest(`templateScriptId ${templateScriptId} is not a known script; GET /scripts/ lists the ids.`);
    }
    const params = body.raw('params');
    if (params !== undefined && params !== null && !Array.isArray(params)) throw badRequest(`params must be an array of parameter definitions, got ${JSON.stringify(params)}.`);
    const args = body.object('arguments') ?? {};
    body.object('notifications');
    const j = this.newJob(callerId, {
      name,
      type: 'JobTypes::SqlRunner',
      kind: 'script',
      category: 'script',
      hidden: body.bool('hidden') ?? false,
      fromTemplateId: templateScriptId,
      templateScriptId,
      sql,
      params: (params as unknown[] | null | undefined) ?? [],
      arguments: args,
    });
    return this.scriptDetail(j, callerId);
  }

  /** `DELETE /scripts/{id}`: archives the caller's script (it stays readable, with `archived: true`). */
  archiveScript(callerId: number, j: JobRecord): void {
    // Someone else's script is as invisible to writes as an unknown one.
    if (j.authorId !== callerId) throw notFound();
    if (j.archived) return;
    j.archived = true;
    j.updatedAt = this.nowIso();
    this.version++;
  }

  /** `POST /imports/`: an import configuration with no syncs and no runs yet. */
  createImport(callerId: number, body: Body): CivisImportDetail {
    const name = body.string('name');
    if (!name || !name.trim()) throw badRequest('name is required and must not be blank.');
    const syncType = body.string('syncType');
    if (!syncType || !(IMPORT_SYNC_TYPES as readonly string[]).includes(syncType)) {
      throw badRequest(`syncType must be one of ${IMPORT_SYNC_TYPES.join(', ')}, got ${JSON.stringify(syncType ?? null)}.`);
    }
    const isOutbound = body.bool('isOutbound');
    if (isOutbound === undefined) throw badRequest('isOutbound is required: true for an export out of Civis, false for an import.');
    const source = this.importEndpoint(callerId, body, 'source');
    const destination = this.importEndpoint(callerId, body, 'destination');
    const parentId = body.int('parentId') ?? null;
    if (parentId !== null && !this.jobs.has(parentId)) throw badRequest(`parentId ${parentId} is not a known job; GET /jobs/ lists the ids.`);
    const nextRunAt = body.string('nextRunAt');
    if (nextRunAt && Number.isNaN(Date.parse(nextRunAt))) throw badRequest(`nextRunAt must be an ISO 8601 time, got ${JSON.stringify(nextRunAt)}.`);
    body.object('notifications');
    const schedule = this.scheduleFrom(body.nested('schedule'));
    const j = this.newJob(callerId, {
      name,
      type: 'JobTypes::Import',
      kind: 'import',
      category: isOutbound ? 'export' : 'import',
      hidden: body.bool('hidden') ?? false,
      parentId,
      ...(schedule ? { schedule } : {}),
      ...(body.string('timeZone') ? { timeZone: body.string('timeZone')! } : {}),
      import: { syncType, isOutbound, source, destination },
    });
    return this.importDetail(j, callerId);
  }

  /** An import's `source` or `destination`: a known remote host and/or a credential the caller may read. */
  private importEndpoint(callerId: number, body: Body, field: 'source' | 'destination'): CivisImportEndpoint | null {
    const b = body.nested(field);
    if (!b) return null;
    const hostId = b.int('remoteHostId') ?? null;
    const credentialId = b.int('credentialId') ?? null;
    const additionalCredentials = b.intList('additionalCredentials') ?? [];
    const db = hostId === null ? undefined : this.databases.get(hostId);
    if (hostId !== null && !db) throw badRequest(`${field}.remoteHostId ${hostId} is not a known remote host; GET /databases/ lists the ids.`);
    let credentialName: string | undefined;
    for (const id of [...(credentialId === null ? [] : [credentialId]), ...additionalCredentials]) {
      const c = this.credentials.get(id);
      if (!c || !this.canRead(c, callerId)) throw badRequest(`${field}: credential ${id} does not exist or is not shared with you.`);
      credentialName ??= c.wire.name;
    }
    return { remoteHostId: hostId, credentialId, additionalCredentials, name: db?.name ?? credentialName ?? '' };
  }

  private scheduleFrom(b: Body | null | undefined): CivisSchedule | undefined {
    if (!b) return undefined;
    const perHour = b.int('scheduledRunsPerHour') ?? null;
    return {
      scheduled: b.bool('scheduled') ?? false,
      scheduledDays: b.intList('scheduledDays') ?? [],
      scheduledHours: b.intList('scheduledHours') ?? [],
      scheduledMinutes: b.intList('scheduledMinutes') ?? [],
      scheduledRunsPerHour: perHour,
      scheduledDaysOfMonth: b.intList('scheduledDaysOfMonth') ?? [],
    };
  }

  // ---------------------------------------------------------------- models and predictions

  model(id: number): ModelRecord {
    const m = this.models.get(id);
    if (!m) throw notFound();
    return m;
  }

  prediction(id: number): PredictionRecord {
    const p = this.predictions.get(id);
    if (!p) throw notFound();
    return p;
  }

  // ---------------------------------------------------------------- projects

  canSeeProject(p: ProjectRecord, callerId: number): boolean {
    return p.authorId === callerId || p.memberIds.includes(callerId);
  }

  project(id: number, callerId: number): ProjectRecord {
    const p = this.projects.get(id);
    if (!p || !this.canSeeProject(p, callerId)) throw notFound();
    return p;
  }

  createProject(callerId: number, body: Body): CivisProjectDetail {
    const name = body.string('name');
    if (!name) throw badRequest('name is required to create a project.');
    const now = this.nowIso();
    const p: ProjectRecord = {
      id: this.nextIds.project++,
      authorId: callerId,
      name,
      description: body.string('description') ?? null,
      note: body.string('note') ?? null,
      memberIds: [callerId],
      autoShare: body.bool('autoShare') ?? false,
      hidden: body.bool('hidden') ?? false,
      archived: false,
      createdAt: now,
      updatedAt: now,
      scriptIds: [],
      importIds: [],
      modelIds: [],
      reportIds: [],
      fileIds: [],
      tableIds: [],
    };
    this.projects.set(p.id, p);
    this.version++;
    return this.projectDetail(p, callerId);
  }

  updateProject(callerId: number, id: number, body: Body): CivisProjectDetail {
    const p = this.project(id, callerId);
    const name = body.string('name');
    if (!name) throw badRequest('name is required on PUT /projects/{project_id}.');
    p.name = name;
    p.description = body.string('description') ?? null;
    p.note = body.string('note') ?? null;
    p.updatedAt = this.nowIso();
    this.version++;
    return this.projectDetail(p, callerId);
  }

  deleteProject(callerId: number, id: number): void {
    const p = this.project(id, callerId);
    if (p.authorId !== callerId) throw notFound();
    this.projects.delete(id);
    this.version++;
  }

  projectWire(p: ProjectRecord): CivisProject {
    return {
      id: p.id,
      author: this.user(p.authorId).ref,
      name: p.name,
      description: p.description,
      users: p.memberIds.map((id) => this.user(id).ref),
      autoShare: p.autoShare,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
      archived: p.archived,
    };
  }

  projectDetail(p: ProjectRecord, callerId: number): CivisProjectDetail {
    const jobsOf = (ids: number[]) =>
      ids
        .map((id) => this.jobs.get(id))
        .filter((j): j is JobRecord => j !== undefined)
        .map((j) => {
          const last = this.lastRun(j);
          return {
            id: j.id,
            createdAt: j.createdAt,
            updatedAt: j.updatedAt,
            name: j.name,
            type: j.type,
            finishedAt: last ? iso(last.finishedMs) : null,
            state: this.jobState(j),
            lastRun: last ? this.runWire(last) : null,
          };
        });
    const scripts = jobsOf(p.scriptIds);
    const imports = jobsOf(p.importIds);
    const models = p.modelIds
      .map((id) => this.models.get(id))
      .filter((m): m is ModelRecord => m !== undefined)
      .map((m) => ({
        id: m.wire.id,
        createdAt: m.wire.createdAt,
        updatedAt: m.wire.updatedAt,
        name: m.wire.modelName,
        state: m.wire.currentBuildState,
        lastRun: m.wire.lastRun,
      }));
    const reports = p.reportIds
      .map((id) => this.reports.get(id))
      .filter((r): r is ReportRecord => r !== undefined)
      .map((r) => ({ id: r.wire.id, createdAt: r.wire.createdAt, updatedAt: r.wire.updatedAt, name: r.wire.name, state: r.wire.state }));
    const files = p.fileIds
      .map((id) => this.files.get(id))
      .filter((f): f is FileRecord => f !== undefined)
      .map((f) => ({
        id: f.id,
        createdAt: f.createdAt,
        updatedAt: f.createdAt,
        name: f.name,
        fileName: f.name,
        fileSize: f.content ? f.content.length : null,
        expired: false,
      }));
    const tables = p.tableIds
      .map((id) => this.tables.get(id))
      .filter((t): t is TableRecord => t !== undefined)
      .map((t) => ({
        schema: t.summary.schema,
        name: t.summary.name,
        rowCount: t.summary.rowCount,
        columnCount: t.summary.columnCount,
        createdAt: t.detail.schemaUpdatedAt ?? p.createdAt,
        updatedAt: t.detail.dataUpdatedAt ?? p.updatedAt,
      }));
    const author = this.user(p.authorId).username;
    const allObjects = [
      ...scripts.map((s) => ({ objectId: s.id, objectType: 'JobTypes::Script', fcoType: 'scripts', subType: s.type, name: s.name, icon: 'script', updatedAt: s.updatedAt })),
      ...imports.map((s) => ({ objectId: s.id, objectType: 'JobTypes::Import', fcoType: 'imports', subType: s.type, name: s.name, icon: 'import', updatedAt: s.updatedAt })),
      ...models.map((m) => ({ objectId: m.id, objectType: 'Model', fcoType: 'models', subType: 'model', name: m.name, icon: 'model', updatedAt: m.updatedAt })),
      ...reports.map((r) => ({ objectId: r.id, objectType: 'Report', fcoType: 'reports', subType: 'report', name: r.name, icon: 'report', updatedAt: r.updatedAt })),
      ...files.map((f) => ({ objectId: f.id, objectType: 'S3File', fcoType: 'files', subType: 'file', name: f.name, icon: 'file', updatedAt: f.updatedAt })),
    ].map((o) => ({ projectId: p.id, ...o, author, archived: false }));
    return {
      ...this.projectWire(p),
      tables,
      surveys: [],
      scripts,
      imports,
      exports: [],
      models,
      notebooks: [],
      services: [],
      workflows: [],
      reports,
      scriptTemplates: [],
      files,
      enhancements: [],
      projects: [],
      allObjects,
      note: p.note,
      canCurrentUserEnableAutoShare: p.authorId === callerId,
      hidden: p.hidden,
      parentProject: null,
      myPermissionLevel: p.authorId === callerId ? 'manage' : 'write',
    };
  }

  // ---------------------------------------------------------------- files

  file(id: number): FileRecord {
    const f = this.files.get(id);
    if (!f) throw notFound();
    return f;
  }

  /**
   * `expiresAt` of a body: absent gives `fallback`, an explicit null keeps the file indefinitely (civis-python's
   * `expires_at=None`), a string must be an ISO 8601 time.
   */
  private expiresAtOf(body: Body, fallback: string | null): string | null {
    if (!body.has('expiresAt')) return fallback;
    const v = body.string('expiresAt');
    if (v === null || v === undefined) return null;
    if (Number.isNaN(Date.parse(v))) throw badRequest(`expiresAt must be an ISO 8601 time, or null to keep the file indefinitely; got ${JSON.stringify(v)}.`);
    return new Date(v).toISOString();
  }

  /** A new file record without content; `name` is validated by the caller, `expiresAt` and `description` here. */
  private newFile(callerId: number, name: string, body: Body): FileRecord {
    const createdMs = this.progress.now();
    // Without expiresAt a file expires in 30 days.
    const expiresAt = this.expiresAtOf(body, new Date(createdMs + 30 * DAY_MS).toISOString());
    const description = body.string('description') ?? null;
    const f: FileRecord = {
      id: this.nextIds.file++,
      name,
      authorId: callerId,
      createdAt: new Date(createdMs).toISOString(),
      expiresAt,
      description,
      content: null,
    };
    this.files.set(f.id, f);
    this.version++;
    return f;
  }

  /** The fields both upload starts answer first, in the platform's order: a file with no content yet. */
  private createdFile(f: FileRecord) {
    return { id: f.id, name: f.name, createdAt: f.createdAt, fileSize: 0, expiresAt: f.expiresAt, description: f.description };
  }

  createFile(callerId: number, body: Body, origin: string): CivisFileCreated {
    const name = body.string('name');
    if (!name) throw badRequest('name is required to create a file.');
    const f = this.newFile(callerId, name, body);
    const key = `files/${f.id}/${name}`;
    return {
      ...this.createdFile(f),
      uploadUrl: `${origin}/files/${f.id}/upload`,
      uploadFields: {
        key,
        success_action_status: '204',
        'Content-Type': 'application/octet-stream',
        policy: Buffer.from(JSON.stringify({ key, expiration: f.expiresAt })).toString('base64'),
        'x-amz-algorithm': 'AWS4-HMAC-SHA256',
        'x-amz-credential': `EMULATOR/${f.createdAt.slice(0, 10).replace(/-/g, '')}/us-east-1/s3/aws4_request`,
        'x-amz-date': f.createdAt.replace(/[-:]/g, '').replace(/\.\d+/, ''),
        'x-amz-signature': `emulator-signature-${f.id}`,
      },
      myPermissionLevel: 'manage',
    };
  }

  /**
   * `PUT` (`replace`: name and expiresAt required, an omitted description resets) or `PATCH /files/{id}` (only the
   * fields given). A new name must keep the file's extension.
   */
  updateFile(callerId: number, id: number, body: Body, replace: boolean, origin: string): CivisFile {
    const f = this.file(id);
    // Someone else's file is as invisible to writes as an unknown one.
    if (f.authorId !== callerId) throw notFound();
    if (replace && !body.has('name')) throw badRequest('name is required on PUT; use PATCH to change single fields.');
    if (replace && !body.has('expiresAt')) {
      throw badRequest('expiresAt is required on PUT (null keeps the file indefinitely); use PATCH to change single fields.');
    }
    let name = f.name;
    if (body.has('name')) {
      const n = body.string('name');
      if (!n || !n.trim()) throw badRequest('name must not be blank.');
      const ext = (x: string) => (x.includes('.') ? x.slice(x.lastIndexOf('.')).toLowerCase() : '');
      if (ext(n) !== ext(f.name)) {
        throw badRequest(`name ${JSON.stringify(n)} must keep the extension of ${JSON.stringify(f.name)} (${JSON.stringify(ext(f.name))}).`);
      }
      name = n;
    }
    const expiresAt = this.expiresAtOf(body, f.expiresAt);
    const description = replace || body.has('description') ? (body.string('description') ?? null) : f.description;
    f.name = name;
    f.expiresAt = expiresAt;
    f.description = description;
    this.version++;
    return this.fileWire(f, origin, callerId);
  }

  uploadFile(id: number, content: Buffer): void {
    const f = this.file(id);
    f.content = content;
    this.version++;
  }

  /**
   * `POST /files/multipart`: a file without content plus one part URL per part. The parts are `PUT` to those URLs
   * (see {@link uploadPart}) and joined by {@link completeMultipart}.
   */
  createMultipartFile(callerId: number, body: Body, origin: string): CivisMultipartFileCreated {
    const name = body.string('name');
    if (!name) throw badRequest('name is required to create a file.');
    const numParts = body.int('numParts');
    if (numParts === undefined || numParts === null) {
      throw badRequest(`numParts is required: the number of parts the file will be uploaded in (1 to ${MULTIPART_MAX_PARTS}).`);
    }
    if (numParts < 1 || numParts > MULTIPART_MAX_PARTS) throw badRequest(`numParts must be between 1 and ${MULTIPART_MAX_PARTS}, got ${numParts}.`);
    const f = this.newFile(callerId, name, body);
    const upload: MultipartUpload = {
      uploadId: Buffer.from(`${f.id}:${f.createdAt}:${this.version}`).toString('base64url'),
      numParts,
      parts: new Map(),
    };
    f.upload = upload;
    const amzDate = f.createdAt.replace(/[-:]/g, '').replace(/\.\d+/, '');
    const uploadUrls = Array.from({ length: numParts }, (_, i) => {
      const part = i + 1;
      const q = new URLSearchParams({
        uploadId: upload.uploadId,
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Credential': `EMULATOR/${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`,
        'X-Amz-Date': amzDate,
        'X-Amz-Expires': String(PART_URL_TTL_S),
        'X-Amz-SignedHeaders': 'host',
        'X-Amz-Signature': `emulator-signature-${f.id}-${part}`,
      });
      return `${origin}/files/${f.id}/parts/${part}?${q.toString()}`;
    });
    return { ...this.createdFile(f), uploadUrls };
  }

  /**
   * A part `PUT` to its URL. A file without an upload in progress, another upload's id or a part number the upload
   * did not hand out is unknown (404). Answers the part's MD5, which S3 sends back as its ETag.
   */
  uploadPart(id: number, partNumber: number, uploadId: string, content: Buffer): string {
    const upload = this.files.get(id)?.upload;
    if (!upload || upload.uploadId !== uploadId || partNumber < 1 || partNumber > upload.numParts) throw notFound();
    upload.parts.set(partNumber, content);
    return createHash('md5').update(content).digest('hex');
  }

  /**
   * `POST /files/multipart/{id}/complete`: joins the parts in part order into the file's content. Missing parts, or
   * a part other than the last under 5 MiB, fail (400) and abort the upload, as the platform aborts the underlying
   * S3 upload: its part URLs stop working and the file stays without content.
   */
  completeMultipart(callerId: number, id: number): void {
    const f = this.file(id);
    // Someone else's file is as invisible to writes as an unknown one.
    if (f.authorId !== callerId) throw notFound();
    const upload = f.upload;
    if (!upload) {
      throw badRequest(`file ${id} has no multipart upload in progress (it was never started, or is already completed or aborted); start one with POST /files/multipart.`);
    }
    const missing: number[] = [];
    const small: number[] = [];
    for (let n = 1; n <= upload.numParts; n++) {
      const part = upload.parts.get(n);
      if (!part) missing.push(n);
      else if (n < upload.numParts && part.length < MULTIPART_MIN_PART_BYTES) small.push(n);
    }
    if (missing.length > 0 || small.length > 0) {
      f.upload = null;
      this.version++;
      const problem =
        missing.length > 0
          ? `part(s) ${missing.join(', ')} of ${upload.numParts} were never uploaded`
          : `part(s) ${small.join(', ')} are under the ${MULTIPART_MIN_PART_BYTES} bytes every part but the last needs`;
      throw badRequest(`the multipart upload of file ${id} cannot be completed: ${problem}. The upload is aborted; start again with POST /files/multipart.`);
    }
    f.content = Buffer.concat(Array.from({ length: upload.numParts }, (_, i) => upload.parts.get(i + 1)!));
    f.upload = null;
    this.version++;
  }

  fileWire(f: FileRecord, origin: string, callerId: number): CivisFile {
    const download = f.content ? `${origin}/files/${f.id}/download` : null;
    const isCsv = /\.csv(\.gz)?$/.test(f.name);
    let header: string[] = [];
    if (isCsv && f.content && !f.name.endsWith('.gz')) {
      const firstLine = f.content.subarray(0, 4096).toString('utf8').split('\n')[0] ?? '';
      header = firstLine.split(',').filter((h) => h !== '');
    }
    return {
      id: f.id,
      name: f.name,
      createdAt: f.createdAt,
      fileSize: f.content ? f.content.length : 0,
      expiresAt: f.expiresAt,
      description: f.description,
      author: this.user(f.authorId).ref,
      // The platform hands out one presigned URL under both names; civis-python downloads `fileUrl` without auth.
      downloadUrl: download,
      fileUrl: download,
      detectedInfo: {
        includeHeader: isCsv ? header.length > 0 : null,
        columnDelimiter: isCsv ? 'comma' : null,
        compression: f.name.endsWith('.gz') ? 'gzip' : isCsv ? 'none' : null,
        tableColumns: header.map((name) => ({ name, sqlType: 'VARCHAR(256)' })),
      },
      myPermissionLevel: f.authorId === callerId ? 'manage' : 'read',
    };
  }

  // ---------------------------------------------------------------- queries

  query(id: number): QueryRecord {
    const q = this.queries.get(id);
    if (!q) throw notFound();
    return q;
  }

  createQuery(callerId: number, body: Body): CivisQuery {
    const database = body.int('database');
    if (database === undefined || database === null) throw badRequest('database is required: the id of the database to run the SQL on.');
    if (!this.databases.has(database)) throw badRequest(`database ${database} is not a known database; GET /databases/ lists the ids.`);
    const sql = body.string('sql');
    if (!sql || !sql.trim()) throw badRequest('sql is required and must not be blank.');
    let credential = body.int('credential') ?? undefined;
    if (credential === undefined) {
      credential = this.pickDatabaseCredential(callerId, database)?.wire.id;
      if (credential === undefined) {
        throw badRequest(`you have no credential for database ${database}; pass credential=<id of a Database credential>.`);
      }
    } else {
      const c = this.credentials.get(credential);
      if (!c || !this.canRead(c, callerId)) throw badRequest(`credential ${credential} does not exist or is not shared with you.`);
      if (c.wire.type !== 'Database') throw badRequest(`credential ${credential} is a ${c.wire.type} credential; queries need a Database one.`);
    }
    const previewRows = body.int('previewRows') ?? 100;
    if (previewRows < 0 || previewRows > 1000) throw badRequest(`previewRows must be between 0 and 1000, got ${previewRows}.`);
    const outcome = this.runSql(this, database, sql, previewRows);
    const run = 'error' in outcome ? this.newRun('failed', outcome.error) : this.newRun();
    const q: QueryRecord = {
      id: this.nextIds.query++,
      authorId: callerId,
      database,
      credential,
      sql,
      previewRows,
      hidden: body.bool('hidden') ?? true,
      createdAt: iso(run.createdMs)!,
      run,
      result: 'error' in outcome ? null : outcome,
    };
    this.queries.set(q.id, q);
    this.version++;
    return this.queryWire(q, false);
  }

  /** `DELETE /queries/{id}`: hides the caller's query and answers it (the platform keeps it). */
  hideQuery(callerId: number, id: number): CivisQuery {
    const q = this.query(id);
    if (q.authorId !== callerId) throw notFound();
    this.settle(q.run, false);
    if (!q.hidden) {
      q.hidden = true;
      this.version++;
    }
    return this.queryWire(q, false);
  }

  /** The caller's credential on that database: the default if it points there, else the first one they own. */
  pickDatabaseCredential(callerId: number, database: number): CredentialRecord | undefined {
    let first: CredentialRecord | undefined;
    for (const c of this.credentials.values()) {
      if (c.ownerId !== callerId || c.wire.type !== 'Database' || c.wire.remoteHostId !== database) continue;
      if (c.wire.default) return c;
      first ??= c;
    }
    return first;
  }

  queryWire(q: QueryRecord, excludeResults: boolean): CivisQuery {
    const r = q.run;
    const done = r.state === 'succeeded' && q.result !== null;
    return {
      id: q.id,
      database: q.database,
      sql: q.sql,
      credential: q.credential,
      resultRows: done && !excludeResults ? q.result!.rows : null,
      resultColumns: done && !excludeResults ? q.result!.columns : null,
      error: r.error,
      startedAt: iso(r.startedMs),
      finishedAt: iso(r.finishedMs),
      state: r.state,
      scriptId: null,
      exception: r.error,
      createdAt: q.createdAt,
      updatedAt: iso(r.finishedMs ?? r.startedMs ?? r.createdMs)!,
      lastRunId: r.id,
      hidden: q.hidden,
      archived: false,
      name: null,
      author: this.user(q.authorId).ref,
      previewRows: q.previewRows,
      reportId: null,
    };
  }

  // ---------------------------------------------------------------- reports

  report(id: number): ReportRecord {
    const r = this.reports.get(id);
    if (!r) throw notFound();
    return r;
  }

  /** The script a report is backed by, from a body's `scriptId`: `null` clears it, an unknown id is a 400. */
  private reportScript(body: Body): JobRecord | null | undefined {
    if (!body.has('scriptId')) return undefined;
    const id = body.int('scriptId');
    if (id === undefined || id === null) return null;
    const j = this.jobs.get(id);
    if (!j || j.kind !== 'script') throw badRequest(`scriptId ${id} is not a known script; GET /scripts/ lists the ids.`);
    return j;
  }

  private reportName(body: Body): string | undefined {
    if (!body.has('name')) return undefined;
    const name = body.string('name');
    if (!name || !name.trim()) throw badRequest('name must not be blank.');
    return name;
  }

  /** `POST /reports/`: an HTML report of the caller's, backed by a script if one is given; it has not run yet. */
  createReport(callerId: number, body: Body): CivisReportDetail {
    const script = this.reportScript(body) ?? null;
    const id = this.nextIds.report;
    const name = this.reportName(body) ?? `Report #${id}`;
    const templateId = body.int('templateId') ?? null;
    const appState = body.object('appState') ?? {};
    const codeBody = body.string('codeBody') ?? null;
    const provideAPIKey = body.bool('provideAPIKey') ?? false;
    const hidden = body.bool('hidden') ?? false;
    const now = this.nowIso();
    const wire: CivisReport = {
      id,
      name,
      user: this.user(callerId).ref,
      createdAt: now,
      updatedAt: now,
      type: 'ReportTypes::HTML',
      archived: false,
      projects: [],
      state: 'idle',
      finishedAt: null,
      vizUpdatedAt: null,
      script: script ? { id: script.id, name: script.name, sql: script.sql ?? '' } : null,
      jobPath: script ? `/scripts/${script.id}` : null,
      tableauId: null,
      templateId,
      authThumbnailUrl: null,
      lastRun: null,
    };
    const detail: CivisReportDetail = {
      ...wire,
      authDataUrl: null,
      authCodeUrl: null,
      config: null,
      validOutputFile: false,
      provideAPIKey,
      hidden,
      myPermissionLevel: 'manage',
      appState,
      useViewersTableauUsername: false,
    };
    this.nextIds.report++;
    this.reports.set(id, { wire, detail, memberIds: [callerId], codeBody });
    this.version++;
    return detail;
  }

  /** `PATCH /reports/{id}`: only the fields given change. A new template resets `appState` unless one is given. */
  updateReport(callerId: number, id: number, body: Body): CivisReportDetail {
    const r = this.report(id);
    // Reports one may read but does not own are as invisible to writes as unknown ones.
    if (!r.memberIds.includes(callerId) || r.wire.user.id !== callerId) throw notFound();
    const name = this.reportName(body);
    const script = this.reportScript(body);
    const templateId = body.has('templateId') ? (body.int('templateId') ?? null) : undefined;
    const appState = body.has('appState') ? (body.object('appState') ?? {}) : undefined;
    const codeBody = body.has('codeBody') ? (body.string('codeBody') ?? null) : undefined;
    const config = body.has('config') ? (body.string('config') ?? null) : undefined;
    const provideAPIKey = body.bool('provideAPIKey');
    const viewersTableau = body.bool('useViewersTableauUsername');
    const wire: CivisReport = { ...r.wire, updatedAt: this.nowIso() };
    if (name !== undefined) wire.name = name;
    if (script !== undefined) {
      wire.script = script ? { id: script.id, name: script.name, sql: script.sql ?? '' } : null;
      wire.jobPath = script ? `/scripts/${script.id}` : null;
    }
    if (templateId !== undefined) wire.templateId = templateId;
    const detail: CivisReportDetail = { ...r.detail, ...wire };
    if (templateId !== undefined && templateId !== r.wire.templateId && appState === undefined) detail.appState = {};
    if (appState !== undefined) detail.appState = appState;
    if (config !== undefined) detail.config = config;
    if (provideAPIKey !== undefined) detail.provideAPIKey = provideAPIKey;
    if (viewersTableau !== undefined) detail.useViewersTableauUsername = viewersTableau;
    r.wire = wire;
    r.detail = detail;
    if (codeBody !== undefined) r.codeBody = codeBody;
    this.version++;
    return detail;
  }
}

function checkType(type: string): void {
  if (!(CREDENTIAL_TYPES as readonly string[]).includes(type)) {
    throw badRequest(`type ${JSON.stringify(type)} is not a credential type; expected one of ${CREDENTIAL_TYPES.join(', ')}.`);
  }
}

/** The URL segment of each script type in `links`. */
export const SCRIPT_SEGMENTS: Record<string, string> = {
  'JobTypes::SqlRunner': 'sql',
  'JobTypes::PythonDocker': 'python3',
  'JobTypes::RDocker': 'r',
  'JobTypes::ContainerDocker': 'containers',
  'JobTypes::JavascriptRunner': 'javascript',
};
