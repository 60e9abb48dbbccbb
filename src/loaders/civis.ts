/**
 * Per-request Civis loaders: every resource path read once per request, every list page read once, and users
 * loaded with one `GET /users/{id}` per distinct user (Civis has no multi-get), whatever the number of objects
 * that reference them.
 */
import DataLoader from 'dataloader';
import type { AugurObserver } from '../server/observer.js';
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
  const gets = new DataLoader<string, unknown>(
    (keys) =>
      Promise.all(
        keys.map((key) => {
          const [path, route] = key.split('\n') as [string, string];
          return client.get<unknown>(ctx, path, route).catch((e: unknown) => e as Error);
        }),
      ),
    { batch: false },
  );
  const lists = new DataLoader<string, CivisPage<unknown>>(
    (keys) =>
      Promise.all(
        keys.map((key) => {
          const [path, route, qs, page, limit] = key.split('\n') as [string, string, string, string, string];
          const params = Object.fromEntries(new URLSearchParams(qs));
          return client.list<unknown>(ctx, path, route, params, Number(page), Number(limit)).catch((e: unknown) => e as Error);
        }),
      ),
    { batch: false },
  );
  const get = <T>(path: string, route: string) => gets.load(`${path}\n${route}`) as Promise<T>;
  const user = new DataLoader<number, CivisUserDetail>(
    (ids) => {
      observe.loaderBatch('civis', 'users', ids.length);
      return Promise.all(ids.map((id) => get<CivisUserDetail>(`/users/${id}`, '/users/{id}').catch((e: unknown) => e as Error)));
    },
    { maxBatchSize: 100 },
  );
  return {
    get,
    list: <T>(path: string, route: string, params: CivisParams, pageIndex: number, limit: number) =>
      lists.load(`${path}\n${route}\n${civisQueryString(params)}\n${pageIndex}\n${limit}`) as Promise<CivisPage<T>>,
    user,
    me: () => get<CivisMe>('/users/me', '/users/me'),
  };
}
