/**
 * Per-request Civis loaders: every resource path read once per request, every list page read once, and users
 * loaded with one `GET /users/{id}` per distinct user (Civis has no multi-get), whatever the number of objects
 * that reference them.
 */
import DataLoader from 'dataloader';
import { memoize } from './memo.js';
import type { AugurObserver } from '../core/observer.js';
import { civisQueryString, type CivisCallContext, type CivisClient, type CivisPage, type CivisParams } from '../upstreams/civis/client.js';
import type { CivisMe, CivisUserDetail } from '../upstreams/civis/types.js';

export interface CivisLoaders {
  /** GET of one resource path (e.g. `/jobs/5001`), memoised for the request; `route` is its template. */
  get<T>(path: string, route: string): Promise<T>;
  /** One page of a paginated list (zero-based `pageIndex`), memoised for the request. */
  list<T>(path: string, route: string, params: CivisParams, pageIndex: number, limit: number): Promise<CivisPage<T>>;
  /** `GET /users/{id}` by Civis user id: one call per distinct user and request. */
  user: DataLoader<number, CivisUserDetail>;
  /** `GET /users/me`, once per request. */
  me(): Promise<CivisMe>;
}

export function createCivisLoaders(client: CivisClient, ctx: CivisCallContext, observe: Pick<Required<AugurObserver>, 'loaderBatch'>): CivisLoaders {
  const get = memoize(
    (path: string, route: string) => `${path}\n${route}`,
    (path: string, route: string) => client.get<unknown>(ctx, path, route),
  ) as <T>(path: string, route: string) => Promise<T>;
  const list = memoize(
    (path: string, _route: string, params: CivisParams, pageIndex: number, limit: number) => `${path}\n${civisQueryString(params)}\n${pageIndex}\n${limit}`,
    (path: string, route: string, params: CivisParams, pageIndex: number, limit: number) => client.list<unknown>(ctx, path, route, params, pageIndex, limit),
  ) as <T>(path: string, route: string, params: CivisParams, pageIndex: number, limit: number) => Promise<CivisPage<T>>;
  const user = new DataLoader<number, CivisUserDetail>(
    (ids) => {
      observe.loaderBatch('civis', 'users', ids.length);
      return Promise.all(ids.map((id) => get<CivisUserDetail>(`/users/${id}`, '/users/{id}').catch((e: unknown) => e as Error)));
    },
    { maxBatchSize: 100 },
  );
  return {
    get,
    list,
    user,
    me: () => get<CivisMe>('/users/me', '/users/me'),
  };
}
