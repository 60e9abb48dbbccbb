/**
 * Per-request Dataiku loaders: every `predict` (and `predictEffect`, `lookup`) of one operation that targets the same
 * endpoint with the same options joins one multi call per `batchSize` records, and identical records are sent once.
 */
import DataLoader from 'dataloader';
import { stableStringify } from '../core/stableStringify.js';
import { AugurError, ErrorCode } from '../core/errors.js';
import type { DataikuCallContext, DataikuClient, DataikuPredictOptions, DataikuTarget } from '../upstreams/dataiku/client.js';
import type { AugurObserver } from '../core/observer.js';
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

  /**
   * One loader per key: a single record goes to the verb's single-record call, several to its multi call (which
   * answers one result per record, in order).
   */
  const batching = <K, V>(
    loaders: Map<string, DataLoader<K, V, string>>,
    key: string,
    name: string,
    one: (item: K) => Promise<V>,
    many: (items: K[]) => Promise<V[]>,
    multiVerb: string,
  ): DataLoader<K, V, string> => {
    let loader = loaders.get(key);
    if (!loader) {
      loader = new DataLoader<K, V, string>(
        async (items) => {
          observe.loaderBatch('dataiku', name, items.length);
          if (items.length === 1) return [await one(items[0]!)];
          return lengthChecked(await many([...items]), items.length, multiVerb);
        },
        loaderOptions as DataLoader.Options<K, V, string>,
      );
      loaders.set(key, loader);
    }
    return loader;
  };

  return {
    // predictOptions() builds options with a fixed key order, so their JSON is canonical.
    predict: (target, options) =>
      batching(
        predictLoaders,
        `${target.serviceId}/${target.endpointId}|${JSON.stringify(options)}`,
        'predict',
        (record) => client.predict(ctx, target, record, options),
        (records) => client.predictMulti(ctx, target, records, options),
        'predict-multi',
      ),
    effect: (target, dispatch) =>
      batching(
        effectLoaders,
        `${target.serviceId}/${target.endpointId}|${stableStringify(dispatch ?? null)}`,
        'predictEffect',
        (record) => client.predictEffect(ctx, target, record, dispatch),
        (records) => client.predictEffectMulti(ctx, target, records, dispatch),
        'predict-effect-multi',
      ),
    lookup: (target) =>
      batching(
        lookupLoaders,
        `${target.serviceId}/${target.endpointId}`,
        'lookup',
        (item) => client.lookup(ctx, target, item.data, item.context),
        (items) => client.lookupMulti(ctx, target, items),
        'lookup-multi',
      ),
  };
}
