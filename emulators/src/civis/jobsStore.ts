/**
 * Internal to the Civis emulator: the store's jobs (scripts and imports share one id space), models and predictions.
 */
import { badRequest, notFound, type Body } from './query.js';
import { UNSCHEDULED } from './seed.js';
import type { CivisSchedule } from './types/common.js';
import type {
  CivisCancelResult,
  CivisImport,
  CivisImportDetail,
  CivisImportEndpoint,
  CivisJob,
  CivisJobDetail,
  CivisNotifications,
  CivisScript,
  CivisScriptDetail,
  CivisScriptParamWire,
  CivisTypedScript,
} from './types/jobs.js';
import {
  IMPORT_SYNC_TYPES,
  NOTIFICATION_KEYS,
  SCRIPT_PARAM_TYPES,
  SCRIPT_SEGMENTS,
  SCRIPT_JOB_TYPES,
  type ScriptSegment,
  type CredentialRecord,
  type RunRecord,
  type JobRecord,
  type ModelRecord,
  type PredictionRecord,
} from './records.js';
import { EmulatorError } from '../framework/emulator.js';
import { BaseStore, iso } from './baseStore.js';
import { scriptOutcome } from './scriptOutcome.js';

/** The store with jobs, scripts, imports, models and predictions. */
export class JobsStore extends BaseStore {
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

  /**
   * `POST /jobs/{id}/runs` and `POST /scripts/{id}/run`: a run, unless one is already queued or running. It fails when
   * the script's code ends with an error (scriptOutcome.ts).
   */
  startRun(j: JobRecord, conflict: (active: RunRecord) => { error: string; message: string }): RunRecord {
    this.touchJob(j, false);
    const active = this.activeRun(j);
    if (active) {
      const { error, message } = conflict(active);
      throw new EmulatorError(409, message, { error });
    }
    const { outcome, error } = scriptOutcome(j);
    const run = this.newRun(outcome, error);
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
      // Checked by `scriptSettings` when they were written.
      params: (j.params ?? []) as CivisScriptParamWire[],
      arguments: j.arguments ?? {},
      notifications: this.notificationsWire(j),
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
    if (!c || !this.canRead(c, callerId))
      throw badRequest(`${field} ${id} does not exist or is not shared with you; GET /credentials/ lists yours.`);
    if (c.wire.type !== 'Database') throw badRequest(`${field} ${id} is a ${c.wire.type} credential; a Database one is needed.`);
    return c;
  }

