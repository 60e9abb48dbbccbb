/**
 * Client for the Civis Platform API (docs/upstreams.md §7 "Civis Platform"): HTTP Basic with the API key as username, page-based lists
 * (`page_num` 1-based, `limit`, `order`, `order_dir`) whose totals arrive in `X-Pagination-Total-Entries`, and the
 * writes Augur exposes (job runs, queries, credentials). Every Civis path Augur calls is here. Retries follow
 * `civisPolicy` (policy.ts), with writes repeated only where Civis's rules make it safe (429/503 on POST, never PATCH).
 */
import { createGunzip, inflateRawSync } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request as undiciRequest, errors as undiciErrors } from 'undici';
import { AugurError, ErrorCode } from '../../core/errors.js';
import { CsvReader, type CsvRecord } from './csv.js';
import type { UpstreamHttp } from '../http.js';
import { ObjectCache } from '../objectCache.js';
import type { ReadCache } from '../readCache.js';
import type { RequestBudget } from '../requestBudget.js';
import type { HttpMethod } from '../../core/upstream.js';
import { CIVIS_CACHE_RULES } from './cache.js';
import type { CivisDatabase, CivisQuery, CivisSchema } from './databaseTypes.js';
import type { CivisFileCreated } from './fileTypes.js';
import type { CivisRunOutput } from './jobTypes.js';
import type { CivisPrediction } from './modelTypes.js';
import type { CivisRun } from './types.js';
import type { CivisCredential, CivisMe } from './userTypes.js';

/** Collections with a `PUT /{kind}/{id}/archive` route. */
export type CivisArchivable = 'jobs' | 'projects' | 'reports';
/** Collections with `PUT|DELETE /{kind}/{id}/projects/{project_id}`. */
export type CivisProjectMember = 'jobs' | 'imports' | 'reports' | 'files';
/** The language segment of Civis's typed script routes. */
export type CivisScriptSegment = 'sql' | 'python3' | 'r' | 'containers';

/** The caller's API key and the operation's budget, passed with every call. */
export interface CivisCallContext {
  apiKey: string | undefined;
  budget: RequestBudget;
  /**
   * Read through the entity cache (the request's loaders set it). Unset, reads go to Civis: subscriptions' pollers
   * and the reads a mutation makes around its write need the current state.
   */
  cached?: boolean;
}

/** Query parameters of a list; `undefined` values are left out. */
export type CivisParams = Record<string, string | number | boolean | undefined>;

/** One list page as Augur reads it: the items and the total across pages. */
export interface CivisPage<T> {
  items: T[];
  total: number;
}

/** Builds a query string in a stable order (so equal lists share one memoised request). */
export function civisQueryString(params: CivisParams): string {
  const search = new URLSearchParams();
  for (const key of Object.keys(params).sort()) {
    const v = params[key];
    if (v !== undefined) search.set(key, String(v));
  }
  return search.toString();
}

function withQuery(path: string, params: CivisParams): string {
  const qs = civisQueryString(params);
  return qs ? `${path}?${qs}` : path;
}

/** An unpaginated list as an array, whatever arrived. */
function arrayOf<T>(data: T[] | undefined): T[] {
  return Array.isArray(data) ? data : [];
}

function headerNumber(value: string | string[] | undefined): number {
  return Number(Array.isArray(value) ? value[0] : value);
}

/** The Civis collections whose objects Augur reads by id, with `GET /{collection}/{id}`. */
export type CivisCollection =
  | 'credentials'
  | 'databases'
  | 'tables'
  | 'files'
  | 'imports'
  | 'jobs'
  | 'models'
  | 'predictions'
  | 'projects'
  | 'queries'
  | 'reports'
  | 'scripts'
  | 'users';

/** The route template of each read by id, for logs and metrics (Civis's spec names the projects parameter `project_id`). */
const OBJECT_ROUTES: Record<CivisCollection, string> = {
  credentials: '/credentials/{id}',
  databases: '/databases/{id}',
  tables: '/tables/{id}',
  files: '/files/{id}',
  imports: '/imports/{id}',
  jobs: '/jobs/{id}',
  models: '/models/{id}',
  predictions: '/predictions/{id}',
  projects: '/projects/{project_id}',
  queries: '/queries/{id}',
  reports: '/reports/{id}',
  scripts: '/scripts/{id}',
  users: '/users/{id}',
};

