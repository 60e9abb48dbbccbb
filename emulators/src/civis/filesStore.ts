/**
 * Internal to the Civis emulator: the store's files (single and multipart uploads), queries and reports.
 */
import { createHash } from 'node:crypto';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { badRequest, notFound, type Body } from './query.js';
import { EmulatorError } from '../framework/emulator.js';
import type { CivisRunOutput } from './types/jobs.js';
import type {
  CivisFile,
  CivisFileCreated,
  CivisMultipartFileCreated,
  CivisQuery,
  CivisQueryCreated,
  CivisReport,
  CivisReportDetail,
} from './types/workspace.js';
import {
  MULTIPART_MAX_PARTS,
  MULTIPART_MIN_PART_BYTES,
  DEFAULT_QUERY_EXPORT,
  RESULT_FILE_MAX_ROWS,
  type CredentialRecord,
  type QueryExport,
  type JobRecord,
  type FileRecord,
  type MultipartUpload,
  type QueryRecord,
  type ReportRecord,
} from './records.js';
import { iso } from './baseStore.js';
import { JobsStore } from './jobsStore.js';

const DAY_MS = 86_400_000;
/** Part URLs are good for 12 hours, as the API documents for `uploadUrls`. */
const PART_URL_TTL_S = 12 * 3600;

