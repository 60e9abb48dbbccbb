/**
 * Emulator of the Dataiku DSS API node user API (`dataikuapi.APINodeClient`): one service (`augur-demo`) with a
 * prediction, regression, forecast, causal, SQL query, dataset lookup and function endpoint, all answering the
 * vendor's wire contract, quirks included (no Content-Type, `//` in paths, lookups always wrapped in `results`).
 */
import { Emulator } from '../framework/emulator.js';
import type { EmulatorModule } from '../framework/platform.js';
import { DEFAULT_CUSTOMER_SEED, seedCustomers } from './customers.js';
import { DATAIKU_DEMO_ENDPOINTS, DATAIKU_DEMO_SERVICE_ID } from './endpoints.js';
import { dataikuOpenApi } from './openapi.js';
import { dataikuAuth, dataikuErrorReply, dataikuRoutes } from './routes.js';

export * from './types.js';
export * from './endpoints.js';
export * from './models.js';
export { seedCustomers, queryCustomers, lookupCustomer, CUSTOMER_COUNT, DEFAULT_CUSTOMER_SEED } from './customers.js';
export type { Customer, CustomerTable, CustomerQueryParameters } from './customers.js';
export { dataikuErrorReply, predictionTiming } from './routes.js';

/** Options of the Dataiku emulator; every field has a default. */
export interface DataikuOptions {
  /**
   * Keys accepted for the service, as the Basic username (blank password) or a Bearer token. Default
   * `['augur-demo-dataiku']`. An empty list makes the service unauthenticated, as DSS allows.
   */
  apiKeys: string[];
  /**
   * [OURS] Bearer tokens accepted as `Authorization: Bearer <token>` only, standing for a service set up for OAuth2/JWT
   * (dataikuapi's `bearer_token`). Default `['augur-demo-dataiku-token']`, or none when `apiKeys` is given. The service is
   * open when both lists are empty.
   */
  bearerTokens: string[];
  /** The one service this node serves. Default `augur-demo`. */
  serviceId: string;
  /** Generations (versions) of the service that `dispatch` can target. Default `['v1', 'v2']`. */
  generations: string[];
  /** Generation answering calls without `dispatch`. Default: the last of `generations`. */
  activeGeneration: string;
  /** `DSS-Version` header. Default `13.5.0`. */
  dssVersion: string;
  /** `DSS-API-Version` header. Default `1`. */
  apiVersion: string;
  /** Most `items` accepted by one multi call (400 above). Default 10,000. */
  maxItems: number;
  /** PRNG seed of the `customers` dataset. */
  customerSeed: number;
  /**
   * Keys of other organizations, each with a `customers` dataset of its own (key to PRNG seed): accepted like
   * `apiKeys`, and the lookup and SQL endpoints answer such a key from its own dataset. Default: `augur-demo-dataiku-2`.
   */
  keyCustomerSeeds: Record<string, number>;
}

/** A second organization's key, with customers of its own. */
export const DATAIKU_DEMO_API_KEY_2 = 'augur-demo-dataiku-2';

/** The defaults, the demo credentials included. */
export const DATAIKU_DEFAULT_OPTIONS: Readonly<DataikuOptions> = Object.freeze({
  apiKeys: ['augur-demo-dataiku'],
  bearerTokens: ['augur-demo-dataiku-token'],
  serviceId: DATAIKU_DEMO_SERVICE_ID,
  generations: ['v1', 'v2'],
  activeGeneration: 'v2',
  dssVersion: '13.5.0',
  apiVersion: '1',
  maxItems: 10_000,
  customerSeed: DEFAULT_CUSTOMER_SEED,
  keyCustomerSeeds: Object.freeze({ [DATAIKU_DEMO_API_KEY_2]: DEFAULT_CUSTOMER_SEED + 1 }),
});

/** Fills defaults and checks the options; throws an Error naming the bad option. */
export function resolveDataikuOptions(options: Partial<DataikuOptions> = {}): DataikuOptions {
  const generations = options.generations ?? DATAIKU_DEFAULT_OPTIONS.generations;
  if (generations.length === 0) throw new Error('Dataiku emulator option "generations" must list at least one generation, e.g. ["v1"].');
  const activeGeneration =
    options.activeGeneration ?? (options.generations ? generations[generations.length - 1]! : DATAIKU_DEFAULT_OPTIONS.activeGeneration);
  if (!generations.includes(activeGeneration)) {
    throw new Error(`Dataiku emulator option "activeGeneration" must be one of ${generations.join(', ')}, got "${activeGeneration}".`);
  }
  const maxItems = options.maxItems ?? DATAIKU_DEFAULT_OPTIONS.maxItems;
  if (!Number.isInteger(maxItems) || maxItems < 1)
    throw new Error(`Dataiku emulator option "maxItems" must be a positive integer, got ${maxItems}.`);
  const serviceId = options.serviceId ?? DATAIKU_DEFAULT_OPTIONS.serviceId;
  if (!serviceId || serviceId.includes('/'))
    throw new Error(`Dataiku emulator option "serviceId" must be a non-empty id without "/", got "${serviceId}".`);
  return {
    apiKeys: [...(options.apiKeys ?? DATAIKU_DEFAULT_OPTIONS.apiKeys)],
    // Keys given without tokens mean a key-only (or, empty, an open) service, as before bearer tokens existed.
    bearerTokens: [...(options.bearerTokens ?? (options.apiKeys ? [] : DATAIKU_DEFAULT_OPTIONS.bearerTokens))],
    serviceId,
    generations: [...generations],
    activeGeneration,
    dssVersion: options.dssVersion ?? DATAIKU_DEFAULT_OPTIONS.dssVersion,
    apiVersion: options.apiVersion ?? DATAIKU_DEFAULT_OPTIONS.apiVersion,
    maxItems,
    customerSeed: options.customerSeed ?? DATAIKU_DEFAULT_OPTIONS.customerSeed,
    // With keys of its own and no other organization named, an emulator serves just those keys.
    keyCustomerSeeds: { ...(options.keyCustomerSeeds ?? (options.apiKeys ? {} : DATAIKU_DEFAULT_OPTIONS.keyCustomerSeeds)) },
  };
}

