/**
 * Cache hints per type and the optional server-side response cache.
 *
 * `AUGUR_CACHE_TTLS` ("Contact=30,Endpoint=300") gives types a max age. A field returning such a type gets that
 * hint; a Relay wrapper `<T>Connection` / `<T>Edge` takes `T`'s unless listed itself; an object field with no hint of
 * its own under a hinted field (`pageInfo`, `predict`) inherits its parent's. Apollo's cache-control plugin then
 * computes each response's policy (the smallest max age involved; 0, so uncacheable, as soon as one root field or
 * object has no hint) and its `Cache-Control` header. Hints are PRIVATE: what a caller sees depends on the upstream
 * credentials it sends.
 *
 * With `AUGUR_RESPONSE_CACHE=true`, `@apollo/server-plugin-response-cache` keeps cacheable query responses (in Redis
 * when configured, else in memory), keyed by the operation, its variables, and a fingerprint of every upstream
 * credential in use (an HMAC, never the credential), so no response crosses from one caller's credentials to another's.
 */
import { createHmac } from 'node:crypto';
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import responseCachePlugin from '@apollo/server-plugin-response-cache';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { getNamedType, isCompositeType, OperationTypeNode, type GraphQLSchema, type ResponsePath } from 'graphql';
import { ConfigError } from './config/env.js';
import type { Context } from './context.js';
import { PLATFORMS } from '../core/upstream.js';

/** What Apollo's cache-control plugin adds to `info` (see `@apollo/cache-control-types`). */
interface CacheControlInfo {
  cacheControl?: { setCacheHint(hint: { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' }): void };
}

/** The max age of a type name, or undefined: its own entry, else (for `<T>Connection`/`<T>Edge`) `T`'s. */
export function ttlFor(ttls: Readonly<Record<string, number>>, typeName: string): number | undefined {
  if (typeName in ttls) return ttls[typeName];
  const base = /^(.+?)(?:Connection|Edge)$/.exec(typeName)?.[1];
  return base !== undefined && base in ttls ? ttls[base] : undefined;
}

/** Fails when a configured type does not exist in the schema (a typo would silently cache nothing). */
export function checkCacheTtls(ttls: Readonly<Record<string, number>>, schema: GraphQLSchema): void {
  for (const name of Object.keys(ttls)) {
    const type = schema.getType(name);
    if (!type || !isCompositeType(type)) {
      throw new ConfigError(
        `AUGUR_CACHE_TTLS names ${name}, which is not an object, interface or union type of the schema; check the spelling (type names are case-sensitive).`,
      );
    }
  }
}

function pathKey(path: ResponsePath | undefined): string {
  const parts: Array<string | number> = [];
  for (let p = path; p; p = p.prev) parts.push(p.key);
  return parts.reverse().join('.');
}

/** The nearest enclosing field of a response path (list indexes skipped). */
function parentField(path: ResponsePath): ResponsePath | undefined {
  let p = path.prev;
  while (p && typeof p.key === 'number') p = p.prev;
  return p;
}

/**
 * Sets cache hints from `ttls` on query fields. Must come before Apollo's cache-control plugin in the plugin list:
 * Apollo calls `willResolveField` hooks in reverse plugin order, and this one needs the `info.cacheControl` that
 * cache control sets up.
 */
export function cacheHintsPlugin<T extends object>(ttls: Readonly<Record<string, number>>): ApolloServerPlugin<T> {
  return {
    requestDidStart: async () => ({
      executionDidStart: async (requestContext) => {
        if (requestContext.operation.operation !== OperationTypeNode.QUERY) return undefined;
        const assigned = new Map<string, number>();
        return {
          willResolveField({ info }) {
            const control = (info as CacheControlInfo).cacheControl;
            if (!control) return;
            const type = getNamedType(info.returnType);
            if (!isCompositeType(type)) return;
            let maxAge = ttlFor(ttls, type.name);
            if (maxAge === undefined) {
              const parent = parentField(info.path);
              maxAge = parent ? assigned.get(pathKey(parent)) : undefined;
            }
            if (maxAge === undefined) return;
            assigned.set(pathKey(info.path), maxAge);
            control.setCacheHint({ maxAge, scope: 'PRIVATE' });
          },
        };
      },
    }),
  };
}

/**
 * A fingerprint of the upstream credentials a request uses (forwarded headers, the tenant's or the configured ones),
 * with the caller's tenant and scopes: an HMAC
 * keyed with the id secret, so replicas agree and nothing reversible is stored.
 */
export function credentialFingerprint(ctx: Context): string {
  const mac = createHmac('sha256', ctx.services.config.idSecret);
  for (const platform of PLATFORMS) {
    let value: string;
    try {
      value = ctx.credential(platform) ?? '';
    } catch {
      // A malformed header fails its platform's fields; such responses are never cacheable, but keep keys distinct.
      value = '\u0000malformed';
    }
    mac.update(platform).update('\u0000').update(value).update('\u0000');
  }
  let bearer: string;
  try {
    bearer = ctx.dataikuCredentials().bearerToken ?? '';
  } catch {
    bearer = '\u0000malformed';
  }
  mac.update('dataiku-bearer').update('\u0000').update(bearer);
  // Who may see what is part of the key too: two callers of one tenant with different scopes never share an answer.
  const { principal } = ctx;
  mac
    .update(principal.kind)
    .update('\u0000')
    .update(principal.tenant ?? '')
    .update('\u0000');
  mac.update([...(principal.scopes ?? [])].sort().join(' '));
  return mac.digest('base64url');
}

/** The response cache: only queries, keyed per credential fingerprint. */
export function responseCache(cache: KeyValueCache<string>): ApolloServerPlugin<Context> {
  const fingerprint = async (rc: GraphQLRequestContext<Context>): Promise<string> => credentialFingerprint(rc.contextValue);
  return responseCachePlugin<Context>({ cache, sessionId: fingerprint, extraCacheKeyData: fingerprint });
}
