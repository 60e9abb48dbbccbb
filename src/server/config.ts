/**
 * Configuration: `parseConfig(env)` turns an environment map into a typed Config. It never reads `process.env`
 * itself; an invalid value fails with a message naming the variable, what it expected and what it got.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { PLATFORMS, type PlatformName } from '../core/upstream.js';
import {
  DATAIKU_ENDPOINT_TYPES,
  DATAIKU_FEATURE_TYPES,
  type DataikuEndpointType,
  type DataikuFeatureType,
  type DataikuInputFeature,
} from '../upstreams/dataiku/types.js';
import { CIVIS_CACHE_TYPES } from '../upstreams/civis/cache.js';
import { PREVISION_CACHE_TYPES } from '../upstreams/prevision/cache.js';

export interface DataikuEndpointConfig {
  serviceId: string;
  endpointId: string;
  type: DataikuEndpointType;
  /** Declared inputs (features, columns, keys, parameters or arguments); Augur checks every call against them. */
  inputs: DataikuInputFeature[];
  /** Whether inputs that are not declared are sent on (default: only when none are declared). */
  acceptsUnknown: boolean;
}

export interface PlatformSettings {
  /** Base URL; undefined means "use the embedded emulator". */
  url: string | undefined;
  /** The gateway's own credential for the platform (callers may send theirs per request). */
  credential: string | undefined;
  timeoutMs: number;
  /** Keep-alive connections in the pool. */
  connections: number;
  /** Attempts per call, the first included (`AUGUR_<PLATFORM>_RETRY_MAX_ATTEMPTS`). */
  retryMaxAttempts: number;
}

export interface Config {
  port: number;
  host: string;
  logLevel: string;
  /** Signs global ids and cursors; change it and every issued id and cursor becomes invalid. */
  idSecret: string;
  paging: { maxPageSize: number; defaultPageSize: number };
  /** Records per Dataiku multi call (predict-multi, lookup-multi, predict-effect-multi). */
  batchSize: number;
  /** How long one operation may wait in total for retries and rate budgets, in ms. */
  requestBudgetMs: number;
  /** Retries one operation may spend across all upstream calls. */
  retryBudget: number;
  retry: { baseDelayMs: number; maxDelayMs: number; maxAttempts: number };
  breaker: { threshold: number; cooldownMs: number };
  /** Seconds a platform status check is reused. */
  statusTtlMs: number;
  platforms: Record<PlatformName, PlatformSettings>;
  dataiku: {
    /** Endpoints Augur exposes; undefined means the embedded emulator's demo service. */
    endpoints: DataikuEndpointConfig[] | undefined;
    /** The gateway's bearer token (`DATAIKU_BEARER_TOKEN`), for services set up for OAuth2/JWT; the API key wins when both are set. */
    bearerToken: string | undefined;
  };
  previsto: {
    rateLimitPerMinute: number;
    rateWindowMs: number;
    /** Whether a plain `http://` PREVISTO_URL to another host than this one is accepted (emulators on a private network). */
    allowHttp: boolean;
  };
  civis: {
    /** Most bytes of CSV (after decompression) Augur reads of a query's result file (`CivisQuery.rows`). */
    resultMaxBytes: number;
  };
  /** Serve GraphiQL to browsers at `GET /graphql`. */
  graphiql: boolean;
  /** Origins allowed to call `/graphql` from a browser: `'*'` allows any (the Origin is reflected), `[]` none. */
  cors: { origins: '*' | string[] };
  /** Operation limits, checked before any resolver runs. */
  limits: {
    maxDepth: number;
    maxAliases: number;
    maxCost: number;
    maxBodyBytes: number;
    /** Longest GraphQL document, in UTF-8 bytes; checked before it is parsed or hashed. */
    maxDocumentBytes: number;
    /** Most history rows per `forecast` call. */
    maxRecords: number;
    /** Most ids per list-of-ids argument (`nodes(ids)`, Civis id lists). */
    maxIds: number;
    /** Most lexical tokens in a document; parsing stops past it. */
    maxTokens: number;
    /** Most directives in an operation, fragments expanded. */
    maxDirectives: number;
    /** Deepest nesting of lists and objects in an input value (literal or variable). */
    maxInputDepth: number;
    /** Bound on the field-merging checks validation would run (see limits.ts). */
    maxFieldComparisons: number;
    /** Largest file of a GraphQL multipart request (an `Upload`), in bytes; counted while it streams through. */
    maxUploadBytes: number;
  };
  /** Longest an operation runs before its upstream calls are aborted and it answers what it has, in ms. */
  operationTimeoutMs: number;
  /**
   * Fair use of rate-limited upstream keys: the share of a key's budget one operation may plan to spend (0 to 1), and
   * whether callers sharing a key get equal shares of its window.
   */
  fairShare: { operationShare: number; enabled: boolean };
  /**
   * Callers whose requests keep being refused are slowed (throttle.ts): refused requests allowed per caller per
   * minute before each of its requests waits `delayMs` (0: never slowed).
   */
  refusals: { perMinute: number; delayMs: number };
  /** Proxies whose `X-Forwarded-For` is believed when identifying a caller by address (IPs or CIDR blocks). */
  trustedProxies: string[];
  /**
   * Admission control: summed cost estimate of the operations executing at once (0: no limit), operations waiting
   * beyond it before 503 SERVER_BUSY, and how long an operation holds its share at most (a slow upstream must not
   * starve the others).
   */
  admission: { maxActiveCost: number; maxQueued: number; slotMs: number };
  /** Gateway API keys; when non-empty every GraphQL request must carry one. */
  apiKeys: string[];
  /** Whether schema introspection is served. */
  introspection: boolean;
  /** Execute operations compiled by graphql-jit instead of graphql-js's interpreter. */
  jit: boolean;
  /** Serve Prometheus metrics at `GET /metrics`. */
  metrics: boolean;
  /** How long a SIGTERM waits for in-flight requests before stopping anyway, in ms. */
  shutdownGraceMs: number;
  /** After SIGTERM, how long to keep accepting connections (readiness already failing) before draining. */
  shutdownDelayMs: number;
  /** OpenTelemetry tracing over OTLP/HTTP; the exporter reads the other `OTEL_EXPORTER_OTLP_*` variables itself. */
  tracing: { enabled: boolean; serviceName: string };
  /**
   * State shared by replicas (rate budgets, breaker openings, persisted queries, cached responses). Without a URL
   * every replica keeps its own, in memory. `replicas` sizes each replica's share of a rate limit while Redis is down.
   */
  redis: { url: string | undefined; commandTimeoutMs: number; replicas: number };
  /** `apq`: automatic persisted queries; `allowlist`: only the manifest's operations; `off`: neither. */
  persistedQueries: { mode: PersistedQueryMode; manifest: string | undefined };
  /** Cache hints in seconds per GraphQL type name, and whether whole responses are cached server-side. */
  cache: { ttls: Record<string, number>; responseCache: boolean };
  /** Serve the schema as an Apollo Federation 2 subgraph. */
  federation: boolean;
  /**
   * Sharing between operations: identical upstream reads in flight share one call (`reads`); Dataiku multi calls carry
   * the records of several operations (`batches`).
   */
  sharing: { reads: boolean; batches: boolean };
  /**
   * The entity cache (docs/caching.md): seconds per `platform` or `platform.type` (0: off), its memory bound, and the
   * key `POST /cache/invalidate` requires (unset: the endpoint is refused).
   */
  entityCache: { ttls: Record<string, number>; maxBytes: number; adminKey: string | undefined };
  /** Who may call what: signed tokens, scopes, tenants and their upstream credentials (docs/auth.md). */
  auth: AuthConfig;
  /** Subscriptions (docs/live.md): polling of watched objects, caps, and what a slow client may leave unread. */
  live: LiveConfig;
}

