/**
 * The per-operation context: the caller's upstream credentials, the operation's retry and wait budget, and loaders
 * created fresh for every request (so nothing cached can cross from one caller to another).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from './config.js';
import type { EndpointRegistry } from './endpoints.js';
import { AugurError, ErrorCode } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { IdCodec } from '../relay/ids.js';
import { RequestBudget } from '../upstreams/requestBudget.js';
import { OperationDeadline } from '../upstreams/deadline.js';
import type { UpstreamHttp } from '../upstreams/http.js';
import { PLATFORM_LABEL, type PlatformName } from '../core/upstream.js';
import type { DataikuClient, DataikuCredentials } from '../upstreams/dataiku/client.js';
import type { PrevistoClient } from '../upstreams/previsto/client.js';
import type { PrevisionClient } from '../upstreams/prevision/client.js';
import type { CivisClient } from '../upstreams/civis/client.js';
import { createPrevisionLoaders, type PrevisionLoaders } from '../loaders/prevision.js';
import { createDataikuLoaders, type DataikuLoaders } from '../loaders/dataiku.js';
import { createPrevistoLoaders, type PrevistoLoaders, type TotalsCache } from '../loaders/previsto.js';
import { createCivisLoaders, type CivisLoaders } from '../loaders/civis.js';
import type { StatusChecker } from './status.js';
import type { CrossBatcher } from '../upstreams/batcher.js';
import type { ReadCache } from '../upstreams/readCache.js';
import type { CombinedObserver } from '../core/observer.js';
import type { Context as ResolverContext, PlatformEndpoint, ResolverServices } from '../resolvers/context.js';
import { allows, forbidden, OPEN, type AccessTable, type Principal } from './access.js';
import type { TenantDirectory } from './tenants.js';

/** Long-lived collaborators shared by every request. */
export interface Services extends ResolverServices {
  config: Config;
  codec: IdCodec;
  logger: Logger;
  redactor: { redact: (text: string) => string; add: (secret: string) => void };
  platforms: Record<PlatformName, PlatformEndpoint>;
  http: Record<PlatformName, UpstreamHttp>;
  endpoints: EndpointRegistry;
  dataiku: DataikuClient;
  previsto: PrevistoClient;
  previstoTotals: TotalsCache;
  prevision: PrevisionClient;
  civis: CivisClient;
  status: StatusChecker;
  /** Dataiku multi calls shared by operations (AUGUR_CROSS_BATCH), when on. */
  dataikuBatcher?: CrossBatcher;
  /** The entity cache (AUGUR_ENTITY_CACHE_TTLS), when any type is cached. */
  entityCache?: ReadCache;
  /** Where Augur reports its own work (metrics, logs). */
  observe: CombinedObserver;
  /** Tenants and their upstream credentials, when configured. */
  tenants?: TenantDirectory;
  /** The SDL's access directives, when signed tokens are configured (loading by id checks the type's). */
  access?: AccessTable;
}

/** Where a context keeps its platforms' loaders, each made at its first use (see `LAZY_LOADERS`). */
const LOADERS = Symbol('loaders');
type LoaderSlots = { [P in 'dataiku' | 'previsto' | 'prevision' | 'civis']: () => Context[P] };

/**
 * The prototype of every context: each platform's loaders are a getter here, made at first use by the context's own
 * slots. The getters live on a prototype because Apollo copies a context's own properties for each operation (which
 * would run every getter, creating every platform's loaders and failing the whole request on one malformed
 * credential header); the slots are an own property, so the copy shares them. One prototype for every request keeps
 * contexts on a single hidden class, where a prototype per request cost V8 a new map each time.
 */
