/**
 * Internal to the Civis emulator: the route table. Each route carries the documentation `/endpoints` is generated
 * from, so the served Swagger document always matches what the emulator actually answers.
 */
import type { EmulatorReply, EmulatorRequest, RouteDef } from '../framework/emulator.js';
import {
  Body,
  badRequest,
  notFound,
  paginate,
  qBool,
  qFlagFilter,
  qInt,
  qIntList,
  qList,
  qString,
  type PageSpec,
} from './query.js';
import { CREDENTIAL_TYPES, type CivisStore, type JobRecord } from './store.js';
import type { CivisColumn, CivisCredential, CivisRun, CivisTableSummary } from './types.js';

/** Largest single-POST upload body: a 50 MiB file plus its form fields. */
const SINGLE_UPLOAD_MAX_BYTES = 64 * 2 ** 20;
/** Largest multipart part the emulator takes (held in memory). */
const PART_MAX_BYTES = 2 ** 30;

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

type Dated = { createdAt: string; updatedAt: string };
const byUpdated = (x: Dated) => x.updatedAt;
const byCreated = (x: Dated) => x.createdAt;
const byName = (x: { name: string }) => x.name.toLowerCase();
const byLastRun = (x: { lastRun: CivisRun | null }) => (x.lastRun ? (x.lastRun.finishedAt ?? x.lastRun.startedAt ?? x.lastRun.createdAt) : null);

const CREDENTIALS_PAGE: PageSpec<CivisCredential> = {
  defaultLimit: 1000,
  maxLimit: 1000,
  orders: { updated_at: byUpdated, created_at: byCreated, name: byName },
  defaultOrder: 'updated_at',
  defaultDir: 'desc',
};

const tableKey = (t: CivisTableSummary) => `${t.schema}\u0000${t.name}`;
const TABLES_PAGE: PageSpec<CivisTableSummary> = {
  defaultLimit: 50,
  maxLimit: 1000,
  // The API accepts these order names; all but `name` sort by schema then name.
  orders: { schema: tableKey, name: (t) => `${t.name}\u0000${t.schema}`, search: tableKey, table_tag_ids: tableKey, credential_id: tableKey },
  defaultOrder: 'schema',
  defaultDir: 'asc',
};

const COLUMNS_PAGE: PageSpec<CivisColumn> = {
  defaultLimit: 50,
  maxLimit: 50,
  orders: { name: (c) => c.name, order: (c) => c.order },
  defaultOrder: 'name',
  defaultDir: 'asc',
  tie: (c) => c.order,
};

const PROJECTS_PAGE: PageSpec<Dated & { name: string; id: number }> = {
  defaultLimit: 20,
  maxLimit: 1000,
  orders: { updated_at: byUpdated, name: byName, created_at: byCreated },
  defaultOrder: 'updated_at',
  defaultDir: 'desc',
};

const MODELS_PAGE: PageSpec<Dated & { id: number; lastRun: CivisRun | null }> = {
  defaultLimit: 50,
  maxLimit: 50,
  orders: { updated_at: byUpdated, 'last_run.updated_at': byLastRun },
  defaultOrder: 'updated_at',
  defaultDir: 'desc',
};

const JOBS_PAGE: PageSpec<Dated & { id: number }> = {
  defaultLimit: 50,
  maxLimit: 50,
  orders: { updated_at: byUpdated },
  defaultOrder: 'updated_at',
  defaultDir: 'desc',
};

const RUNS_PAGE: PageSpec<{ id: number }> = {
  defaultLimit: 20,
  maxLimit: 100,
  orders: { id: (r) => r.id },
  defaultOrder: 'id',
  defaultDir: 'desc',
};

const SCRIPTS_PAGE: PageSpec<Dated & { id: number; name: string; lastRun: CivisRun | null }> = {
  defaultLimit: 20,
  maxLimit: 50,
  orders: { updated_at: byUpdated, name: byName, created_at: byCreated, 'last_run.updated_at': byLastRun },
  defaultOrder: 'updated_at',
  defaultDir: 'desc',
};

const QUERIES_PAGE: PageSpec<{ id: number; createdAt: string; startedAt: string | null }> = {
  defaultLimit: 20,
  maxLimit: 50,
  orders: { created_at: (q) => q.createdAt, started_at: (q) => q.startedAt },
  defaultOrder: 'created_at',
  defaultDir: 'desc',
};

const USERS_PAGE: PageSpec<{ id: number; name: string; user: string }> = {
  defaultLimit: 20,
  maxLimit: 10000,
  orders: { name: byName, user: (u) => u.user },
  defaultOrder: 'name',
  defaultDir: 'asc',
};

const FILES_PAGE: PageSpec<{ id: number; name: string; createdAt: string }> = {
  defaultLimit: 20,
  maxLimit: 50,
  orders: { created_at: (f) => f.createdAt, name: byName },
  defaultOrder: 'created_at',
  defaultDir: 'desc',
};

// ------------------------------------------------------------------------------------------------ helpers

function ok(body: unknown, status = 200): EmulatorReply {
  return { status, body };
}

/** A path id: anything but a non-negative integer cannot name a record, so it is a 404 like an unknown one. */
function pathId(req: EmulatorRequest, name = 'id'): number {
  const v = req.params[name] ?? '';
  if (!/^\d+$/.test(v)) throw notFound();
  return Number(v);
}

function body(req: EmulatorRequest): Body {
  return Body.of(req.body());
}

/** `http://host:port` as the client reached us, for URLs the API hands out (uploads, downloads). */
function origin(req: EmulatorRequest): string {
  const proto = (req.headers['x-forwarded-proto'] as string | undefined) ?? 'http';
  return `${proto}://${req.headers.host ?? '127.0.0.1'}`;
}