/** The signature algorithms a token may use: asymmetric only, so a public key can never verify an HMAC. */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** Signed tokens (`AUGUR_JWT_*`). */
export interface JwtConfig {
  /** Where the public keys come from: a JWKS URL, or a local JWKS file. Exactly one is set. */
  jwksUrl: string | undefined;
  jwksFile: string | undefined;
  /** Accepted `iss` values (any one). */
  issuers: string[];
  /** Accepted `aud` values (any one). */
  audiences: string[];
  algorithms: JwtAlgorithm[];
  /** Tolerance on `exp` and `nbf`, in seconds. */
  clockSkewSeconds: number;
  /** Shortest time between two fetches of the key set prompted by an unknown `kid`, in ms. */
  jwksRefreshMs: number;
  /** The claim holding the caller's scopes: a space-separated string or an array of strings. */
  scopeClaim: string;
  /** Token scopes to Augur scopes; a token scope not listed is taken as it is. */
  scopeMap: Record<string, string[]> | undefined;
}

/** One tenant's upstream credentials; a platform without one cannot be called on the tenant's behalf. */
export type TenantCredentials = Partial<Record<PlatformName, string>>;

export interface AuthConfig {
  jwt: JwtConfig | undefined;
  /** The token claim naming the caller's tenant (`AUGUR_TENANT_CLAIM`). */
  tenantClaim: string | undefined;
  /** The tenants' secrets file (JSON or YAML), reloaded on SIGHUP and when it changes. */
  tenantsFile: string | undefined;
  /** Tenants from `AUGUR_TENANT_<ID>_<PLATFORM KEY VARIABLE>`, by lower-case id. */
  envTenants: Record<string, TenantCredentials>;
  /** Whether callers' own upstream-key headers (`x-previsto-api-key`, …) are used. */
  forwardedKeys: boolean;
}

/** Subscriptions' settings (`AUGUR_LIVE_*`, see docs/live.md). */
export interface LiveConfig {
  /** Whether `/graphql/stream` (SSE) and WebSocket upgrades on `/graphql` are served. */
  enabled: boolean;
  /** First interval between polls of a watched object, and the interval again after a change. */
  pollMinMs: number;
  /** Longest interval between polls while the object does not change. */
  pollMaxMs: number;
  /** Open subscriptions per WebSocket connection. */
  maxPerConnection: number;
  /** Open subscriptions in this replica. */
  maxTotal: number;
  /** Bytes a client may leave unread on its connection before it is disconnected. */
  maxBufferedBytes: number;
  /** With Redis: how long a replica's claim to poll an object lasts without renewal. */
  leaseMs: number;
}

/** What the entity cache can hold, per platform. */
export const ENTITY_CACHE_TYPES: Readonly<Partial<Record<PlatformName, readonly string[]>>> = {
  previsto: ['contacts', 'agreements', 'assignments', 'account'],
  civis: CIVIS_CACHE_TYPES,
  prevision: PREVISION_CACHE_TYPES,
};

/** Parses `AUGUR_ENTITY_CACHE_TTLS`: comma-separated `platform=seconds` or `platform.type=seconds`. */
export function parseEntityCacheTtls(raw: string, name = 'AUGUR_ENTITY_CACHE_TTLS'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z]+)(?:\.([a-z][a-z-]*))?\s*=\s*(\d+)$/.exec(item);
    if (!m)
      throw new ConfigError(
        `${name} entries must look like "platform=seconds" or "platform.type=seconds" (e.g. "previsto=10,previsto.account=60"), got "${item}".`,
      );
    const [, platform, type, seconds] = m as unknown as [string, string, string | undefined, string];
    const types = ENTITY_CACHE_TYPES[platform as PlatformName];
    if (!types) {
      throw new ConfigError(
        `${name} names "${platform}", whose reads Augur does not cache; cached platforms: ${Object.keys(ENTITY_CACHE_TYPES).join(', ')}.`,
      );
    }
    if (type !== undefined && !types.includes(type)) {
      throw new ConfigError(`${name} names ${platform}.${type}; the cached types of ${platform} are ${types.join(', ')}.`);
    }
    const key = type === undefined ? platform : `${platform}.${type}`;
    if (key in out) throw new ConfigError(`${name} lists ${key} twice.`);
    if (Number(seconds) > 86_400) throw new ConfigError(`${name} entry "${item}" exceeds one day (86400 s).`);
    out[key] = Number(seconds);
  }
  return out;
}

