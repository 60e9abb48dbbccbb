/**
 * The Prevision.io emulator: the `/ext/v1` master-token API (projects, datasets, experiments, versions and their
 * feature analyses, models and their details, validation and holdout predictions, deployments and their versions,
 * API keys, bulk deployment predictions, connectors, data sources, exporters, pipelines, image folders, the `/events`
 * SSE stream) plus, on the same server, the Keycloak-style token endpoint and each deployed model's host under
 * `/deployments-host/{deploymentId}`. A second organization's master tokens reach a state of their own.
 *
 * Asynchronous resources (deployment and validation predictions, dataset uploads, experiment trainings, new
 * deployments and deployment versions) move `pending` → `running` → `done` one step every `asyncStepMs` of the
 * emulator clock, or one step every `asyncStepReads` reads of the resource (`GET /deployment-predictions/{id}`...),
 * whichever is further along; each step of a prediction, dataset or version emits its SSE event
 * (`DEPLOYMENT_PREDICTION_UPDATE`, `PREDICTION_UPDATE`, `DATASET_UPDATE`, `EXPERIMENT_VERSION_UPDATE`). With the
 * real clock a timer delivers steps on time; with an injected `now`, steps are applied when the API is read, so
 * tests stay deterministic and never sleep.
 */
import { Emulator, type EmulatorReply, type EmulatorRequest, type RouteDef } from '../framework/emulator.js';
import type { EmulatorModule } from '../framework/platform.js';
import { apiRoutes } from './api.js';
import { baseUrlResolver, type HandlerContext, type ResolvedPrevisionOptions } from './context.js';
import { EventHub, type SentEvent } from './events.js';
import { DEPLOYMENT_HOST_PREFIX, hostRoutes, TOKEN_PATH } from './host.js';
import { previsionOpenApi } from './openapi.js';
import { buildSeed, DEFAULT_MASTER_TOKEN, PREVISION_DEMO, SECOND_MASTER_TOKEN, SECOND_ORG_MACHINE, type SeedOrganization } from './seed.js';
import { JobRunner, ObjectIdFactory, PrevisionStore } from './store.js';
import type { PrevisionErrorBody } from './types.js';

export type * from './types.js';
export { PREVISION_DEMO, DEFAULT_MASTER_TOKEN, SECOND_MASTER_TOKEN, type PrevisionDemo } from './seed.js';
export { TOKEN_PATH, DEPLOYMENT_HOST_PREFIX } from './host.js';
export { zipSingleFile } from './files.js';
export type { SentEvent } from './events.js';

/** Options of the Prevision emulator; every field has a default. */
export interface PrevisionOptions {
  /** Accepted master tokens (raw `Authorization` values). Default `['augur-demo-prevision']`. */
  masterTokens: string[];
  /**
   * Master tokens of a second organization with data of its own (another user, project, deployment; ids that are
   * unknown to the first): what one organization creates, the other never sees. Default
   * `['augur-demo-prevision-2']`; `[]` serves one organization only.
   */
  secondMasterTokens: string[];
  /** `expires_in` of deployed-model access tokens, in seconds. Default 300. */
  tokenTtlSeconds: number;
  /** Interval of `:` keep-alive comments on `/ext/v1/events`, in ms (0 disables them). Default 15000. */
  keepAliveMs: number;
  /** Clock time each asynchronous step takes, in ms (0: the clock never moves jobs). Default 2000. */
  asyncStepMs: number;
  /** Reads of a resource that move its job one step (0: reads never move jobs). Default 0. */
  asyncStepReads: number;
  /** The emulator clock (token expiry, job progress, created_at of new records). Default `Date.now`. */
  now: () => number;
  /** Base URL to advertise in `oidc_url` and deployment `url`s instead of the request's Host. */
  publicUrl: string | undefined;
  /** `rowsPerPage` when the client sends none. Default 10. */
  defaultRowsPerPage: number;
  /** Largest accepted `rowsPerPage`. Default 1000. */
  maxRowsPerPage: number;
}

const ERROR_CODES: Record<number, string> = {
  400: 'E_BAD_REQUEST',
  401: 'E_UNK',
  403: 'E_FORBIDDEN',
  404: 'E_NOT_FOUND',
  405: 'E_METHOD_NOT_ALLOWED',
  409: 'E_CONFLICT',
  413: 'E_PAYLOAD_TOO_LARGE',
  429: 'E_TOO_MANY_REQUESTS',
  500: 'E_INTERNAL',
  502: 'E_BAD_GATEWAY',
  503: 'E_UNAVAILABLE',
  504: 'E_TIMEOUT',
};

/** The error envelope `{status, err_code, message}` (`E_UNK` for authentication failures, as `/profile` reports). */
export function previsionErrorReply(status: number, message: string, extra: Record<string, unknown>): EmulatorReply {
  const body: PrevisionErrorBody = {
    status,
    err_code:
      typeof extra['err_code'] === 'string' ? extra['err_code'] : (ERROR_CODES[status] ?? (status >= 500 ? 'E_INTERNAL' : 'E_BAD_REQUEST')),
    message,
  };
  return { status, body };
}

