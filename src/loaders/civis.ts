/**
 * Per-request Civis loaders: every object and every unpaginated list read once per request, every list page read
 * once, and users loaded with one `GET /users/{id}` per distinct user (Civis has no multi-get), whatever the number
 * of objects that reference them. Reads go through the entity cache when it holds their type (docs/caching.md).
 */
import DataLoader from 'dataloader';
import { memoize } from './memo.js';
import type { AugurObserver } from '../core/observer.js';
import {
  civisQueryString,
  type CivisCallContext,
  type CivisClient,
  type CivisCsvRead,
  type CivisCollection,
  type CivisList,
  type CivisPage,
  type CivisParams,
} from '../upstreams/civis/client.js';
import type { CsvRecord } from '../upstreams/civis/csv.js';
import type { CivisDatabase, CivisSchema } from '../upstreams/civis/databaseTypes.js';
import type { CivisRunOutput } from '../upstreams/civis/jobTypes.js';
import type { CivisPrediction } from '../upstreams/civis/modelTypes.js';
import type { CivisRun } from '../upstreams/civis/types.js';
import type { CivisMe, CivisUserDetail } from '../upstreams/civis/userTypes.js';

export interface CivisLoaders {
  /** One object by collection and Civis id (`GET /{collection}/{id}`), memoised for the request. */
  get<T>(collection: CivisCollection, id: number): Promise<T>;
  /** One run of a job, a script or an import, memoised for the request. */
  jobRun(jobId: number, runId: number): Promise<CivisRun>;
  /** Every database the key can see, once per request. */
  databases(): Promise<CivisDatabase[]>;
  /** The schemas of a database, once per database and request. */
  databaseSchemas(databaseId: number): Promise<CivisSchema[]>;
  /** The predictions, of one model or of all, once per request. */
  predictions(modelId?: number): Promise<CivisPrediction[]>;
  /** One page of a paginated list (zero-based `pageIndex`), memoised for the request. */
  list<T>(list: CivisList, params: CivisParams, pageIndex: number, limit: number): Promise<CivisPage<T>>;
  /** `GET /users/{id}` by Civis user id: one call per distinct user and request. */
  user: DataLoader<number, CivisUserDetail>;
  /** `GET /users/me`, once per request. */
  me(): Promise<CivisMe>;
  /** What a run produced (a query's run: its result file), once per run and request. */
  runOutputs(jobId: number, runId: number): Promise<CivisRunOutput[]>;
  /** A CSV file Civis wrote, downloaded and parsed once per file and request (`read` bounds it). */
  csvFile(fileId: number, url: string, read: CivisCsvRead): Promise<CsvRecord[]>;
}

export function createCivisLoaders(
  client: CivisClient,
  call: CivisCallContext,
  observe: Pick<Required<AugurObserver>, 'loaderBatch'>,
): CivisLoaders {
  // The request's reads may be answered by the entity cache; the client's other callers (writes, pollers) read Civis.
  const ctx: CivisCallContext = { ...call, cached: true };
  const get = memoize(
    (collection: CivisCollection, id: number) => `${collection}\n${id}`,
    (collection: CivisCollection, id: number) => client.get<unknown>(ctx, collection, id),
  ) as <T>(collection: CivisCollection, id: number) => Promise<T>;
  const list = memoize(
    (list: CivisList, params: CivisParams, pageIndex: number, limit: number) =>
      `${list.path}\n${civisQueryString(params)}\n${pageIndex}\n${limit}`,
    (list: CivisList, params: CivisParams, pageIndex: number, limit: number) => client.list<unknown>(ctx, list, params, pageIndex, limit),
  ) as <T>(list: CivisList, params: CivisParams, pageIndex: number, limit: number) => Promise<CivisPage<T>>;
  const user = new DataLoader<number, CivisUserDetail>(
    (ids) => {
      observe.loaderBatch('civis', 'users', ids.length);
      return Promise.all(ids.map((id) => get<CivisUserDetail>('users', id).catch((e: unknown) => e as Error)));
    },
    { maxBatchSize: 100 },
  );
  const once = <A extends unknown[], V>(fetch: (...args: A) => Promise<V>) => memoize((...args: A) => args.join('\n'), fetch);
  return {
    get,
    jobRun: once((jobId: number, runId: number) => client.getJobRun(ctx, jobId, runId)),
    databases: once(() => client.listDatabases(ctx)),
    databaseSchemas: once((databaseId: number) => client.listDatabaseSchemas(ctx, databaseId)),
    predictions: once((modelId?: number) => client.listPredictions(ctx, modelId)),
    list,
    user,
    me: once(() => client.getMe(ctx)),
    runOutputs: once((jobId: number, runId: number) => client.listRunOutputs(ctx, jobId, runId)),
    // Keyed by the file alone: its link changes with every read of the file, its content does not.
    csvFile: memoize(
      (fileId: number, _url: string, _read: CivisCsvRead) => String(fileId),
      (_fileId: number, url: string, read: CivisCsvRead) => client.readCsv(ctx, url, read),
    ),
  };
}
