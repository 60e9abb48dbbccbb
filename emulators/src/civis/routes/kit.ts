/**
 * Internal to the Civis emulator: what every route group shares (route types, page specs, request helpers and
 * documentation shorthands).
 */
import type { EmulatorReply, EmulatorRequest, RouteDef } from '../../framework/emulator.js';
import { Body, badRequest, notFound, qList, qString, type PageSpec } from '../query.js';
import type { CivisStore, JobRecord } from '../store.js';
import type { CivisCredential } from '../types/accounts.js';
import type { CivisRun } from '../types/common.js';
import type { CivisColumn, CivisTableSummary } from '../types/tables.js';

/** A JSON schema in shorthand: a type name, `[item]` for arrays, or an object of properties. */
export type Shape = 'integer' | 'number' | 'string' | 'boolean' | 'object' | Shape[] | { [key: string]: Shape };

export interface QueryParamDoc {
  name: string;
  type: 'integer' | 'string' | 'boolean' | 'array';
  description: string;
  items?: 'integer' | 'string';
}

/** How a route appears in the generated Swagger document. Routes without it are not part of the vendor API. */
export interface RouteDoc {
  summary: string;
  query?: QueryParamDoc[];
  /** The list is paginated: `limit`, `page_num`, `order`, `order_dir` are declared (and only then). */
  page?: PageSpec<never>;
  body?: { properties: Record<string, Shape>; required?: string[] };
  status: number;
  /** Objects the response schema is inferred from; absent for empty answers. */
  sample?: (store: CivisStore) => unknown[];
  /** The answer is a JSON array of the sampled objects. */
  array?: boolean;
}

export interface CivisRoute extends RouteDef {
  doc?: RouteDoc;
  /** Counts against the run-creation limit as well as the general one. */
  createsRun?: boolean;
  /** Stands in for storage outside the API (S3 presigned URLs): no auth, no API headers. */
  external?: boolean;
}

/** What handlers need from the emulator around them. */
export interface RouteContext {
  store(): CivisStore;
  /** The authenticated user behind the request (set by the auth hook). */
  callerId(req: EmulatorRequest): number;
}

// ------------------------------------------------------------------------------------------------ page specs

export type Dated = { createdAt: string; updatedAt: string };
export const byUpdated = (x: Dated) => x.updatedAt;
export const byCreated = (x: Dated) => x.createdAt;
export const byName = (x: { name: string }) => x.name.toLowerCase();
export const byLastRun = (x: { lastRun: CivisRun | null }) =>
  x.lastRun ? (x.lastRun.finishedAt ?? x.lastRun.startedAt ?? x.lastRun.createdAt) : null;

export const CREDENTIALS_PAGE: PageSpec<CivisCredential> = {
  defaultLimit: 1000,
  maxLimit: 1000,
  orders: { updated_at: byUpdated, created_at: byCreated, name: byName },
  defaultOrder: 'updated_at',
  defaultDir: 'desc',
};

export const tableKey = (t: CivisTableSummary) => `${t.schema}\u0000${t.name}`;
export const TABLES_PAGE: PageSpec<CivisTableSummary> = {
  defaultLimit: 50,
  maxLimit: 1000,
  // The API accepts these order names; all but `name` sort by schema then name.
  orders: {
    schema: tableKey,
    name: (t) => `${t.name}\u0000${t.schema}`,
    search: tableKey,
    table_tag_ids: tableKey,
    credential_id: tableKey,
  },
  defaultOrder: 'schema',
  defaultDir: 'asc',
};

export const COLUMNS_PAGE: PageSpec<CivisColumn> = {
  defaultLimit: 50,
  maxLimit: 50,
  orders: { name: (c) => c.name, order: (c) => c.order },
  defaultOrder: 'name',
  defaultDir: 'asc',
  tie: (c) => c.order,
};

export const PROJECTS_PAGE: PageSpec<Dated & { name: string; id: number }> = {
  defaultLimit: 20,
  maxLimit: 1000,
  orders: { updated_at: byUpdated, name: byName, created_at: byCreated },
  defaultOrder: 'updated_at',
  defaultDir: 'desc',
};

export const MODELS_PAGE: PageSpec<Dated & { id: number; lastRun: CivisRun | null }> = {
  defaultLimit: 50,
  maxLimit: 50,
  orders: { updated_at: byUpdated, 'last_run.updated_at': byLastRun },
  defaultOrder: 'updated_at',
  defaultDir: 'desc',
};

