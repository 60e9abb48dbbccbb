/** Resolvers of `Query.platforms`, `Platform` and `Query.gateway`. */
import type { PlatformKind, Resolvers } from '../generated/resolvers.js';
import { PLATFORMS, type PlatformName } from '../core/upstream.js';

export function platformKind(name: PlatformName): PlatformKind {
  return name.toUpperCase() as PlatformKind;
}

export function platformName(kind: PlatformKind): PlatformName {
  return kind.toLowerCase() as PlatformName;
}

export const platformResolvers: Resolvers = {
  Query: {
    platforms: (_p, _a, ctx) => PLATFORMS.map((name) => ({ name, ...ctx.services.platforms[name] })),
    platform: (_p, { kind }, ctx) => {
      const name = platformName(kind);
      return { name, ...ctx.services.platforms[name] };
    },
    gateway: (_p, _a, ctx) => ({ version: ctx.services.version, requestId: ctx.requestId, receivedAt: ctx.receivedAt }),
  },
  Platform: {
    kind: (p) => platformKind(p.name),
    url: (p) => p.url,
    emulated: (p) => p.emulated,
    status: (p, _a, ctx) => ctx.services.status.check(p.name),
  },
  PlatformStatus: {
    credential: (s) => (s.authenticated === true ? 'ACCEPTED' : s.authenticated === false ? 'REFUSED' : 'NOT_CHECKED'),
  },
};
