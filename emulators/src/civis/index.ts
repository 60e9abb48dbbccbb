/**
 * The Civis Platform API emulator: civis-python (`civis.APIClient`) works against it unchanged, from the
 * `/endpoints` bootstrap to paginated iteration, rate-limit headers and the 401 `WWW-Authenticate` header it
 * insists on.
 */
import { performance } from 'node:perf_hooks';
import { Emulator, EmulatorError, type EmulatorReply, type EmulatorRequest } from '../framework/emulator.js';
import type { EmulatorModule } from '../framework/platform.js';
import { FixedWindowLimiter, hashString, readCredential } from '../framework/util.js';
import { civisOpenApi } from './openapi.js';
import { civisRoutes, type CivisRoute } from './routes.js';
import { buildSeed, runSql, SEED_IDS } from './seed.js';
import { buildSpec } from './spec.js';
import { CivisStore } from './store.js';

export type * from './types/common.js';
export type * from './types/accounts.js';
export type * from './types/tables.js';
export type * from './types/jobs.js';
export type * from './types/models.js';
export type * from './types/workspace.js';
export { SEED_IDS, SEED_BASE_MS } from './seed.js';
export { CREDENTIAL_TYPES } from './store.js';

/** Options of the Civis emulator; every field has a documented default. */
export interface CivisOptions {
  /**
   * Accepted API keys. `key` alone maps to the seeded users in order (the first to "me", `ada.demo` 4257, the second
   * to `bob.analyst` 4258, then `carol.eng`, `dan.viewer`, `erin.admin`); `key=4259` or `key=carol.eng` picks the user.
   * Default: `augur-demo-civis` (me) and `augur-demo-civis-2` (bob).
   */
  apiKeys: string[];
  /**
   * General requests per key per window, reported as `X-RateLimit-Limit`. Default 1000. The platform's real limit is
   * not published (civis-python only reads the header), so this number, like the window below, is the emulator's own
   * choice.
   */
  rateLimit: number;
  /** Run-creating requests (job runs, script runs, queries) per key per window. Default 100, also our own choice. */
  runRateLimit: number;
  /** Rate-limit window in milliseconds, shared by both limits. Default 300 000 (300 s), our own choice. */
  rateWindowMs: number;
  /** Polling reads after which a run or query started through the API has finished. Default 2 (queued, running, done). */
  runReadsToFinish: number;
  /** If set, a run or query also finishes this many milliseconds after it was created. Default: off. */
  runFinishAfterMs: number | undefined;
  /** The clock for new timestamps, rate windows and timed progress. Default `Date.now`. */
  now: () => number;
}

/** The demo key, mapped to the seeded "me" (`ada.demo`, id 4257). */
export const CIVIS_DEMO_API_KEY = 'augur-demo-civis';
/** A second demo key for multi-caller tests, mapped to `bob.analyst` (id 4258). */
export const CIVIS_DEMO_API_KEY_2 = 'augur-demo-civis-2';

const DEFAULTS: CivisOptions = {
  apiKeys: [CIVIS_DEMO_API_KEY, CIVIS_DEMO_API_KEY_2],
  rateLimit: 1000,
  runRateLimit: 100,
  rateWindowMs: 300_000,
  runReadsToFinish: 2,
  runFinishAfterMs: undefined,
  now: Date.now,
};

/** Users that unmapped keys go to, in order. */
const KEY_USERS = [4257, 4258, 4259, 4260, 4261];

const ERROR_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'request_entity_too_large',
  422: 'unprocessable_entity',
  429: 'rate_limited',
  500: 'internal_server_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

const BAD_REQUEST_PREFIX = 'The given request was not as expected: ';

/** The platform's error envelope. A 401 always carries `WWW-Authenticate` (civis-python reads it unconditionally). */
function errorReply(status: number, message: string, extra: Record<string, unknown>): EmulatorReply {
  // The API routes nothing by method: an unknown method on a known path is an unknown endpoint.
  if (status === 405) status = 404;
  let error = typeof extra['error'] === 'string' ? extra['error'] : (ERROR_CODES[status] ?? 'error');
  let description = message;
  const headers: Record<string, string> = {};
  if (status === 401) {
    error = 'unauthorized';
    description = 'Invalid API key.';
    headers['WWW-Authenticate'] = 'Bearer realm="api"';
  } else if (status === 404) {
    description = 'The requested endpoint could not be found.';
  } else if (status === 429) {
    error = 'rate_limited';
    description = 'Rate limit exceeded.';
  } else if (status === 400 && error === 'bad_request' && !message.startsWith(BAD_REQUEST_PREFIX)) {
    description = BAD_REQUEST_PREFIX + message;
  }
  return { status, headers, body: { error, errorDescription: description, code: status } };
}

