/**
 * Builds Augur: the upstream clients, the executable schema, Apollo Server and the HTTP handler (graphqlHttp.ts). No I/O happens
 * here (no listen, no environment), so tests build servers freely; `main.ts` wires it to the outside world.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { dirname, join } from 'node:path';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { OperationDefinitionNode } from 'graphql';
import type { Config } from './config.js';
import type { DataikuEndpointConfig } from './config/dataiku.js';
import type { Context, Services } from './context.js';
import type { PlatformEndpoint } from '../resolvers/context.js';
import { createCors } from './cors.js';
import { homeRoute } from './home.js';
import { EndpointRegistry } from './endpoints.js';
import { createFormatError } from './errors.js';
import { createGraphiQL } from './graphiql.js';
import { DirectExecution } from './directExecution.js';
import { createRedactor } from './logger.js';
import type { Logger } from '../core/logger.js';
import { createMetrics } from './metrics.js';
import { SubscriptionsOverStreamsRule, SupportedOperationTypesRule } from './operationTypes.js';
import { combineObservers, type AugurObserver } from '../core/observer.js';
import { admissionPlugin } from './plugins/admission.js';
import { deadlinePlugin } from './plugins/deadline.js';
import { errorsPlugin } from './plugins/errors.js';
import { loggingPlugin } from './plugins/logging.js';
import { readinessRoute } from './plugins/readiness.js';
import type { BeforeHook, RouteHandler } from './routes.js';
import type { Tracing } from './tracing.js';
import { settleListItems } from './listItems.js';
import { buildSchema, loadTypeDefFiles, schemaDirectory } from './schema.js';
import { AllowList, APQ_TTL_SECONDS, resolveManifest } from './persisted.js';
import { AdmissionGate } from './admission.js';
import { ApiKeyCheck } from './apiKeys.js';
import { accessTableOf, enforceAccess, type AccessTable } from './access.js';
import { Authenticator } from './authenticate.js';
import { auditPlugin } from './plugins/audit.js';
import { mutationAccessPlugin } from './plugins/access.js';
import { TenantDirectory } from './tenants.js';
import { TokenVerifier } from './tokens.js';
import { DocumentGuard } from './guard.js';
import { createGraphQLHttp, sendJson } from './graphqlHttp.js';
import { introspectionCachePlugin } from './introspection.js';
import { limitRule, upstreamCallsError, type LimitSettings, type OperationMeasure } from './limits.js';
import { fieldCallsOf } from './upstreamCalls.js';
import { StatusChecker } from './status.js';
import { IdCodec } from '../relay/ids.js';
import { createNodeFetchers, createResolvers } from '../resolvers/index.js';
import { TotalsCache } from '../loaders/previsto.js';
import { CircuitBreaker } from '../upstreams/breaker.js';
import { UpstreamHttp } from '../upstreams/http.js';
import type { RetryTuning, UpstreamPolicy } from '../upstreams/policy.js';
import { RateBudget, SharedRateStore } from '../upstreams/rateBudget.js';
import { PLATFORMS, type PlatformName } from '../core/upstream.js';
import { DataikuClient } from '../upstreams/dataiku/client.js';
import { dataikuPolicy } from '../upstreams/dataiku/policy.js';
import { PrevistoClient } from '../upstreams/previsto/client.js';
import { previstoPolicy } from '../upstreams/previsto/policy.js';
import { PrevisionClient } from '../upstreams/prevision/client.js';
import { previsionPolicy } from '../upstreams/prevision/policy.js';
import { CivisClient } from '../upstreams/civis/client.js';
import { CrossBatcher } from '../upstreams/batcher.js';
import { MemoryCacheStore, ReadCache } from '../upstreams/readCache.js';
import { RedisCacheStore, invalidateRoute } from './entityCache.js';
import { cacheExtensionsPlugin } from './plugins/cacheExtensions.js';
import { combinePlugins, type AugurPlugin } from './plugins/combine.js';
import { civisPolicy } from '../upstreams/civis/policy.js';
import { LiveHub } from './live/hub.js';
import { createLiveMetrics } from './live/metrics.js';
import { LiveOperations } from './live/operations.js';
import { createSseHandler } from './live/sse.js';
import { createWsServer, type WsServer } from './live/ws.js';
import { STREAM_PATH } from './graphqlHttp.js';

export interface ServerDeps {
  config: Config;
  /** Where each platform lives (configured URL or a started emulator). */
  platforms: Record<PlatformName, PlatformEndpoint>;
  /** Dataiku endpoints to expose. */
  dataikuEndpoints: readonly DataikuEndpointConfig[];
  logger: Logger;
  /** Subscribers to upstream attempts, breaker changes, rate-limit waits and loader batches. */
  observers?: readonly AugurObserver[];
  /** OpenTelemetry tracing, when enabled (`startTracing` in `tracing.ts`). */
  tracing?: Tracing;
  /** Reads the files the configuration names (the tenants file); tests may pass their own. */
  readFile?: (path: string) => string;
}

