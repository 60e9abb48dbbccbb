/**
 * Configuration: `parseConfig(env)` turns an environment map into a typed Config. It never reads `process.env`
 * itself; an invalid value fails with a message naming the variable, what it expected and what it got. The Config
 * types and the parsers of each area (auth, Dataiku endpoints, caching, HTTP callers, Redis and tracing) are in
 * config/; this module assembles them and checks the settings that depend on one another.
 */
import { readFileSync } from 'node:fs';
import { authConfig } from './config/auth.js';
import { parseCacheTtls, parseEntityCacheTtls, persistedMode } from './config/caching.js';
import { dataikuEndpoints } from './config/dataiku.js';
import { bool, ConfigError, int, str, url, type Env } from './config/env.js';
import { parseCorsOrigins, parseTrustedProxies } from './config/http.js';
import { redisUrl, tracingEnabled } from './config/services.js';
import type { Config, PlatformSettings } from './config/types.js';

export type { Config } from './config/types.js';

/** Whether a URL's host is this machine: `localhost`, 127.0.0.0/8 or `[::1]`. */
function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
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
    directExecution: bool(env, 'AUGUR_DIRECT_EXECUTION', true),
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