/** The store with files, queries and reports. */
export class FilesStore extends JobsStore {
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
    if (Number.isNaN(Date.parse(v)))
      throw badRequest(`expiresAt must be an ISO 8601 time, or null to keep the file indefinitely; got ${JSON.stringify(v)}.`);
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
        throw badRequest(
          `name ${JSON.stringify(n)} must keep the extension of ${JSON.stringify(f.name)} (${JSON.stringify(ext(f.name))}).`,
        );
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
    if (numParts < 1 || numParts > MULTIPART_MAX_PARTS)
      throw badRequest(`numParts must be between 1 and ${MULTIPART_MAX_PARTS}, got ${numParts}.`);
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
      throw badRequest(
        `file ${id} has no multipart upload in progress (it was never started, or is already completed or aborted); start one with POST /files/multipart.`,
      );
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
      throw badRequest(
        `the multipart upload of file ${id} cannot be completed: ${problem}. The upload is aborted; start again with POST /files/multipart.`,
      );
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
      detectedInfo: f.detected
        ? { ...f.detected, tableColumns: [] }
        : {
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

  createQuery(callerId: number, body: Body): CivisQueryCreated {
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
      if (c.wire.type !== 'Database')
        throw badRequest(`credential ${credential} is a ${c.wire.type} credential; queries need a Database one.`);
    }
    const compression = body.string('compression');
    if (compression != null && !['gzip', 'zip', 'none'].includes(compression))
      throw badRequest(`compression must be one of gzip, zip or none, got ${JSON.stringify(compression)}.`);
    const delimiter = body.string('columnDelimiter');
    if (delimiter != null && !['comma', 'tab', 'pipe'].includes(delimiter))
      throw badRequest(`columnDelimiter must be one of comma, tab or pipe, got ${JSON.stringify(delimiter)}.`);
    const prefix = body.string('filenamePrefix');
    if (prefix != null && !/^[A-Za-z0-9_.-]{1,100}$/.test(prefix))
      throw badRequest(`filenamePrefix must be 1 to 100 letters, digits, "_", "-" or ".", got ${JSON.stringify(prefix)}.`);
    const exportOptions: QueryExport = {
      includeHeader: body.bool('includeHeader') ?? DEFAULT_QUERY_EXPORT.includeHeader,
      compression: (compression ?? DEFAULT_QUERY_EXPORT.compression) as QueryExport['compression'],
      columnDelimiter: (delimiter ?? DEFAULT_QUERY_EXPORT.columnDelimiter) as QueryExport['columnDelimiter'],
      unquoted: body.bool('unquoted') ?? DEFAULT_QUERY_EXPORT.unquoted,
      filenamePrefix: prefix ?? null,
    };
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
      export: exportOptions,
      resultFileId: null,
    };
    this.queries.set(q.id, q);
    this.version++;
    return {
      ...this.queryWire(q, false),
      myPermissionLevel: 'manage',
      interactive: false,
      ...exportOptions,
    };
  }

  /**
   * `GET /jobs/{id}/runs/{run_id}/outputs` of a query (a query is a job on the platform, and its run ids are unique
   * among all runs): its result file once the run has succeeded, nothing before. The file is written on first read.
   */
  queryOutputs(callerId: number, q: QueryRecord, runId: number): CivisRunOutput[] {
    if (q.authorId !== callerId || q.run.id !== runId) throw notFound();
    this.settle(q.run, false);
    if (q.run.state !== 'succeeded' || q.result === null) return [];
    const f = this.resultFile(q);
    return [{ objectType: 'File', objectId: f.id, name: f.name, link: `/files/${f.id}`, value: null }];
  }

  /** The query's result file: every row of its SQL (up to `RESULT_FILE_MAX_ROWS`) as CSV, written with its options. */
  private resultFile(q: QueryRecord): FileRecord {
    const existing = q.resultFileId == null ? undefined : this.files.get(q.resultFileId);
    if (existing) return existing;
    const opts = q.export ?? DEFAULT_QUERY_EXPORT;
    const outcome = this.runSql(this, q.database, q.sql, RESULT_FILE_MAX_ROWS);
    const result = 'error' in outcome ? q.result! : outcome;
    const sep = { comma: ',', tab: '\t', pipe: '|' }[opts.columnDelimiter];
    const cell = (v: string | null) => (v === null ? '' : opts.unquoted ? v : `"${v.replace(/"/g, '""')}"`);
    const lines = (opts.includeHeader ? [result.columns.map(cell).join(sep)] : []).concat(result.rows.map((r) => r.map(cell).join(sep)));
    const csv = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
    const base = `${opts.filenamePrefix ?? 'query'}_${q.id}.csv`;
    const name = opts.compression === 'gzip' ? `${base}.gz` : opts.compression === 'zip' ? `${base}.zip` : base;
    const content = opts.compression === 'gzip' ? gzipSync(csv) : opts.compression === 'zip' ? zipOne(base, csv) : csv;
    const createdMs = this.progress.now();
    const f: FileRecord = {
      id: this.nextIds.file++,
      name,
      authorId: q.authorId,
      createdAt: new Date(createdMs).toISOString(),
      expiresAt: new Date(createdMs + 30 * DAY_MS).toISOString(),
      description: `Results of query ${q.id}`,
      content,
      detected: { includeHeader: opts.includeHeader, columnDelimiter: opts.columnDelimiter, compression: opts.compression },
    };
    this.files.set(f.id, f);
    q.resultFileId = f.id;
    this.version++;
    return f;
  }

  /** `DELETE /queries/{id}/runs/{run_id}`: cancels the caller's query while its run is queued or running (409 otherwise). */
  cancelQueryRun(callerId: number, id: number, runId: number): void {
    const q = this.query(id);
    if (q.authorId !== callerId || q.run.id !== runId) throw notFound();
    this.settle(q.run, false);
    if (q.run.state !== 'queued' && q.run.state !== 'running') {
      throw new EmulatorError(409, `Query ${id} has already finished (${q.run.state}); only a queued or running query can be cancelled.`, {
        error: 'conflict',
      });
    }
    q.run.state = 'cancelled';
    q.run.finishedMs = this.progress.now();
    q.run.live = false;
    q.result = null;
    this.version++;
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

/** A zip archive holding one deflated entry, as the platform writes a result file with `compression: zip`. */
function zipOne(name: string, data: Buffer): Buffer {
  const packed = deflateRawSync(data);
  const crc = crc32(data);
  const nameBytes = Buffer.from(name, 'utf8');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0, 6);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(0, 10);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  local.writeUInt16LE(0, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(0, 12);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(packed.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE(0, 42);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + nameBytes.length, 12);
  end.writeUInt32LE(30 + nameBytes.length + packed.length, 16);
  return Buffer.concat([local, nameBytes, packed, central, nameBytes, end]);
}