/** Builds a (not yet listening) Dataiku API node emulator. */
export function createDataikuEmulator(options: Partial<DataikuOptions> = {}): Emulator {
  const o = resolveDataikuOptions(options);
  const runtime = {
    apiKeys: o.apiKeys,
    bearerTokens: o.bearerTokens,
    serviceId: o.serviceId,
    generations: o.generations,
    activeGeneration: o.activeGeneration,
    maxItems: o.maxItems,
    // Read-only through the user API, so reset has nothing to restore.
    customers: seedCustomers(o.customerSeed),
    keyCustomers: new Map(Object.entries(o.keyCustomerSeeds).map(([key, seed]) => [key, seedCustomers(seed)] as const)),
  };
  const versionHeaders = Object.freeze({ 'DSS-API-Version': o.apiVersion, 'DSS-Version': o.dssVersion });
  return new Emulator({
    name: 'dataiku',
    collapseSlashes: true,
    routes: dataikuRoutes(runtime),
    errorReply: dataikuErrorReply,
    before: dataikuAuth(runtime),
    decorate(_req, reply) {
      // The framework copies reply headers before writing, so the frozen object can be shared.
      reply.headers = reply.headers ? { ...reply.headers, ...versionHeaders } : versionHeaders;
    },
    reset() {},
    openapi: dataikuOpenApi,
  });
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return items.length > 0 ? items : undefined;
}

/** The Dataiku API node emulator module (default port 4102). */
export const dataikuEmulator: EmulatorModule<DataikuOptions> = {
  platform: 'dataiku',
  defaultPort: 4102,
  create: createDataikuEmulator,
  /**
   * `AUGUR_EMULATOR_DATAIKU_API_KEY` (comma list), `AUGUR_EMULATOR_DATAIKU_BEARER_TOKENS` (comma list), `AUGUR_EMULATOR_DATAIKU_SERVICE_ID`,
   * `AUGUR_EMULATOR_DATAIKU_GENERATIONS` (comma list), `AUGUR_EMULATOR_DATAIKU_ACTIVE_GENERATION`,
   * `AUGUR_EMULATOR_DATAIKU_MAX_ITEMS`. Empty values keep the defaults.
   */
  optionsFromEnv(env) {
    const out: Partial<DataikuOptions> = {};
    const keys = list(env['AUGUR_EMULATOR_DATAIKU_API_KEY']);
    if (keys) out.apiKeys = keys;
    const tokens = list(env['AUGUR_EMULATOR_DATAIKU_BEARER_TOKENS']);
    if (tokens) out.bearerTokens = tokens;
    const service = env['AUGUR_EMULATOR_DATAIKU_SERVICE_ID']?.trim();
    if (service) out.serviceId = service;
    const generations = list(env['AUGUR_EMULATOR_DATAIKU_GENERATIONS']);
    if (generations) out.generations = generations;
    const active = env['AUGUR_EMULATOR_DATAIKU_ACTIVE_GENERATION']?.trim();
    if (active) out.activeGeneration = active;
    const maxItems = env['AUGUR_EMULATOR_DATAIKU_MAX_ITEMS']?.trim();
    if (maxItems) {
      const n = Number(maxItems);
      if (!Number.isInteger(n) || n < 1) {
        throw new Error(`AUGUR_EMULATOR_DATAIKU_MAX_ITEMS must be a positive integer (items per multi call), got "${maxItems}".`);
      }
      out.maxItems = n;
    }
    return out;
  },
  describe(options) {
    const o = resolveDataikuOptions(options);
    const auth =
      o.apiKeys.length === 0 && o.bearerTokens.length === 0
        ? 'no API key required'
        : `API key: ${o.apiKeys.join(', ') || '(none)'} (HTTP Basic username with a blank password, or Bearer); bearer token: ${o.bearerTokens.join(', ') || '(none)'}`;
    const others = Object.keys(o.keyCustomerSeeds);
    return [
      `Dataiku API node: service "${o.serviceId}" at /public/api/v1/${o.serviceId}/{endpoint}/{verb}`,
      auth,
      ...(others.length > 0 ? [`Another organization's key, with customers of its own: ${others.join(', ')}`] : []),
      `Endpoints: ${DATAIKU_DEMO_ENDPOINTS.map((e) => `${e.id} (${e.type})`).join(', ')}`,
      `Generations: ${o.generations.join(', ')} (active ${o.activeGeneration})`,
    ];
  },
};
