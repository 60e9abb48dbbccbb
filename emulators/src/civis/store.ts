/**
 * Internal to the Civis emulator: the mutable platform state (seeded by `seed.ts`), the rules that change it, and
 * the rendering of records into wire objects. The store is built in layers, one class per file, each adding a group
 * of resources: `BaseStore` (users, credentials, tables, runs) < `JobsStore` (jobs, scripts, imports, models,
 * predictions) < `FilesStore` (files, queries, reports) < `CivisStore` (projects, which list all of those).
 */
import { badRequest, notFound, type Body } from './query.js';
import type { CivisProject, CivisProjectDetail, CivisReportDetail } from './types/workspace.js';
import type { TableRecord, JobRecord, ModelRecord, ProjectRecord, FileRecord, ReportRecord } from './records.js';
import { iso } from './baseStore.js';
import { FilesStore } from './filesStore.js';

export * from './records.js';

/** The platform state for one emulator instance. */
export class CivisStore extends FilesStore {
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

  /** `PUT /projects/{id}/archive`: archives (or restores) the caller's project. */
  setProjectArchived(callerId: number, id: number, status: boolean): CivisProjectDetail {
    const p = this.project(id, callerId);
    if (p.authorId !== callerId) throw notFound();
    if (p.archived !== status) {
      p.archived = status;
      p.updatedAt = this.nowIso();
      this.version++;
    }
    return this.projectDetail(p, callerId);
  }

  /** `PUT /reports/{id}/archive`: archives (or restores) the caller's report. */
  setReportArchived(callerId: number, id: number, status: boolean): CivisReportDetail {
    const r = this.report(id);
    if (r.wire.user.id !== callerId) throw notFound();
    if (r.wire.archived !== status) {
      r.wire = { ...r.wire, archived: status, updatedAt: this.nowIso() };
      r.detail = { ...r.detail, archived: status, updatedAt: r.wire.updatedAt };
      this.version++;
    }
    return r.detail;
  }

  /**
   * `PUT` (add) or `DELETE` (remove) `/{jobs|imports|scripts|reports|files}/{id}/projects/{project_id}`: the object
   * must be visible to the caller and the project one they belong to. Both answer 204; adding twice or removing an
   * object that is not in the project changes nothing.
   */
  linkProjectObject(callerId: number, kind: 'jobs' | 'reports' | 'files', objectId: number, projectId: number, add: boolean): void {
    const p = this.project(projectId, callerId);
    const toggle = (ids: number[], id = objectId) => {
      const at = ids.indexOf(id);
      if (add && at < 0) ids.push(id);
      if (!add && at >= 0) ids.splice(at, 1);
    };
    if (kind === 'jobs') {
      const j = this.job(objectId);
      toggle(j.kind === 'import' ? p.importIds : p.scriptIds);
      toggle(j.projectIds, p.id);
    } else if (kind === 'reports') {
      const r = this.report(objectId);
      if (!r.memberIds.includes(callerId)) throw notFound();
      toggle(p.reportIds);
      const others = r.wire.projects.filter((x) => x.id !== p.id);
      const projects = add ? [...others, { id: p.id, name: p.name }] : others;
      r.wire = { ...r.wire, projects };
      r.detail = { ...r.detail, projects };
    } else {
      const f = this.file(objectId);
      if (f.authorId !== callerId) throw notFound();
      toggle(p.fileIds);
    }
    p.updatedAt = this.nowIso();
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
      ...scripts.map((s) => ({
        objectId: s.id,
        objectType: 'JobTypes::Script',
        fcoType: 'scripts',
        subType: s.type,
        name: s.name,
        icon: 'script',
        updatedAt: s.updatedAt,
      })),
      ...imports.map((s) => ({
        objectId: s.id,
        objectType: 'JobTypes::Import',
        fcoType: 'imports',
        subType: s.type,
        name: s.name,
        icon: 'import',
        updatedAt: s.updatedAt,
      })),
      ...models.map((m) => ({
        objectId: m.id,
        objectType: 'Model',
        fcoType: 'models',
        subType: 'model',
        name: m.name,
        icon: 'model',
        updatedAt: m.updatedAt,
      })),
      ...reports.map((r) => ({
        objectId: r.id,
        objectType: 'Report',
        fcoType: 'reports',
        subType: 'report',
        name: r.name,
        icon: 'report',
        updatedAt: r.updatedAt,
      })),
      ...files.map((f) => ({
        objectId: f.id,
        objectType: 'S3File',
        fcoType: 'files',
        subType: 'file',
        name: f.name,
        icon: 'file',
        updatedAt: f.updatedAt,
      })),
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
}
