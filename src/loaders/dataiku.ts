/**
 * Per-request Dataiku loaders: every `predict` (and `predictEffect`, `lookup`) of one operation that targets the same
 * endpoint with the same options joins one multi call per `batchSize` records, and identical records are sent once.
 */
import { credentialFingerprint } from '../core/fingerprint.js';
import DataLoader from 'dataloader';
import type { CrossBatcher } from '../upstreams/batcher.js';
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

/**
 * Creates the loaders of one request for one Dataiku credential. With `shared`, each loader's batch joins the batches
 * of other operations for the same endpoint, options and credential (see upstreams/batcher.ts).
 */
export function createDataikuLoaders(
  client: DataikuClient,
  ctx: DataikuCallContext,
  batchSize: number,
  observe: Pick<Required<AugurObserver>, 'loaderBatch'>,
  shared?: CrossBatcher,
): DataikuLoaders {
  // Groups of the shared batcher are per credential; its fingerprint, never the key, names them.
  const fingerprint = () => credentialFingerprint(ctx.apiKey);
  const predictLoaders = new Map<string, DataLoader<DataikuRecord, DataikuPrediction, string>>();
  type PredictLoader = DataLoader<DataikuRecord, DataikuPrediction, string>;
  const predictByIdentity = new Map<DataikuTarget, Map<DataikuPredictOptions, PredictLoader>>();
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
    one: (item: K, call: DataikuCallContext) => Promise<V>,
    many: (items: K[], call: DataikuCallContext) => Promise<V[]>,
    multiVerb: string,
  ): DataLoader<K, V, string> => {
    let loader = loaders.get(key);
    if (!loader) {
      const send = async (items: K[], budget: DataikuCallContext['budget']): Promise<V[]> => {
        const call = budget === ctx.budget ? ctx : { ...ctx, budget };
        if (items.length === 1) return [await one(items[0]!, call)];
        return lengthChecked(await many(items, call), items.length, multiVerb);
      };
      loader = new DataLoader<K, V, string>(
        async (items) => {
          observe.loaderBatch('dataiku', name, items.length);
          if (shared) return shared.run(`${name}|${fingerprint()}|${key}`, [...items], ctx.budget, send);
          return send([...items], ctx.budget);
        },
        loaderOptions as DataLoader.Options<K, V, string>,
      );
      loaders.set(key, loader);
    }
    return loader;
  };

  return {
    // predictOptions() builds options with a fixed key order, so their JSON is canonical. Targets and options are
    // long-lived objects, the same for every record of a field: the loader is found by identity first, and by the
    // key (which equal options built apart share) only once per pair.
    predict: (target, options) => {
      let byOptions = predictByIdentity.get(target);
      if (!byOptions) predictByIdentity.set(target, (byOptions = new Map<DataikuPredictOptions, PredictLoader>()));
      let loader = byOptions.get(options);
      if (!loader) {
        loader = batching(
          predictLoaders,
          `${target.serviceId}/${target.endpointId}|${JSON.stringify(options)}`,
          'predict',
          (record, call) => client.predict(call, target, record, options),
          (records, call) => client.predictMulti(call, target, records, options),
          'predict-multi',
        );
        byOptions.set(options, loader);
      }
      return loader;
    },
    effect: (target, dispatch) =>
      batching(
        effectLoaders,
        `${target.serviceId}/${target.endpointId}|${stableStringify(dispatch ?? null)}`,
        'predictEffect',
        (record, call) => client.predictEffect(call, target, record, dispatch),
        (records, call) => client.predictEffectMulti(call, target, records, dispatch),
        'predict-effect-multi',
      ),
    lookup: (target) =>
      batching(
        lookupLoaders,
        `${target.serviceId}/${target.endpointId}`,
        'lookup',
        (item, call) => client.lookup(call, target, item.data, item.context),
        (items, call) => client.lookupMulti(call, target, items),
        'lookup-multi',
      ),
  };
}