interface CallerInfo {
  userId: number | undefined;
  start: number;
  limit: number;
  remaining: number;
}

function resolveOptions(options: Partial<CivisOptions>): CivisOptions {
  const o: CivisOptions = { ...DEFAULTS };
  for (const [k, v] of Object.entries(options) as Array<[keyof CivisOptions, unknown]>) {
    if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
  }
  if (o.apiKeys.length === 0) throw new Error('Civis emulator: apiKeys is empty; give at least one key (default augur-demo-civis).');
  for (const [name, min] of [
    ['rateLimit', 1],
    ['runRateLimit', 1],
    ['rateWindowMs', 1],
    ['runReadsToFinish', 0],
  ] as const) {
    const v = o[name];
    if (!Number.isInteger(v) || v < min) throw new Error(`Civis emulator: ${name} must be an integer >= ${min}, got ${String(v)}.`);
  }
  return o;
}

/** `key` or `key=user` entries to a key -> user id map; users are seeded ids or usernames. */
function mapKeys(apiKeys: readonly string[]): Map<string, number> {
  const seed = buildSeed();
  const out = new Map<string, number>();
  apiKeys.forEach((entry, i) => {
    const eq = entry.indexOf('=');
    const key = (eq === -1 ? entry : entry.slice(0, eq)).trim();
    if (!key) throw new Error(`Civis emulator: API key entry ${JSON.stringify(entry)} has an empty key.`);
    let userId = KEY_USERS[i % KEY_USERS.length]!;
    if (eq !== -1) {
      const who = entry.slice(eq + 1).trim();
      const found = [...seed.users.values()].find((u) => String(u.id) === who || u.username === who);
      if (!found) {
        const known = [...seed.users.values()].map((u) => `${u.id} (${u.username})`).join(', ');
        throw new Error(
          `Civis emulator: API key ${JSON.stringify(key)} maps to unknown user ${JSON.stringify(who)}; known users: ${known}.`,
        );
      }
      userId = found.id;
    }
    out.set(key, userId);
  });
  return out;
}

function createCivisEmulator(options: Partial<CivisOptions> = {}): Emulator {
  const o = resolveOptions(options);
  const keyUsers = mapKeys(o.apiKeys);
  const progress = { runReadsToFinish: o.runReadsToFinish, runFinishAfterMs: o.runFinishAfterMs, now: o.now };
  const newStore = () => new CivisStore(buildSeed(), progress, runSql);
  let store = newStore();
  const limiter = new FixedWindowLimiter(o.rateLimit, o.rateWindowMs, o.now);
  const runLimiter = new FixedWindowLimiter(o.runRateLimit, o.rateWindowMs, o.now);
  const callers = new WeakMap<EmulatorRequest, CallerInfo>();
  let requestSeq = 0;

  const routes: CivisRoute[] = civisRoutes({
    store: () => store,
    callerId(req) {
      const userId = callers.get(req)?.userId;
      if (userId === undefined) throw new EmulatorError(401, 'Invalid API key.');
      return userId;
    },
  });

  // The document is generated once, from a fresh seed, so it is the same whatever the data has become.
  let spec: { doc: Record<string, unknown>; json: string; etag: string } | undefined;
  const swagger = (): NonNullable<typeof spec> => {
    if (!spec) {
      const doc = buildSpec(routes, newStore());
      const json = JSON.stringify(doc);
      spec = { doc, json, etag: `W/"${hashString(json).toString(16)}"` };
    }
    return spec;
  };
  const endpoints = routes.find((r) => r.path === '/endpoints/')!;
  endpoints.handler = () => {
    const { json, etag } = swagger();
    return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', ETag: etag }, body: json };
  };

  const runCreating = new Set(routes.filter((r) => r.createsRun).map((r) => `${r.method} ${r.path}`));
  const external = new Set(routes.filter((r) => r.external).map((r) => `${r.method} ${r.path}`));

  return new Emulator({
    name: 'civis',
    routes,
    errorReply,
    before(req) {
      const info: CallerInfo = { userId: undefined, start: performance.now(), limit: o.rateLimit, remaining: o.rateLimit };
      callers.set(req, info);
      const cred = readCredential(req.headers);
      const key = cred.scheme === 'basic' ? cred.username : cred.scheme === 'bearer' ? cred.token : undefined;
      const userId = key === undefined ? undefined : keyUsers.get(key);
      if (key === undefined || userId === undefined) return errorReply(401, 'Invalid API key.', {});
      const general = limiter.take(key);
      info.remaining = general.remaining;
      if (!general.allowed) return withRetryAfter(errorReply(429, '', {}), general.retryAfterSeconds);
      if (runCreating.has(req.routeKey)) {
        const runs = runLimiter.take(key);
        if (!runs.allowed) {
          // The X-RateLimit-* pair always describes one limit: the general window everywhere else, but on this 429
          // the run-creating limit that refused the request, so Limit and Remaining (0) agree with Retry-After.
          info.limit = runs.limit;
          info.remaining = 0;
          return withRetryAfter(errorReply(429, '', {}), runs.retryAfterSeconds);
        }
      }
      info.userId = userId;
      return undefined;
    },
    decorate(req, reply) {
      if (req && external.has(req.routeKey)) return;
      const h = (reply.headers ??= {});
      requestSeq++;
      h['X-Request-Id'] = `00000000-0000-4000-8000-${requestSeq.toString(16).padStart(12, '0')}`;
      const info = req ? callers.get(req) : undefined;
      h['X-Runtime'] = info ? ((performance.now() - info.start) / 1000).toFixed(6) : '0.000100';
      // The general per-key limit and what is left of it (see `before` for the one exception, a run-limit 429).
      h['X-RateLimit-Limit'] = info?.limit ?? o.rateLimit;
      h['X-RateLimit-Remaining'] = info?.remaining ?? o.rateLimit;
      if (req && req.method === 'GET' && reply.status === 200 && reply.body !== undefined) {
        let etag = h['ETag'] as string | undefined;
        if (etag === undefined) {
          etag = `W/"${hashString(`${store.version}|${info?.userId}|${req.path}?${req.query.toString()}`).toString(16)}"`;
          h['ETag'] = etag;
        }
        h['Cache-Control'] = 'max-age=0, private, must-revalidate';
        if (req.headers['if-none-match'] === etag) {
          reply.status = 304;
          reply.body = undefined;
        }
      }
    },
    reset() {
      store = newStore();
      limiter.reset();
      runLimiter.reset();
      requestSeq = 0;
    },
    openapi: () => civisOpenApi(swagger().doc as unknown as Parameters<typeof civisOpenApi>[0]),
  });
}

