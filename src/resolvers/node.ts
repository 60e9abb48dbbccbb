/** Resolvers of `Query.node` and `Query.nodes`: one global id scheme for the objects of all four platforms. */
import type { Resolvers } from '../generated/resolvers.js';
import type { NodeTypeName } from '../relay/ids.js';
import type { Context } from './context.js';
import { AugurError, ErrorCode } from '../core/errors.js';

/** Loads the object a decoded global id names; platforms register their types here. */
export type NodeFetcher = (ctx: Context, localId: string) => Promise<object | null> | object | null;

export function createNodeResolvers(fetchers: Partial<Record<NodeTypeName, NodeFetcher>>): Resolvers {
  const resolve = async (id: string, ctx: Context): Promise<object | null> => {
    const { type, localId } = ctx.services.codec.decode(id);
    ctx.authorizeType(type);
    const fetch = fetchers[type];
    if (!fetch) throw new AugurError(ErrorCode.NOT_FOUND, `Objects of type ${type} cannot be fetched by id in this Augur instance.`);
    const obj = await fetch(ctx, localId);
    if (obj === null) return null;
    // Tag a copy so Node's type resolution never depends on the upstream shape.
    return Object.assign(Object.create(Object.getPrototypeOf(obj) as object) as object, obj, { __typename: type });
  };
  return {
    Query: {
      node: (_p, { id }, ctx) => resolve(id, ctx) as never,
      nodes: (_p, { ids }, ctx) => {
        const max = ctx.services.config.limits.maxIds;
        if (ids.length > max) {
          throw new AugurError(ErrorCode.BAD_USER_INPUT, `nodes accepts at most ${max} ids per call (AUGUR_MAX_IDS), got ${ids.length}.`, {
            param: 'ids',
            limit: 'maxIds',
            max,
          });
        }
        return ids.map((id) => resolve(id, ctx)) as never;
      },
    },
    Node: {
      __resolveType: (obj: unknown) => (obj as { __typename?: string }).__typename ?? null,
    } as never,
  };
}