/**
 * A paginated Civis list: where it is read, and the largest `limit` Civis accepts for it (docs/upstreams.md §7.3
 * "Pagination"). Its `path` identifies the list: the request's memo and its connections' cursors are keyed by it.
 */
export interface CivisList {
  readonly path: string;
  readonly route: string;
  readonly maxLimit: number;
  /** Civis sorts it by its objects' last run (`order=last_run.updated_at`). */
  readonly runOrdered?: boolean;
}

const list = (path: string, maxLimit: number, route = path): CivisList => ({ path, route, maxLimit });
const runList = (path: string, maxLimit: number): CivisList => ({ ...list(path, maxLimit), runOrdered: true });

/** Civis's paginated lists: the collections, a job's runs and a table's columns. */
export const CIVIS_LISTS = {
  credentials: list('/credentials/', 1000),
  tables: list('/tables/', 1000),
  files: list('/files/', 50),
  imports: runList('/imports/', 50),
  jobs: list('/jobs/', 50),
  models: runList('/models/', 50),
  projects: list('/projects/', 1000),
  queries: list('/queries/', 50),
  reports: runList('/reports/', 50),
  scripts: runList('/scripts/', 50),
  users: list('/users/', 10000),
  /** `GET /jobs/{id}/runs`: the runs of a job, a script or an import. */
  runsOf: (jobId: number): CivisList => list(`/jobs/${jobId}/runs`, 100, '/jobs/{id}/runs'),
  /** `GET /tables/{id}/columns`. */
  columnsOf: (tableId: number): CivisList => list(`/tables/${tableId}/columns`, 50, '/tables/{id}/columns'),
};

/** Body of `POST /credentials/`. The password is sent, stored by Civis, and never returned. */
export interface CivisCredentialWrite {
  name?: string;
  type?: string;
  username?: string | null;
  password?: string;
  description?: string | null;
  remoteHostId?: number | null;
  state?: string | null;
  default?: boolean;
}

/** Body of `POST /queries/`. */
export interface CivisQueryWrite {
  database: number;
  sql: string;
  credential?: number;
  previewRows?: number;
  hidden?: boolean;
  includeHeader?: boolean;
  compression?: 'none' | 'gzip' | 'zip';
  columnDelimiter?: 'comma' | 'tab' | 'pipe';
  unquoted?: boolean;
  filenamePrefix?: string;
}

/**
 * The route a result file's download is reported under in metrics and traces: the link itself is a bearer secret
 * (a presigned URL) and never a label.
 */
export const RESULT_FILE_ROUTE = 'GET {downloadUrl}';

/** How to read a CSV file Civis wrote: its delimiter, and the bounds on the download. */
export interface CivisCsvRead {
  /** `,`, tab or `|`. */
  delimiter: string;
  /** Most bytes of CSV text read (after decompression); past it the read fails with LIMIT_EXCEEDED. */
  maxBytes: number;
  /** Time to the answer's headers, and between two pieces of its body. */
  timeoutMs: number;
}

/** A file's bytes as they come: plain, gzip or a one-entry zip, told apart by their first bytes. */
function compressionOf(head: Buffer): 'gzip' | 'zip' | 'none' {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
  return 'none';
}

function tooLarge(maxBytes: number): AugurError {
  return new AugurError(
    ErrorCode.LIMIT_EXCEEDED,
    `The Civis result file holds more than ${maxBytes} bytes of CSV (AUGUR_CIVIS_RESULT_MAX_BYTES). Ask for fewer rows (a LIMIT in the SQL), or download resultFile.downloadUrl yourself.`,
    { platform: 'civis', limit: 'civisResultMaxBytes', max: maxBytes },
  );
}

/** The first entry of a zip archive, inflated (Civis writes one CSV per archive); at most `maxBytes` of it. */
function unzipFirst(zip: Buffer, maxBytes: number): Buffer {
  if (zip.length < 30 || zip.readUInt32LE(0) !== 0x04034b50) throw badFile('it is not a zip archive');
  const method = zip.readUInt16LE(8);
  const flags = zip.readUInt16LE(6);
  const start = 30 + zip.readUInt16LE(26) + zip.readUInt16LE(28);
  // With a data descriptor (flag bit 3) the sizes follow the data; inflating to the end of the stream finds it.
  const size = flags & 0x08 ? zip.length - start : zip.readUInt32LE(18);
  const data = zip.subarray(start, start + size);
  if (method === 0) {
    if (data.length > maxBytes) throw tooLarge(maxBytes);
    return data;
  }
  if (method !== 8) throw badFile(`its zip entry uses compression method ${method}, not deflate`);
  try {
    return inflateRawSync(data, { maxOutputLength: maxBytes });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes);
    throw badFile('its zip entry does not inflate');
  }
}

