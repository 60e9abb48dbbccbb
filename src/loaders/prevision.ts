/**
 * Per-request Prevision loaders: every object read by path once per request, and unit predictions on a deployment
 * de-duplicated by features (a deployed model scores one record per call, so distinct records run in parallel).
 */
import DataLoader from 'dataloader';
import { memoize } from './memo.js';
import type { AugurObserver } from '../core/observer.js';
import type { PrevisionCallContext, PrevisionClient } from '../upstreams/prevision/client.js';
import type { PrevisionDeployment, PrevisionUnitPrediction } from '../upstreams/prevision/types.js';

export interface PrevisionLoaders {
  /** GET of one resource path (e.g. `/deployments/{id}`), memoised for the request; `route` is its template. */
  get<T>(path: string, route: string): Promise<T>;
  /** One page of a list, memoised for the request. */
  list<T>(path: string, route: string, pageIndex: number, size: number): Promise<{ items: T[]; total: number }>;
  predict(deployment: PrevisionDeployment): DataLoader<Record<string, unknown>, PrevisionUnitPrediction, string>;
}

export function createPrevisionLoaders(
  client: PrevisionClient,
  ctx: PrevisionCallContext,
  observe: Pick<Required<AugurObserver>, 'loaderBatch'>,
): PrevisionLoaders {
  const get = memoize(
    (path: string, route: string) => `${path}\n${route}`,
    (path: string, route: string) => client.get<unknown>(ctx, path, route),
  );
  const list = memoize(
    (path: string, _route: string, pageIndex: number, size: number) => `${path}\n${pageIndex}\n${size}`,
    (path: string, route: string, pageIndex: number, size: number) => client.list<unknown>(ctx, path, route, pageIndex, size),
  );
  const predictors = new Map<string, DataLoader<Record<string, unknown>, PrevisionUnitPrediction, string>>();
  return {
    get: get as <T>(path: string, route: string) => Promise<T>,
    list: list as <T>(path: string, route: string, pageIndex: number, size: number) => Promise<{ items: T[]; total: number }>,
    predict(deployment) {
      let loader = predictors.get(deployment._id);
      if (!loader) {
        loader = new DataLoader<Record<string, unknown>, PrevisionUnitPrediction, string>(
          (records) => {
            observe.loaderBatch('prevision', 'predict', records.length);
            return Promise.all(records.map((r) => client.predictUnit(ctx, deployment, r).catch((e: unknown) => e as Error)));
          },
          { cacheKeyFn: (record) => JSON.stringify(record), maxBatchSize: 100 },
        );
        predictors.set(deployment._id, loader);
      }
      return loader;
    },
  };
}