const LAZY_LOADERS: Pick<Context, 'dataiku' | 'previsto' | 'prevision' | 'civis'> = Object.create(null, {
  dataiku: {
    get: function (this: { [LOADERS]: LoaderSlots }) {
      return this[LOADERS].dataiku();
    },
  },
  previsto: {
    get: function (this: { [LOADERS]: LoaderSlots }) {
      return this[LOADERS].previsto();
    },
  },
  prevision: {
    get: function (this: { [LOADERS]: LoaderSlots }) {
      return this[LOADERS].prevision();
    },
  },
  civis: {
    get: function (this: { [LOADERS]: LoaderSlots }) {
      return this[LOADERS].civis();
    },
  },
}) as Pick<Context, 'dataiku' | 'previsto' | 'prevision' | 'civis'>;

/** The request headers through which callers send their own upstream credentials. */
export const CREDENTIAL_HEADERS: Record<PlatformName, string> = {
  prevision: 'x-prevision-token',
  dataiku: 'x-dataiku-api-key',
  civis: 'x-civis-api-key',
  previsto: 'x-previsto-api-key',
};

/** The header a caller sends its own Dataiku bearer token in (services set up for OAuth2/JWT), beside `x-dataiku-api-key`. */
export const DATAIKU_BEARER_HEADER = 'x-dataiku-bearer-token';

const CREDENTIAL_SHAPE = /^[\x21-\x7e]{1,512}$/;
/** A bearer token may be a JWT, longer than an API key. */
const BEARER_SHAPE = /^[\x21-\x7e]{1,8192}$/;

/** The context of one operation as the server builds it: the resolvers' context, with every service wired. */
export interface Context extends ResolverContext {
  services: Services;
  /** Who is calling, as far as access goes: their subject, tenant and scopes. */
  principal: Principal;
}

/** The caller's `x-request-id` when it is 1 to 128 characters of `A-Za-z0-9._:-`, else a new UUID. */
export function requestIdFrom(headers: IncomingHttpHeaders | Map<string, string>): string {
  const raw = headers instanceof Map ? headers.get('x-request-id') : headers['x-request-id'];
  const incomingId = Array.isArray(raw) ? raw[0] : raw;
  return incomingId && /^[A-Za-z0-9._:-]{1,128}$/.test(incomingId) ? incomingId : randomUUID();
}

/**
 * Creates the context of one operation from its HTTP headers. `requestId` is the id already chosen for the request
 * (by `requestIdFrom`, so the HTTP layer can echo it); without it one is derived from the headers. `caller` says who
 * calls (the HTTP layer passes `callerOf(req)`); operations run without HTTP all count as one caller, `local`.
 * `principal` is who the HTTP layer authenticated; without it, everything is open unless signed tokens are configured.
 */