function badFile(why: string): AugurError {
  return new AugurError(ErrorCode.UPSTREAM_ERROR, `Civis's result file could not be read: ${why}.`, { platform: 'civis' });
}

export class CivisClient {
  private readonly objects: ObjectCache;

  /**
   * `cache`: the entity cache. Reads by id and list pages go through it when the call asks; every write sent through
   * `http` drops what its route changes (cache.ts), whichever method sends it.
   */
  constructor(
    private readonly http: UpstreamHttp,
    cache?: ReadCache,
  ) {
    this.objects = new ObjectCache(CIVIS_CACHE_RULES, cache);
    this.http = this.objects.guard(http);
  }

  private auth(ctx: CivisCallContext): string | undefined {
    return ctx.apiKey ? `Basic ${Buffer.from(`${ctx.apiKey}:`).toString('base64')}` : undefined;
  }

  /** A reachability check (`GET /users/me` without a credential): any HTTP answer counts. Civis reports no version. */
  async probe(timeoutMs: number): Promise<{ version: string | null }> {
    await this.http.probe('/users/me', timeoutMs);
    return { version: null };
  }

  /** `GET /{collection}/{id}`: one object by its Civis id. */
  get<T>(ctx: CivisCallContext, collection: CivisCollection, id: number): Promise<T> {
    return this.read<T>(ctx, `/${collection}/${id}`, OBJECT_ROUTES[collection]);
  }

  /** `GET /jobs/{id}/runs/{run_id}`: one run of a job, a script or an import. */
  getJobRun(ctx: CivisCallContext, jobId: number, runId: number): Promise<CivisRun> {
    return this.read<CivisRun>(ctx, `/jobs/${jobId}/runs/${runId}`, '/jobs/{id}/runs/{run_id}');
  }

  /** `GET /users/me`: the user the API key belongs to. */
  getMe(ctx: CivisCallContext): Promise<CivisMe> {
    return this.read<CivisMe>(ctx, '/users/me', '/users/me');
  }

  /** `GET /databases/`: every database the key can see (an unpaginated array). */
  async listDatabases(ctx: CivisCallContext): Promise<CivisDatabase[]> {
    return arrayOf(await this.read<CivisDatabase[]>(ctx, '/databases/', '/databases/'));
  }

  /** `GET /databases/{id}/schemas` (an unpaginated array). */
  async listDatabaseSchemas(ctx: CivisCallContext, databaseId: number): Promise<CivisSchema[]> {
    return arrayOf(await this.read<CivisSchema[]>(ctx, `/databases/${databaseId}/schemas`, '/databases/{id}/schemas'));
  }

  /** `GET /predictions/`, of one model when `modelId` is given (an unpaginated array). */
  async listPredictions(ctx: CivisCallContext, modelId?: number): Promise<CivisPrediction[]> {
    const path = modelId === undefined ? '/predictions/' : `/predictions/?model_id=${modelId}`;
    return arrayOf(await this.read<CivisPrediction[]>(ctx, path, '/predictions/'));
  }

  /**
   * Reads one page of a paginated list: zero-based `pageIndex` (Civis's `page_num` is 1-based) of `limit` items.
   * Civis answers a bare array past the last page and the total in `X-Pagination-Total-Entries`.
   */
  list<T>(ctx: CivisCallContext, list: CivisList, params: CivisParams, pageIndex: number, limit: number): Promise<CivisPage<T>> {
    const path = withQuery(list.path, { ...params, page_num: pageIndex + 1, limit });
    return this.objects.read(ctx, ctx.apiKey, `GET ${list.route}`, path, async () => {
      const res = await this.http.request<T[]>({
        method: 'GET',
        path,
        route: `GET ${list.route}`,
        authorization: this.auth(ctx),
        idempotent: true,
        budget: ctx.budget,
      });
      const items = Array.isArray(res.data) ? res.data : [];
      const total = headerNumber(res.headers['x-pagination-total-entries']);
      return { items, total: Number.isFinite(total) ? total : pageIndex * limit + items.length };
    });
  }

