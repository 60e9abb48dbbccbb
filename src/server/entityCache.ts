/**
 * The entity cache's store in Redis (`REDIS_URL`), so replicas share it, and the wiring of the cache: which store,
 * and `POST /cache/invalidate`.
 *
 * With Redis there is no local copy: a write on one replica bumps the generations in Redis, and the next read on any
 * replica looks there. Each operation is one Lua script, so reading the generations and the entry, or checking them
 * and storing, is atomic. While Redis is unavailable the cache is bypassed (every read goes upstream, nothing is
 * stored); a write whose invalidation could not reach Redis makes the first command after recovery drop everything.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../core/logger.js';
import { PLATFORMS, type PlatformName } from '../core/upstream.js';
import type { CacheLookup, CachePartition, CacheStore, ReadCache } from '../upstreams/readCache.js';
import { ENTITY_CACHE_TYPES } from './config/caching.js';
import type { RedisState } from './redis.js';
import { sendJson } from './graphqlHttp.js';

/** Computes the generations of a partition: `stamp` (all four) and `gens` (the key's: without the partition's for entities). */
const STAMP_LUA = `
local p = ARGV[1]
local function g(k) return redis.call('GET', p .. 'g:' .. k) or '0' end
local part = ARGV[2] .. '|' .. ARGV[4] .. '|' .. ARGV[3]
local base = g('*') .. '.' .. g(ARGV[2]) .. '.' .. g(ARGV[2] .. '|' .. ARGV[3])
local stamp = base .. '.' .. g(part)
local function entry(key)
  local gens = base
  if string.sub(key, 1, 1) == '?' then gens = stamp end
  return p .. 'e:' .. part .. '|' .. gens .. '|' .. key
end
`;

/** ARGV: prefix, platform, type, fingerprint, key → {stamp, entry or false}. */
const GET_LUA = `${STAMP_LUA}
return {stamp, redis.call('GET', entry(ARGV[5]))}
`;

/** ARGV: prefix, platform, type, fingerprint, stamp, ttlMs, key1, value1, ... → stored (1) or dropped (0). */
const SET_LUA = `${STAMP_LUA}
if stamp ~= ARGV[5] then return 0 end
for i = 7, #ARGV, 2 do redis.call('SET', entry(ARGV[i]), ARGV[i + 1], 'PX', ARGV[6]) end
return 1
`;

/** ARGV: prefix, platform, type, fingerprint, ttlMs, id ('' for none), value ('' to delete). */
const WRITE_LUA = `
redis.call('INCR', ARGV[1] .. 'g:' .. ARGV[2] .. '|' .. ARGV[4] .. '|' .. ARGV[3])
${STAMP_LUA}
if ARGV[6] == '' then return 1 end
if ARGV[7] == '' then redis.call('DEL', entry(ARGV[6])) else redis.call('SET', entry(ARGV[6]), ARGV[7], 'PX', ARGV[5]) end
return 1
`;

type CacheClient = {
  augurCacheGet(...args: string[]): Promise<[string, string | null]>;
  augurCacheSet(...args: string[]): Promise<number>;
  augurCacheWrite(...args: string[]): Promise<number>;
  incr(key: string): Promise<number>;
};

function encode(at: number, value: string): string {
  return `${at}\n${value}`;
}

function decode(text: string | null | false): CacheLookup['entry'] {
  if (typeof text !== 'string') return undefined;
  const nl = text.indexOf('\n');
  return nl < 0 ? undefined : { at: Number(text.slice(0, nl)), value: text.slice(nl + 1) };
}

/** The entity cache in Redis, shared by replicas. */
export class RedisCacheStore implements CacheStore {
  private readonly prefix: string;
  /** An invalidation did not reach Redis: drop everything at the first chance. */
  private owed = false;

  constructor(private readonly redis: RedisState) {
    this.prefix = `${redis.keyPrefix}ec:`;
    const c = redis.client;
    c.defineCommand('augurCacheGet', { numberOfKeys: 0, lua: GET_LUA });
    c.defineCommand('augurCacheSet', { numberOfKeys: 0, lua: SET_LUA });
    c.defineCommand('augurCacheWrite', { numberOfKeys: 0, lua: WRITE_LUA });
  }

  private client(c: unknown): CacheClient {
    return c as CacheClient;
  }

  /** Pays an owed invalidation; false while it cannot be paid (the cache is then bypassed). */
  private async settle(): Promise<boolean> {
    if (!this.owed) return true;
    const r = await this.redis.run('entity_cache', (c) => c.incr(`${this.prefix}g:*`));
    if (r.ok) this.owed = false;
    return r.ok;
  }

  async get(part: CachePartition, key: string): Promise<CacheLookup> {
    if (!(await this.settle())) return { stamp: 'unavailable' };
    const r = await this.redis.run('entity_cache', (c) =>
      this.client(c).augurCacheGet(this.prefix, part.platform, part.type, part.fingerprint, key),
    );
    if (!r.ok) return { stamp: 'unavailable' };
    const [stamp, text] = r.value;
    const entry = decode(text);
    return entry ? { stamp, entry } : { stamp };
  }

