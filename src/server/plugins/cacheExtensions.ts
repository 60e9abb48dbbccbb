/**
 * `extensions.cache` on responses some of whose upstream reads did not go upstream for this operation: `hits` (reads
 * answered by the entity cache), `age` (seconds since the oldest of those values was read upstream, like HTTP's
 * `Age`), `shared` (reads that joined an identical call of another operation) and `batched` (records sent in a batch
 * shared with other operations). A front-end can tell from it that data may be up to `age` seconds old.
 */
import type { AugurPlugin } from './combine.js';
import type { Context } from '../context.js';

export interface CacheExtension {
  hits: number;
  age: number;
  shared: number;
  batched: number;
}

export function cacheExtensionsPlugin(): AugurPlugin<Context> {
  return {
    requestDidStart: () => ({
      willSendResponse: ({ contextValue: ctx, response }) => {
        const b = ctx.budget;
        if (response.body.kind !== 'single' || (b.cacheHits === 0 && b.sharedCalls === 0 && b.batchedItems === 0)) return;
        const cache: CacheExtension = {
          hits: b.cacheHits,
          age: Math.floor(b.cacheAgeMs / 1000),
          shared: b.sharedCalls,
          batched: b.batchedItems,
        };
        const result = response.body.singleResult;
        result.extensions = { ...result.extensions, cache };
      },
    }),
  };
}