  /**
   * `GET /jobs/{id}/runs/{run_id}/outputs`: what a run produced. A query is a job on the platform, so a query's id
   * and its `lastRunId` list its result file. One page of Civis's maximum (50) holds every output of a run.
   */
  async listRunOutputs(ctx: CivisCallContext, jobId: number, runId: number): Promise<CivisRunOutput[]> {
    const path = `/jobs/${jobId}/runs/${runId}/outputs?limit=50`;
    return arrayOf(await this.read<CivisRunOutput[]>(ctx, path, '/jobs/{id}/runs/{run_id}/outputs'));
  }

  /**
   * Downloads a file Civis wrote (its `downloadUrl`, a presigned link that takes no credential: none is sent) and
   * parses it as CSV while it arrives, gzip and zip included. Bounded: past `maxBytes` of CSV text the download is
   * stopped and the read fails with LIMIT_EXCEEDED. The link is never put in an error or a log (it is a bearer
   * secret). Not retried: a read of the whole file again is the caller's choice.
   */
  async readCsv(ctx: CivisCallContext, url: string, opts: CivisCsvRead): Promise<CsvRecord[]> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw badFile('its download link is not a URL');
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') throw badFile('its download link is not http or https');
    if (ctx.budget.signal.aborted) throw this.deadline(ctx);
    ctx.budget.calls++;
    return this.http.observeGet(RESULT_FILE_ROUTE, (answered) => this.download(ctx, target, opts, answered));
  }

  /** `readCsv`'s request and parse, reporting the status the storage answered. */
  private async download(ctx: CivisCallContext, target: URL, opts: CivisCsvRead, answered: (status: number) => void): Promise<CsvRecord[]> {
    let res: Awaited<ReturnType<typeof undiciRequest>>;
    try {
      res = await undiciRequest(target, {
        method: 'GET',
        signal: ctx.budget.signal,
        headersTimeout: opts.timeoutMs,
        bodyTimeout: opts.timeoutMs,
      });
    } catch (e) {
      throw this.downloadFailed(ctx, e, opts.timeoutMs);
    }
    answered(res.statusCode);
    if (res.statusCode < 200 || res.statusCode > 299) {
      await res.body.dump().catch(() => undefined);
      throw new AugurError(
        ErrorCode.UPSTREAM_ERROR,
        `Civis's storage refused the result file's download (HTTP ${res.statusCode}); its link may have expired: read the query again.`,
        { platform: 'civis', upstreamStatus: res.statusCode },
      );
    }
    const csv = new CsvReader(opts.delimiter);
    const decoder = new StringDecoder('utf8');
    let text = 0;
    // Kept aside: a stream pipeline reports its own abort rather than the error that stopped it.
    let overflow: AugurError | undefined;
    const take = (chunk: Buffer) => {
      text += chunk.length;
      if (text > opts.maxBytes) throw (overflow = tooLarge(opts.maxBytes));
      csv.push(decoder.write(chunk));
    };
    const it = (res.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    try {
      const head = await it.next();
      const first: Buffer = head.done ? Buffer.alloc(0) : head.value;
      const kind = compressionOf(first);
      async function* all(): AsyncGenerator<Buffer> {
        if (first.length > 0) yield first;
        for (;;) {
          const next = await it.next();
          if (next.done) return;
          yield next.value;
        }
      }
      if (kind === 'gzip') {
        await pipeline(Readable.from(all()), createGunzip(), async (source: AsyncIterable<Buffer>) => {
          for await (const chunk of source) take(chunk);
        });
      } else if (kind === 'zip') {
        const parts: Buffer[] = [];
        let size = 0;
        for await (const chunk of all()) {
          size += chunk.length;
          if (size > opts.maxBytes) throw tooLarge(opts.maxBytes);
          parts.push(chunk);
        }
        take(unzipFirst(Buffer.concat(parts), opts.maxBytes));
      } else for await (const chunk of all()) take(chunk);
    } catch (e) {
      res.body.destroy();
      if (overflow) throw overflow;
      if (e instanceof AugurError) throw e;
      if (typeof (e as { code?: unknown }).code === 'string' && (e as { code: string }).code.startsWith('Z_'))
        throw badFile('it is not valid gzip');
      throw this.downloadFailed(ctx, e, opts.timeoutMs);
    }
    csv.push(decoder.end());
    return csv.end();
  }

  private deadline(ctx: CivisCallContext): AugurError {
    const ms = ctx.budget.operationDeadline.timeoutMs;
    return new AugurError(
      ErrorCode.OPERATION_TIMEOUT,
      `The operation ran past its ${ms} ms limit (AUGUR_OPERATION_TIMEOUT_MS) while reading Civis's result file.`,
      { limit: 'operationTimeoutMs', max: ms, platform: 'civis' },
    );
  }

  /** A failed download as an Augur error, without the link or anything the storage answered. */
  private downloadFailed(ctx: CivisCallContext, e: unknown, timeoutMs: number): AugurError {
    if (ctx.budget.signal.aborted) return this.deadline(ctx);
    if (e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError) {
      return new AugurError(ErrorCode.UPSTREAM_TIMEOUT, `Civis's storage did not send the result file within ${timeoutMs} ms.`, {
        platform: 'civis',
      });
    }
    return new AugurError(ErrorCode.UPSTREAM_UNAVAILABLE, "Civis's storage could not be reached to download the result file.", {
      platform: 'civis',
    });
  }

  /** `POST /jobs/{id}/runs`: starts a run. Sent once: a repeated request could start a second run. */
  runJob(ctx: CivisCallContext, jobId: number): Promise<CivisRun> {
    return this.once<CivisRun>(ctx, 'POST', `/jobs/${jobId}/runs`, 'POST /jobs/{id}/runs');
  }

  /** `POST /queries/`: runs SQL asynchronously; read `state` back with `GET /queries/{id}`. Sent once. */
  createQuery(ctx: CivisCallContext, body: CivisQueryWrite): Promise<CivisQuery> {
    return this.once<CivisQuery>(ctx, 'POST', '/queries/', 'POST /queries/', body);
  }

  /** `POST /credentials/`. Sent once, so a credential is never created twice. */
  createCredential(ctx: CivisCallContext, body: CivisCredentialWrite): Promise<CivisCredential> {
    return this.once<CivisCredential>(ctx, 'POST', '/credentials/', 'POST /credentials/', body);
  }

  /** `PATCH /credentials/{id}`: changes the given fields only. Civis never retries a PATCH, nor does Augur. */
  updateCredential(ctx: CivisCallContext, id: number, body: CivisCredentialWrite): Promise<CivisCredential> {
    return this.once<CivisCredential>(ctx, 'PATCH', `/credentials/${id}`, 'PATCH /credentials/{id}', body);
  }

  /** `DELETE /credentials/{id}` (204). Retried like any DELETE: deleting twice has one effect. */
  async deleteCredential(ctx: CivisCallContext, id: number): Promise<void> {
    await this.http.request<unknown>({
      method: 'DELETE',
      path: `/credentials/${id}`,
      route: 'DELETE /credentials/{id}',
      authorization: this.auth(ctx),
      idempotent: true,
      budget: ctx.budget,
    });
  }

  /** `DELETE /jobs/{id}/runs/{run_id}` (202): cancels a run of a job, a script or an import. Retried like any DELETE. */
  async cancelJobRun(ctx: CivisCallContext, jobId: number, runId: number): Promise<void> {
    await this.write(ctx, 'DELETE', `/jobs/${jobId}/runs/${runId}`, 'DELETE /jobs/{id}/runs/{run_id}', undefined, true);
  }

  /** `DELETE /queries/{id}/runs/{run_id}` (202): cancels a query's run. Retried like any DELETE. */
  async cancelQueryRun(ctx: CivisCallContext, queryId: number, runId: number): Promise<void> {
    await this.write(ctx, 'DELETE', `/queries/${queryId}/runs/${runId}`, 'DELETE /queries/{id}/runs/{run_id}', undefined, true);
  }

  /** `PUT /{jobs|projects|reports}/{id}/archive` with `{status}`: archives or restores. A PUT, so repeated safely. */
  archive<T>(ctx: CivisCallContext, kind: CivisArchivable, id: number, status: boolean): Promise<T> {
    return this.write<T>(ctx, 'PUT', `/${kind}/${id}/archive`, `PUT /${kind}/{id}/archive`, { status }, true);
  }

  /** `POST /scripts/{language}`: creates a script. Sent once. */
  createScript<T>(ctx: CivisCallContext, language: CivisScriptSegment, body: Record<string, unknown>): Promise<T> {
    return this.once<T>(ctx, 'POST', `/scripts/${language}`, `POST /scripts/${language}`, body);
  }

  /** `PATCH /scripts/{language}/{id}`: changes the given fields. Never retried. */
  updateScript<T>(ctx: CivisCallContext, language: CivisScriptSegment, id: number, body: Record<string, unknown>): Promise<T> {
    return this.once<T>(ctx, 'PATCH', `/scripts/${language}/${id}`, `PATCH /scripts/${language}/{id}`, body);
  }

  /** `POST /imports/`: creates an import configuration. Sent once. */
  createImport<T>(ctx: CivisCallContext, body: Record<string, unknown>): Promise<T> {
    return this.once<T>(ctx, 'POST', '/imports/', 'POST /imports/', body);
  }

  /** `PUT /imports/{id}`: replaces an import configuration whole. A PUT, so repeated safely. */
  replaceImport<T>(ctx: CivisCallContext, id: number, body: Record<string, unknown>): Promise<T> {
    return this.write<T>(ctx, 'PUT', `/imports/${id}`, 'PUT /imports/{id}', body, true);
  }

  /** `POST /projects/`. Sent once. */
  createProject<T>(ctx: CivisCallContext, body: Record<string, unknown>): Promise<T> {
    return this.once<T>(ctx, 'POST', '/projects/', 'POST /projects/', body);
  }

  /** `PUT /projects/{project_id}`: name, description and note. A PUT, so repeated safely. */
  updateProject<T>(ctx: CivisCallContext, id: number, body: Record<string, unknown>): Promise<T> {
    return this.write<T>(ctx, 'PUT', `/projects/${id}`, 'PUT /projects/{project_id}', body, true);
  }

  /** `PUT` (add) or `DELETE` (remove) `/{kind}/{id}/projects/{project_id}` (204). Both repeat safely. */
  async linkToProject(ctx: CivisCallContext, kind: CivisProjectMember, id: number, projectId: number, add: boolean): Promise<void> {
    const method = add ? 'PUT' : 'DELETE';
    await this.write(ctx, method, `/${kind}/${id}/projects/${projectId}`, `${method} /${kind}/{id}/projects/{project_id}`, undefined, true);
  }

  /** `POST /reports/`: an HTML report. Sent once. */
  createReport<T>(ctx: CivisCallContext, body: Record<string, unknown>): Promise<T> {
    return this.once<T>(ctx, 'POST', '/reports/', 'POST /reports/', body);
  }

  /** `PATCH /reports/{id}`. Never retried. */
  updateReport<T>(ctx: CivisCallContext, id: number, body: Record<string, unknown>): Promise<T> {
    return this.once<T>(ctx, 'PATCH', `/reports/${id}`, 'PATCH /reports/{id}', body);
  }

  /** `PATCH /tables/{id}`: a table's description and key columns. Never retried. */
  updateTable<T>(ctx: CivisCallContext, id: number, body: Record<string, unknown>): Promise<T> {
    return this.once<T>(ctx, 'PATCH', `/tables/${id}`, 'PATCH /tables/{id}', body);
  }

  /** `POST /files/`: a file without content, with the URL and form fields its bytes are posted to. Sent once. */
  createFile(ctx: CivisCallContext, body: Record<string, unknown>): Promise<CivisFileCreated> {
    return this.once<CivisFileCreated>(ctx, 'POST', '/files/', 'POST /files/', body);
  }

  private async write<T>(
    ctx: CivisCallContext,
    method: HttpMethod,
    path: string,
    route: string,
    body: unknown,
    idempotent: boolean,
  ): Promise<T> {
    const res = await this.http.request<T>({
      method,
      path,
      route,
      authorization: this.auth(ctx),
      ...(body !== undefined ? { body } : {}),
      idempotent,
      budget: ctx.budget,
    });
    return res.data;
  }

  /** A GET of one path (with its query string); `route` is its template for logs, metrics and the entity cache. */
  private read<T>(ctx: CivisCallContext, path: string, route: string): Promise<T> {
    return this.objects.read(ctx, ctx.apiKey, `GET ${route}`, path, async () => {
      const res = await this.http.request<T>({
        method: 'GET',
        path,
        route: `GET ${route}`,
        authorization: this.auth(ctx),
        idempotent: true,
        budget: ctx.budget,
      });
      return res.data;
    });
  }

  /**
   * A write. It follows Civis's own rule for non-idempotent verbs: a POST is repeated only after 429 or 503, which
   * Civis answers before acting; never after 502, 504 or a connection that may have reached it; a PATCH never.
   */
  private async once<T>(ctx: CivisCallContext, method: HttpMethod, path: string, route: string, body?: unknown): Promise<T> {
    const res = await this.http.request<T>({
      method,
      path,
      route,
      authorization: this.auth(ctx),
      ...(body !== undefined ? { body } : {}),
      idempotent: false,
      budget: ctx.budget,
    });
    return res.data;
  }
}