export interface AugurServer {
  services: Services;
  apollo: ApolloServer<Context>;
  /** Node `http` request handler serving `/graphql` and `/healthz`. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Node `http` `upgrade` listener: GraphQL over WebSocket on `/graphql` (when subscriptions are on). */
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** The subscriptions' pollers (open subscriptions, active pollers). */
  live: LiveHub;
  /** Ends every open subscription with SHUTTING_DOWN, then completes it, and closes WebSocket connections. */
  closeSubscriptions(): Promise<void>;
  start(): Promise<void>;
  /** From now on `/readyz` answers 503 `{ready: false, draining: true}`, so load balancers stop sending traffic. */
  beginDraining(): void;
  /** Reads the tenants file again (main.ts calls it on SIGHUP); answers whether it parsed. */
  reloadTenants(): boolean;
  stop(): Promise<void>;
}

/** Each platform's retry and error rules (`src/upstreams/<platform>/policy.ts`). */
const POLICIES: Record<PlatformName, (tuning: RetryTuning) => UpstreamPolicy> = {
  dataiku: dataikuPolicy,
  previsto: previstoPolicy,
  civis: civisPolicy,
  prevision: previsionPolicy,
};

/**
 * Builds the gateway. Optional features (Redis, Federation, compiled execution, the response cache) are imported only
 * when configured: their code never occupies memory, or start-up time, in a gateway that does not use them.
 */