export type PersistedQueryMode = 'apq' | 'allowlist' | 'off';

/** A configuration error: the message names the variable and what to fix. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function str(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}".`);
  }
  return n;
}

function url(env: Env, name: string): string | undefined {
  const raw = str(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL such as https://api.example.com, got "${raw}".`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`${name} must use http or https, got "${parsed.protocol}".`);
  }
  return raw.replace(/\/+$/, '');
}

/** Whether a URL's host is this machine: `localhost`, 127.0.0.0/8 or `[::1]`. */
function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  const v = raw.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false (or 1/0, yes/no, on/off), got "${raw}".`);
}

/**
 * Tracing is on when `OTEL_TRACES_EXPORTER` is `otlp`, or when an OTLP endpoint is set and `OTEL_TRACES_EXPORTER` is
 * not `none`; `OTEL_SDK_DISABLED=true` turns it off whatever else is set.
 */
function tracingEnabled(env: Env): boolean {
  if (str(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return false;
  const exporters = (str(env, 'OTEL_TRACES_EXPORTER') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unsupported = exporters.filter((e) => e !== 'otlp' && e !== 'none');
  if (unsupported.length) {
    throw new ConfigError(
      `OTEL_TRACES_EXPORTER supports "otlp" or "none", got "${unsupported.join(',')}"; unset it or use otlp with OTEL_EXPORTER_OTLP_ENDPOINT.`,
    );
  }
  if (exporters.includes('none')) return false;
  return exporters.includes('otlp') || !!str(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') || !!str(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
}

/** Parses `AUGUR_CORS_ORIGINS`: `*` (any origin, the default), `none`, or a comma-separated list of origins. */
export function parseCorsOrigins(raw: string | undefined, name = 'AUGUR_CORS_ORIGINS'): '*' | string[] {
  if (raw === undefined || raw.trim() === '*') return '*';
  if (raw.trim().toLowerCase() === 'none') return [];
  const out: string[] = [];
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (item === '*') throw new ConfigError(`${name} is either "*" (any origin) or a list of origins, not both; got "${raw}".`);
    let parsed: URL | undefined;
    try {
      parsed = new URL(item);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || `${parsed.origin}/` !== parsed.href) {
      throw new ConfigError(
        `${name} entries must be origins such as https://app.example.com or http://localhost:3000 (scheme, host, optional port, no path), got "${item}".`,
      );
    }
    out.push(parsed.origin);
  }
  if (out.length === 0) throw new ConfigError(`${name} is set but lists no origins; use "none" to allow no cross-origin browser calls.`);
  return out;
}

/** Splits on commas outside parentheses. */
function splitTopLevel(raw: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of raw) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((s) => s.trim()).filter(Boolean);
}

function featureType(raw: string, where: string): DataikuFeatureType {
  const type = raw.toUpperCase() as DataikuFeatureType;
  if (!DATAIKU_FEATURE_TYPES.includes(type)) {
    throw new ConfigError(`${where} has unknown input type "${raw}"; expected one of ${DATAIKU_FEATURE_TYPES.join(', ')}.`);
  }
  return type;
}

function endpointEntry(
  out: DataikuEndpointConfig[],
  entry: { serviceId: string; endpointId: string; type: string; inputs: DataikuInputFeature[]; acceptsUnknown: boolean | undefined },
  where: string,
): void {
  const type = entry.type as DataikuEndpointType;
  if (!DATAIKU_ENDPOINT_TYPES.includes(type)) {
    throw new ConfigError(`${where} has unknown type ${entry.type}; expected one of ${DATAIKU_ENDPOINT_TYPES.join(', ')}.`);
  }
  if (out.some((e) => e.serviceId === entry.serviceId && e.endpointId === entry.endpointId)) {
    throw new ConfigError(`${where}: "${entry.serviceId}/${entry.endpointId}" is listed twice.`);
  }
  const names = new Set<string>();
  for (const input of entry.inputs) {
    if (names.has(input.name)) throw new ConfigError(`${where} declares the input "${input.name}" twice.`);
    names.add(input.name);
  }
  out.push({
    serviceId: entry.serviceId,
    endpointId: entry.endpointId,
    type,
    inputs: entry.inputs,
    acceptsUnknown: entry.acceptsUnknown ?? entry.inputs.length === 0,
  });
}

/**
 * Parses `AUGUR_DATAIKU_ENDPOINTS`: a comma-separated list of `service/endpoint:TYPE`, each optionally followed by
 * its inputs in parentheses, `name:TYPE` with `!` for a required one and `*` to let undeclared inputs through, e.g.
 * `fraud/score:PREDICTION(age:NUMBER!,city:STRING),fraud/sales:FORECAST`. An endpoint without inputs accepts any;
 * `()` declares none and accepts none.
 */
