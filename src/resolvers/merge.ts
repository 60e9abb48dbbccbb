/** Not public: merges resolver maps type by type, for `index.ts` and the platforms whose resolvers span several files. */
import type { Resolvers } from '../generated/resolvers.js';

/** The maps' fields merged per type (a later map's field wins); scalars are taken whole. */
export function mergeResolvers(...maps: Resolvers[]): Resolvers {
  const out: Record<string, Record<string, unknown>> = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      out[type] =
        fields instanceof Object && !('serialize' in fields) ? { ...(out[type] ?? {}), ...(fields as object) } : (fields as never);
    }
  }
  return out as Resolvers;
}