export function createContext(
  services: Services,
  headers: IncomingHttpHeaders | Map<string, string>,
  requestId = requestIdFrom(headers),
  callerGone: () => boolean = () => false,
  caller = 'local',
  principal: Principal = services.config.auth.jwt ? { kind: 'anonymous' } : OPEN,
): Context {
  const get = (name: string): string | undefined =>
    headers instanceof Map ? headers.get(name) : Array.isArray(headers[name]) ? headers[name][0] : headers[name];
  const { config } = services;
  // The deadline's clock is started by the deadline plugin when execution starts (see plugins/deadline.ts).
  const budget = new RequestBudget(
    Date.now() + config.requestBudgetMs,
    config.retryBudget,
    requestId,
    new OperationDeadline(config.operationTimeoutMs),
  );

  const forwarded: Partial<Record<PlatformName, string>> = {};
  const malformed: Partial<Record<PlatformName, true>> = {};
  // With forwarded keys off (the default once tenants are configured) the headers are not even read.
  for (const [platform, header] of config.auth.forwardedKeys ? (Object.entries(CREDENTIAL_HEADERS) as Array<[PlatformName, string]>) : []) {
    const value = get(header);
    if (value === undefined) continue;
    if (!CREDENTIAL_SHAPE.test(value)) malformed[platform] = true;
    else {
      forwarded[platform] = value;
      services.redactor.add(value);
    }
  }

  const bearer = get(DATAIKU_BEARER_HEADER);
  const bearerMalformed = bearer !== undefined && !BEARER_SHAPE.test(bearer);
  if (bearer !== undefined && !bearerMalformed) services.redactor.add(bearer);

  const credential = (platform: PlatformName): string | undefined => {
    if (malformed[platform]) {
      throw new AugurError(
        ErrorCode.UNAUTHENTICATED,
        `The ${CREDENTIAL_HEADERS[platform]} header is malformed: expected 1 to 512 printable ASCII characters without spaces. ${PLATFORM_LABEL[platform]} was not called.`,
        { platform },
      );
    }
    if (forwarded[platform] !== undefined) return forwarded[platform];
    const tenants = services.tenants;
    if (principal.tenant !== undefined && tenants) {
      const key = tenants.get(principal.tenant)?.[platform];
      if (key === undefined) {
        throw new AugurError(
          ErrorCode.UNAUTHENTICATED,
          `No ${PLATFORM_LABEL[platform]} credentials are configured for this caller's tenant, so ${PLATFORM_LABEL[platform]} was not called.`,
          { platform },
        );
      }
      return key;
    }
    // Once tenants are configured, the gateway's own credentials serve its machine callers (gateway keys) only.
    if (tenants?.enabled && principal.kind !== 'key') {
      throw new AugurError(ErrorCode.UNAUTHENTICATED, `${PLATFORM_LABEL[platform]} can only be called on behalf of a tenant.`, {
        platform,
      });
    }
    return config.platforms[platform].credential;
  };
  // Loading an object by id (`node`, `nodes`, `_entities`) checks its type's access directives before any call.
  const authorizeType = (typename: string): void => {
    const requirements = services.access?.type(typename) ?? [];
    if (!allows(principal, requirements)) throw forbidden(principal, requirements, `Reading a ${typename}`);
  };

  // The caller's own credential, API key or bearer token, replaces the configured ones; of two, the API key is sent
  // (as dataikuapi does).
  const dataikuCredentials = (): DataikuCredentials => {
    if (bearerMalformed) {
      throw new AugurError(
        ErrorCode.UNAUTHENTICATED,
        `The ${DATAIKU_BEARER_HEADER} header is malformed: expected 1 to 8192 printable ASCII characters without spaces. ${PLATFORM_LABEL.dataiku} was not called.`,
        { platform: 'dataiku' },
      );
    }
    const apiKey = credential('dataiku');
    if (forwarded.dataiku !== undefined) return { apiKey };
    if (bearer !== undefined) return { apiKey: undefined, bearerToken: bearer };
    return { apiKey, bearerToken: config.dataiku.bearerToken };
  };

  let dataiku: DataikuLoaders | undefined;
  let previsto: PrevistoLoaders | undefined;
  let prevision: PrevisionLoaders | undefined;
  let civis: CivisLoaders | undefined;
  const loaders: LoaderSlots = {
    dataiku: () =>
      (dataiku ??= createDataikuLoaders(
        services.dataiku,
        { ...dataikuCredentials(), budget },
        config.batchSize,
        services.observe,
        services.dataikuBatcher,
      )),
    previsto: () =>
      (previsto ??= createPrevistoLoaders(
        services.previsto,
        { apiKey: credential('previsto'), budget, caller },
        services.previstoTotals,
        Math.min(100, config.paging.maxPageSize),
        services.observe,
      )),
    prevision: () =>
      (prevision ??= createPrevisionLoaders(services.prevision, { masterToken: credential('prevision'), budget }, services.observe)),
    civis: () => (civis ??= createCivisLoaders(services.civis, { apiKey: credential('civis'), budget }, services.observe)),
  };
  const context = Object.create(LAZY_LOADERS) as Context & { [LOADERS]: LoaderSlots };
  return Object.assign(context, {
    [LOADERS]: loaders,
    requestId,
    receivedAt: new Date().toISOString(),
    services,
    budget,
    caller,
    credential,
    dataikuCredentials,
    callerGone,
    principal,
    authorizeType,
  });
}