function withRetryAfter(reply: EmulatorReply, seconds: number): EmulatorReply {
  reply.headers = { ...reply.headers, 'Retry-After': seconds };
  return reply;
}

function intFromEnv(env: Readonly<Record<string, string | undefined>>, name: string, min: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min)
    throw new Error(`${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}; unset it to use the default.`);
  return v;
}

/** The Civis Platform API emulator module (default port 4103). */
export const civisEmulator: EmulatorModule<CivisOptions> = {
  platform: 'civis',
  defaultPort: 4103,
  create: createCivisEmulator,
  optionsFromEnv(env) {
    const out: Partial<CivisOptions> = {};
    const keys = env['AUGUR_EMULATOR_CIVIS_API_KEY'];
    if (keys !== undefined && keys.trim() !== '') {
      out.apiKeys = keys
        .split(',')
        .map((k) => k.trim())
        .filter((k) => k !== '');
    }
    const rateLimit = intFromEnv(env, 'AUGUR_EMULATOR_CIVIS_RATE_LIMIT', 1);
    if (rateLimit !== undefined) out.rateLimit = rateLimit;
    const runRateLimit = intFromEnv(env, 'AUGUR_EMULATOR_CIVIS_RUN_RATE_LIMIT', 1);
    if (runRateLimit !== undefined) out.runRateLimit = runRateLimit;
    const windowMs = intFromEnv(env, 'AUGUR_EMULATOR_CIVIS_RATE_WINDOW_MS', 1);
    if (windowMs !== undefined) out.rateWindowMs = windowMs;
    const reads = intFromEnv(env, 'AUGUR_EMULATOR_CIVIS_RUN_READS', 0);
    if (reads !== undefined) out.runReadsToFinish = reads;
    const finishMs = intFromEnv(env, 'AUGUR_EMULATOR_CIVIS_RUN_FINISH_MS', 0);
    if (finishMs !== undefined) out.runFinishAfterMs = finishMs;
    return out;
  },
  describe(options = {}) {
    const o = resolveOptions(options);
    const keyUsers = mapKeys(o.apiKeys);
    const users = buildSeed().users;
    const lines = [...keyUsers].map(([key, id], i) => {
      const u = users.get(id)!;
      return `${i === 0 ? 'API key' : 'Also'}: ${key} -> ${u.username} (user ${u.id}${id === SEED_IDS.me ? ', "me"' : ''})`;
    });
    lines.push('Auth: Basic with the key as username and an empty password, or Authorization: Bearer <key>');
    lines.push(`Rate limit: ${o.rateLimit} requests (${o.runRateLimit} run-creating) per key per ${o.rateWindowMs / 1000} s`);
    lines.push('Databases: redshift-general (32), postgres-analytics (45), redshift-sandbox (61); try GET /credentials/ or /endpoints');
    return lines;
  },
};
