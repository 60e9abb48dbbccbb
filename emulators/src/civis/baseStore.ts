/**
 * Internal to the Civis emulator: the store's state, and its users, credentials, databases, tables and runs.
 */
import { badRequest, notFound, type Body } from './query.js';
import type { CivisCredential, CivisDatabase, CivisMe, CivisUserDetail, CivisUserSummary } from './types/accounts.js';
import type { CivisRun } from './types/common.js';
import type { CivisModelType } from './types/models.js';
import type { CivisTableUpdated } from './types/tables.js';
import {
  CREDENTIAL_TYPES,
  type UserRecord,
  type CredentialRecord,
  type TableRecord,
  type RunRecord,
  type JobRecord,
  type ModelRecord,
  type PredictionRecord,
  type ProjectRecord,
  type FileRecord,
  type QueryRecord,
  type ReportRecord,
  type SeedData,
  type ProgressOptions,
  type SqlRunner,
} from './records.js';
import { EmulatorError } from '../framework/emulator.js';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** The ISO form of a time in ms, or null. */
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** The platform state of one emulator instance, with users, credentials, tables and runs; the other resources build on it. */
export class BaseStore implements SeedData {
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
    protected readonly progress: ProgressOptions,
    protected readonly runSql: SqlRunner,
  ) {
    Object.assign(this, seed);
  }

  protected nowIso(): string {
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
          throw badRequest(
            `${field}: ${JSON.stringify(n)} is not a column of ${t.summary.schema}.${t.summary.name}; GET /tables/${id}/columns lists them.`,
          );
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
    return {
      id: r.id,
      state: r.state,
      createdAt: iso(r.createdMs)!,
      startedAt: iso(r.startedMs),
      finishedAt: iso(r.finishedMs),
      error: r.error,
    };
  }
}

function checkType(type: string): void {
  if (!(CREDENTIAL_TYPES as readonly string[]).includes(type)) {
    throw badRequest(`type ${JSON.stringify(type)} is not a credential type; expected one of ${CREDENTIAL_TYPES.join(', ')}.`);
  }
}