export async function createServer(deps: ServerDeps): Promise<AugurServer> {
  const { config, logger } = deps;
  const [redisModule, federationModule, jitModule, cacheModule] = await Promise.all([
    config.redis.url ? import('./redis.js') : undefined,
    config.federation ? import('./federation.js') : undefined,
    config.jit ? import('./jit.js') : undefined,
    Object.keys(config.cache.ttls).length > 0 ? import('./responseCache.js') : undefined,
  ]);
  const metrics = config.metrics ? createMetrics() : undefined;
  const observe = combineObservers([
    ...(deps.observers ?? []),
    ...(metrics ? [metrics.observer] : []),
    ...(deps.tracing ? [deps.tracing.observer] : []),
  ]);
  const secrets = [...PLATFORMS.map((p) => config.platforms[p].credential), config.dataiku.bearerToken].filter((s): s is string => !!s);
  const redactor = createRedactor(secrets);
  // Shared state for replicas, when REDIS_URL is set; nothing connects before start().
  const redis =
    redisModule && config.redis.url
      ? new redisModule.RedisState({ url: config.redis.url, logger, commandTimeoutMs: config.redis.commandTimeoutMs })
      : undefined;
  if (redis) {
    const password = new URL(config.redis.url!).password;
    if (password) redactor.add(decodeURIComponent(password));
    if (metrics) redis.registerMetrics(metrics.registry);
  }

  const http = {} as Record<PlatformName, UpstreamHttp>;
  const makeHttp = (platform: PlatformName, baseUrl: string, breaker: CircuitBreaker | undefined): UpstreamHttp => {
    const settings = config.platforms[platform];
    return new UpstreamHttp({
      policy: POLICIES[platform]({ ...config.retry, maxAttempts: settings.retryMaxAttempts }),
      baseUrl,
      timeoutMs: settings.timeoutMs,
      connections: settings.connections,
      logger,
      redact: redactor.redact,
      onAttempt: observe.upstreamAttempt,
      shareReads: config.sharing.reads,
      onShared: observe.sharedCall,
      ...(observe.upstreamAttemptStart ? { onAttemptStart: observe.upstreamAttemptStart } : {}),
      ...(breaker ? { breaker } : {}),
      ...(platform === 'previsto'
        ? {
            rateBudget: new RateBudget({
              limit: config.previsto.rateLimitPerMinute,
              windowMs: config.previsto.rateWindowMs,
              fairShare: config.fairShare.enabled,
              onWait: (ms) => observe.rateLimitWait('previsto', ms),
              ...(redis ? { store: new SharedRateStore(redis, { replicas: config.redis.replicas, namespace: 'previsto' }) } : {}),
            }),
          }
        : {}),
    });
  };
  const breakers = {} as Record<PlatformName, CircuitBreaker>;
  // With Redis, openings are published to and adopted from the other replicas.
  const breakerSync = redisModule && redis ? new redisModule.RedisBreakerSync(redis, breakers, logger) : undefined;
  for (const platform of PLATFORMS) {
    breakers[platform] = new CircuitBreaker({
      threshold: config.breaker.threshold,
      cooldownMs: config.breaker.cooldownMs,
      ...(breakerSync ? { share: { platform, to: breakerSync } } : {}),
      onStateChange: (state) => {
        logger.warn({ event: 'breaker', platform, state }, `circuit breaker ${state}`);
        observe.breakerState(platform, state);
      },
    });
    http[platform] = makeHttp(platform, deps.platforms[platform].url, breakers[platform]);
  }
  // Deployed-model and token hosts of Prevision: one pool per origin, sharing Prevision's breaker.
  const previsionHosts = new Map<string, UpstreamHttp>();
  const previsionHost = (baseUrl: string): UpstreamHttp => {
    let client = previsionHosts.get(baseUrl);
    if (!client) {
      client = makeHttp('prevision', baseUrl, breakers.prevision);
      previsionHosts.set(baseUrl, client);
    }
    return client;
  };

  // The entity cache (docs/caching.md): in Redis when configured, so replicas share it and see each other's writes.
  const entityCache = Object.values(config.entityCache.ttls).some((s) => s > 0)
    ? new ReadCache({
        store: redis ? new RedisCacheStore(redis) : new MemoryCacheStore(config.entityCache.maxBytes),
        ttls: config.entityCache.ttls,
        onRead: observe.cacheRead,
        onInvalidate: observe.cacheInvalidation,
      })
    : undefined;
  const dataikuBatcher = config.sharing.batches
    ? new CrossBatcher({
        maxItems: config.batchSize,
        onBatch: (group, items, operations) => observe.crossBatch('dataiku', group.slice(0, group.indexOf('|')), items, operations),
      })
    : undefined;

  // Subscriptions' pollers: with Redis, one replica polls each watched object and relays what it reads (live/relay.ts).
  const liveMetrics = metrics ? createLiveMetrics(metrics.registry) : undefined;
  const liveRelay =
    redisModule && redis && config.live.enabled ? new (await import('./live/relay.js')).RedisLiveRelay(redis, logger) : undefined;
  const live = new LiveHub({
    config: config.live,
    secret: config.idSecret,
    requestBudgetMs: config.requestBudgetMs,
    retryBudget: config.retryBudget,
    operationTimeoutMs: config.operationTimeoutMs,
    logger,
    ...(liveMetrics ? { metrics: liveMetrics } : {}),
    ...(liveRelay ? { relay: liveRelay } : {}),
  });

  const clients = {
    dataiku: new DataikuClient(http.dataiku),
    previsto: new PrevistoClient(http.previsto, entityCache),
    prevision: new PrevisionClient({
      api: http.prevision,
      host: previsionHost,
      addSecret: (secret) => redactor.add(secret),
      probeToken: config.platforms.prevision.credential,
      ...(entityCache ? { cache: entityCache } : {}),
    }),
    civis: new CivisClient(http.civis, entityCache),
  };
  const services: Services = {
    version: augurVersion(),
    config,
    codec: new IdCodec(config.idSecret),
    logger,
    redactor,
    platforms: deps.platforms,
    http,
    endpoints: new EndpointRegistry(deps.dataikuEndpoints),
    ...clients,
    previstoTotals: new TotalsCache(60_000),
    status: new StatusChecker(clients, config.statusTtlMs),
    observe,
    ...(dataikuBatcher ? { dataikuBatcher } : {}),
    ...(entityCache ? { entityCache } : {}),
    live,
  };

  // Tenants and their upstream credentials (AUGUR_TENANTS_FILE, AUGUR_TENANT_<ID>_…), watched for changes.
  const { auth } = config;
  const tenants =
    auth.tenantsFile !== undefined || Object.keys(auth.envTenants).length > 0
      ? new TenantDirectory(auth, logger, deps.readFile ?? ((path) => readFileSync(path, 'utf8')), (secret) => redactor.add(secret))
      : undefined;
  if (tenants) services.tenants = tenants;

  // Extension points: Apollo plugins, hooks run before routing, and extra HTTP routes.
  // The errors plugin comes first, so every other plugin's willSendResponse sees the errors as the client will.
  const plugins: Array<ApolloServerPlugin<Context> | AugurPlugin<Context>> = [ApolloServerPluginLandingPageDisabled(), errorsPlugin()];
  const before: BeforeHook[] = [];
  before.push(createCors({ origins: config.cors.origins, logger }));
  if (config.live.enabled) before.push(createCors({ origins: config.cors.origins, logger, endpoint: STREAM_PATH }));
  if (config.graphiql) before.push(createGraphiQL({ logger, ...(config.live.enabled ? { streamEndpoint: STREAM_PATH } : {}) }));
  const routes = new Map<string, RouteHandler>([
    ['/healthz', (_req, res) => sendJson(res, 200, { status: 'ok' })],
    ['/', homeRoute({ graphiql: config.graphiql, metrics: metrics !== undefined })],
  ]);
  // Each validated operation's measure, recorded by the limit rule: admission control weighs operations by their
  // estimated cost, and the operation log line shows it.
  const measures = new WeakMap<OperationDefinitionNode, OperationMeasure>();
  const costs = { get: (operation: OperationDefinitionNode) => measures.get(operation)?.cost };
  plugins.push(loggingPlugin({ logger, costs }), cacheExtensionsPlugin());
  routes.set('/cache/invalidate', invalidateRoute(entityCache, config.entityCache.adminKey, logger));
  let draining = false;
  routes.set('/readyz', readinessRoute({ clients, platforms: deps.platforms, draining: () => draining }));
  if (metrics) {
    plugins.push(metrics.plugin);
    routes.set('/metrics', metrics.route);
  }
  if (deps.tracing) plugins.push(deps.tracing.plugin);

  // Persisted queries, cache hints and the response cache (shared through Redis when configured).
  const resolvers = createResolvers({ maxInputDepth: config.limits.maxInputDepth });
  // The schema's files are read and parsed once: the limits learn from them which platform each field calls, the
  // access table its scopes, and then the schema is built from them.
  const typeDefFiles = loadTypeDefFiles();
  const fieldCalls = fieldCallsOf(typeDefFiles);
  const accessTable = auth.jwt ? accessTableOf(typeDefFiles) : undefined;
  const schema = federationModule
    ? federationModule.buildFederatedSchema(resolvers, createNodeFetchers(), typeDefFiles)
    : buildSchema(resolvers, typeDefFiles);
  settleListItems(schema);
  // Scopes are enforced once signed tokens are configured; without them every field stays open, as it always was.
  let access: AccessTable | undefined;
  if (accessTable) {
    access = accessTable;
    enforceAccess(schema, access, (context) => (context as Context).principal);
    services.access = access;
    plugins.push(mutationAccessPlugin(schema, access));
  }
  plugins.push(auditPlugin({ logger, ...(metrics ? { registry: metrics.registry } : {}) }));
  // Apollo would add federated (ftv1) traces for any caller asking for them: timings and errors stay in Augur's logs.
  if (config.federation) plugins.push(ApolloServerPluginInlineTraceDisabled());
  const sharedCache = (feature: 'persisted_queries' | 'response_cache', prefix: string): KeyValueCache<string> =>
    redisModule && redis ? new redisModule.RedisKeyValueCache(redis, feature, { prefix }) : new InMemoryLRUCache<string>();
  let persistedQueries: { cache: KeyValueCache<string>; ttl?: number } | false = false;
  let allowList: AllowList | undefined;
  if (config.persistedQueries.mode === 'apq') persistedQueries = { cache: sharedCache('persisted_queries', 'pq:'), ttl: APQ_TTL_SECONDS };
  else if (config.persistedQueries.mode === 'allowlist') {
    allowList = new AllowList(resolveManifest(config.persistedQueries.manifest));
    persistedQueries = { cache: allowList.cache() };
    logger.info(
      { event: 'persisted_queries', mode: 'allowlist', operations: allowList.size },
      `serving only the ${allowList.size} operations of the persisted query manifest`,
    );
  }
  if (cacheModule) {
    const { cacheHintsPlugin, checkCacheTtls, responseCache } = cacheModule;
    checkCacheTtls(config.cache.ttls, schema);
    // Hints before cache control: Apollo runs willResolveField hooks in reverse plugin order, and the hints plugin
    // needs what cache control adds to each field's info.
    plugins.push(cacheHintsPlugin<Context>(config.cache.ttls), ApolloServerPluginCacheControl());
    if (config.cache.responseCache) plugins.push(responseCache(sharedCache('response_cache', 'rc:')));
  } else {
    // Apollo installs cache control by default, which runs a hook for every resolved field; without TTLs it is unused.
    plugins.push(ApolloServerPluginCacheControlDisabled());
  }

  // Limits, checked in time linear in the document: by the guard before Apollo for HTTP requests, and again as a
  // validation rule (persisted-query hashes, executeOperation) that records each operation's measure.
  const limits: LimitSettings = {
    ...config.limits,
    defaultPageSize: config.paging.defaultPageSize,
    maxPageSize: config.paging.maxPageSize,
    batchSize: config.batchSize,
    maxCalls: {
      previsto: {
        max: Math.max(
          1,
          Math.floor(config.previsto.rateLimitPerMinute * (60_000 / config.previsto.rateWindowMs) * config.fairShare.operationShare),
        ),
        perMinute: Math.round(config.previsto.rateLimitPerMinute * (60_000 / config.previsto.rateWindowMs)),
        share: config.fairShare.operationShare,
      },
    },
  };
  const guard = new DocumentGuard(
    schema,
    { ...limits, maxTokens: config.limits.maxTokens, maxDocumentBytes: config.limits.maxDocumentBytes },
    fieldCalls,
  );

  // Tokens and gateway keys, checked alike on /graphql, /graphql/stream and WebSocket connections (authenticate.ts).
  const authenticator = new Authenticator(
    auth,
    new ApiKeyCheck(config.apiKeys),
    auth.jwt ? new TokenVerifier(auth.jwt) : undefined,
    tenants,
  );
  // The HTTP face of /graphql: refusals before Apollo, slowing of clients that keep being refused (graphqlHttp.ts).
  const graphqlHttp = createGraphQLHttp({
    config,
    logger,
    guard,
    allowList,
    authenticator,
    services,
    routes,
    before,
    ...(metrics ? { metrics } : {}),
    ...(deps.tracing ? { tracing: deps.tracing } : {}),
  });
  plugins.push(graphqlHttp.plugin);

  // Operations execute while their summed cost estimate stays within AUGUR_MAX_ACTIVE_COST (see admission.ts).
  const admission = new AdmissionGate(config.admission);
  metrics?.watchAdmission(admission);
  plugins.push(
    admissionPlugin(
      admission,
      costs,
      ({ operation, document, request }) => {
        const measure = operation && measures.get(operation);
        const error = measure && upstreamCallsError(measure, operation, document, schema, limits, fieldCalls, request.variables);
        if (error) throw error;
      },
      graphqlHttp.clientOf,
    ),
  );
  plugins.push(introspectionCachePlugin<Context>({ ...(metrics ? { onHit: () => metrics.introspectionCacheHit() } : {}) }));
  // Past AUGUR_OPERATION_TIMEOUT_MS of execution an operation's upstream calls are aborted and it answers what it has.
  plugins.push(deadlinePlugin({ logger }));

  let formatError: ReturnType<typeof createFormatError>;
  // Operations of known documents run without Apollo's HTTP pipeline, through the same plugins and executor
  // (directExecution.ts). Per-field plugin hooks (cache control) need Apollo's own execution, so it is off with them.
  const executor = jitModule?.jitExecutor(schema);
  const direct = executor && config.directExecution && !cacheModule ? new DirectExecution<Context>() : undefined;
  if (direct) plugins.push(direct.plugin());
  const apollo = new ApolloServer<Context>({
    ...(jitModule ? { gateway: jitModule.jitGateway(schema, executor) } : { schema }),
    persistedQueries,
    introspection: config.introspection,
    hideSchemaDetailsFromClientErrors: !config.introspection,
    parseOptions: { maxTokens: config.limits.maxTokens },
    validationRules: [SupportedOperationTypesRule, SubscriptionsOverStreamsRule, limitRule(limits, fieldCalls, measures)],
    includeStacktraceInErrorResponses: false,
    // The embedding program owns shutdown (main.ts drains, then calls stop()); Apollo's own SIGTERM handler would
    // stop it at once and fail every request still to come during the drain.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    formatError: (formatError = createFormatError(
      (error, formatted) =>
        logger.error(
          {
            event: 'internal_error',
            err: error instanceof Error ? { message: redactor.redact(error.message), stack: error.stack } : String(error),
            path: formatted.path,
          },
          'unexpected error while resolving',
        ),
      { hideSuggestions: !config.introspection },
    )),
    // Augur's request hooks reach Apollo as one listener (plugins/combine.ts).
    plugins: combinePlugins(plugins),
  });

  // Subscriptions (docs/live.md): SSE at /graphql/stream through the HTTP layer's checks, WebSocket on /graphql.
  let ws: WsServer | undefined;
  let sse;
  if (config.live.enabled) {
    const operations = new LiveOperations({
      schema,
      apollo,
      services,
      guard,
      limits,
      fieldCalls,
      admission,
      formatError,
      maxTokens: config.limits.maxTokens,
      logger,
      ...(liveMetrics ? { metrics: liveMetrics } : {}),
    });
    sse = createSseHandler({
      operations,
      maxBufferedBytes: config.live.maxBufferedBytes,
      logger,
      ...(liveMetrics ? { metrics: liveMetrics } : {}),
    });
    ws = createWsServer({
      config,
      schema,
      operations,
      authenticator,
      logger,
      refusals: graphqlHttp.refusals,
      ...(liveMetrics ? { metrics: liveMetrics } : {}),
    });
  }
  direct?.attach({ apollo, schema, executor: executor!, formatError });
  const handler = graphqlHttp.handler(apollo, formatError, sse, direct);
  const closeSubscriptions = async (): Promise<void> => {
    live.close();
    // The last events (SHUTTING_DOWN, then complete) go out before the sockets close.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await ws?.close();
  };

  return {
    services,
    apollo,
    handler,
    upgrade: (req, socket, head) => {
      if (ws) ws.upgrade(req, socket, head);
      else socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    },
    live,
    closeSubscriptions,
    async start() {
      if (redis) {
        await redis.connect();
        breakerSync?.start();
        await liveRelay?.start();
      }
      await apollo.start();
      tenants?.watch();
    },
    beginDraining() {
      draining = true;
    },
    reloadTenants() {
      return tenants?.reload('SIGHUP') ?? true;
    },
    async stop() {
      tenants?.close();
      await closeSubscriptions();
      await liveRelay?.close();
      admission.close();
      await apollo.stop();
      breakerSync?.stop();
      await redis?.close();
      await Promise.all([...PLATFORMS.map((p) => http[p].close()), ...[...previsionHosts.values()].map((h) => h.close())]);
    },
  };
}

/** Augur's version, from the package.json beside `schema/` (the project's root, in the sources and in a build). */
function augurVersion(): string {
  const pkg = JSON.parse(readFileSync(join(dirname(schemaDirectory()), 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error('package.json beside schema/ has no "version".');
  return pkg.version;
}
