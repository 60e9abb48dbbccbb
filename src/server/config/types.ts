/**
 * The shape of the configuration parseConfig (src/server/config.ts) returns; the settings of an area with parsers of
 * its own (auth, Dataiku endpoints, caching) are typed beside them in this folder.
 */
import type { PlatformName } from '../../core/upstream.js';
import type { AuthConfig } from './auth.js';
import type { PersistedQueryMode } from './caching.js';
import type { DataikuEndpointConfig } from './dataiku.js';

/** One platform's connection: where it is, the gateway's credential, and how calls to it are bounded. */
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

/** Everything Augur reads from its environment, validated. */
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
  /**
   * Run operations of documents Apollo already validated without Apollo's HTTP pipeline (directExecution.ts), with
   * compiled execution and no cache control only.
   */
  directExecution: boolean;
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