function resolve(o: Partial<PrevisionOptions> = {}): ResolvedPrevisionOptions {
  const tokens = (o.masterTokens ?? [DEFAULT_MASTER_TOKEN]).filter((t) => t.length > 0);
  if (tokens.length === 0) throw new Error('Prevision emulator: masterTokens must hold at least one non-empty token.');
  const secondTokens = (o.secondMasterTokens ?? [SECOND_MASTER_TOKEN]).filter((t) => t.length > 0);
  const shared = secondTokens.filter((t) => tokens.includes(t));
  if (shared.length > 0) throw new Error('Prevision emulator: a token may not be in both masterTokens and secondMasterTokens.');
  const nonNegative = (name: string, v: number | undefined, d: number): number => {
    const x = v ?? d;
    if (!Number.isFinite(x) || x < 0) throw new Error(`Prevision emulator: option ${name} must be a number >= 0, got ${String(v)}.`);
    return x;
  };
  const rows = nonNegative('defaultRowsPerPage', o.defaultRowsPerPage, 10);
  const maxRows = nonNegative('maxRowsPerPage', o.maxRowsPerPage, 1000);
  if (rows < 1 || rows > maxRows)
    throw new Error(`Prevision emulator: defaultRowsPerPage must be within 1..maxRowsPerPage (${maxRows}), got ${rows}.`);
  const ttl = nonNegative('tokenTtlSeconds', o.tokenTtlSeconds, 300);
  if (ttl < 1) throw new Error(`Prevision emulator: tokenTtlSeconds must be at least 1, got ${ttl}.`);
  return {
    masterTokens: tokens,
    secondMasterTokens: secondTokens,
    tokenTtlSeconds: ttl,
    keepAliveMs: nonNegative('keepAliveMs', o.keepAliveMs, 15_000),
    asyncStepMs: nonNegative('asyncStepMs', o.asyncStepMs, 2000),
    asyncStepReads: Math.floor(nonNegative('asyncStepReads', o.asyncStepReads, 0)),
    now: o.now ?? Date.now,
    clockInjected: o.now !== undefined,
    publicUrl: o.publicUrl,
    defaultRowsPerPage: rows,
    maxRowsPerPage: maxRows,
  };
}

/** A Prevision emulator instance: an {@link Emulator} that also ends its event streams and job timers on close. */
export class PrevisionEmulator extends Emulator {
  constructor(
    private readonly orgs: readonly Organization[],
    options: ConstructorParameters<typeof Emulator>[0],
  ) {
    super(options);
  }

  /** Events sent on the first organization's `/ext/v1/events` since the last reset (oldest first). */
  events(): SentEvent[] {
    return this.orgs[0]!.hub.recent();
  }

  /** Open `/ext/v1/events` streams (every organization's). */
  get eventStreams(): number {
    return this.orgs.reduce((n, o) => n + o.hub.size, 0);
  }

  /** Applies every asynchronous step that is due (useful with an injected clock). */
  settle(): void {
    for (const o of this.orgs) o.store.jobs.settleAll();
  }

  override async close(): Promise<void> {
    for (const o of this.orgs) {
      o.store.jobs.clear();
      o.hub.closeAll();
    }
    await super.close();
  }
}

/** One organization: its master tokens, its own state and event stream, and the route handlers bound to them. */
interface Organization {
  tokens: ReadonlySet<string>;
  store: PrevisionStore;
  hub: EventHub;
  seed(): void;
  api: RouteDef[];
  host: RouteDef[];
}

function authMessage(header: string | undefined): string {
  if (header === undefined || header === '') {
    return 'Missing Authorization header: expected the raw master token ("Authorization: <token>"), got nothing.';
  }
  if (/^bearer\s/i.test(header)) {
    return 'Invalid token: expected the raw master token without a "Bearer " prefix ("Authorization: <token>"), got a Bearer credential.';
  }
  return 'Invalid master token: the Authorization header matches no master token. Check the token (PREVISION_MASTER_TOKEN).';
}