export const JOBS_PAGE: PageSpec<Dated & { id: number }> = {
  defaultLimit: 50,
  maxLimit: 50,
  orders: { updated_at: byUpdated },
  defaultOrder: 'updated_at',
  defaultDir: 'desc',
};

export const RUNS_PAGE: PageSpec<{ id: number }> = {
  defaultLimit: 20,
  maxLimit: 100,
  orders: { id: (r) => r.id },
  defaultOrder: 'id',
  defaultDir: 'desc',
};

export const SCRIPTS_PAGE: PageSpec<Dated & { id: number; name: string; lastRun: CivisRun | null }> = {
  defaultLimit: 20,
  maxLimit: 50,
  orders: { updated_at: byUpdated, name: byName, created_at: byCreated, 'last_run.updated_at': byLastRun },
  defaultOrder: 'updated_at',
  defaultDir: 'desc',
};

export const QUERIES_PAGE: PageSpec<{ id: number; createdAt: string; startedAt: string | null }> = {
  defaultLimit: 20,
  maxLimit: 50,
  orders: { created_at: (q) => q.createdAt, started_at: (q) => q.startedAt },
  defaultOrder: 'created_at',
  defaultDir: 'desc',
};

/** `GET /jobs/{id}/runs/{run_id}/outputs`: every output fits the default page. */
export const OUTPUTS_PAGE: PageSpec<{ objectId: number }> = {
  defaultLimit: 50,
  maxLimit: 50,
  // Outputs carry no time of their own; both orders follow the output's id, as they are created in that order.
  orders: { created_at: (o) => o.objectId, id: (o) => o.objectId },
  defaultOrder: 'created_at',
  defaultDir: 'desc',
};

export const USERS_PAGE: PageSpec<{ id: number; name: string; user: string }> = {
  defaultLimit: 20,
  maxLimit: 10000,
  orders: { name: byName, user: (u) => u.user },
  defaultOrder: 'name',
  defaultDir: 'asc',
};

export const FILES_PAGE: PageSpec<{ id: number; name: string; createdAt: string }> = {
  defaultLimit: 20,
  maxLimit: 50,
  orders: { created_at: (f) => f.createdAt, name: byName },
  defaultOrder: 'created_at',
  defaultDir: 'desc',
};

// ------------------------------------------------------------------------------------------------ helpers

export function ok(body: unknown, status = 200): EmulatorReply {
  return { status, body };
}

/** A path id: anything but a non-negative integer cannot name a record, so it is a 404 like an unknown one. */
export function pathId(req: EmulatorRequest, name = 'id'): number {
  const v = req.params[name] ?? '';
  if (!/^\d+$/.test(v)) throw notFound();
  return Number(v);
}

/** The job named by the path's id, when it is of `kind` (imports and scripts are jobs of their own kind); else 404. */
export function jobOfKind(store: CivisStore, req: EmulatorRequest, kind: JobRecord['kind']): JobRecord {
  const j = store.job(pathId(req));
  if (j.kind !== kind) throw notFound();
  return j;
}

export function body(req: EmulatorRequest): Body {
  return Body.of(req.body());
}

/** `http://host:port` as the client reached us, for URLs the API hands out (uploads, downloads). */
export function origin(req: EmulatorRequest): string {
  const proto = (req.headers['x-forwarded-proto'] as string | undefined) ?? 'http';
  return `${proto}://${req.headers.host ?? '127.0.0.1'}`;
}

