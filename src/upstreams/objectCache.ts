/**
 * The entity cache for platforms whose objects several credentials see (Civis, Prevision.io): which reads it keeps,
 * under which type, and which types each write changes, as tables (each platform's `cache.ts`).
 *
 * - A read goes through the cache only when its caller asks (`cached`): the request's loaders do; subscriptions'
 *   pollers and the reads a mutation makes around its write do not, so they always see the upstream's current state.
 *   Only the routes of the table are cached (never tokens, secrets or documents).
 * - A write (any method but GET sent through the client's guarded HTTP layer), acknowledged or not (a failed or timed-out write may still have been applied), drops
 *   the cached objects and list pages of every type its route changes, for every credential: the same object is
 *   visible to every member of an organisation or project, so another credential's copy is as stale as the writer's.
 *   It is done before the write returns, so before the mutation answers. A write route missing from the table drops the
 *   platform's whole cache: a new write is safe before anyone maps it.
 */
import { credentialFingerprint } from '../core/fingerprint.js';
import type { PlatformName } from '../core/upstream.js';
import type { UpstreamHttp, UpstreamRequest, UpstreamResponse } from './http.js';
import type { ReadCache } from './readCache.js';
import type { RequestBudget } from './requestBudget.js';

/** What a platform caches and what its writes change. Route templates are `<METHOD> <path template>`. */
export interface ObjectCacheRules {
  platform: PlatformName;
  /** Reads of one object: exact route template (as the client logs it) to its type. */
  objects: Readonly<Record<string, string>>;
  /** Reads of a list page (or an unpaginated list): exact route template to the type of its items. */
  lists: Readonly<Record<string, string>>;
  /**
   * Writes: route template to the types whose cached objects and lists it makes stale (`'*'`: every type of the
   * platform; `[]`: none, for a POST that changes nothing). A `{…}` segment matches any one segment, so
   * `POST /scripts/{language}` covers `POST /scripts/sql`.
   */
  writes: Readonly<Record<string, readonly string[] | '*'>>;
}

/** The part of a platform call context the cache looks at. */
export interface CacheableCall {
  budget: RequestBudget;
  /** Read through the entity cache (the request's loaders set it); unset, the read goes upstream. */
  cached?: boolean;
}

interface WritePattern {
  method: string;
  segments: Array<string | null>;
  types: readonly string[] | '*';
}

function compile(writes: ObjectCacheRules['writes']): WritePattern[] {
  return Object.entries(writes).map(([route, types]) => {
    const [method, path] = route.split(' ') as [string, string];
    return { method, segments: path.split('/').map((s) => (s.startsWith('{') ? null : s)), types };
  });
}

/** The types a write route changes: an exact entry, else the first pattern that matches, else `'*'`. */
function writeTypes(rules: ObjectCacheRules, patterns: readonly WritePattern[], route: string): readonly string[] | '*' {
  const exact = rules.writes[route];
  if (exact) return exact;
  const [method, path = ''] = route.split(' ');
  const segments = path.split('/');
  for (const p of patterns) {
    if (p.method !== method || p.segments.length !== segments.length) continue;
    if (p.segments.every((s, i) => s === null || s === segments[i])) return p.types;
  }
  return '*';
}

/** A platform client's hooks into the entity cache, driven by its rules. Without a cache both are pass-throughs. */
export class ObjectCache {
  private readonly patterns: WritePattern[];
  private readonly changes = new Map<string, readonly string[] | '*'>();

  constructor(
    private readonly rules: ObjectCacheRules,
    private readonly cache?: ReadCache,
  ) {
    this.patterns = compile(rules.writes);
  }

  /** A non-secret key of a credential: the cache's partitions (and Redis keys) carry it, never the credential. */
  private fingerprint(credential: string | undefined): string {
    return credentialFingerprint(credential);
  }

  /** `fetch`'s answer, from the cache when the caller asks for it, the route is cached and a current entry exists. */
  read<T>(call: CacheableCall, credential: string | undefined, route: string, path: string, fetch: () => Promise<T>): Promise<T> {
    if (!this.cache || call.cached !== true) return fetch();
    const object = this.rules.objects[route];
    const type = object ?? this.rules.lists[route];
    if (type === undefined) return fetch();
    return this.cache.read({
      part: { platform: this.rules.platform, fingerprint: this.fingerprint(credential), type },
      // Objects by their path; list pages as `?path` (the query string included), as the store tells them apart.
      key: object !== undefined ? path : `?${path}`,
      budget: call.budget,
      fetch,
    });
  }

  /**
   * `http` with every write (any method but GET) going through `write`, so no write the client sends, including one a
   * method added later sends itself, can leave the cache stale. Everything else of `http` is `http`'s own.
   */
  guard(http: UpstreamHttp): UpstreamHttp {
    if (!this.cache) return http;
    const request = <T>(req: UpstreamRequest): Promise<UpstreamResponse<T>> =>
      req.method === 'GET' ? http.request<T>(req) : this.write(req.route, () => http.request<T>(req));
    // The other members (probe, stats) run on `http` through the prototype; only `request` is replaced.
    return Object.assign(Object.create(http) as UpstreamHttp, { request });
  }

  /** Sends a write; whatever its outcome, the types its route changes are dropped before it returns or throws. */
  async write<T>(route: string, send: () => Promise<T>): Promise<T> {
    if (!this.cache) return send();
    try {
      return await send();
    } finally {
      await this.changed(route);
    }
  }

  /** The types `route` changes (for tests and docs). */
  typesChangedBy(route: string): readonly string[] | '*' {
    let types = this.changes.get(route);
    if (!types) {
      types = writeTypes(this.rules, this.patterns, route);
      if (this.changes.size < 1000) this.changes.set(route, types);
    }
    return types;
  }

  private async changed(route: string): Promise<void> {
    const cache = this.cache!;
    const types = this.typesChangedBy(route);
    if (types === '*') await cache.wroteShared(this.rules.platform);
    else await Promise.all(types.map((type) => cache.wroteShared(this.rules.platform, type)));
  }
}