export function parseDataikuEndpoints(raw: string, name = 'AUGUR_DATAIKU_ENDPOINTS'): DataikuEndpointConfig[] {
  const out: DataikuEndpointConfig[] = [];
  for (const item of splitTopLevel(raw)) {
    const m = /^([^/\s:()]+)\/([^/\s:()]+):([A-Z_]+)(?:\((.*)\))?$/s.exec(item);
    if (!m) {
      throw new ConfigError(
        `${name} entries must look like "service/endpoint:TYPE" or "service/endpoint:TYPE(input:TYPE!,…)", got "${item}".`,
      );
    }
    const where = `${name} entry "${m[1]}/${m[2]}"`;
    const inputs: DataikuInputFeature[] = [];
    let acceptsUnknown: boolean | undefined = m[4] === undefined ? undefined : false;
    for (const part of (m[4] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (part === '*') {
        acceptsUnknown = true;
        continue;
      }
      const f = /^([^:\s!]+):([A-Za-z_]+)(!?)$/.exec(part);
      if (!f) throw new ConfigError(`${where}: inputs must look like "name:TYPE" or "name:TYPE!" (required), or "*", got "${part}".`);
      inputs.push({ name: f[1]!, type: featureType(f[2]!, where), required: f[3] === '!' });
    }
    endpointEntry(out, { serviceId: m[1]!, endpointId: m[2]!, type: m[3]!, inputs, acceptsUnknown }, where);
  }
  if (out.length === 0) throw new ConfigError(`${name} is set but lists no endpoints.`);
  return out;
}

/**
 * Parses the JSON of `AUGUR_DATAIKU_ENDPOINTS_FILE`: `{"endpoints": [{"service", "endpoint", "type", "inputs": [{"name",
 * "type", "required"}], "acceptUnknownInputs"}]}` (`inputs` and `acceptUnknownInputs` optional, as in the inline form).
 */
export function parseDataikuEndpointsFile(text: string, name = 'AUGUR_DATAIKU_ENDPOINTS_FILE'): DataikuEndpointConfig[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${name} is not valid JSON: ${(e as Error).message}.`);
  }
  const list = (doc as { endpoints?: unknown } | null)?.endpoints;
  if (!Array.isArray(list) || list.length === 0)
    throw new ConfigError(`${name} must hold {"endpoints": [...]} with at least one endpoint.`);
  const out: DataikuEndpointConfig[] = [];
  list.forEach((raw: unknown, i) => {
    const e = (raw ?? {}) as Record<string, unknown>;
    const where = `${name} endpoints[${i}]`;
    for (const key of ['service', 'endpoint', 'type']) {
      if (typeof e[key] !== 'string' || !e[key]) throw new ConfigError(`${where} needs "${key}" as a non-empty string.`);
    }
    if (e['inputs'] !== undefined && !Array.isArray(e['inputs'])) throw new ConfigError(`${where}: "inputs" must be an array.`);
    const inputs = ((e['inputs'] as unknown[] | undefined) ?? []).map((rawInput, j): DataikuInputFeature => {
      const f = (rawInput ?? {}) as Record<string, unknown>;
      if (typeof f['name'] !== 'string' || !f['name']) throw new ConfigError(`${where}.inputs[${j}] needs "name" as a non-empty string.`);
      if (typeof f['type'] !== 'string') throw new ConfigError(`${where}.inputs[${j}] needs "type" (${DATAIKU_FEATURE_TYPES.join(', ')}).`);
      if (f['required'] !== undefined && typeof f['required'] !== 'boolean')
        throw new ConfigError(`${where}.inputs[${j}].required must be a boolean.`);
      return { name: f['name'], type: featureType(f['type'], `${where}.inputs[${j}]`), required: f['required'] === true };
    });
    const accept = e['acceptUnknownInputs'];
    if (accept !== undefined && typeof accept !== 'boolean') throw new ConfigError(`${where}: "acceptUnknownInputs" must be a boolean.`);
    endpointEntry(
      out,
      { serviceId: e['service'] as string, endpointId: e['endpoint'] as string, type: e['type'] as string, inputs, acceptsUnknown: accept },
      where,
    );
  });
  return out;
}

/** The Dataiku endpoints from `AUGUR_DATAIKU_ENDPOINTS` or `AUGUR_DATAIKU_ENDPOINTS_FILE` (not both). */
function dataikuEndpoints(env: Env, readFile: (path: string) => string): DataikuEndpointConfig[] | undefined {
  const inline = str(env, 'AUGUR_DATAIKU_ENDPOINTS');
  const file = str(env, 'AUGUR_DATAIKU_ENDPOINTS_FILE');
  if (inline !== undefined && file !== undefined) {
    throw new ConfigError('Set AUGUR_DATAIKU_ENDPOINTS or AUGUR_DATAIKU_ENDPOINTS_FILE, not both.');
  }
  if (inline !== undefined) return parseDataikuEndpoints(inline);
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFile(file);
  } catch (e) {
    throw new ConfigError(`AUGUR_DATAIKU_ENDPOINTS_FILE names "${file}", which cannot be read: ${(e as Error).message}.`);
  }
  return parseDataikuEndpointsFile(text);
}

/** Parses `REDIS_URL`: `redis://[user:password@]host[:port][/db]` or `rediss://` for TLS. */
function redisUrl(env: Env, name: string): string | undefined {
  const raw = str(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || !parsed.hostname) {
    // The value may hold a password: name the shape expected, never echo it.
    throw new ConfigError(`${name} must be a URL such as redis://127.0.0.1:6379 or rediss://user:password@host:6380/0.`);
  }
  return raw;
}

/** Parses `AUGUR_CACHE_TTLS`: comma-separated `Type=seconds`, e.g. `Contact=30,Endpoint=300`. */
export function parseCacheTtls(raw: string | undefined, name = 'AUGUR_CACHE_TTLS'): Record<string, number> {
  const out: Record<string, number> = {};
  if (raw === undefined) return out;
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([_A-Za-z][_0-9A-Za-z]*)\s*=\s*(\d+)$/.exec(item);
    if (!m) throw new ConfigError(`${name} entries must look like "Type=seconds" (e.g. "Contact=30"), got "${item}".`);
    if (m[1]! in out) throw new ConfigError(`${name} lists type ${m[1]} twice.`);
    const seconds = Number(m[2]);
    if (seconds > 31_536_000) throw new ConfigError(`${name} entry "${item}" exceeds one year (31536000 s).`);
    out[m[1]!] = seconds;
  }
  return out;
}

/** Parses `AUGUR_TRUSTED_PROXIES`: comma-separated IP addresses or CIDR blocks, e.g. `10.0.0.0/8,::1`. */
export function parseTrustedProxies(raw: string | undefined, name = 'AUGUR_TRUSTED_PROXIES'): string[] {
  const out: string[] = [];
  for (const item of (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [address = '', prefix, extra] = item.split('/');
    const family = isIP(address);
    const bits = family === 6 ? 128 : 32;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (family === 0 || !prefixOk || extra !== undefined) {
      throw new ConfigError(`${name} entries must be IP addresses or CIDR blocks such as 10.0.0.1, 10.0.0.0/8 or fd00::/8, got "${item}".`);
    }
    out.push(item);
  }
  return out;
}

function persistedMode(env: Env, name: string): PersistedQueryMode {
  const raw = str(env, name);
  if (raw === undefined) return 'apq';
  const v = raw.toLowerCase();
  if (v === 'apq' || v === 'allowlist' || v === 'off') return v;
  throw new ConfigError(
    `${name} must be apq (automatic persisted queries, the default), allowlist (only registered operations) or off, got "${raw}".`,
  );
}

/** The variable of each platform's key, as `AUGUR_TENANT_<ID>_<variable>` uses it. */
export const PLATFORM_KEY_VARIABLES: Record<PlatformName, string> = {
  dataiku: 'DATAIKU_API_KEY',
  previsto: 'PREVISTO_API_KEY',
  prevision: 'PREVISION_MASTER_TOKEN',
  civis: 'CIVIS_API_KEY',
};

/** Parses a comma-separated list. */
function list(env: Env, name: string): string[] {
  return (str(env, name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Parses `AUGUR_JWT_SCOPE_MAP`: JSON `{"<token scope>": ["<augur scope>", …]}`. */
export function parseScopeMap(raw: string | undefined, name = 'AUGUR_JWT_SCOPE_MAP'): Record<string, string[]> | undefined {
  if (raw === undefined) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch (e) {
    throw new ConfigError(`${name} must be JSON such as {"analyst": ["previsto:read", "civis:read"]}: ${(e as Error).message}.`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ConfigError(
      `${name} must be a JSON object mapping each token scope to a list of Augur scopes, e.g. {"analyst": ["previsto:read"]}.`,
    );
  }
  const out: Record<string, string[]> = {};
  for (const [scope, mapped] of Object.entries(doc as Record<string, unknown>)) {
    if (!Array.isArray(mapped) || mapped.some((m) => typeof m !== 'string' || !/^\S+$/.test(m))) {
      throw new ConfigError(`${name}: "${scope}" must map to a list of scopes without spaces, e.g. ["previsto:read"].`);
    }
    out[scope] = mapped as string[];
  }
  return out;
}

function jwtConfig(env: Env): JwtConfig | undefined {
  const jwksUrl = url(env, 'AUGUR_JWT_JWKS_URL');
  const jwksFile = str(env, 'AUGUR_JWT_JWKS_FILE');
  const issuers = list(env, 'AUGUR_JWT_ISSUER');
  const audiences = list(env, 'AUGUR_JWT_AUDIENCE');
  if (!jwksUrl && !jwksFile) {
    const stray = ['AUGUR_JWT_ISSUER', 'AUGUR_JWT_AUDIENCE', 'AUGUR_JWT_ALGORITHMS', 'AUGUR_JWT_SCOPE_CLAIM', 'AUGUR_JWT_SCOPE_MAP'].filter(
      (v) => str(env, v) !== undefined,
    );
    if (stray.length > 0) {
      throw new ConfigError(
        `${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} set, but tokens are off: set AUGUR_JWT_JWKS_URL or AUGUR_JWT_JWKS_FILE too.`,
      );
    }
    return undefined;
  }
  if (jwksUrl && jwksFile) throw new ConfigError('Set AUGUR_JWT_JWKS_URL or AUGUR_JWT_JWKS_FILE, not both.');
  if (issuers.length === 0)
    throw new ConfigError(
      'AUGUR_JWT_ISSUER is required with signed tokens: the issuer (`iss`) your identity provider writes, e.g. https://login.example.com/.',
    );
  if (audiences.length === 0)
    throw new ConfigError('AUGUR_JWT_AUDIENCE is required with signed tokens: the audience (`aud`) tokens for Augur carry, e.g. augur.');
  const algorithms = list(env, 'AUGUR_JWT_ALGORITHMS');
  for (const alg of algorithms) {
    if (!(JWT_ALGORITHMS as readonly string[]).includes(alg)) {
      throw new ConfigError(
        `AUGUR_JWT_ALGORITHMS lists "${alg}"; allowed are ${JWT_ALGORITHMS.join(', ')} (asymmetric only: "none" and HMAC are never accepted).`,
      );
    }
  }
  return {
    jwksUrl,
    jwksFile,
    issuers,
    audiences,
    algorithms: (algorithms.length > 0 ? algorithms : ['RS256', 'ES256']) as JwtAlgorithm[],
    clockSkewSeconds: int(env, 'AUGUR_JWT_CLOCK_SKEW_SECONDS', 30, 0, 300),
    jwksRefreshMs: int(env, 'AUGUR_JWT_JWKS_REFRESH_SECONDS', 60, 1, 86_400) * 1000,
    scopeClaim: str(env, 'AUGUR_JWT_SCOPE_CLAIM') ?? 'scope',
    scopeMap: parseScopeMap(str(env, 'AUGUR_JWT_SCOPE_MAP')),
  };
}

/** Tenants from `AUGUR_TENANT_<ID>_<PLATFORM KEY VARIABLE>`, e.g. `AUGUR_TENANT_ACME_PREVISTO_API_KEY`; ids lower-cased. */
export function envTenants(env: Env): Record<string, TenantCredentials> {
  const out: Record<string, TenantCredentials> = {};
  const suffixes = Object.entries(PLATFORM_KEY_VARIABLES) as Array<[PlatformName, string]>;
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith('AUGUR_TENANT_') || name === 'AUGUR_TENANT_CLAIM') continue;
    const match = suffixes.find(([, suffix]) => name.endsWith(`_${suffix}`));
    const id = match ? name.slice('AUGUR_TENANT_'.length, name.length - match[1].length - 1) : '';
    if (!match || !/^[A-Z0-9][A-Z0-9_]*$/.test(id)) {
      throw new ConfigError(
        `${name} is not a tenant credential: expected AUGUR_TENANT_<ID>_<${Object.values(PLATFORM_KEY_VARIABLES).join('|')}>, e.g. AUGUR_TENANT_ACME_PREVISTO_API_KEY.`,
      );
    }
    const value = str(env, name);
    if (value === undefined) continue;
    (out[id.toLowerCase()] ??= {})[match[0]] = value;
  }
  return out;
}

/**
 * Parses a tenants file: JSON or YAML holding `tenants: {<id>: {previsto: <key>, dataiku: <key>, civis: <key>,
 * prevision: <master token>}}`. A mistake is named by its place, never by the secret it holds.
 */
export function parseTenantsFile(text: string, name = 'AUGUR_TENANTS_FILE'): Record<string, TenantCredentials> {
  let doc: unknown;
  try {
    // YAML 1.2 reads JSON as well.
    doc = parseYaml(text, { prettyErrors: false });
  } catch (e) {
    const where = (e as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    throw new ConfigError(`${name} is neither JSON nor YAML${where ? ` (line ${where.line}, column ${where.col})` : ''}.`);
  }
  const tenants = (doc as { tenants?: unknown } | null)?.tenants;
  if (typeof tenants !== 'object' || tenants === null || Array.isArray(tenants)) {
    throw new ConfigError(
      `${name} must hold "tenants", a map of tenant ids to their platform keys, e.g. {"tenants": {"acme": {"previsto": "sk_..."}}}.`,
    );
  }
  const out: Record<string, TenantCredentials> = {};
  for (const [id, entry] of Object.entries(tenants as Record<string, unknown>)) {
    if (!id.trim()) throw new ConfigError(`${name} has a tenant with an empty id.`);
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new ConfigError(`${name}: tenant "${id}" must map platform names (${PLATFORMS.join(', ')}) to keys.`);
    }
    const creds: TenantCredentials = {};
    for (const [platform, key] of Object.entries(entry as Record<string, unknown>)) {
      if (!(PLATFORMS as readonly string[]).includes(platform)) {
        throw new ConfigError(`${name}: tenant "${id}" names "${platform}"; expected ${PLATFORMS.join(', ')}.`);
      }
      if (typeof key !== 'string' || !/^[\x21-\x7e]{1,512}$/.test(key)) {
        throw new ConfigError(`${name}: tenant "${id}", ${platform}: the key must be 1 to 512 printable ASCII characters without spaces.`);
      }
      creds[platform as PlatformName] = key;
    }
    out[id] = creds;
  }
  return out;
}

/** Reads and parses the tenants file, naming the variable when it cannot be read. */
export function readTenantsFile(path: string, readFile: (path: string) => string): Record<string, TenantCredentials> {
  let text: string;
  try {
    text = readFile(path);
  } catch (e) {
    throw new ConfigError(`AUGUR_TENANTS_FILE names "${path}", which cannot be read: ${(e as Error).message}.`);
  }
  return parseTenantsFile(text);
}

function authConfig(env: Env, readFile: (path: string) => string): AuthConfig {
  const jwt = jwtConfig(env);
  const tenantsFile = str(env, 'AUGUR_TENANTS_FILE');
  const fromEnv = envTenants(env);
  const tenants = tenantsFile !== undefined || Object.keys(fromEnv).length > 0;
  const tenantClaim = str(env, 'AUGUR_TENANT_CLAIM');
  if (tenants && !tenantClaim) {
    throw new ConfigError(
      'Tenants are configured (AUGUR_TENANTS_FILE or AUGUR_TENANT_<ID>_…) but AUGUR_TENANT_CLAIM is not: name the token claim holding the tenant, e.g. org.',
    );
  }
  if (tenantClaim && !jwt)
    throw new ConfigError('AUGUR_TENANT_CLAIM reads a token claim: set AUGUR_JWT_JWKS_URL or AUGUR_JWT_JWKS_FILE too.');
  if (tenantClaim && !tenants)
    throw new ConfigError('AUGUR_TENANT_CLAIM is set but no tenant is: set AUGUR_TENANTS_FILE or AUGUR_TENANT_<ID>_<PLATFORM KEY>.');
  if (tenantsFile !== undefined) readTenantsFile(tenantsFile, readFile);
  return { jwt, tenantClaim, tenantsFile, envTenants: fromEnv, forwardedKeys: bool(env, 'AUGUR_FORWARDED_KEYS', !tenants) };
}

/** The built-in id secret: ids stay stable across restarts and replicas unless AUGUR_ID_SECRET is set. */
const DEFAULT_ID_SECRET = 'augur-default-id-secret-v1';

/**
 * `readFile` reads the files the environment names (`AUGUR_DATAIKU_ENDPOINTS_FILE`); tests may pass their own.
 */
export function parseConfig(env: Env, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): Config {
  // Attempts per call: the platform's own variable, else AUGUR_RETRY_MAX_ATTEMPTS when set, else the platform's
  // default (Civis: 1 + civis-python's retry_total of 6; the others 3).
  const globalAttempts = str(env, 'AUGUR_RETRY_MAX_ATTEMPTS') === undefined ? undefined : int(env, 'AUGUR_RETRY_MAX_ATTEMPTS', 3, 1, 10);
  const platform = (urlVar: string, keyVar: string, prefix: string, timeoutMs: number, attempts = 3): PlatformSettings => ({
    url: url(env, urlVar),
    credential: str(env, keyVar),
    timeoutMs: int(env, `AUGUR_${prefix}_TIMEOUT_MS`, timeoutMs, 1, 600_000),
    connections: int(env, `AUGUR_${prefix}_CONNECTIONS`, 64, 1, 1024),
    retryMaxAttempts: int(env, `AUGUR_${prefix}_RETRY_MAX_ATTEMPTS`, globalAttempts ?? attempts, 1, 10),
  });
  const config: Config = {
    port: int(env, 'PORT', 4000, 0, 65535),
    host: str(env, 'HOST') ?? '127.0.0.1',
    logLevel: str(env, 'LOG_LEVEL') ?? 'info',
    idSecret: str(env, 'AUGUR_ID_SECRET') ?? DEFAULT_ID_SECRET,
    paging: {
      maxPageSize: int(env, 'AUGUR_MAX_PAGE_SIZE', 100, 1, 1000),
      defaultPageSize: int(env, 'AUGUR_DEFAULT_PAGE_SIZE', 20, 1, 1000),
    },
    batchSize: int(env, 'AUGUR_BATCH_SIZE', 100, 1, 10_000),
    requestBudgetMs: int(env, 'AUGUR_REQUEST_BUDGET_MS', 5000, 0, 600_000),
    retryBudget: int(env, 'AUGUR_RETRY_BUDGET', 6, 0, 1000),
    retry: {
      baseDelayMs: int(env, 'AUGUR_RETRY_BASE_DELAY_MS', 100, 0, 60_000),
      maxDelayMs: int(env, 'AUGUR_RETRY_MAX_DELAY_MS', 2000, 0, 600_000),
      maxAttempts: int(env, 'AUGUR_RETRY_MAX_ATTEMPTS', 3, 1, 10),
    },
    breaker: {
      threshold: int(env, 'AUGUR_BREAKER_THRESHOLD', 5, 1, 1000),
      cooldownMs: int(env, 'AUGUR_BREAKER_COOLDOWN_MS', 5000, 100, 600_000),
    },
    statusTtlMs: int(env, 'AUGUR_STATUS_TTL_MS', 5000, 0, 3_600_000),
    platforms: {
      dataiku: platform('DATAIKU_APINODE_URL', 'DATAIKU_API_KEY', 'DATAIKU', 30_000),
      previsto: platform('PREVISTO_URL', 'PREVISTO_API_KEY', 'PREVISTO', 15_000),
      prevision: platform('PREVISION_URL', 'PREVISION_MASTER_TOKEN', 'PREVISION', 30_000),
      civis: platform('CIVIS_API_ENDPOINT', 'CIVIS_API_KEY', 'CIVIS', 30_000, 7),
    },
    dataiku: { endpoints: dataikuEndpoints(env, readFile), bearerToken: str(env, 'DATAIKU_BEARER_TOKEN') },
    previsto: {
      rateLimitPerMinute: int(env, 'PREVISTO_RATE_LIMIT', 120, 1, 1_000_000),
      rateWindowMs: int(env, 'AUGUR_PREVISTO_RATE_WINDOW_MS', 60_000, 1, 3_600_000),
      allowHttp: bool(env, 'AUGUR_PREVISTO_ALLOW_HTTP', false),
    },
    civis: { resultMaxBytes: int(env, 'AUGUR_CIVIS_RESULT_MAX_BYTES', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024) },
    graphiql: bool(env, 'AUGUR_GRAPHIQL', true),
    cors: { origins: parseCorsOrigins(str(env, 'AUGUR_CORS_ORIGINS')) },
    limits: {
      maxDepth: int(env, 'AUGUR_MAX_DEPTH', 12, 1, 100),
      maxAliases: int(env, 'AUGUR_MAX_ALIASES', 200, 0, 100_000),
      maxCost: int(env, 'AUGUR_MAX_COST', 5000, 1, 10_000_000),
      maxBodyBytes: int(env, 'AUGUR_MAX_BODY_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
      maxDocumentBytes: int(env, 'AUGUR_MAX_DOCUMENT_BYTES', 128 * 1024, 1024, 100 * 1024 * 1024),
      maxRecords: int(env, 'AUGUR_MAX_RECORDS', 10_000, 1, 10_000),
      maxIds: int(env, 'AUGUR_MAX_IDS', 100, 1, 10_000),
      maxTokens: int(env, 'AUGUR_MAX_TOKENS', 5000, 100, 100_000),
      maxDirectives: int(env, 'AUGUR_MAX_DIRECTIVES', 50, 0, 10_000),
      maxInputDepth: int(env, 'AUGUR_MAX_INPUT_DEPTH', 64, 1, 256),
      maxFieldComparisons: int(env, 'AUGUR_MAX_FIELD_COMPARISONS', 50_000, 100, 10_000_000),
      maxUploadBytes: int(env, 'AUGUR_MAX_UPLOAD_BYTES', 100 * 1024 * 1024, 1024, 10 * 1024 * 1024 * 1024),
    },
    operationTimeoutMs: int(env, 'AUGUR_OPERATION_TIMEOUT_MS', 15_000, 10, 600_000),
    fairShare: {
      operationShare: int(env, 'AUGUR_OPERATION_SHARE_PERCENT', 25, 1, 100) / 100,
      enabled: bool(env, 'AUGUR_FAIR_SHARE', true),
    },
    refusals: {
      perMinute: int(env, 'AUGUR_REFUSALS_PER_MINUTE', 60, 0, 1_000_000),
      delayMs: int(env, 'AUGUR_REFUSAL_DELAY_MS', 1000, 1, 60_000),
    },
    trustedProxies: parseTrustedProxies(str(env, 'AUGUR_TRUSTED_PROXIES')),
    admission: {
      maxActiveCost: int(env, 'AUGUR_MAX_ACTIVE_COST', 3000, 0, 100_000_000),
      maxQueued: int(env, 'AUGUR_MAX_QUEUED_OPERATIONS', 1000, 0, 1_000_000),
      slotMs: int(env, 'AUGUR_ACTIVE_SLOT_MS', 100, 1, 600_000),
    },
    apiKeys: (str(env, 'AUGUR_API_KEYS') ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
    introspection: bool(env, 'AUGUR_INTROSPECTION', true),
    jit: bool(env, 'AUGUR_JIT', true),
    metrics: bool(env, 'AUGUR_METRICS', true),
    shutdownGraceMs: int(env, 'AUGUR_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    shutdownDelayMs: int(env, 'AUGUR_SHUTDOWN_DELAY_MS', 0, 0, 600_000),
    tracing: { enabled: tracingEnabled(env), serviceName: str(env, 'OTEL_SERVICE_NAME') ?? 'augur' },
    redis: {
      url: redisUrl(env, 'REDIS_URL'),
      commandTimeoutMs: int(env, 'AUGUR_REDIS_TIMEOUT_MS', 100, 5, 10_000),
      replicas: int(env, 'AUGUR_REPLICAS', 1, 1, 1000),
    },
    persistedQueries: { mode: persistedMode(env, 'AUGUR_PERSISTED_QUERIES'), manifest: str(env, 'AUGUR_PERSISTED_QUERIES_MANIFEST') },
    cache: { ttls: parseCacheTtls(str(env, 'AUGUR_CACHE_TTLS')), responseCache: bool(env, 'AUGUR_RESPONSE_CACHE', false) },
    federation: bool(env, 'AUGUR_FEDERATION', false),
    sharing: { reads: bool(env, 'AUGUR_SHARE_READS', true), batches: bool(env, 'AUGUR_CROSS_BATCH', true) },
    entityCache: {
      ttls: parseEntityCacheTtls(str(env, 'AUGUR_ENTITY_CACHE_TTLS') ?? 'previsto=10'),
      maxBytes: int(env, 'AUGUR_ENTITY_CACHE_MB', 64, 1, 65_536) * 1024 * 1024,
      adminKey: str(env, 'AUGUR_CACHE_ADMIN_KEY'),
    },
    auth: authConfig(env, readFile),
    live: {
      enabled: bool(env, 'AUGUR_LIVE', true),
      pollMinMs: int(env, 'AUGUR_LIVE_POLL_MIN_MS', 1000, 10, 600_000),
      pollMaxMs: int(env, 'AUGUR_LIVE_POLL_MAX_MS', 10_000, 10, 3_600_000),
      maxPerConnection: int(env, 'AUGUR_LIVE_MAX_PER_CONNECTION', 100, 1, 100_000),
      maxTotal: int(env, 'AUGUR_LIVE_MAX_SUBSCRIPTIONS', 10_000, 1, 10_000_000),
      maxBufferedBytes: int(env, 'AUGUR_LIVE_MAX_BUFFERED_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024),
      leaseMs: int(env, 'AUGUR_LIVE_LEASE_MS', 5000, 100, 600_000),
    },
  };
  if (config.entityCache.adminKey !== undefined && config.entityCache.adminKey.length < 16) {
    throw new ConfigError('AUGUR_CACHE_ADMIN_KEY must have at least 16 characters; generate it randomly.');
  }
  if (config.apiKeys.some((key) => key.length < 16)) {
    throw new ConfigError('AUGUR_API_KEYS entries must have at least 16 characters each; generate them randomly.');
  }
  if (config.live.pollMinMs > config.live.pollMaxMs) {
    throw new ConfigError(
      `AUGUR_LIVE_POLL_MIN_MS (${config.live.pollMinMs}) cannot exceed AUGUR_LIVE_POLL_MAX_MS (${config.live.pollMaxMs}).`,
    );
  }
  if (config.paging.defaultPageSize > config.paging.maxPageSize) {
    throw new ConfigError(
      `AUGUR_DEFAULT_PAGE_SIZE (${config.paging.defaultPageSize}) cannot exceed AUGUR_MAX_PAGE_SIZE (${config.paging.maxPageSize}).`,
    );
  }
  if (config.cache.responseCache && Object.keys(config.cache.ttls).length === 0) {
    throw new ConfigError(
      'AUGUR_RESPONSE_CACHE=true caches only responses whose types have a cache TTL, and AUGUR_CACHE_TTLS sets none; set it too, e.g. AUGUR_CACHE_TTLS="Contact=30,Endpoint=300".',
    );
  }
  if (config.persistedQueries.manifest && config.persistedQueries.mode !== 'allowlist') {
    throw new ConfigError(
      `AUGUR_PERSISTED_QUERIES_MANIFEST is read only in allow-list mode, and AUGUR_PERSISTED_QUERIES is "${config.persistedQueries.mode}"; set AUGUR_PERSISTED_QUERIES=allowlist or unset the manifest.`,
    );
  }
  const previstoUrl = config.platforms.previsto.url;
  if (
    previstoUrl &&
    !config.previsto.allowHttp &&
    new URL(previstoUrl).protocol === 'http:' &&
    !isLoopback(new URL(previstoUrl).hostname)
  ) {
    throw new ConfigError(
      `PREVISTO_URL is plain http:// to ${new URL(previstoUrl).hostname}, and Previsto takes API requests over HTTPS only: the key would travel in clear. Use https://, or set AUGUR_PREVISTO_ALLOW_HTTP=true for an emulator on a private network.`,
    );
  }
  if (config.platforms.dataiku.url && !config.dataiku.endpoints) {
    throw new ConfigError(
      'DATAIKU_APINODE_URL is set but AUGUR_DATAIKU_ENDPOINTS is not: the API node cannot list its endpoints, so declare them, e.g. AUGUR_DATAIKU_ENDPOINTS="fraud/score:PREDICTION".',
    );
  }
  return config;
}
