/**
 * Per-request Dataiku loaders: every `predict` (and `predictEffect`, `lookup`) of one operation that targets the same
 * endpoint with the same options joins one multi call per `batchSize` records, and identical records are sent once.
 */
import DataLoader from 'dataloader';
import { stableStringify } from '../relay/ids.js';
import { AugurError, ErrorCode } from '../server/errors.js';
import type { DataikuCallContext, DataikuClient, DataikuPredictOptions, DataikuTarget } from '../upstreams/dataiku/client.js';
import type { AugurObserver } from '../server/observer.js';
import type { DataikuDispatch, DataikuEffect, DataikuLookup, DataikuPrediction, DataikuRecord } from '../upstreams/dataiku/types.js';

export interface LookupItem {
  data: Record<string, unknown>;
  context?: Record<string, unknown>;
}

export interface DataikuLoaders {
  predict(target: DataikuTarget, options: DataikuPredictOptions): DataLoader<DataikuRecord, DataikuPrediction, string>;
  effect(target: DataikuTarget, dispatch: DataikuDispatch | undefined): DataLoader<DataikuRecord, DataikuEffect, string>;
  lookup(target: DataikuTarget): DataLoader<LookupItem, DataikuLookup, string>;
}

/**
 * A record may carry its cache key already (a contact scored with its own fields is keyed by its id and the
 * overrides, far cheaper than its JSON); the symbol property is never serialised into the upstream request.
 */
export const RECORD_KEY: unique symbol = Symbol('augur.recordKey');

function recordKey(record: object & { [RECORD_KEY]?: string }): string {
  return record[RECORD_KEY] ?? JSON.stringify(record);
}

function lengthChecked<T>(results: T[] | undefined, expected: number, verb: string): T[] {
  if (!Array.isArray(results) || results.length !== expected) {
    throw new AugurError(
      ErrorCode.UPSTREAM_ERROR,
      `Dataiku API node answered ${verb} with ${Array.isArray(results) ? results.length : 'no'} results for ${expected} records.`,
      { platform: 'dataiku' },
    );
  }
  return results;
}

/** Creates the loaders of one request for one Dataiku credential. */
export function createDataikuLoaders(
  client: DataikuClient,
  ctx: DataikuCallContext,
  batchSize: number,
  observe: Pick<Required<AugurObserver>, 'loaderBatch'>,
): DataikuLoaders {
  const predictLoaders = new Map<string, DataLoader<DataikuRecord, DataikuPrediction, string>>();
  const effectLoaders = new Map<string, DataLoader<DataikuRecord, DataikuEffect, string>>();
  const lookupLoaders = new Map<string, DataLoader<LookupItem, DataikuLookup, string>>();
  // Records are keyed by their JSON text: identical records (same key order, as upstream JSON and repeated
  // variables have) are scored once. Native JSON.stringify costs a fraction of a canonical form.
  const loaderOptions = { maxBatchSize: batchSize, cacheKeyFn: recordKey };

  return {
    predict(target, options) {
      // predictOptions() builds options with a fixed key order, so their JSON is canonical.
      const key = `${target.serviceId}/${target.endpointId}|${JSON.stringify(options)}`;
      let loader = predictLoaders.get(key);
      if (!loader) {
        loader = new DataLoader<DataikuRecord, DataikuPrediction, string>(async (records) => {
          observe.loaderBatch('dataiku', 'predict', records.length);
          if (records.length === 1) return [await client.predict(ctx, target, records[0]!, options)];
          return lengthChecked(await client.predictMulti(ctx, target, [...records], options), records.length, 'predict-multi');
        }, loaderOptions);
        predictLoaders.set(key, loader);
      }
      return loader;
    },
    effect(target, dispatch) {
      const key = `${target.serviceId}/${target.endpointId}|${stableStringify(dispatch ?? null)}`;
      let loader = effectLoaders.get(key);
      if (!loader) {
        loader = new DataLoader<DataikuRecord, DataikuEffect, string>(async (records) => {
          observe.loaderBatch('dataiku', 'predictEffect', records.length);
          if (records.length === 1) return [await client.predictEffect(ctx, target, records[0]!, dispatch)];
          return lengthChecked(await client.predictEffectMulti(ctx, target, [...records], dispatch), records.length, 'predict-effect-multi');
        }, loaderOptions);
        effectLoaders.set(key, loader);
      }
      return loader;
    },
    lookup(target) {
      const key = `${target.serviceId}/${target.endpointId}`;
      let loader = lookupLoaders.get(key);
      if (!loader) {
        loader = new DataLoader<LookupItem, DataikuLookup, string>(async (items) => {
          observe.loaderBatch('dataiku', 'lookup', items.length);
          if (items.length === 1) return [await client.lookup(ctx, target, items[0]!.data, items[0]!.context)];
          return lengthChecked(await client.lookupMulti(ctx, target, [...items]), items.length, 'lookup-multi');
        }, loaderOptions);
        lookupLoaders.set(key, loader);
      }
      return loader;
    },
  };
}