function create(options?: Partial<PrevisionOptions>): PrevisionEmulator {
  const resolved = resolve(options);
  const baseUrl = baseUrlResolver(resolved.publicUrl, () => emulator.url);
  const organization = (tokens: readonly string[], org: SeedOrganization): Organization => {
    const hub = new EventHub(resolved.keepAliveMs);
    const jobs = new JobRunner(
      { stepMs: resolved.asyncStepMs, stepReads: resolved.asyncStepReads, now: resolved.now, timers: !resolved.clockInjected },
      (event, id) => hub.emit(event, id),
    );
    const ids = org === 'first' ? new ObjectIdFactory() : new ObjectIdFactory(SECOND_ORG_MACHINE);
    const store = new PrevisionStore(ids, jobs);
    const seed = (): void => {
      ids.reset();
      store.load(buildSeed(ids, org));
      hub.clearHistory();
    };
    seed();
    const ctx: HandlerContext = { store, hub, options: resolved, baseUrl };
    return { tokens: new Set(tokens), store, hub, seed, api: apiRoutes(ctx), host: hostRoutes(ctx) };
  };
  const orgs = [organization(resolved.masterTokens, 'first')];
  if (resolved.secondMasterTokens.length > 0) orgs.push(organization(resolved.secondMasterTokens, 'second'));
  const first = orgs[0]!;

  // Every organization has the same route table; a request runs the handler of the organization its master token
  // (API routes) or its deployment (deployed-model hosts) belongs to. The token endpoint asks each in turn.
  const byToken = (req: EmulatorRequest): Organization => orgs.find((o) => o.tokens.has(req.headers.authorization ?? '')) ?? first;
  const byDeployment = (req: EmulatorRequest): Organization => {
    const id = req.params['deploymentId'];
    return (id !== undefined && orgs.find((o) => o.store.deployments.has(id))) || first;
  };
  const api: RouteDef[] = first.api.map((route, i) => ({
    ...route,
    handler: (req, res) => byToken(req).api[i]!.handler(req, res),
  }));
  const host: RouteDef[] = first.host.map((route, i) => ({
    ...route,
    handler:
      route.path === TOKEN_PATH
        ? async (req, res) => {
            let reply: EmulatorReply | undefined;
            for (const o of orgs) {
              reply = await o.host[i]!.handler(req, res);
              if (reply?.status !== 401) return reply;
            }
            return reply;
          }
        : (req, res) => byDeployment(req).host[i]!.handler(req, res),
  }));
  const emulator = new PrevisionEmulator(orgs, {
    name: 'prevision',
    routes: [...api, ...host],
    errorReply: previsionErrorReply,
    before(req: EmulatorRequest) {
      const h = req.headers.authorization;
      if (h !== undefined && orgs.some((o) => o.tokens.has(h))) return undefined;
      return previsionErrorReply(401, authMessage(h), {});
    },
    reset: () => {
      for (const o of orgs) o.seed();
    },
    openapi: previsionOpenApi,
  });
  return emulator;
}

function intFromEnv(env: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number >= 0, got ${JSON.stringify(raw)}.`);
  return n;
}

/** The Prevision.io emulator module (default port 4101). */
export const previsionEmulator: EmulatorModule<PrevisionOptions> = {
  platform: 'prevision',
  defaultPort: 4101,
  create,
  optionsFromEnv(env) {
    const out: Partial<PrevisionOptions> = {};
    const tokens = env['AUGUR_EMULATOR_PREVISION_MASTER_TOKEN'];
    if (tokens !== undefined && tokens.trim() !== '') {
      out.masterTokens = tokens
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '');
    }
    const second = env['AUGUR_EMULATOR_PREVISION_SECOND_MASTER_TOKEN'];
    if (second !== undefined) {
      out.secondMasterTokens = second
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '');
    }
    const ttl = intFromEnv(env, 'AUGUR_EMULATOR_PREVISION_TOKEN_TTL_SECONDS');
    if (ttl !== undefined) out.tokenTtlSeconds = ttl;
    const keepAlive = intFromEnv(env, 'AUGUR_EMULATOR_PREVISION_KEEPALIVE_MS');
    if (keepAlive !== undefined) out.keepAliveMs = keepAlive;
    const stepMs = intFromEnv(env, 'AUGUR_EMULATOR_PREVISION_ASYNC_STEP_MS');
    if (stepMs !== undefined) out.asyncStepMs = stepMs;
    const stepReads = intFromEnv(env, 'AUGUR_EMULATOR_PREVISION_ASYNC_STEP_READS');
    if (stepReads !== undefined) out.asyncStepReads = stepReads;
    const publicUrl = env['AUGUR_EMULATOR_PREVISION_PUBLIC_URL'];
    if (publicUrl !== undefined && publicUrl.trim() !== '') out.publicUrl = publicUrl.trim();
    return out;
  },
  describe(options) {
    const token = options?.masterTokens?.[0] ?? DEFAULT_MASTER_TOKEN;
    const lines = [
      `Master token: ${token} (send it raw: "Authorization: ${token}", no Bearer prefix)`,
      `API base: /ext/v1; token endpoint: ${TOKEN_PATH}; deployed models: ${DEPLOYMENT_HOST_PREFIX}/<deploymentId>`,
    ];
    for (const d of PREVISION_DEMO.deployments) {
      lines.push(`Deployment ${d.name} (${d.id}, ${d.trainingType}): client_id ${d.clientId}, client_secret ${d.clientSecret}`);
    }
    const second = options?.secondMasterTokens ?? [SECOND_MASTER_TOKEN];
    if (second.length > 0) lines.push(`Second organization, with data of its own: master token ${second[0]}`);
    return lines;
  },
};
