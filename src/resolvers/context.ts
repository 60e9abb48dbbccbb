/**
 * The per-operation context as resolvers see it: the caller's credentials, the operation's budget, this request's
 * loaders, and the few long-lived services resolvers call. Types only; the server's own Context (server/context.ts)
 * extends this one with everything it wires, so resolvers never import the server.
 */
import type { PlatformName } from '../core/upstream.js';
import type { IdCodec } from '../relay/ids.js';
import type { RequestBudget } from '../upstreams/requestBudget.js';
import type { DataikuClient, DataikuCredentials } from '../upstreams/dataiku/client.js';
import type { PrevistoClient } from '../upstreams/previsto/client.js';
import type { PrevisionClient } from '../upstreams/prevision/client.js';
import type { CivisClient } from '../upstreams/civis/client.js';
import type { PrevisionLoaders } from '../loaders/prevision.js';
import type { DataikuLoaders } from '../loaders/dataiku.js';
import type { PrevistoLoaders } from '../loaders/previsto.js';
import type { CivisLoaders } from '../loaders/civis.js';
import type { DataikuEndpointRef, PlatformStatusResult } from './models.js';

/** Where each platform lives, as resolved at start-up. */
export interface PlatformEndpoint {
  url: string;
  emulated: boolean;
}

/** The endpoints resolvers can address (server/endpoints.ts `EndpointRegistry`). */
export interface EndpointDirectory {
  dataikuEndpoints(): readonly DataikuEndpointRef[];
  /** The Dataiku endpoint, or the Prevision deployment id, a global id names; throws BAD_USER_INPUT for any other id. */
  resolveId(id: string, codec: IdCodec, argName?: string): DataikuEndpointRef | { prevision: string };
  /** The configured Dataiku endpoint `service/endpoint` or a unique endpoint name names; throws NOT_FOUND otherwise. */
  resolveName(name: string, argName?: string): DataikuEndpointRef;
}

/** Platform reachability (server/status.ts `StatusChecker`). */
export interface StatusSource {
  check(platform: PlatformName): Promise<PlatformStatusResult>;
}

/** The settings resolvers read (a part of the server's Config). */
export interface ResolverSettings {
  paging: { maxPageSize: number; defaultPageSize: number };
  limits: {
    /** Most history rows per `forecast` call. */
    maxRecords: number;
    /** Most ids per list-of-ids argument (`nodes(ids)`, Civis id lists). */
    maxIds: number;
    /** Largest uploaded file (`AUGUR_MAX_UPLOAD_BYTES`), counted as it streams. */
    maxUploadBytes: number;
  };
  /** Each platform's call timeout (for downloads made outside the platform's HTTP client: Civis result files). */
  platforms: Record<PlatformName, { timeoutMs: number }>;
  civis: {
    /** Most bytes of CSV read of a query's result file (`AUGUR_CIVIS_RESULT_MAX_BYTES`). */
    resultMaxBytes: number;
  };
}

/**
 * One object a subscription watches: what identifies it, how to read it, and when it is finished. The feed
 * (server/live/hub.ts) reads it with one shared poller per object and credential, whatever the number of subscribers.
 */
export interface LiveWatch<T> {
  /** The platform read, whose credential the poller uses (and is keyed by). */
  platform: PlatformName;
  /** What is watched, such as `civis:run:12:34`; never a secret (it names Redis keys and log lines). */
  key: string;
  /** One poll, with the caller's credential for `platform` and a budget of its own. */
  read(credential: string | undefined, budget: RequestBudget): Promise<T>;
  /** Whether the object has reached a state it never leaves: the subscription completes after emitting it. */
  terminal(value: T): boolean;
}

/** Live results (server/live/hub.ts `LiveHub`). */
export interface LiveFeeds {
  /**
   * The object's snapshots: the current one at once, then one per change, ending after a terminal one. Rejects
   * (without polling on) when the first read fails, and with LIMIT_EXCEEDED past the subscription caps.
   */
  watch<T>(ctx: Context, watch: LiveWatch<T>): Promise<AsyncIterable<T>>;
}

/** Long-lived collaborators resolvers call, shared by every request. */
export interface ResolverServices {
  /** Augur's version, as `Query.gateway` reports it. */
  version: string;
  config: ResolverSettings;
  codec: IdCodec;
  platforms: Record<PlatformName, PlatformEndpoint>;
  endpoints: EndpointDirectory;
  dataiku: DataikuClient;
  previsto: PrevistoClient;
  prevision: PrevisionClient;
  civis: CivisClient;
  status: StatusSource;
  /** Subscriptions' shared pollers. */
  live: LiveFeeds;
}

/** The context every resolver receives (codegen's `contextType`). */
export interface Context {
  requestId: string;
  /** When the request was received (ISO 8601). */
  receivedAt: string;
  services: ResolverServices;
  budget: RequestBudget;
  /** Who is calling (an opaque id from `callerOf`, never a secret): callers sharing an upstream key share its rate budget fairly. */
  caller: string;
  /** The credential to use for a platform: the caller's header, else the configured one. Throws UNAUTHENTICATED for a malformed header. */
  credential(platform: PlatformName): string | undefined;
  /**
   * Dataiku's credentials: the caller's API key or bearer token (`x-dataiku-api-key`, `x-dataiku-bearer-token`), else
   * the configured ones. Throws UNAUTHENTICATED for a malformed header.
   */
  dataikuCredentials(): DataikuCredentials;
  /** Throws FORBIDDEN when the caller may not read objects of this type (checked before loading one by id). */
  authorizeType(typename: string): void;
  /** Whether the caller has hung up (its connection closed); always false when not served over HTTP. */
  callerGone(): boolean;
  /** Loaders of this request, created on first use. */
  readonly dataiku: DataikuLoaders;
  readonly previsto: PrevistoLoaders;
  readonly prevision: PrevisionLoaders;
  readonly civis: CivisLoaders;
}