  async set(
    part: CachePartition,
    stamp: string,
    entries: ReadonlyArray<{ key: string; value: string }>,
    ttlMs: number,
    at: number,
  ): Promise<void> {
    if (stamp === 'unavailable' || entries.length === 0) return;
    const args = entries.flatMap((e) => [e.key, encode(at, e.value)]);
    await this.redis.run('entity_cache', (c) =>
      this.client(c).augurCacheSet(this.prefix, part.platform, part.type, part.fingerprint, stamp, String(Math.round(ttlMs)), ...args),
    );
  }

  async write(part: CachePartition, id: string | undefined, value: string | undefined, ttlMs: number, at: number): Promise<void> {
    const paid = await this.settle();
    const r = await this.redis.run('entity_cache', (c) =>
      this.client(c).augurCacheWrite(
        this.prefix,
        part.platform,
        part.type,
        part.fingerprint,
        String(Math.round(ttlMs)),
        id ?? '',
        value === undefined ? '' : encode(at, value),
      ),
    );
    if (!r.ok || !paid) this.owed = true;
  }

  async invalidate(scope: { platform?: PlatformName; type?: string }): Promise<void> {
    const key = scope.platform === undefined ? '*' : scope.type === undefined ? scope.platform : `${scope.platform}|${scope.type}`;
    const r = await this.redis.run('entity_cache', (c) => c.incr(`${this.prefix}g:${key}`));
    if (!r.ok) {
      this.owed = true;
      throw new Error('Redis is unavailable');
    }
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

async function readJson(req: IncomingMessage, max: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new Error('too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text.trim() === '' ? {} : (JSON.parse(text) as unknown);
}

/**
 * `POST /cache/invalidate` with `Authorization: Bearer <AUGUR_CACHE_ADMIN_KEY>` and a JSON body: `{}` or
 * `{"all": true}` (everything), `{"platform": "previsto"}`, `{"platform": "previsto", "type": "contacts"}`, or with
 * `"id"` as well (that object; its type's list pages go with it). For writes made outside Augur.
 */
export function invalidateRoute(cache: ReadCache | undefined, adminKey: string | undefined, logger: Logger) {
  const refuse = (res: ServerResponse, status: number, code: string, message: string) =>
    sendJson(res, status, { error: { code, message } });
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      refuse(
        res,
        405,
        'METHOD_NOT_ALLOWED',
        'Use POST /cache/invalidate with a JSON body such as {"platform": "previsto", "type": "contacts"}.',
      );
      return;
    }
    if (adminKey === undefined) {
      refuse(res, 403, 'FORBIDDEN', 'Cache invalidation is disabled: set AUGUR_CACHE_ADMIN_KEY to enable POST /cache/invalidate.');
      return;
    }
    const auth = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m || !sameSecret(m[1]!, adminKey)) {
      refuse(res, 401, 'UNAUTHENTICATED', 'POST /cache/invalidate needs Authorization: Bearer <AUGUR_CACHE_ADMIN_KEY>.');
      return;
    }
    let body: unknown;
    try {
      body = await readJson(req, 16 * 1024);
    } catch {
      refuse(
        res,
        400,
        'BAD_REQUEST',
        'The body must be a JSON object of at most 16 KB, e.g. {"platform": "previsto", "type": "contacts", "id": "..."}.',
      );
      return;
    }
    const b = (body ?? {}) as Record<string, unknown>;
    const platform = b['platform'];
    const type = b['type'];
    const id = b['id'];
    const bad = (message: string) => refuse(res, 400, 'BAD_REQUEST', message);
    if (typeof body !== 'object' || Array.isArray(body)) return bad('The body must be a JSON object.');
    if (platform !== undefined && (typeof platform !== 'string' || !(PLATFORMS as readonly string[]).includes(platform)))
      return bad(`"platform" must be one of ${PLATFORMS.join(', ')}.`);
    const types = platform === undefined ? undefined : ENTITY_CACHE_TYPES[platform as PlatformName];
    if (type !== undefined && (platform === undefined || typeof type !== 'string' || !types?.includes(type)))
      return bad(`"type" needs "platform" and must be one of its cached types${types ? ` (${types.join(', ')})` : ''}.`);
    if (id !== undefined && (type === undefined || typeof id !== 'string' || id.length === 0 || id.length > 256))
      return bad('"id" needs "type" and must be a non-empty string of at most 256 characters.');
    const scope = {
      ...(platform !== undefined ? { platform: platform as PlatformName } : {}),
      ...(type !== undefined ? { type } : {}),
    };
    if (!cache) {
      sendJson(res, 200, {
        invalidated: null,
        note: 'The entity cache is off (AUGUR_ENTITY_CACHE_TTLS caches nothing); nothing to invalidate.',
      });
      return;
    }
    try {
      // An object by id, across every credential: its type's generation (its list pages may hold it too).
      await cache.invalidate(scope);
    } catch {
      refuse(res, 503, 'UNAVAILABLE', 'The shared cache (Redis) is unavailable; nothing was invalidated. Retry shortly.');
      return;
    }
    logger.info({ event: 'cache_invalidated', ...scope, id: typeof id === 'string' ? id : undefined }, 'entity cache invalidated');
    sendJson(res, 200, { invalidated: { platform: scope.platform ?? 'all', type: scope.type ?? 'all', ...(id ? { id } : {}) } });
  };
}
