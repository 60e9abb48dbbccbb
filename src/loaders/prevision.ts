/**
 * Per-request Prevision loaders: every object, list page and deployed model's inputs read once per request, and unit predictions on a deployment
 * de-duplicated by features (a deployed model scores one record per call, so distinct records run in parallel).
 */
import DataLoader from 'dataloader';
import { memoize } from './memo.js';
import type { AugurObserver } from '../core/observer.js';
import type { PrevisionCallContext, PrevisionClient } from '../upstreams/prevision/client.js';
import type { PrevisionPredictOptions } from '../upstreams/prevision/deployedModels.js';
import type { PrevisionCollection, PrevisionList } from '../upstreams/prevision/resources.js';
import type { PrevisionDeployedInput, PrevisionDeployment, PrevisionUnitPrediction } from '../upstreams/prevision/types.js';

export interface PrevisionLoaders {
  /** One object by collection and Prevision id (`GET /{collection}/{id}`), memoised for the request. */
  get<T>(collection: PrevisionCollection, id: string): Promise<T>;
  /** One page of a list (zero-based `pageIndex`), memoised for the request. */
  list<T>(list: PrevisionList, pageIndex: number, size: number): Promise<{ items: T[]; total: number }>;
  /** Unit predictions on a deployment, one loader per deployment and options (`explain`, `confidence`). */
  predict(
    deployment: PrevisionDeployment,
    options?: PrevisionPredictOptions,
  ): DataLoader<Record<string, unknown>, PrevisionUnitPrediction, string>;
  /** The features a deployment's model takes, read once per deployment and request. */
  inputs(deployment: PrevisionDeployment): Promise<PrevisionDeployedInput[]>;
}

export function createPrevisionLoaders(
  client: PrevisionClient,
  ctx: PrevisionCallContext,
  observe: Pick<Required<AugurObserver>, 'loaderBatch'>,
): PrevisionLoaders {
  // Objects and list pages may be answered by the entity cache; the client's other callers (writes, pollers) read Prevision.
  const cached: PrevisionCallContext = { ...ctx, cached: true };
  const get = memoize(
    (collection: PrevisionCollection, id: string) => `${collection}\n${id}`,
    (collection: PrevisionCollection, id: string) => client.get<unknown>(cached, collection, id),
  );
  const list = memoize(
    (list: PrevisionList, pageIndex: number, size: number) => `${list.path}\n${pageIndex}\n${size}`,
    (list: PrevisionList, pageIndex: number, size: number) => client.list<unknown>(cached, list, pageIndex, size),
  );
  const inputs = memoize(
    (deployment: PrevisionDeployment) => deployment._id,
    (deployment: PrevisionDeployment) => client.deployedInputs(ctx, deployment),
  );
  const predictors = new Map<string, DataLoader<Record<string, unknown>, PrevisionUnitPrediction, string>>();
  return {
    get: get as <T>(collection: PrevisionCollection, id: string) => Promise<T>,
    list: list as <T>(list: PrevisionList, pageIndex: number, size: number) => Promise<{ items: T[]; total: number }>,
    inputs,
    predict(deployment, options = {}) {
      const key = `${deployment._id}|${options.explain === true}|${options.confidence === true}`;
      let loader = predictors.get(key);
      if (!loader) {
        loader = new DataLoader<Record<string, unknown>, PrevisionUnitPrediction, string>(
          (records) => {
            observe.loaderBatch('prevision', 'predict', records.length);
            return Promise.all(records.map((r) => client.predictUnit(ctx, deployment, r, options).catch((e: unknown) => e as Error)));
          },
          { cacheKeyFn: (record) => JSON.stringify(record), maxBatchSize: 100 },
        );
        predictors.set(key, loader);
      }
      return loader;
    },
  };
}