/** `%` and `*` are wildcards; without them the match is exact. Both ignore case, as warehouse identifiers do. */
export function matcher(pattern: string | undefined): ((s: string) => boolean) | undefined {
  if (pattern === undefined || pattern === '') return undefined;
  if (!/[%*]/.test(pattern)) {
    const want = pattern.toLowerCase();
    return (s) => s.toLowerCase() === want;
  }
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/[%*]/g, '.*')}$`, 'i');
  return (s) => re.test(s);
}

export function contains(needle: string | undefined): ((s: string | null) => boolean) | undefined {
  if (needle === undefined || needle === '') return undefined;
  const n = needle.toLowerCase();
  return (s) => s !== null && s.toLowerCase().includes(n);
}

/** The states `GET /jobs/` filters on (`state`), as its spec lists them: a job's last run, so never `idle`. */
export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

export function stateFilter(query: URLSearchParams, name: string): ((state: string) => boolean) | undefined {
  const states = qList(query, name);
  if (!states) return undefined;
  for (const s of states) {
    if (!JOB_STATES.includes(s)) throw badRequest(`${name} must be among ${JOB_STATES.join(', ')}, got ${JSON.stringify(s)}.`);
  }
  return (st) => states.includes(st);
}

/** The statuses scripts and imports filter on (`status`), as their spec lists them: `scheduled` is a job with a schedule. */
export const RUN_STATUSES = ['running', 'failed', 'succeeded', 'idle', 'scheduled'];

/** `status` of `GET /scripts/` and `GET /imports/`: a job matches one of the listed states, or `scheduled` when it has a schedule. */
export function statusFilter(query: URLSearchParams, name: string): ((state: string, scheduled: boolean) => boolean) | undefined {
  const statuses = qList(query, name);
  if (!statuses) return undefined;
  for (const s of statuses) {
    if (!RUN_STATUSES.includes(s)) throw badRequest(`${name} must be among ${RUN_STATUSES.join(', ')}, got ${JSON.stringify(s)}.`);
  }
  return (st, scheduled) => statuses.includes(st) || (scheduled && statuses.includes('scheduled'));
}

/** `permission` of `GET /jobs/` and `GET /projects/`: read, write or manage; anything else is a 400. */
export function permissionParam(query: URLSearchParams): 'read' | 'write' | 'manage' | undefined {
  const p = qString(query, 'permission');
  if (p === undefined || p === '') return undefined;
  if (p !== 'read' && p !== 'write' && p !== 'manage') {
    throw badRequest(`permission must be read, write or manage, got ${JSON.stringify(p)}.`);
  }
  return p;
}

/** Script type filter names as the docs list them, to the job type each selects. */
export const SCRIPT_TYPE_FILTER: Record<string, string> = {
  sql: 'JobTypes::SqlRunner',
  python3: 'JobTypes::PythonDocker',
  r: 'JobTypes::RDocker',
  containers: 'JobTypes::ContainerDocker',
  container: 'JobTypes::ContainerDocker',
  javascript: 'JobTypes::JavascriptRunner',
};

// ------------------------------------------------------------------------------------------------ docs

export const P = {
  int: (name: string, description: string): QueryParamDoc => ({ name, type: 'integer', description }),
  str: (name: string, description: string): QueryParamDoc => ({ name, type: 'string', description }),
  bool: (name: string, description: string): QueryParamDoc => ({ name, type: 'boolean', description }),
};
export const HIDDEN = P.bool('hidden', 'If specified to be true, returns hidden items. Defaults to false, returning non-hidden items.');
export const ARCHIVED = P.str('archived', 'The archival status of the requested item(s): false (default), true, or all.');
export const AUTHOR = P.str(
  'author',
  'If specified, return items from any of these authors. It accepts a comma-separated list of user IDs.',
);

export const CREDENTIAL_BODY: Record<string, Shape> = {
  name: 'string',
  type: 'string',
  description: 'string',
  username: 'string',
  password: 'string',
  remoteHostId: 'integer',
  userId: 'integer',
  state: 'string',
  systemCredential: 'boolean',
  default: 'boolean',
  oauth: 'boolean',
};

/** `expiresAt` null keeps a file indefinitely; absent on `POST /files/` it means 30 days. */
export const FILE_BODY: Record<string, Shape> = { name: 'string', expiresAt: 'string', description: 'string' };
/** `numParts` is how many part URLs `POST /files/multipart` hands out. */
export const MULTIPART_FILE_BODY: Record<string, Shape> = { ...FILE_BODY, numParts: 'integer' };

export const IMPORT_ENDPOINT: Shape = { remoteHostId: 'integer', credentialId: 'integer', additionalCredentials: ['integer'] };

export const NOTIFICATIONS: Shape = {
  urls: ['string'],
  successEmailSubject: 'string',
  successEmailBody: 'string',
  successEmailAddresses: ['string'],
  successEmailFromName: 'string',
  successEmailReplyTo: 'string',
  failureEmailAddresses: ['string'],
  stallWarningMinutes: 'integer',
  successOn: 'boolean',
  failureOn: 'boolean',
};

export const SCHEDULE: Shape = {
  scheduled: 'boolean',
  scheduledDays: ['integer'],
  scheduledHours: ['integer'],
  scheduledMinutes: ['integer'],
  scheduledRunsPerHour: 'integer',
  scheduledDaysOfMonth: ['integer'],
};