  /** `POST /scripts/`: a SQL script on a database, run with a Database credential. */
  createScript(callerId: number, body: Body): CivisScriptDetail {
    const name = body.string('name');
    if (!name || !name.trim()) throw badRequest('name is required and must not be blank.');
    const hostId = body.int('remoteHostId');
    if (hostId === undefined || hostId === null)
      throw badRequest('remoteHostId is required: the id of the database the SQL runs on (GET /databases/ lists them).');
    if (!this.databases.has(hostId)) throw badRequest(`remoteHostId ${hostId} is not a known database; GET /databases/ lists the ids.`);
    const credentialId = body.int('credentialId');
    if (credentialId === undefined || credentialId === null)
      throw badRequest('credentialId is required: the id of a Database credential for that database.');
    this.databaseCredential(callerId, credentialId, 'credentialId');
    const sql = body.string('sql');
    if (!sql || !sql.trim()) throw badRequest('sql is required and must not be blank.');
    const templateScriptId = body.int('templateScriptId') ?? null;
    if (templateScriptId !== null && this.jobs.get(templateScriptId)?.kind !== 'script') {
      throw badRequest(`templateScriptId ${templateScriptId} is not a known script; GET /scripts/ lists the ids.`);
    }
    const settings = this.scriptSettings(body);
    const j = this.newJob(callerId, {
      name,
      type: 'JobTypes::SqlRunner',
      kind: 'script',
      category: 'script',
      hidden: body.bool('hidden') ?? false,
      fromTemplateId: templateScriptId,
      templateScriptId,
      sql,
      ...settings,
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

  /**
   * `POST /scripts/{sql|python3|r|containers}`: a script in that language. SQL takes `sql` on a database with a
   * Database credential; Python and R take `source`; a container takes `requiredResources` and runs
   * `dockerCommand` in `dockerImageName`.
   */
  createTypedScript(callerId: number, segment: ScriptSegment, body: Body): CivisTypedScript {
    if (segment === 'sql') {
      const detail = this.createScript(callerId, body);
      return this.typedScript(this.job(detail.id), callerId);
    }
    const name = body.string('name');
    if (segment !== 'containers' && (!name || !name.trim())) throw badRequest('name is required and must not be blank.');
    if (body.has('name') && (!name || !name.trim())) throw badRequest('name must not be blank.');
    let source: string | null = null;
    let container: JobRecord['container'] = null;
    if (segment === 'containers') {
      if (!body.has('requiredResources') || !body.object('requiredResources'))
        throw badRequest('requiredResources is required: an object such as {"cpu": 1024, "memory": 2048}.');
      const dockerImageName = body.string('dockerImageName');
      const dockerCommand = body.string('dockerCommand');
      if (!dockerImageName) throw badRequest('dockerImageName is required: the image the container runs.');
      if (!dockerCommand) throw badRequest('dockerCommand is required: the command the container runs.');
      container = {
        dockerImageName,
        dockerImageTag: body.string('dockerImageTag') ?? 'latest',
        dockerCommand,
        repoHttpUri: body.string('repoHttpUri') ?? null,
        requiredResources: body.object('requiredResources') ?? {},
      };
    } else {
      source = body.string('source') ?? null;
      if (!source || !source.trim()) throw badRequest('source is required and must not be blank.');
    }
    const settings = this.scriptSettings(body);
    const j = this.newJob(callerId, {
      name: name || `Container #${this.nextIds.job}`,
      type: SCRIPT_JOB_TYPES[segment],
      kind: 'script',
      category: 'script',
      hidden: body.bool('hidden') ?? false,
      source,
      container,
      ...settings,
    });
    return this.typedScript(j, callerId);
  }

  /** A script as its typed routes answer it: the detail, plus a container's image and command. */
  typedScript(j: JobRecord, callerId: number): CivisTypedScript {
    return { ...this.scriptDetail(j, callerId), ...(j.container ? { ...j.container } : {}) };
  }

  /** `PATCH /scripts/{segment}/{id}`: the caller's script of that language; only the fields given change. */
  patchScript(callerId: number, segment: ScriptSegment, j: JobRecord, body: Body): CivisTypedScript {
    if (j.kind !== 'script' || SCRIPT_SEGMENTS[j.type] !== segment || j.authorId !== callerId) throw notFound();
    const text = (field: string): string | undefined => {
      if (!body.has(field)) return undefined;
      const v = body.string(field);
      if (!v || !v.trim()) throw badRequest(`${field} must not be blank.`);
      return v;
    };
    const name = text('name');
    const sql = segment === 'sql' ? text('sql') : undefined;
    const source = segment === 'python3' || segment === 'r' ? text('source') : undefined;
    const command = segment === 'containers' ? text('dockerCommand') : undefined;
    const image = segment === 'containers' ? text('dockerImageName') : undefined;
    if (segment === 'sql' && body.has('credentialId')) {
      const id = body.int('credentialId');
      if (id === null || id === undefined) throw badRequest('credentialId must be the id of a Database credential.');
      this.databaseCredential(callerId, id, 'credentialId');
    }
    if (name !== undefined) j.name = name;
    if (sql !== undefined) j.sql = sql;
    if (source !== undefined) j.source = source;
    if (j.container && command !== undefined) j.container.dockerCommand = command;
    if (j.container && image !== undefined) j.container.dockerImageName = image;
    const settings = this.scriptSettings(body);
    if (body.has('params')) j.params = settings.params;
    if (body.has('arguments')) j.arguments = settings.arguments;
    if (body.has('notifications')) j.notifications = settings.notifications;
    if (settings.schedule) j.schedule = settings.schedule;
    j.updatedAt = this.nowIso();
    this.version++;
    return this.typedScript(j, callerId);
  }

  /** `DELETE /jobs/{id}/runs/{run_id}`: cancels that run when it is queued or running (409 otherwise). */
  cancelRunById(j: JobRecord, runId: number): void {
    this.touchJob(j, false);
    const run = j.runs.find((r) => r.id === runId);
    if (!run) throw notFound();
    if (run.state !== 'queued' && run.state !== 'running') {
      throw new EmulatorError(
        409,
        `Run ${runId} of job ${j.id} has already finished (${run.state}); only a queued or running run can be cancelled.`,
        {
          error: 'conflict',
        },
      );
    }
    run.state = 'cancelled';
    run.finishedMs = this.progress.now();
    run.live = false;
    this.version++;
  }

  /** `PUT /jobs/{id}/archive`: archives (or restores) the caller's job, script or import. */
  setJobArchived(callerId: number, j: JobRecord, status: boolean): CivisJobDetail {
    if (j.authorId !== callerId) throw notFound();
    if (j.archived !== status) {
      j.archived = status;
      j.updatedAt = this.nowIso();
      this.version++;
    }
    return this.jobDetail(j);
  }

  /** `PUT /imports/{id}`: replaces the caller's import configuration (`name`, `syncType`, `isOutbound` required). */
  replaceImport(callerId: number, j: JobRecord, body: Body): CivisImportDetail {
    if (j.kind !== 'import' || j.authorId !== callerId) throw notFound();
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
    const schedule = this.scheduleFrom(body.nested('schedule'));
    j.name = name;
    j.category = isOutbound ? 'export' : 'import';
    j.import = { ...j.import!, syncType, isOutbound, source, destination };
    if (schedule) j.schedule = schedule;
    j.updatedAt = this.nowIso();
    this.version++;
    return this.importDetail(j, callerId);
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
    if (parentId !== null && !this.jobs.has(parentId))
      throw badRequest(`parentId ${parentId} is not a known job; GET /jobs/ lists the ids.`);
    const nextRunAt = body.string('nextRunAt');
    if (nextRunAt && Number.isNaN(Date.parse(nextRunAt)))
      throw badRequest(`nextRunAt must be an ISO 8601 time, got ${JSON.stringify(nextRunAt)}.`);
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
    if (hostId !== null && !db)
      throw badRequest(`${field}.remoteHostId ${hostId} is not a known remote host; GET /databases/ lists the ids.`);
    let credentialName: string | undefined;
    for (const id of [...(credentialId === null ? [] : [credentialId]), ...additionalCredentials]) {
      const c = this.credentials.get(id);
      if (!c || !this.canRead(c, callerId)) throw badRequest(`${field}: credential ${id} does not exist or is not shared with you.`);
      credentialName ??= c.wire.name;
    }
    return { remoteHostId: hostId, credentialId, additionalCredentials, name: db?.name ?? credentialName ?? '' };
  }

  /**
   * A script body's `params` (each needs a `name` and one of the documented types), `arguments`, `notifications`
   * and `schedule`; absent ones come back empty (the schedule undefined).
   */
  private scriptSettings(body: Body): Pick<JobRecord, 'params' | 'arguments' | 'notifications'> & { schedule?: CivisSchedule } {
    const raw = body.raw('params');
    if (raw !== undefined && raw !== null && !Array.isArray(raw))
      throw badRequest(`params must be an array of parameter definitions, got ${JSON.stringify(raw)}.`);
    const params = (raw as unknown[] | null | undefined) ?? [];
    const names = new Set<string>();
    params.forEach((p, i) => {
      const def = p as Record<string, unknown> | null;
      if (!def || typeof def !== 'object' || Array.isArray(def)) throw badRequest(`params[${i}] must be an object.`);
      const name = def['name'];
      if (typeof name !== 'string' || !name.trim()) throw badRequest(`params[${i}].name is required and must not be blank.`);
      if (names.has(name)) throw badRequest(`params[${i}].name ${JSON.stringify(name)} is defined twice.`);
      names.add(name);
      if (typeof def['type'] !== 'string' || !(SCRIPT_PARAM_TYPES as readonly string[]).includes(def['type'])) {
        throw badRequest(`params[${i}].type must be one of ${SCRIPT_PARAM_TYPES.join(', ')}, got ${JSON.stringify(def['type'] ?? null)}.`);
      }
    });
    const n = body.nested('notifications');
    const notifications: Record<string, unknown> = {};
    if (n) {
      for (const k of NOTIFICATION_KEYS) if (n.has(k)) notifications[k] = n.raw(k);
      for (const k of ['successEmailSubject', 'successEmailBody', 'successEmailFromName', 'successEmailReplyTo']) n.string(k);
      for (const list of ['urls', 'successEmailAddresses', 'failureEmailAddresses']) {
        const v = n.raw(list);
        if (v !== undefined && v !== null && (!Array.isArray(v) || v.some((x) => typeof x !== 'string')))
          throw badRequest(`notifications.${list} must be an array of strings.`);
      }
      const stall = n.int('stallWarningMinutes');
      if (stall != null && stall < 0) throw badRequest(`notifications.stallWarningMinutes must not be negative, got ${stall}.`);
      n.bool('successOn');
      n.bool('failureOn');
    }
    const schedule = this.scheduleFrom(body.nested('schedule'));
    return { params, arguments: body.object('arguments') ?? {}, notifications, ...(schedule ? { schedule } : {}) };
  }

  /** A script's notifications as the platform answers them: every key, defaults from the author's preferences. */
  notificationsWire(j: JobRecord): CivisNotifications {
    const n = j.notifications ?? {};
    const str = (k: string) => (typeof n[k] === 'string' ? n[k] : null);
    const list = (k: string) => (Array.isArray(n[k]) ? (n[k] as string[]) : []);
    return {
      urls: list('urls'),
      successEmailSubject: str('successEmailSubject'),
      successEmailBody: str('successEmailBody'),
      successEmailAddresses: list('successEmailAddresses'),
      successEmailFromName: str('successEmailFromName'),
      successEmailReplyTo: str('successEmailReplyTo'),
      failureEmailAddresses: list('failureEmailAddresses'),
      stallWarningMinutes: typeof n['stallWarningMinutes'] === 'number' ? n['stallWarningMinutes'] : null,
      successOn: typeof n['successOn'] === 'boolean' ? n['successOn'] : true,
      failureOn: typeof n['failureOn'] === 'boolean' ? n['failureOn'] : true,
    };
  }

  private scheduleFrom(b: Body | null | undefined): CivisSchedule | undefined {
    if (!b) return undefined;
    const perHour = b.int('scheduledRunsPerHour') ?? null;
    const within = (field: string, min: number, max: number): number[] => {
      const values = b.intList(field) ?? [];
      const bad = values.find((v) => v < min || v > max);
      if (bad !== undefined) throw badRequest(`schedule.${field} takes values from ${min} to ${max}, got ${bad}.`);
      return values;
    };
    const days = within('scheduledDays', 0, 6);
    const daysOfMonth = within('scheduledDaysOfMonth', 1, 31);
    if (days.length > 0 && daysOfMonth.length > 0)
      throw badRequest('schedule.scheduledDays and schedule.scheduledDaysOfMonth are mutually exclusive; give one of them.');
    if (perHour !== null && (perHour < 1 || perHour > 60))
      throw badRequest(`schedule.scheduledRunsPerHour takes values from 1 to 60, got ${perHour}.`);
    return {
      scheduled: b.bool('scheduled') ?? false,
      scheduledDays: days,
      scheduledHours: within('scheduledHours', 0, 23),
      scheduledMinutes: within('scheduledMinutes', 0, 59),
      scheduledRunsPerHour: perHour,
      scheduledDaysOfMonth: daysOfMonth,
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
}