/** `%` and `*` are wildcards; without them the match is exact. Both ignore case, as warehouse identifiers do. */
function matcher(pattern: string | undefined): ((s: string) => boolean) | undefined {
  if (pattern === undefined || pattern === '') return undefined;
  if (!/[%*]/.test(pattern)) {
    const want = pattern.toLowerCase();
    return (s) => s.toLowerCase() === want;
  }
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/[%*]/g, '.*')}$`, 'i');
  return (s) => re.test(s);
}

function contains(needle: string | undefined): ((s: string | null) => boolean) | undefined {
  if (needle === undefined || needle === '') return undefined;
  const n = needle.toLowerCase();
  return (s) => s !== null && s.toLowerCase().includes(n);
}

const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'idle'];

function stateFilter(query: URLSearchParams, name: string): ((state: string) => boolean) | undefined {
  const states = qList(query, name);
  if (!states) return undefined;
  for (const s of states) {
    if (!JOB_STATES.includes(s)) throw badRequest(`${name} must be among ${JOB_STATES.join(', ')}, got ${JSON.stringify(s)}.`);
  }
  return (st) => states.includes(st);
}

/** Script type filter names as the docs list them, to the job type each selects. */
const SCRIPT_TYPE_FILTER: Record<string, string> = {
  sql: 'JobTypes::SqlRunner',
  python3: 'JobTypes::PythonDocker',
  r: 'JobTypes::RDocker',
  containers: 'JobTypes::ContainerDocker',
  container: 'JobTypes::ContainerDocker',
  javascript: 'JobTypes::JavascriptRunner',
};

// ------------------------------------------------------------------------------------------------ docs

const P = {
  int: (name: string, description: string): QueryParamDoc => ({ name, type: 'integer', description }),
  str: (name: string, description: string): QueryParamDoc => ({ name, type: 'string', description }),
  bool: (name: string, description: string): QueryParamDoc => ({ name, type: 'boolean', description }),
};
const HIDDEN = P.bool('hidden', 'If specified to be true, returns hidden items. Defaults to false, returning non-hidden items.');
const ARCHIVED = P.str('archived', 'The archival status of the requested item(s): false (default), true, or all.');
const AUTHOR = P.str('author', 'If specified, return items from any of these authors. It accepts a comma-separated list of user IDs.');

const CREDENTIAL_BODY: Record<string, Shape> = {
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
const FILE_BODY: Record<string, Shape> = { name: 'string', expiresAt: 'string', description: 'string' };
/** `numParts` is how many part URLs `POST /files/multipart` hands out. */
const MULTIPART_FILE_BODY: Record<string, Shape> = { ...FILE_BODY, numParts: 'integer' };

const IMPORT_ENDPOINT: Shape = { remoteHostId: 'integer', credentialId: 'integer', additionalCredentials: ['integer'] };

const NOTIFICATIONS: Shape = {
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

// ------------------------------------------------------------------------------------------------ routes

/** The Civis route table, in matching order (literal segments such as `/users/me` before `/users/{id}`). */
export function civisRoutes(ctx: RouteContext): CivisRoute[] {
  const store = () => ctx.store();
  const me = (req: EmulatorRequest) => ctx.callerId(req);

  const visibleCredentials = (req: EmulatorRequest): CivisCredential[] => {
    const s = store();
    const callerId = me(req);
    const q = req.query;
    const types = qList(q, 'type');
    for (const t of types ?? []) {
      if (!(CREDENTIAL_TYPES as readonly string[]).includes(t)) {
        throw badRequest(`type ${JSON.stringify(t)} is not a credential type; expected a comma list of ${CREDENTIAL_TYPES.join(', ')}.`);
      }
    }
    const hostId = qInt(q, 'remote_host_id');
    const onlyDefault = qBool(q, 'default');
    const system = qBool(q, 'system_credentials') ?? false;
    const owners = qIntList(q, 'users');
    const name = contains(qString(q, 'name'));
    const out: CivisCredential[] = [];
    const candidates = onlyDefault ? [s.defaultCredential(callerId)].filter((c) => c !== undefined) : s.credentials.values();
    for (const c of candidates) {
      if (!s.canRead(c, callerId) || c.system !== system) continue;
      const w = c.wire;
      if (types && !types.includes(w.type)) continue;
      if (hostId !== undefined && w.remoteHostId !== hostId) continue;
      if (owners && !owners.includes(c.ownerId)) continue;
      if (name && !name(w.name)) continue;
      out.push(w);
    }
    return out;
  };

  const scriptJob = (req: EmulatorRequest): JobRecord => {
    const j = store().job(pathId(req));
    if (j.kind !== 'script') throw notFound();
    return j;
  };

  const importJob = (req: EmulatorRequest): JobRecord => {
    const j = store().job(pathId(req));
    if (j.kind !== 'import') throw notFound();
    return j;
  };

  const routes: CivisRoute[] = [
    // -------------------------------------------------------------- spec (handler set by the emulator)
    {
      method: 'GET',
      path: '/endpoints/',
      handler: () => ok({}),
      doc: { summary: 'Show the API specification (Swagger 2.0)', query: [P.str('openapi_version', 'Only 2.0 (Swagger) is served.')], status: 200 },
    },

    // -------------------------------------------------------------- credentials
    {
      method: 'GET',
      path: '/credentials/',
      handler: (req) => paginate(req.query, visibleCredentials(req), CREDENTIALS_PAGE),
      doc: {
        summary: 'List credentials',
        query: [
          P.str('type', `The type (or types) of credentials to return. One or more of: ${CREDENTIAL_TYPES.join(', ')}. Specify multiple values as a comma-separated list (e.g., "A,B").`),
          P.int('remote_host_id', 'The ID of the remote host associated with the credentials to return.'),
          P.bool('default', "If true, will return a list with a single credential which is the current user's default credential."),
          P.bool('system_credentials', 'If true, will only return system credentials.'),
          P.str('users', 'A comma-separated list of user ids. If specified, returns set of credentials owned by the users that requesting user has at least read access on.'),
          P.str('name', 'If specified, will be used to filter the credentials returned. Will return any credential whose name contains the search string.'),
        ],
        page: CREDENTIALS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.credentials.values()].map((c) => c.wire),
      },
    },
    {
      method: 'POST',
      path: '/credentials/',
      handler: (req) => ok(store().createCredential(me(req), body(req)), 201),
      doc: {
        summary: 'Create a credential',
        body: { properties: CREDENTIAL_BODY, required: ['type', 'username', 'password'] },
        status: 201,
        sample: (s) => [...s.credentials.values()].map((c) => c.wire),
      },
    },
    {
      method: 'GET',
      path: '/credentials/types',
      handler: () => ok({ types: [...CREDENTIAL_TYPES] }),
      doc: { summary: 'Get list of Credential Types', status: 200, sample: () => [{ types: [...CREDENTIAL_TYPES] }] },
    },
    {
      method: 'POST',
      path: '/credentials/authenticate',
      handler: (req) => ok(store().authenticate(me(req), body(req))),
      doc: {
        summary: 'Authenticate against a remote host',
        body: { properties: { url: 'string', remoteHostType: 'string', username: 'string', password: 'string' }, required: ['url', 'remoteHostType', 'username', 'password'] },
        status: 200,
        sample: (s) => [...s.credentials.values()].map((c) => c.wire),
      },
    },
    {
      method: 'GET',
      path: '/credentials/{id}',
      handler: (req) => ok(store().credential(pathId(req), me(req)).wire),
      doc: { summary: 'Get a credential', status: 200, sample: (s) => [...s.credentials.values()].map((c) => c.wire) },
    },
    {
      method: 'PUT',
      path: '/credentials/{id}',
      handler: (req) => ok(store().updateCredential(me(req), pathId(req), body(req), true)),
      doc: {
        summary: 'Update an existing credential',
        body: { properties: CREDENTIAL_BODY, required: ['type', 'username', 'password'] },
        status: 200,
        sample: (s) => [...s.credentials.values()].map((c) => c.wire),
      },
    },
    {
      method: 'PATCH',
      path: '/credentials/{id}',
      handler: (req) => ok(store().updateCredential(me(req), pathId(req), body(req), false)),
      doc: {
        summary: 'Update some attributes of a credential',
        body: { properties: CREDENTIAL_BODY },
        status: 200,
        sample: (s) => [...s.credentials.values()].map((c) => c.wire),
      },
    },
    {
      method: 'DELETE',
      path: '/credentials/{id}',
      handler: (req) => {
        store().deleteCredential(me(req), pathId(req));
        return { status: 204 };
      },
      doc: { summary: 'Delete a credential', status: 204 },
    },

    // -------------------------------------------------------------- databases
    {
      method: 'GET',
      path: '/databases/',
      handler: () => ok([...store().databases.values()]),
      doc: { summary: 'List databases', status: 200, array: true, sample: (s) => [...s.databases.values()] },
    },
    {
      method: 'GET',
      path: '/databases/{id}',
      handler: (req) => ok(store().database(pathId(req))),
      doc: { summary: 'Show database information', status: 200, sample: (s) => [...s.databases.values()] },
    },
    {
      method: 'GET',
      path: '/databases/{id}/schemas',
      handler: (req) => {
        const s = store();
        const db = s.database(pathId(req));
        const name = contains(qString(req.query, 'name'));
        qInt(req.query, 'credential_id');
        const schemas = new Set<string>();
        for (const t of s.tables.values()) if (t.summary.databaseId === db.id) schemas.add(t.summary.schema);
        return ok(
          [...schemas]
            .filter((x) => !name || name(x))
            .sort()
            .map((schema) => ({ schema })),
        );
      },
      doc: {
        summary: 'List schemas in this database',
        query: [
          P.str('name', 'If specified, will be used to filter the schemas returned. Substring matching is supported.'),
          P.int('credential_id', 'If provided, schemas will be filtered based on the given credential.'),
        ],
        status: 200,
        array: true,
        sample: () => [{ schema: 'public' }],
      },
    },
    {
      method: 'GET',
      path: '/databases/{id}/schemas/{schema_name}/tables',
      handler: (req) => {
        const s = store();
        const db = s.database(pathId(req));
        const schema = (req.params['schema_name'] ?? '').toLowerCase();
        qInt(req.query, 'credential_id');
        const out = [];
        for (const t of s.tables.values()) {
          const x = t.summary;
          if (x.databaseId === db.id && x.schema === schema) out.push({ name: x.name, schema: x.schema, isView: x.isView, databaseId: x.databaseId });
        }
        out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        return ok(out);
      },
      doc: {
        summary: 'List tables in this schema',
        query: [P.int('credential_id', 'If provided, tables will be filtered based on the given credential.')],
        status: 200,
        array: true,
        sample: () => [{ name: 'customers', schema: 'public', isView: false, databaseId: 32 }],
      },
    },

    // -------------------------------------------------------------- tables
    {
      method: 'GET',
      path: '/tables/',
      handler: (req) => {
        const s = store();
        const q = req.query;
        const dbId = qInt(q, 'database_id');
        const schema = matcher(qString(q, 'schema'));
        const name = matcher(qString(q, 'name'));
        const search = contains(qString(q, 'search'));
        const tags = qIntList(q, 'table_tag_ids');
        const credId = qInt(q, 'credential_id');
        let credHost: number | null | undefined;
        if (credId !== undefined) {
          const cred = s.credentials.get(credId);
          if (!cred || !s.canRead(cred, me(req))) throw badRequest(`credential_id ${credId} does not exist or is not shared with you.`);
          credHost = cred.wire.remoteHostId;
        }
        const out: CivisTableSummary[] = [];
        for (const t of s.tables.values()) {
          const x = t.summary;
          if (dbId !== undefined && x.databaseId !== dbId) continue;
          if (credHost !== undefined && x.databaseId !== credHost) continue;
          if (schema && !schema(x.schema)) continue;
          if (name && !name(x.name)) continue;
          if (search && !search(`${x.schema}.${x.name}`)) continue;
          if (tags && !x.tableTags.some((tag) => tags.includes(tag.id))) continue;
          out.push(x);
        }
        return paginate(q, out, TABLES_PAGE);
      },
      doc: {
        summary: 'List tables',
        query: [
          P.int('database_id', 'The ID of the database.'),
          P.str('schema', 'If specified, will be used to filter the tables returned. Substring matching is supported with "%" and "*" wildcards; without them the match is exact.'),
          P.str('name', 'If specified, will be used to filter the tables returned. Substring matching is supported with "%" and "*" wildcards; without them the match is exact.'),
          P.str('search', 'If specified, will search across schema and name (in the full form schema.name) and will return any full name containing the search string.'),
          { name: 'table_tag_ids', type: 'array', items: 'integer', description: 'If specified, returns tables that have one of these Table Tags.' },
          P.int('credential_id', 'If specified, will be used instead of the default credential to filter the tables returned.'),
        ],
        page: TABLES_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.tables.values()].map((t) => t.summary),
      },
    },
    {
      method: 'GET',
      path: '/tables/{id}',
      handler: (req) => ok(store().table(pathId(req)).detail),
      doc: { summary: 'Show basic table info', status: 200, sample: (s) => [...s.tables.values()].map((t) => t.detail) },
    },
    {
      method: 'PATCH',
      path: '/tables/{id}',
      handler: (req) => ok(store().updateTable(pathId(req), body(req))),
      doc: {
        summary: 'Update a table',
        body: { properties: { ontologyMapping: 'object', description: 'string', primaryKeys: ['string'], lastModifiedKeys: ['string'] } },
        status: 200,
        sample: (s) => [...s.tables.values()].map((t) => s.tableUpdated(t)),
      },
    },
    {
      method: 'GET',
      path: '/tables/{id}/columns',
      handler: (req) => {
        const t = store().table(pathId(req));
        const name = matcher(qString(req.query, 'name'));
        return paginate(req.query, name ? t.detail.columns.filter((c) => name(c.name)) : t.detail.columns, COLUMNS_PAGE);
      },
      doc: {
        summary: 'List columns in this table',
        query: [P.str('name', 'Search for columns with the given name, within the specified table.')],
        page: COLUMNS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.tables.values()].flatMap((t) => t.detail.columns),
      },
    },

    // -------------------------------------------------------------- users
    {
      method: 'GET',
      path: '/users/',
      handler: (req) => {
        const s = store();
        const q = req.query;
        const text = contains(qString(q, 'query'));
        const status = (qString(q, 'account_status') ?? 'active').toLowerCase();
        if (!['active', 'inactive', 'all'].includes(status)) throw badRequest(`account_status must be active, inactive or all, got ${JSON.stringify(status)}.`);
        const groupIds = [...(qIntList(q, 'group_id') ?? []), ...(qIntList(q, 'group_ids') ?? [])];
        const orgId = qInt(q, 'organization_id');
        const flag = qString(q, 'feature_flag');
        const excludeGroups = qBool(q, 'exclude_groups') ?? false;
        const out = [];
        for (const u of s.users.values()) {
          if (status !== 'all' && u.accountStatus !== status) continue;
          if (text && !text(u.name) && !text(u.username) && !text(u.email)) continue;
          if (groupIds.length && !u.groups.some((g) => groupIds.includes(g.id))) continue;
          if (orgId !== undefined && orgId !== s.organization.id) continue;
          if (flag && !u.featureFlags[flag]) continue;
          const summary = s.userSummary(u);
          out.push(excludeGroups ? { ...summary, groups: [] } : summary);
        }
        return paginate(q, out, USERS_PAGE);
      },
      doc: {
        summary: 'List users',
        query: [
          P.str('feature_flag', 'Return users that have a feature flag enabled.'),
          P.str('account_status', 'The account status by which to filter users. May be one of "active", "inactive", or "all". Defaults to active.'),
          P.str('query', 'Return users who match the given query, based on name, user, and email.'),
          P.int('group_id', 'The ID of the group by which to filter users.'),
          { name: 'group_ids', type: 'array', items: 'integer', description: 'The IDs of the groups by which to filter users.' },
          P.int('organization_id', 'The ID of the organization by which to filter users.'),
          P.bool('exclude_groups', 'Whether or not to exclude users\' groups. Default: false.'),
        ],
        page: USERS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.users.values()].map((u) => s.userSummary(u)),
      },
    },
    {
      method: 'GET',
      path: '/users/me',
      handler: (req) => {
        const s = store();
        return ok(s.me(s.user(me(req))));
      },
      doc: { summary: 'Show info about the logged-in user', status: 200, sample: (s) => [...s.users.values()].map((u) => s.me(u)) },
    },
    {
      method: 'GET',
      path: '/users/{id}',
      handler: (req) => {
        const s = store();
        return ok(s.userDetail(s.user(pathId(req)), me(req)));
      },
      doc: { summary: 'Show info about a user', status: 200, sample: (s) => [...s.users.values()].map((u) => s.userDetail(u, u.id)) },
    },

    // -------------------------------------------------------------- projects
    {
      method: 'GET',
      path: '/projects/',
      handler: (req) => {
        const s = store();
        const callerId = me(req);
        const q = req.query;
        const permission = qString(q, 'permission');
        if (permission !== undefined && !['read', 'write', 'manage'].includes(permission)) {
          throw badRequest(`permission must be read, write or manage, got ${JSON.stringify(permission)}.`);
        }
        const autoShare = qBool(q, 'auto_share');
        const authors = qIntList(q, 'author');
        const hidden = qFlagFilter(q, 'hidden');
        const archived = qFlagFilter(q, 'archived');
        const out = [];
        for (const p of s.projects.values()) {
          if (!s.canSeeProject(p, callerId)) continue;
          if (permission === 'manage' && p.authorId !== callerId) continue;
          if (autoShare !== undefined && p.autoShare !== autoShare) continue;
          if (authors && !authors.includes(p.authorId)) continue;
          if (!hidden(p.hidden) || !archived(p.archived)) continue;
          out.push(s.projectWire(p));
        }
        return paginate(q, out, PROJECTS_PAGE);
      },
      doc: {
        summary: 'List projects',
        query: [
          P.str('permission', 'A permissions string, one of "read", "write", or "manage". Lists only projects for which the current user has that permission.'),
          P.bool('auto_share', 'Used to filter projects based on whether the project is autoshare enabled or not.'),
          AUTHOR,
          HIDDEN,
          ARCHIVED,
        ],
        page: PROJECTS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.projects.values()].map((p) => s.projectWire(p)),
      },
    },
    {
      method: 'POST',
      path: '/projects/',
      handler: (req) => ok(store().createProject(me(req), body(req)), 201),
      doc: {
        summary: 'Create a project',
        body: { properties: { name: 'string', description: 'string', note: 'string', autoShare: 'boolean', hidden: 'boolean' }, required: ['name', 'description'] },
        status: 201,
        sample: (s) => [...s.projects.values()].map((p) => s.projectDetail(p, p.authorId)),
      },
    },
    {
      method: 'GET',
      path: '/projects/{project_id}',
      handler: (req) => {
        const s = store();
        return ok(s.projectDetail(s.project(pathId(req, 'project_id'), me(req)), me(req)));
      },
      doc: { summary: 'Get a detailed view of a project and the objects in it', status: 200, sample: (s) => [...s.projects.values()].map((p) => s.projectDetail(p, p.authorId)) },
    },
    {
      method: 'PUT',
      path: '/projects/{project_id}',
      handler: (req) => ok(store().updateProject(me(req), pathId(req, 'project_id'), body(req))),
      doc: {
        summary: 'Update a project',
        body: { properties: { name: 'string', description: 'string', note: 'string' } },
        status: 200,
        sample: (s) => [...s.projects.values()].map((p) => s.projectDetail(p, p.authorId)),
      },
    },
    {
      method: 'DELETE',
      path: '/projects/{project_id}',
      handler: (req) => {
        store().deleteProject(me(req), pathId(req, 'project_id'));
        return { status: 204 };
      },
      doc: { summary: 'Delete a project', status: 204 },
    },

    // -------------------------------------------------------------- models and predictions
    {
      method: 'GET',
      path: '/models/',
      handler: (req) => {
        const s = store();
        const q = req.query;
        const modelName = contains(qString(q, 'model_name'));
        const tableName = contains(qString(q, 'training_table_name'));
        const dv = qString(q, 'dependent_variable');
        const status = qString(q, 'status');
        const statuses = ['running', 'failed', 'succeeded', 'idle', 'scheduled'];
        if (status !== undefined && !statuses.includes(status)) throw badRequest(`status must be one of ${statuses.join(', ')}, got ${JSON.stringify(status)}.`);
        const authors = qIntList(q, 'author');
        const hidden = qFlagFilter(q, 'hidden');
        const archived = qFlagFilter(q, 'archived');
        const out = [];
        for (const m of s.models.values()) {
          const w = m.wire;
          if (modelName && !modelName(w.modelName)) continue;
          if (tableName && !tableName(w.tableName)) continue;
          if (dv !== undefined && w.dependentVariable !== dv) continue;
          if (status === 'scheduled' ? !w.schedule.scheduled : status !== undefined && w.currentBuildState !== status) continue;
          if (authors && !authors.includes(w.user.id)) continue;
          if (!hidden(m.detail.hidden) || !archived(w.archived)) continue;
          out.push(w);
        }
        return paginate(q, out, MODELS_PAGE);
      },
      doc: {
        summary: 'List models',
        query: [
          P.str('model_name', 'If specified, will be used to filter the models returned. Substring matching is supported.'),
          P.str('training_table_name', 'If specified, will be used to filter the models returned by the training dataset table name. Substring matching is supported.'),
          P.str('dependent_variable', 'If specified, will be used to filter the models returned by the dependent variable column name.'),
          P.str('status', 'If specified, returns models with one of these statuses: running, failed, succeeded, idle, scheduled.'),
          AUTHOR,
          HIDDEN,
          ARCHIVED,
        ],
        page: MODELS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.models.values()].map((m) => m.wire),
      },
    },
    {
      method: 'GET',
      path: '/models/types',
      handler: () => ok(store().modelTypes),
      doc: { summary: 'List model types', status: 200, array: true, sample: (s) => s.modelTypes },
    },
    {
      method: 'GET',
      path: '/models/{id}',
      handler: (req) => ok(store().model(pathId(req)).detail),
      doc: { summary: 'Retrieve model configuration', status: 200, sample: (s) => [...s.models.values()].map((m) => m.detail) },
    },
    {
      method: 'GET',
      path: '/models/{id}/builds',
      handler: (req) => paginate(req.query, store().model(pathId(req)).builds, RUNS_PAGE),
      doc: {
        summary: 'List builds for the given model',
        page: RUNS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.models.values()].flatMap((m) => m.builds),
      },
    },
    {
      method: 'GET',
      path: '/models/{id}/builds/{build_id}',
      handler: (req) => {
        const m = store().model(pathId(req));
        const buildId = pathId(req, 'build_id');
        const b = m.builds.find((x) => x.id === buildId);
        if (!b) throw notFound();
        return ok(b);
      },
      doc: { summary: 'Check status of a build', status: 200, sample: (s) => [...s.models.values()].flatMap((m) => m.builds) },
    },
    {
      method: 'GET',
      path: '/predictions/',
      handler: (req) => {
        const modelId = qInt(req.query, 'model_id');
        const out = [];
        for (const p of store().predictions.values()) if (modelId === undefined || p.wire.modelId === modelId) out.push(p.wire);
        return ok(out);
      },
      doc: {
        summary: 'List predictions',
        query: [P.int('model_id', 'If specified, only return predictions associated with this model ID.')],
        status: 200,
        array: true,
        sample: (s) => [...s.predictions.values()].map((p) => p.wire),
      },
    },
    {
      method: 'GET',
      path: '/predictions/{id}',
      handler: (req) => ok(store().prediction(pathId(req)).detail),
      doc: { summary: 'Show the specified prediction', status: 200, sample: (s) => [...s.predictions.values()].map((p) => p.detail) },
    },

    // -------------------------------------------------------------- jobs
    {
      method: 'GET',
      path: '/jobs/',
      handler: (req) => {
        const s = store();
        const q = req.query;
        const state = stateFilter(q, 'state');
        const types = qList(q, 'type');
        const text = contains(qString(q, 'q'));
        const permission = qString(q, 'permission');
        const scheduled = qBool(q, 'scheduled');
        const hidden = qFlagFilter(q, 'hidden');
        const archived = qFlagFilter(q, 'archived');
        const authors = qIntList(q, 'author');
        const callerId = me(req);
        const out = [];
        for (const j of s.jobs.values()) {
          s.touchJob(j, false);
          if (state && !state(s.jobState(j))) continue;
          if (types && !types.includes(j.type)) continue;
          if (text && !text(j.name)) continue;
          if (permission === 'manage' && j.authorId !== callerId) continue;
          if (scheduled !== undefined && j.schedule.scheduled !== scheduled) continue;
          if (authors && !authors.includes(j.authorId)) continue;
          if (!hidden(j.hidden) || !archived(j.archived)) continue;
          out.push(s.jobWire(j));
        }
        return paginate(q, out, JOBS_PAGE);
      },
      doc: {
        summary: 'List jobs',
        query: [
          P.str('state', 'The job\'s state. One or more of queued, running, succeeded, failed, and cancelled. Specify multiple values as a comma-separated list (e.g., "A,B").'),
          P.str('type', 'The job\'s type. Specify multiple values as a comma-separated list (e.g., "A,B").'),
          P.str('q', 'Query string to search on the id, name, and job type.'),
          P.str('permission', 'A permissions string, one of "read", "write", or "manage". Lists only jobs for which the current user has that permission.'),
          P.bool('scheduled', 'If the item is scheduled.'),
          HIDDEN,
          ARCHIVED,
          AUTHOR,
        ],
        page: JOBS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.jobs.values()].map((j) => s.jobWire(j)),
      },
    },
    {
      method: 'GET',
      path: '/jobs/{id}',
      handler: (req) => {
        const s = store();
        const j = s.job(pathId(req));
        s.touchJob(j, true);
        return ok(s.jobDetail(j));
      },
      doc: { summary: 'Show basic job info', status: 200, sample: (s) => [...s.jobs.values()].map((j) => s.jobDetail(j)) },
    },
    {
      method: 'GET',
      path: '/jobs/{id}/runs',
      handler: (req) => {
        const s = store();
        const j = s.job(pathId(req));
        s.touchJob(j, false);
        return paginate(
          req.query,
          j.runs.map((r) => s.runWire(r)),
          RUNS_PAGE,
        );
      },
      doc: {
        summary: 'List runs for the given job',
        page: RUNS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.jobs.values()].flatMap((j) => j.runs.map((r) => s.runWire(r))),
      },
    },
    {
      method: 'POST',
      path: '/jobs/{id}/runs',
      createsRun: true,
      handler: (req) => {
        const s = store();
        const j = s.job(pathId(req));
        const run = s.startRun(j, (active) => ({
          error: 'already_running',
          message: `Job ${j.id} already has a ${active.state} run (${active.id}); poll GET /jobs/${j.id}/runs/${active.id} until it finishes, then start another.`,
        }));
        return ok(s.runWire(run), 201);
      },
      doc: { summary: 'Run a job', status: 201, sample: (s) => [...s.jobs.values()].flatMap((j) => j.runs.map((r) => s.runWire(r))) },
    },
    {
      method: 'GET',
      path: '/jobs/{id}/runs/{run_id}',
      handler: (req) => {
        const s = store();
        const j = s.job(pathId(req));
        const runId = pathId(req, 'run_id');
        const run = j.runs.find((r) => r.id === runId);
        if (!run) throw notFound();
        s.settle(run, true);
        return ok(s.runWire(run));
      },
      doc: { summary: 'Check status of a job', status: 200, sample: (s) => [...s.jobs.values()].flatMap((j) => j.runs.map((r) => s.runWire(r))) },
    },

    // -------------------------------------------------------------- scripts
    {
      method: 'GET',
      path: '/scripts/',
      handler: (req) => {
        const s = store();
        const q = req.query;
        const typeNames = qList(q, 'type');
        const types = typeNames?.map((t) => {
          const jt = SCRIPT_TYPE_FILTER[t.toLowerCase()];
          if (!jt) throw badRequest(`type must be a comma list of ${Object.keys(SCRIPT_TYPE_FILTER).join(', ')}, got ${JSON.stringify(t)}.`);
          return jt;
        });
        const category = qString(q, 'category');
        const authors = qIntList(q, 'author');
        const status = stateFilter(q, 'status');
        const hidden = qFlagFilter(q, 'hidden');
        const archived = qFlagFilter(q, 'archived');
        const out = [];
        for (const j of s.jobs.values()) {
          if (j.kind !== 'script') continue;
          s.touchJob(j, false);
          if (types && !types.includes(j.type)) continue;
          if (category !== undefined && j.category !== category) continue;
          if (authors && !authors.includes(j.authorId)) continue;
          if (status && !status(s.jobState(j))) continue;
          if (!hidden(j.hidden) || !archived(j.archived)) continue;
          out.push(s.scriptWire(j));
        }
        return paginate(q, out, SCRIPTS_PAGE);
      },
      doc: {
        summary: 'List scripts',
        query: [
          P.str('type', 'If specified, return items of these types. The valid types are sql, python3, javascript, r, and containers.'),
          P.str('category', 'A job category for filtering scripts. Must be one of script, import, export, and enhancement.'),
          AUTHOR,
          P.str('status', 'If specified, returns items with one of these statuses. It accepts a comma-separated list, possible values are \'running\', \'failed\', \'succeeded\', \'idle\', \'scheduled\'.'),
          HIDDEN,
          ARCHIVED,
        ],
        page: SCRIPTS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.jobs.values()].filter((j) => j.kind === 'script').map((j) => s.scriptWire(j)),
      },
    },
    {
      method: 'POST',
      path: '/scripts/',
      handler: (req) => ok(store().createScript(me(req), body(req)), 201),
      doc: {
        summary: 'Create a script',
        body: {
          properties: {
            name: 'string',
            remoteHostId: 'integer',
            credentialId: 'integer',
            sql: 'string',
            params: [{ name: 'string', label: 'string', description: 'string', type: 'string', required: 'boolean', value: 'string', default: 'string' }],
            arguments: 'object',
            templateScriptId: 'integer',
            notifications: NOTIFICATIONS,
            hidden: 'boolean',
          },
          required: ['name', 'remoteHostId', 'credentialId', 'sql'],
        },
        status: 201,
        sample: (s) => [...s.jobs.values()].filter((j) => j.kind === 'script').map((j) => s.scriptDetail(j, j.authorId)),
      },
    },
    {
      method: 'GET',
      path: '/scripts/{id}',
      handler: (req) => {
        const s = store();
        const j = scriptJob(req);
        s.touchJob(j, true);
        return ok(s.scriptDetail(j, me(req)));
      },
      doc: {
        summary: 'Get details about a script',
        status: 200,
        sample: (s) => [...s.jobs.values()].filter((j) => j.kind === 'script').map((j) => s.scriptDetail(j, j.authorId)),
      },
    },
    {
      method: 'DELETE',
      path: '/scripts/{id}',
      handler: (req) => {
        store().archiveScript(me(req), scriptJob(req));
        return { status: 204 };
      },
      // The platform's own summary: civis-python skips every operation whose summary says "deprecated", so, as
      // against the real API, it builds no `scripts.delete` (the route still answers plain HTTP callers).
      doc: { summary: 'Archive a script (deprecated, use archive endpoints instead)', status: 204 },
    },
    {
      method: 'POST',
      path: '/scripts/{id}/run',
      createsRun: true,
      handler: (req) => {
        store().startRun(scriptJob(req), () => ({ error: 'conflict', message: 'The script cannot be queued because it is already active.' }));
        return { status: 204 };
      },
      doc: { summary: 'Run a script', status: 204 },
    },
    {
      method: 'POST',
      path: '/scripts/{id}/cancel',
      handler: (req) => ok(store().cancelRun(scriptJob(req)), 202),
      doc: { summary: 'Cancel a run', status: 202, sample: () => [{ id: 90004, state: 'cancelled', isCancelRequested: true }] },
    },

    // -------------------------------------------------------------- imports
    {
      method: 'GET',
      path: '/imports/',
      handler: (req) => {
        const s = store();
        const q = req.query;
        const types = qList(q, 'type');
        const destination = qIntList(q, 'destination');
        const source = qIntList(q, 'source');
        const status = stateFilter(q, 'status');
        const authors = qIntList(q, 'author');
        const hidden = qFlagFilter(q, 'hidden');
        const archived = qFlagFilter(q, 'archived');
        const out = [];
        for (const j of s.jobs.values()) {
          if (j.kind !== 'import') continue;
          s.touchJob(j, false);
          const spec = j.import!;
          if (types && !types.some((t) => t.toLowerCase() === spec.syncType.toLowerCase())) continue;
          if (destination && !destination.includes(spec.destination?.remoteHostId ?? -1)) continue;
          if (source && !source.includes(spec.source?.remoteHostId ?? -1)) continue;
          if (status && !status(s.jobState(j))) continue;
          if (authors && !authors.includes(j.authorId)) continue;
          if (!hidden(j.hidden) || !archived(j.archived)) continue;
          out.push(s.importWire(j));
        }
        return paginate(q, out, SCRIPTS_PAGE);
      },
      doc: {
        summary: 'List Imports',
        query: [
          P.str('type', 'If specified, return imports of these types. It accepts a comma-separated list, possible values are \'AutoImport\', \'Dbsync\', \'Salesforce\', \'GdocImport\'.'),
          P.str('destination', 'If specified, returns imports with one of these destinations. It accepts a comma-separated list of remote host ids.'),
          P.str('source', 'If specified, returns imports with one of these sources. It accepts a comma-separated list of remote host ids.'),
          P.str('status', 'If specified, returns imports with one of these statuses. It accepts a comma-separated list, possible values are \'running\', \'failed\', \'succeeded\', \'idle\', \'scheduled\'.'),
          AUTHOR,
          HIDDEN,
          ARCHIVED,
        ],
        page: SCRIPTS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.jobs.values()].filter((j) => j.kind === 'import').map((j) => s.importWire(j)),
      },
    },
    {
      method: 'POST',
      path: '/imports/',
      handler: (req) => ok(store().createImport(me(req), body(req)), 201),
      doc: {
        summary: 'Create a new import configuration',
        body: {
          properties: {
            name: 'string',
            syncType: 'string',
            isOutbound: 'boolean',
            source: IMPORT_ENDPOINT,
            destination: IMPORT_ENDPOINT,
            schedule: {
              scheduled: 'boolean',
              scheduledDays: ['integer'],
              scheduledHours: ['integer'],
              scheduledMinutes: ['integer'],
              scheduledRunsPerHour: 'integer',
              scheduledDaysOfMonth: ['integer'],
            },
            notifications: NOTIFICATIONS,
            parentId: 'integer',
            nextRunAt: 'string',
            timeZone: 'string',
            hidden: 'boolean',
          },
          required: ['name', 'syncType', 'isOutbound'],
        },
        status: 201,
        sample: (s) => [...s.jobs.values()].filter((j) => j.kind === 'import').map((j) => s.importDetail(j, j.authorId)),
      },
    },
    {
      method: 'GET',
      path: '/imports/{id}',
      handler: (req) => {
        const s = store();
        const j = importJob(req);
        s.touchJob(j, true);
        return ok(s.importDetail(j, me(req)));
      },
      doc: {
        summary: 'Get details about an import',
        status: 200,
        sample: (s) => [...s.jobs.values()].filter((j) => j.kind === 'import').map((j) => s.importDetail(j, j.authorId)),
      },
    },

    // -------------------------------------------------------------- queries
    {
      method: 'GET',
      path: '/queries/',
      handler: (req) => {
        const s = store();
        const q = req.query;
        const dbId = qInt(q, 'database_id');
        const authorId = qInt(q, 'author_id');
        const createdBefore = qString(q, 'created_before');
        if (createdBefore !== undefined && Number.isNaN(Date.parse(createdBefore))) {
          throw badRequest(`created_before must be an ISO 8601 time, got ${JSON.stringify(createdBefore)}.`);
        }
        const excludeResults = qBool(q, 'exclude_results') ?? false;
        const hidden = qFlagFilter(q, 'hidden');
        const callerId = me(req);
        const out = [];
        for (const x of s.queries.values()) {
          if (x.authorId !== callerId) continue;
          s.settle(x.run, false);
          if (dbId !== undefined && x.database !== dbId) continue;
          if (authorId !== undefined && x.authorId !== authorId) continue;
          if (createdBefore !== undefined && Date.parse(x.createdAt) >= Date.parse(createdBefore)) continue;
          if (!hidden(x.hidden)) continue;
          out.push(s.queryWire(x, excludeResults));
        }
        return paginate(q, out, QUERIES_PAGE);
      },
      doc: {
        summary: 'List queries',
        query: [
          P.int('database_id', 'The database ID.'),
          P.int('author_id', 'The author of the query.'),
          P.str('created_before', 'An upper bound for the creation date of the query.'),
          P.bool('exclude_results', 'If true, does not return cached query results.'),
          HIDDEN,
        ],
        page: QUERIES_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.queries.values()].map((x) => s.queryWire(x, false)),
      },
    },
    {
      method: 'POST',
      path: '/queries/',
      createsRun: true,
      handler: (req) => ok(store().createQuery(me(req), body(req)), 201),
      doc: {
        summary: 'Execute a query',
        body: {
          properties: {
            database: 'integer',
            sql: 'string',
            credential: 'integer',
            hidden: 'boolean',
            interactive: 'boolean',
            previewRows: 'integer',
            includeHeader: 'boolean',
            compression: 'string',
            columnDelimiter: 'string',
            unquoted: 'boolean',
            filenamePrefix: 'string',
          },
          required: ['database', 'sql', 'previewRows'],
        },
        status: 201,
        sample: (s) => [...s.queries.values()].map((x) => s.queryWire(x, false)),
      },
    },
    {
      method: 'GET',
      path: '/queries/{id}',
      handler: (req) => {
        const s = store();
        const x = s.query(pathId(req));
        if (x.authorId !== me(req)) throw notFound();
        s.settle(x.run, true);
        return ok(s.queryWire(x, false));
      },
      doc: { summary: 'Get details about a query', status: 200, sample: (s) => [...s.queries.values()].map((x) => s.queryWire(x, false)) },
    },
    {
      method: 'DELETE',
      path: '/queries/{id}',
      // The platform keeps the query and answers it, hidden (200, not 204).
      handler: (req) => ok(store().hideQuery(me(req), pathId(req))),
      doc: { summary: 'Sets Query Hidden to true', status: 200, sample: (s) => [...s.queries.values()].map((x) => s.queryWire(x, false)) },
    },

    // -------------------------------------------------------------- reports
    {
      method: 'GET',
      path: '/reports/',
      handler: (req) => {
        const s = store();
        const q = req.query;
        const types = qList(q, 'type');
        const templateId = qInt(q, 'template_id');
        const authors = qIntList(q, 'author');
        const hidden = qFlagFilter(q, 'hidden');
        const archived = qFlagFilter(q, 'archived');
        const callerId = me(req);
        const out = [];
        for (const r of s.reports.values()) {
          if (!r.memberIds.includes(callerId)) continue;
          if (types && !types.includes(r.wire.type)) continue;
          if (templateId !== undefined && r.wire.templateId !== templateId) continue;
          if (authors && !authors.includes(r.wire.user.id)) continue;
          if (!hidden(r.detail.hidden) || !archived(r.wire.archived)) continue;
          out.push(r.wire);
        }
        return paginate(q, out, SCRIPTS_PAGE);
      },
      doc: {
        summary: 'List Reports',
        query: [
          P.str('type', 'If specified, return report of these types. It accepts a comma-separated list, possible values are \'tableau\' or \'other\'.'),
          P.int('template_id', 'If specified, return reports using the provided Template.'),
          AUTHOR,
          HIDDEN,
          ARCHIVED,
        ],
        page: SCRIPTS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.reports.values()].map((r) => r.wire),
      },
    },
    {
      method: 'POST',
      path: '/reports/',
      // 200, not 201, as the platform answers it.
      handler: (req) => ok(store().createReport(me(req), body(req))),
      doc: {
        summary: 'Create an HTML report',
        body: {
          properties: {
            scriptId: 'integer',
            name: 'string',
            codeBody: 'string',
            appState: 'object',
            provideAPIKey: 'boolean',
            templateId: 'integer',
            hidden: 'boolean',
          },
        },
        status: 200,
        sample: (s) => [...s.reports.values()].map((r) => r.detail),
      },
    },
    {
      method: 'GET',
      path: '/reports/{id}',
      handler: (req) => {
        const r = store().report(pathId(req));
        if (!r.memberIds.includes(me(req))) throw notFound();
        return ok(r.detail);
      },
      doc: { summary: 'Get a single report', status: 200, sample: (s) => [...s.reports.values()].map((r) => r.detail) },
    },
    {
      method: 'PATCH',
      path: '/reports/{id}',
      handler: (req) => ok(store().updateReport(me(req), pathId(req), body(req))),
      doc: {
        summary: 'Update a report',
        body: {
          properties: {
            name: 'string',
            scriptId: 'integer',
            codeBody: 'string',
            config: 'string',
            appState: 'object',
            provideAPIKey: 'boolean',
            templateId: 'integer',
            useViewersTableauUsername: 'boolean',
          },
        },
        status: 200,
        sample: (s) => [...s.reports.values()].map((r) => r.detail),
      },
    },

    // -------------------------------------------------------------- files
    {
      method: 'GET',
      path: '/files/',
      handler: (req) => {
        const s = store();
        const callerId = me(req);
        const o = origin(req);
        const authors = qIntList(req.query, 'author');
        const out = [];
        for (const f of s.files.values()) if (!authors || authors.includes(f.authorId)) out.push(s.fileWire(f, o, callerId));
        return paginate(req.query, out, FILES_PAGE);
      },
      doc: {
        summary: 'List files',
        query: [AUTHOR],
        page: FILES_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.files.values()].map((f) => s.fileWire(f, 'http://127.0.0.1', f.authorId)),
      },
    },
    {
      method: 'POST',
      path: '/files/',
      handler: (req) => ok(store().createFile(me(req), body(req), origin(req)), 201),
      doc: {
        summary: 'Initiate an upload of a file into the platform',
        body: { properties: FILE_BODY, required: ['name'] },
        status: 201,
        sample: () => [
          {
            id: 8005,
            name: 'upload.csv',
            createdAt: '2026-01-05T09:00:00.000Z',
            fileSize: 0,
            expiresAt: '2026-02-04T09:00:00.000Z',
            description: 'x',
            uploadUrl: 'http://127.0.0.1/files/8005/upload',
            uploadFields: {},
            myPermissionLevel: 'manage',
          },
        ],
      },
    },
    {
      method: 'POST',
      path: '/files/multipart',
      handler: (req) => ok(store().createMultipartFile(me(req), body(req), origin(req)), 201),
      doc: {
        summary: 'Initiate a multipart upload',
        body: { properties: MULTIPART_FILE_BODY, required: ['name', 'numParts'] },
        status: 201,
        sample: () => [
          {
            id: 8006,
            name: 'large.csv',
            createdAt: '2026-01-05T09:00:00.000Z',
            fileSize: 0,
            expiresAt: '2026-02-04T09:00:00.000Z',
            description: 'x',
            uploadUrls: ['http://127.0.0.1/files/8006/parts/1?uploadId=x', 'http://127.0.0.1/files/8006/parts/2?uploadId=x'],
          },
        ],
      },
    },
    {
      method: 'POST',
      path: '/files/multipart/{id}/complete',
      handler: (req) => {
        store().completeMultipart(me(req), pathId(req));
        return { status: 204 };
      },
      doc: { summary: 'Complete a multipart upload', status: 204 },
    },
    {
      method: 'GET',
      path: '/files/{id}',
      handler: (req) => {
        qString(req.query, 'link_expires_at');
        qBool(req.query, 'inline');
        const s = store();
        return ok(s.fileWire(s.file(pathId(req)), origin(req), me(req)));
      },
      doc: {
        summary: 'Get details about a file',
        query: [
          P.str('link_expires_at', 'The date and time the download link will expire. Must be a time between now and 36 hours from now. Defaults to 30 minutes from now.'),
          P.bool('inline', 'If true, will return a url that can be displayed inline in HTML'),
        ],
        status: 200,
        sample: (s) => [...s.files.values()].map((f) => s.fileWire(f, 'http://127.0.0.1', f.authorId)),
      },
    },
    {
      method: 'PUT',
      path: '/files/{id}',
      handler: (req) => ok(store().updateFile(me(req), pathId(req), body(req), true, origin(req))),
      doc: {
        summary: 'Update details about a file',
        body: { properties: FILE_BODY, required: ['name', 'expiresAt'] },
        status: 200,
        sample: (s) => [...s.files.values()].map((f) => s.fileWire(f, 'http://127.0.0.1', f.authorId)),
      },
    },
    {
      method: 'PATCH',
      path: '/files/{id}',
      handler: (req) => ok(store().updateFile(me(req), pathId(req), body(req), false, origin(req))),
      doc: {
        summary: 'Update details about a file',
        body: { properties: FILE_BODY },
        status: 200,
        sample: (s) => [...s.files.values()].map((f) => s.fileWire(f, 'http://127.0.0.1', f.authorId)),
      },
    },
    {
      method: 'POST',
      path: '/files/{id}/upload',
      public: true,
      external: true,
      // civis-python uploads files up to 50 MiB in one form POST; the form's fields come on top.
      maxBodyBytes: SINGLE_UPLOAD_MAX_BYTES,
      handler: (req) => {
        store().uploadFile(pathId(req), extractFilePart(req.rawBody, req.headers['content-type']));
        return { status: 204 };
      },
    },
    {
      // A part URL of `POST /files/multipart`: S3's UploadPart answer is an empty 200 with the part's ETag.
      method: 'PUT',
      path: '/files/{id}/parts/{part_num}',
      public: true,
      // civis-python cuts parts of sqrt(5 MiB x file size): over 50 MiB for files past 500 MiB. Parts are held in
      // memory, so the emulator takes parts up to 1 GiB (files up to about 200 GiB), not S3's 5 GiB.
      maxBodyBytes: PART_MAX_BYTES,
      external: true,
      handler: (req) => {
        const etag = store().uploadPart(pathId(req), pathId(req, 'part_num'), req.query.get('uploadId') ?? '', req.rawBody);
        return { status: 200, headers: { ETag: `"${etag}"` } };
      },
    },
    {
      method: 'GET',
      path: '/files/{id}/download',
      public: true,
      external: true,
      handler: (req) => {
        const f = store().file(pathId(req));
        if (!f.content) throw notFound();
        return { status: 200, headers: { 'content-type': contentTypeOf(f.name) }, body: f.content };
      },
    },
  ];
  return routes;
}

function contentTypeOf(name: string): string {
  if (name.endsWith('.csv')) return 'text/csv';
  if (name.endsWith('.json')) return 'application/json';
  if (name.endsWith('.html')) return 'text/html';
  return 'application/octet-stream';
}

/**
 * The bytes of the `file` field of an S3-style multipart POST (the upload URL `POST /files/` hands out); a body
 * that is not multipart is taken whole.
 */
export function extractFilePart(raw: Buffer, contentType: string | undefined): Buffer {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!m || !/^multipart\//i.test(contentType ?? '')) return raw;
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  let pos = raw.indexOf(boundary);
  while (pos !== -1) {
    const next = raw.indexOf(boundary, pos + boundary.length);
    if (next === -1) break;
    const part = raw.subarray(pos + boundary.length + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1 && /name="file"/i.test(part.subarray(0, headerEnd).toString('utf8'))) return part.subarray(headerEnd + 4);
    pos = next;
  }
  return raw;
}
