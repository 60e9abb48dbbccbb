/**
 * Resolvers of the Civis Platform part of the schema: `Query.credentials`, the `Civis` namespace (twelve resources
 * and civis-python's look-up helpers), the Civis objects, and the writes (job runs, queries, credentials).
 */
import { ENUM_VALUES } from './enums.js';
import type { CivisOrder, InputMaybe, Resolvers } from '../generated/resolvers.js';
import { connectionFromArray, resolveConnection, type ConnectionArgs, type PageSource } from '../relay/connection.js';
import type { NodeTypeName } from '../relay/ids.js';
import type { Context } from './context.js';
import { AugurError, ErrorCode, badInput, quote } from '../core/errors.js';
import type { CivisCallContext, CivisCredentialWrite, CivisParams, CivisQueryWrite } from '../upstreams/civis/client.js';
import type {
  CivisCredential,
  CivisDatabase,
  CivisJobRunParent,
  CivisModelDetail,
  CivisPrediction,
  CivisPredictionDetail,
  CivisProjectDetail,
  CivisProjectObjectShape,
  CivisRun,
  CivisScriptDetail,
  CivisTableDetail,
  CivisTableSummary,
  CivisUserDetail,
  CivisUserParent,
} from '../upstreams/civis/types.js';
import type { NodeFetcher } from './node.js';

/** Civis object types addressable by a numeric Civis id. */
type CivisType =
  | 'Credential'
  | 'CivisDatabase'
  | 'CivisTable'
  | 'CivisFile'
  | 'CivisImport'
  | 'CivisJob'
  | 'CivisModel'
  | 'CivisPrediction'
  | 'CivisProject'
  | 'CivisQuery'
  | 'CivisReport'
  | 'CivisScript';

/** Where each type is read by id. */
const PATHS: Record<CivisType, { path: (id: number) => string; route: string }> = {
  Credential: { path: (id) => `/credentials/${id}`, route: '/credentials/{id}' },
  CivisDatabase: { path: (id) => `/databases/${id}`, route: '/databases/{id}' },
  CivisTable: { path: (id) => `/tables/${id}`, route: '/tables/{id}' },
  CivisFile: { path: (id) => `/files/${id}`, route: '/files/{id}' },
  CivisImport: { path: (id) => `/imports/${id}`, route: '/imports/{id}' },
  CivisJob: { path: (id) => `/jobs/${id}`, route: '/jobs/{id}' },
  CivisModel: { path: (id) => `/models/${id}`, route: '/models/{id}' },
  CivisPrediction: { path: (id) => `/predictions/${id}`, route: '/predictions/{id}' },
  CivisProject: { path: (id) => `/projects/${id}`, route: '/projects/{project_id}' },
  CivisQuery: { path: (id) => `/queries/${id}`, route: '/queries/{id}' },
  CivisReport: { path: (id) => `/reports/${id}`, route: '/reports/{id}' },
  CivisScript: { path: (id) => `/scripts/${id}`, route: '/scripts/{id}' },
};

/** A paginated Civis list and the largest `limit` it accepts (docs/upstreams.md §7.3 "Pagination"). */
interface ListSpec {
  path: string;
  route: string;
  maxLimit: number;
}

const list = (path: string, maxLimit: number): ListSpec => ({ path, route: path, maxLimit });
const LISTS = {
  credentials: list('/credentials/', 1000),
  tables: list('/tables/', 1000),
  files: list('/files/', 50),
  imports: list('/imports/', 50),
  jobs: list('/jobs/', 50),
  models: list('/models/', 50),
  projects: list('/projects/', 1000),
  queries: list('/queries/', 50),
  reports: list('/reports/', 50),
  scripts: list('/scripts/', 50),
  users: list('/users/', 10000),
};

const AWS = 'Amazon Web Services S3';
/** Credentials lists the helpers read in one page, as civis-python does with the server's default limit. */
const HELPER_LIMIT = 1000;
const RUN_STATES = new Set<string>(Object.values(ENUM_VALUES.CivisRunState));
const CREDENTIAL_TYPES = new Set<string>(Object.values(ENUM_VALUES.CredentialType));
const NUMERIC_ID = /^[0-9]{1,15}$/;

function call(ctx: Context): CivisCallContext {
  return { apiKey: ctx.credential('civis'), budget: ctx.budget };
}

/** Reads an id argument that may be a global id (of one of `types`) or a Civis id. */
export function civisId(ctx: Context, arg: string, types: NodeTypeName | readonly NodeTypeName[], argName = 'id'): number {
  if (NUMERIC_ID.test(arg)) return Number(arg);
  const expected = typeof types === 'string' ? [types] : types;
  return Number(ctx.services.codec.decode(arg, expected, argName).localId);
}

/** Loads one Civis object by its type and Civis id, through the request's loaders. */
export function loadCivis<T>(ctx: Context, type: CivisType, id: number): Promise<T> {
  const p = PATHS[type];
  return ctx.civis.get<T>(p.path(id), p.route);
}

async function loadRun(ctx: Context, jobId: number, runId: number): Promise<CivisJobRunParent> {
  const run = await ctx.civis.get<CivisRun>(`/jobs/${jobId}/runs/${runId}`, '/jobs/{id}/runs/{run_id}');
  return { ...run, jobId };
}

/** Everything `Query.node` can fetch on Civis. */
export const civisNodeFetchers: Partial<Record<NodeTypeName, NodeFetcher>> = {
  ...Object.fromEntries((Object.keys(PATHS) as CivisType[]).map((type) => [type, (ctx: Context, id: string) => loadCivis<object>(ctx, type, Number(id))])),
  CivisUser: (ctx, id) => ctx.civis.user.load(Number(id)),
  CivisJobRun: (ctx, id) => {
    const [jobId, runId] = id.split(':').map(Number) as [number, number];
    return loadRun(ctx, jobId, runId);
  },
};

async function databases(ctx: Context): Promise<CivisDatabase[]> {
  const all = await ctx.civis.get<CivisDatabase[]>('/databases/', '/databases/');
  return Array.isArray(all) ? all : [];
}

/** civis-python's `get_database_id`: the database with exactly this name. */
async function databaseByName(ctx: Context, name: string, argName: string): Promise<CivisDatabase> {
  const all = await databases(ctx);
  const db = all.find((d) => d.name === name);
  if (!db) {
    const known = all.slice(0, 20).map((d) => quote(d.name)).join(', ');
    throw new AugurError(ErrorCode.NOT_FOUND, `Civis has no database named ${quote(name)} (argument "${argName}"); databases visible to this key: ${known || 'none'}.`, {
      platform: 'civis',
      param: argName,
    });
  }
  return db;
}

/** A database argument: a global id, a Civis id, or a name (looked up in `GET /databases/`). */
async function databaseIdOf(ctx: Context, arg: string, argName: string): Promise<number> {
  if (NUMERIC_ID.test(arg)) return Number(arg);
  const decoded = ctx.services.codec.tryDecode(arg);
  if (decoded) return civisId(ctx, arg, 'CivisDatabase', argName);
  return (await databaseByName(ctx, arg, argName)).id;
}

function userIds(ctx: Context, ids: InputMaybe<string[]> | undefined, argName: string): string | undefined {
  if (!ids || ids.length === 0) return undefined;
  const max = ctx.services.config.limits.maxIds;
  if (ids.length > max) throw badInput(`${argName} accepts at most ${max} ids (AUGUR_MAX_IDS), got ${ids.length}.`, { param: argName, limit: 'maxIds', max });
  return ids.map((id, i) => civisId(ctx, id, 'CivisUser', `${argName}[${i}]`)).join(',');
}

function states(values: InputMaybe<string[]> | undefined): string | undefined {
  return values && values.length > 0 ? values.join(',') : undefined;
}

function flag(value: InputMaybe<boolean> | undefined): boolean | undefined {
  return value === null || value === undefined ? undefined : value;
}

const ORDER_FIELD: Record<CivisOrder['field'], string> = { UPDATED_AT: 'updated_at', CREATED_AT: 'created_at', NAME: 'name' };

interface OrderParams {
  order: string;
  order_dir: 'asc' | 'desc';
}

function orderParams(order: InputMaybe<CivisOrder> | undefined): OrderParams | undefined {
  if (!order) return undefined;
  return { order: ORDER_FIELD[order.field], order_dir: order.direction === 'DESC' ? 'desc' : 'asc' };
}

/**
 * A page source over one Civis list. With an explicit order it is reversible by flipping `order_dir` (Civis breaks
 * ties by id in the same direction, so the flipped list is the exact reverse); Civis's default orders are not
 * assumed to be.
 */
function civisSource<W, T>(ctx: Context, spec: ListSpec, params: CivisParams, order: OrderParams | undefined, map: (item: W) => T): PageSource<T> {
  const read = (p: CivisParams) => async (page: number, size: number) => {
    const result = await ctx.civis.list<W>(spec.path, spec.route, p, page, size);
    return { items: result.items.map(map), total: result.total };
  };
  const source: PageSource<T> = { maxPageSize: spec.maxLimit, fetchPage: read({ ...params, ...order }) };
  if (order) source.fetchReversedPage = read({ ...params, order: order.order, order_dir: order.order_dir === 'asc' ? 'desc' : 'asc' });
  return source;
}

/** A connection over a paginated Civis list; cursors are bound to the list, its filters and its order. */
function connection<W, T = W>(
  ctx: Context,
  name: string,
  spec: ListSpec,
  params: CivisParams,
  args: ConnectionArgs,
  order?: InputMaybe<CivisOrder>,
  map: (item: W) => T = (item) => item as unknown as T,
) {
  const o = orderParams(order);
  const shaping = { path: spec.path, params, order: o ?? null };
  return resolveConnection<T>(name, shaping, args, civisSource<W, T>(ctx, spec, params, o, map), ctx.services.codec, ctx.services.config.paging);
}

/** A connection over one of Civis's unpaginated lists (`/databases/`, `/predictions/`); the paging arguments are checked before the call. */
async function arrayConnection<T>(ctx: Context, name: string, shaping: unknown, args: ConnectionArgs, fetch: () => Promise<T[]>) {
  const { codec, config } = ctx.services;
  connectionFromArray(name, shaping, args, [], codec, config.paging);
  return connectionFromArray(name, shaping, args, await fetch(), codec, config.paging);
}

function runsConnection(ctx: Context, jobId: number, args: ConnectionArgs) {
  return connection<CivisRun, CivisJobRunParent>(ctx, 'runs', list(`/jobs/${jobId}/runs`, 100), {}, args, undefined, (r) => ({ ...r, jobId }));
}

function predictionsConnection(ctx: Context, modelId: number | undefined, args: ConnectionArgs) {
  const params = modelId === undefined ? {} : { model_id: modelId };
  const path = modelId === undefined ? '/predictions/' : `/predictions/?model_id=${modelId}`;
  return arrayConnection(ctx, 'predictions', params, args, async () => {
    const all = await ctx.civis.get<CivisPrediction[]>(path, '/predictions/');
    return Array.isArray(all) ? all : [];
  });
}

function tablesConnection(ctx: Context, databaseId: number | undefined, a: { schema?: InputMaybe<string>; name?: InputMaybe<string>; search?: InputMaybe<string> } & ConnectionArgs) {
  const params: CivisParams = { database_id: databaseId, schema: a.schema ?? undefined, name: a.name ?? undefined, search: a.search ?? undefined };
  return connection<CivisTableSummary>(ctx, 'tables', LISTS.tables, params, a);
}

/**
 * Splits `schema.table` as civis-python's `split_schema_tablename`: either part may be double-quoted (a doubled quote
 * is a literal one) to hold dots; a name without a dot has no schema.
 */
export function splitSchemaTable(text: string, argName = 'name'): { schema: string | undefined; table: string } {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') current += ch;
      else if (text[i + 1] === '"') {
        current += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '.') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  if (quoted || parts.length > 2 || parts.some((p) => p === '')) {
    throw badInput(`Argument "${argName}" must be "schema.table" (double-quote a part that contains dots), got ${quote(text)}.`, {
      param: argName,
    });
  }
  return parts.length === 1 ? { schema: undefined, table: parts[0]! } : { schema: parts[0], table: parts[1]! };
}

/** Re-raises an error with a secret cut out of its message (Civis is not expected to echo a password, but never trusted to). */
async function withoutSecret<T>(secret: string | null | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (secret && e instanceof Error && e.message.includes(secret)) {
      const message = e.message.split(secret).join('[REDACTED]');
      if (e instanceof AugurError) throw new AugurError(e.code, message, e.details);
      throw new AugurError(ErrorCode.UPSTREAM_ERROR, 'Civis Platform failed while handling the credential.', { platform: 'civis' });
    }
    throw e;
  }
}

/** Copies the given fields (`undefined` omitted; `null` kept only where Civis accepts it as "clear"). */
function credentialBody(
  input: {
    type?: InputMaybe<string>;
    name?: InputMaybe<string>;
    username?: InputMaybe<string>;
    password?: InputMaybe<string>;
    description?: InputMaybe<string>;
    remoteHostId?: InputMaybe<number>;
    state?: InputMaybe<string>;
    default?: InputMaybe<boolean>;
  },
): CivisCredentialWrite {
  const out: CivisCredentialWrite = {};
  if (input.type != null) out.type = input.type;
  if (input.name != null) out.name = input.name;
  if (input.password != null) out.password = input.password;
  if (input.default != null) out.default = input.default;
  if (input.username !== undefined) out.username = input.username;
  if (input.description !== undefined) out.description = input.description;
  if (input.remoteHostId !== undefined) out.remoteHostId = input.remoteHostId;
  if (input.state !== undefined) out.state = input.state;
  return out;
}

/** Reads a field of a user from the shape at hand, or from `GET /users/{id}` (once per user and request) when it lacks it. */
function userField<V>(pick: (u: CivisUserParent) => V | undefined) {
  return async (u: CivisUserParent, _a: unknown, ctx: Context): Promise<V | null> => {
    const v = pick(u);
    if (v !== undefined) return v;
    const detail: CivisUserDetail = await ctx.civis.user.load(u.id);
    return pick(detail as CivisUserParent) ?? null;
  };
}

/** Reads a field only `GET /{resource}/{id}` carries: from the parent when it is already the detail, else loaded. */
function detailField<D extends { id: number }, V>(type: CivisType, marker: keyof D, pick: (d: D) => V) {
  return async (parent: { id: number }, _a: unknown, ctx: Context): Promise<V> => {
    const detail = marker in parent ? (parent as D) : await loadCivis<D>(ctx, type, parent.id);
    return pick(detail);
  };
}

const gid = (type: NodeTypeName) => (o: { id: number }, _a: unknown, ctx: Context) => ctx.services.codec.encode(type, String(o.id));
const date = (v: string | null | undefined) => (v ? v : null);
/**
 * A wire state as the `CivisRunState` enum's internal value (null for a state this schema does not know). The cast
 * works around typescript-resolvers typing enums with object `enumValues` as `null` (graphql-code-generator #10204).
 */
const runState = (v: string | null | undefined) => (v && RUN_STATES.has(v) ? v : null) as never;
const jobRun = (jobId: number, run: CivisRun | null | undefined): CivisJobRunParent | null => (run ? { ...run, jobId } : null);

export const civisResolvers: Resolvers = {
  Query: {
    civis: () => ({}),
    credentials: (_p, args, ctx) => {
      if (args.default === false) {
        throw badInput('Civis can only narrow credentials to the default one: pass default: true, or leave default out to list them all.', { param: 'default' });
      }
      if (args.name != null && args.name.length > 200) throw badInput('name may have at most 200 characters.', { param: 'name', limit: 'maxNameLength', max: 200 });
      const params: CivisParams = {
        type: states(args.type),
        name: args.name || undefined,
        users: userIds(ctx, args.owner, 'owner'),
        default: args.default === true ? true : undefined,
        remote_host_id: args.remoteHostId ?? undefined,
      };
      return connection<CivisCredential>(ctx, 'credentials', LISTS.credentials, params, args, args.orderBy);
    },
  },
  Mutation: {
    runCivisJob: async (_p, { job }, ctx) => {
      const id = civisId(ctx, job, ['CivisJob', 'CivisScript', 'CivisImport'], 'job');
      try {
        return jobRun(id, await ctx.services.civis.runJob(call(ctx), id));
      } catch (e) {
        if (e instanceof AugurError && e.details['upstreamCode'] === 'already_running') {
          throw new AugurError(
            ErrorCode.UPSTREAM_ERROR,
            `Civis job ${id} already has a queued or running run, and Civis runs a job once at a time. Wait until civis { job(id: "${id}") { lastRun { state } } } has finished, then start it again.`,
            e.details,
          );
        }
        throw e;
      }
    },
    createCivisQuery: async (_p, { input }, ctx) => {
      if (!input.sql.trim()) throw badInput('input.sql is blank; pass the SQL to run.', { param: 'input.sql' });
      if (input.previewRows != null && (input.previewRows < 0 || input.previewRows > 1000)) {
        throw badInput(`input.previewRows must be between 0 and 1000, got ${input.previewRows}.`, { param: 'input.previewRows' });
      }
      const body: CivisQueryWrite = { database: await databaseIdOf(ctx, input.database, 'input.database'), sql: input.sql };
      if (input.credential != null) body.credential = civisId(ctx, input.credential, 'Credential', 'input.credential');
      if (input.previewRows != null) body.previewRows = input.previewRows;
      if (input.hidden != null) body.hidden = input.hidden;
      return ctx.services.civis.createQuery(call(ctx), body);
    },
    createCredential: (_p, { input }, ctx) => {
      if (input.password === '') throw badInput('input.password is empty; Civis needs the secret to store.', { param: 'input.password' });
      return withoutSecret(input.password, () => ctx.services.civis.createCredential(call(ctx), credentialBody(input)));
    },
    updateCredential: (_p, { id, input }, ctx) => {
      const civis = civisId(ctx, id, 'Credential');
      const body = credentialBody(input);
      if (Object.keys(body).length === 0) throw badInput('input changes nothing; pass at least one field to update.', { param: 'input' });
      return withoutSecret(input.password, () => ctx.services.civis.updateCredential(call(ctx), civis, body));
    },
    deleteCredential: async (_p, { id }, ctx) => {
      const civis = civisId(ctx, id, 'Credential');
      await ctx.services.civis.deleteCredential(call(ctx), civis);
      return { deletedId: ctx.services.codec.encode('Credential', String(civis)) };
    },
  },
  Civis: {
    me: (_r, _a, ctx) => ctx.civis.me(),
    defaultCredential: async (_r, _a, ctx) => {
      const page = await ctx.civis.list<CivisCredential>('/credentials/', '/credentials/', { default: true }, 0, 1);
      return page.items[0] ?? null;
    },
    awsCredential: async (_r, { name, owner }, ctx) => {
      const page = await ctx.civis.list<CivisCredential>('/credentials/', '/credentials/', { type: AWS }, 0, HELPER_LIMIT);
      let found = page.items.filter((c) => c.name === name);
      if (owner != null) found = found.filter((c) => c.owner === owner);
      if (found.length === 0) {
        throw new AugurError(ErrorCode.NOT_FOUND, `Civis has no AWS credential named ${quote(name)}${owner != null ? ` owned by ${quote(owner)}` : ''} that this key can read.`, {
          platform: 'civis',
        });
      }
      if (found.length > 1 && owner == null) {
        // As civis-python: several owners share the name, so prefer the caller's own.
        const me = await ctx.civis.me();
        const mine = found.filter((c) => c.owner === me.username);
        if (mine.length === 0) {
          const owners = [...new Set(found.map((c) => quote(c.owner)))].join(', ');
          throw badInput(`The AWS credential name ${quote(name)} is ambiguous: it is owned by ${owners}, none of them you (${quote(me.username)}). Pass owner.`, {
            param: 'owner',
          });
        }
        found = mine;
      }
      return found[0]!;
    },
    databaseCredential: async (_r, { username, database }, ctx) => {
      let match: (c: CivisCredential) => boolean;
      if (NUMERIC_ID.test(database) || ctx.services.codec.tryDecode(database)) {
        const hostId = civisId(ctx, database, 'CivisDatabase', 'database');
        match = (c) => c.remoteHostId === hostId;
      } else match = (c) => c.remoteHostName === database;
      const page = await ctx.civis.list<CivisCredential>('/credentials/', '/credentials/', { type: 'Database' }, 0, HELPER_LIMIT);
      const found = page.items.find((c) => c.username === username && match(c));
      if (!found) {
        throw new AugurError(ErrorCode.NOT_FOUND, `Civis has no Database credential for username ${quote(username)} on database ${quote(database)} that this key can read.`, {
          platform: 'civis',
        });
      }
      return found;
    },
    credential: (_r, { id }, ctx) => loadCivis(ctx, 'Credential', civisId(ctx, id, 'Credential')),
    databases: (_r, args, ctx) => arrayConnection(ctx, 'databases', {}, args, () => databases(ctx)),
    database: (_r, { id, name }, ctx) => {
      if ((id == null) === (name == null)) throw badInput('Pass exactly one of "id" and "name".', { param: id == null ? 'id' : 'name' });
      if (id != null) return loadCivis(ctx, 'CivisDatabase', civisId(ctx, id, 'CivisDatabase'));
      return databaseByName(ctx, name!, 'name');
    },
    tables: async (_r, args, ctx) => tablesConnection(ctx, args.database != null ? await databaseIdOf(ctx, args.database, 'database') : undefined, args),
    table: async (_r, { id, name, database }, ctx) => {
      if (id != null) {
        if (name != null || database != null) throw badInput('Pass either "id", or "name" with "database", not both.', { param: 'id' });
        return loadCivis(ctx, 'CivisTable', civisId(ctx, id, 'CivisTable'));
      }
      if (name == null || database == null) throw badInput('Pass either "id", or "name" ("schema.table") with "database".', { param: name == null ? 'name' : 'database' });
      const { schema, table } = splitSchemaTable(name);
      const databaseId = await databaseIdOf(ctx, database, 'database');
      const page = await ctx.civis.list<CivisTableSummary>('/tables/', '/tables/', { database_id: databaseId, schema, name: table }, 0, 1);
      const found = page.items[0];
      if (!found) {
        throw new AugurError(ErrorCode.NOT_FOUND, `Civis has no table ${quote(name)} in database ${quote(database)} that this key can see.`, { platform: 'civis', param: 'name' });
      }
      return found;
    },
    files: async (_r, args, ctx) => {
      try {
        return await connection(ctx, 'files', LISTS.files, { author: userIds(ctx, args.author, 'author') }, args);
      } catch (err) {
        // Civis's published API has no file listing (`/files/` takes POST only); a platform without one answers 404.
        if (err instanceof AugurError && err.code === ErrorCode.NOT_FOUND && err.details.upstreamStatus === 404) {
          throw new AugurError(
            ErrorCode.NOT_FOUND,
            'This Civis platform does not list files (GET /files/ answered 404). Read a file by id with `civis { file(id:) }`; a project lists its files.',
            { platform: 'civis', upstreamStatus: 404 },
            { cause: err },
          );
        }
        throw err;
      }
    },
    file: (_r, { id }, ctx) => loadCivis(ctx, 'CivisFile', civisId(ctx, id, 'CivisFile')),
    imports: (_r, args, ctx) =>
      connection(ctx, 'imports', LISTS.imports, { status: states(args.status), author: userIds(ctx, args.author, 'author'), archived: flag(args.archived) }, args, args.orderBy),
    import: (_r, { id }, ctx) => loadCivis(ctx, 'CivisImport', civisId(ctx, id, 'CivisImport')),
    jobs: (_r, args, ctx) =>
      connection(
        ctx,
        'jobs',
        LISTS.jobs,
        { state: states(args.state), q: args.search || undefined, author: userIds(ctx, args.author, 'author'), archived: flag(args.archived) },
        args,
      ),
    job: (_r, { id }, ctx) => loadCivis(ctx, 'CivisJob', civisId(ctx, id, ['CivisJob', 'CivisScript', 'CivisImport'])),
    models: (_r, args, ctx) =>
      connection(ctx, 'models', LISTS.models, { model_name: args.name || undefined, author: userIds(ctx, args.author, 'author'), archived: flag(args.archived) }, args),
    model: (_r, { id }, ctx) => loadCivis(ctx, 'CivisModel', civisId(ctx, id, 'CivisModel')),
    predictions: (_r, args, ctx) => predictionsConnection(ctx, args.model != null ? civisId(ctx, args.model, 'CivisModel', 'model') : undefined, args),
    prediction: (_r, { id }, ctx) => loadCivis(ctx, 'CivisPrediction', civisId(ctx, id, 'CivisPrediction')),
    projects: (_r, args, ctx) =>
      connection(ctx, 'projects', LISTS.projects, { author: userIds(ctx, args.author, 'author'), archived: flag(args.archived) }, args, args.orderBy),
    project: (_r, { id }, ctx) => loadCivis(ctx, 'CivisProject', civisId(ctx, id, 'CivisProject')),
    queries: async (_r, args, ctx) =>
      connection(ctx, 'queries', LISTS.queries, { database_id: args.database != null ? await databaseIdOf(ctx, args.database, 'database') : undefined }, args),
    query: (_r, { id }, ctx) => loadCivis(ctx, 'CivisQuery', civisId(ctx, id, 'CivisQuery')),
    reports: (_r, args, ctx) =>
      connection(ctx, 'reports', LISTS.reports, { author: userIds(ctx, args.author, 'author'), archived: flag(args.archived) }, args, args.orderBy),
    report: (_r, { id }, ctx) => loadCivis(ctx, 'CivisReport', civisId(ctx, id, 'CivisReport')),
    scripts: (_r, args, ctx) =>
      connection(ctx, 'scripts', LISTS.scripts, { status: states(args.status), author: userIds(ctx, args.author, 'author'), archived: flag(args.archived) }, args, args.orderBy),
    script: (_r, { id }, ctx) => loadCivis(ctx, 'CivisScript', civisId(ctx, id, 'CivisScript')),
    users: (_r, args, ctx) => connection(ctx, 'users', LISTS.users, { query: args.search || undefined }, args),
    user: (_r, { id }, ctx) => ctx.civis.user.load(civisId(ctx, id, 'CivisUser')),
  },
  Credential: {
    id: gid('Credential'),
    civisId: (c) => c.id,
    type: (c) => (CREDENTIAL_TYPES.has(c.type) ? c.type : null) as never,
    typeName: (c) => c.type,
    owner: (c) => c.user ?? null,
    ownerUsername: (c) => c.owner ?? null,
    default: (c) => c.default === true,
    oauth: (c) => c.oauth === true,
    createdAt: (c) => date(c.createdAt),
    updatedAt: (c) => date(c.updatedAt),
  },
  CivisUser: {
    id: gid('CivisUser'),
    civisId: (u) => u.id,
    // Embedded references and `/users/me` say `username`; `/users/` and `/users/{id}` say `user`.
    username: userField((u) => u.username ?? u.user),
    name: userField((u) => u.name),
    initials: userField((u) => u.initials),
    online: (u) => u.online ?? null,
    email: userField((u) => u.email),
    active: userField((u) => u.active),
    accountStatus: userField((u) => u.accountStatus),
    title: userField((u) => u.title),
    department: userField((u) => u.department),
    timeZone: userField((u) => u.timeZone),
    groups: userField((u) => u.groups),
    createdAt: userField((u) => u.createdAt),
    lastSeenAt: userField((u) => u.lastSeenAt),
  },
  CivisGroup: {
    civisId: (g) => g.id,
  },
  CivisDatabase: {
    id: gid('CivisDatabase'),
    civisId: (d) => d.id,
    schemas: async (d, _a, ctx) => {
      const rows = await ctx.civis.get<Array<{ schema: string }>>(`/databases/${d.id}/schemas`, '/databases/{id}/schemas');
      return Array.isArray(rows) ? rows.map((r) => r.schema) : [];
    },
    tables: (d, args, ctx) => tablesConnection(ctx, d.id, args),
  },
  CivisTable: {
    id: gid('CivisTable'),
    civisId: (t) => t.id,
    fullName: (t) => `${t.schema}.${t.name}`,
    lastRefresh: (t) => date(t.lastRefresh),
    tags: (t) => t.tableTags ?? [],
    primaryKeys: detailField<CivisTableDetail, string[]>('CivisTable', 'primaryKeys', (d) => d.primaryKeys ?? []),
    dataUpdatedAt: detailField<CivisTableDetail, string | null>('CivisTable', 'dataUpdatedAt', (d) => date(d.dataUpdatedAt)),
    schemaUpdatedAt: detailField<CivisTableDetail, string | null>('CivisTable', 'schemaUpdatedAt', (d) => date(d.schemaUpdatedAt)),
    database: (t, _a, ctx) => loadCivis(ctx, 'CivisDatabase', t.databaseId),
    columns: (t, args, ctx) => connection(ctx, 'columns', list(`/tables/${t.id}/columns`, 50), { name: args.name || undefined }, args),
  },
  CivisTableTag: {
    civisId: (t) => t.id,
  },
  CivisFile: {
    id: gid('CivisFile'),
    civisId: (f) => f.id,
    createdAt: (f) => date(f.createdAt),
    expiresAt: (f) => date(f.expiresAt),
    author: (f) => f.author ?? null,
  },
  CivisImport: {
    id: gid('CivisImport'),
    civisId: (i) => i.id,
    state: (i) => runState(i.state),
    scheduled: (i) => i.schedule?.scheduled ?? null,
    createdAt: (i) => date(i.createdAt),
    updatedAt: (i) => date(i.updatedAt),
    author: (i) => i.user ?? null,
    lastRun: (i) => jobRun(i.id, i.lastRun),
    runs: (i, args, ctx) => runsConnection(ctx, i.id, args),
  },
  CivisJob: {
    id: gid('CivisJob'),
    civisId: (j) => j.id,
    state: (j) => runState(j.state),
    scheduled: (j) => j.schedule?.scheduled ?? null,
    createdAt: (j) => date(j.createdAt),
    updatedAt: (j) => date(j.updatedAt),
    author: (j) => j.author ?? null,
    lastRun: (j) => jobRun(j.id, j.lastRun),
    runs: (j, args, ctx) => runsConnection(ctx, j.id, args),
    run: (j, { id }, ctx) => {
      let runId: number;
      if (NUMERIC_ID.test(id)) runId = Number(id);
      else {
        const [jobId, run] = ctx.services.codec.decode(id, ['CivisJobRun']).localId.split(':').map(Number) as [number, number];
        if (jobId !== j.id) throw badInput(`Argument "id" is a run of job ${jobId}, not of job ${j.id}.`, { param: 'id' });
        runId = run;
      }
      return loadRun(ctx, j.id, runId);
    },
  },
  CivisJobRun: {
    id: (r, _a, ctx) => ctx.services.codec.encode('CivisJobRun', `${r.jobId}:${r.id}`),
    civisId: (r) => r.id,
    state: (r) => runState(r.state),
    createdAt: (r) => date(r.createdAt),
    startedAt: (r) => date(r.startedAt),
    finishedAt: (r) => date(r.finishedAt),
    job: (r, _a, ctx) => loadCivis(ctx, 'CivisJob', r.jobId),
  },
  CivisRunStatus: {
    civisId: (r) => r.id,
    state: (r) => runState(r.state),
    createdAt: (r) => date(r.createdAt),
    startedAt: (r) => date(r.startedAt),
    finishedAt: (r) => date(r.finishedAt),
  },
  CivisModel: {
    id: gid('CivisModel'),
    civisId: (m) => m.id,
    name: (m) => m.modelName,
    database: (m, _a, ctx) => loadCivis(ctx, 'CivisDatabase', m.databaseId),
    activeBuildId: detailField<CivisModelDetail, number | null>('CivisModel', 'activeBuildId', (d) => d.activeBuildId ?? null),
    createdAt: (m) => date(m.createdAt),
    updatedAt: (m) => date(m.updatedAt),
    author: (m) => m.user ?? null,
    lastRun: (m) => m.lastRun ?? null,
    predictions: (m, args, ctx) => predictionsConnection(ctx, m.id, args),
  },
  CivisPrediction: {
    id: gid('CivisPrediction'),
    civisId: (p) => p.id,
    state: (p) => runState(p.state),
    primaryKey: detailField<CivisPredictionDetail, string[]>('CivisPrediction', 'primaryKey', (d) => d.primaryKey ?? []),
    startedAt: (p) => date(p.startedAt),
    finishedAt: (p) => date(p.finishedAt),
    lastRun: (p) => p.lastRun ?? null,
    model: (p, _a, ctx) => loadCivis(ctx, 'CivisModel', p.modelId),
    scoredTable: (p, _a, ctx) => loadCivis(ctx, 'CivisTable', p.scoredTableId),
  },
  CivisProject: {
    id: gid('CivisProject'),
    civisId: (p) => p.id,
    note: detailField<CivisProjectDetail, string | null>('CivisProject', 'note', (d) => d.note ?? null),
    myPermissionLevel: detailField<CivisProjectDetail, string | null>('CivisProject', 'myPermissionLevel', (d) => d.myPermissionLevel ?? null),
    objects: detailField<CivisProjectDetail, CivisProjectObjectShape[]>('CivisProject', 'allObjects', (d) => d.allObjects ?? []),
    createdAt: (p) => date(p.createdAt),
    updatedAt: (p) => date(p.updatedAt),
    author: (p) => p.author ?? null,
    members: (p) => p.users ?? [],
  },
  CivisProjectObject: {
    civisId: (o) => o.objectId,
    updatedAt: (o) => date(o.updatedAt),
  },
  CivisQuery: {
    id: gid('CivisQuery'),
    civisId: (q) => q.id,
    state: (q) => runState(q.state),
    createdAt: (q) => date(q.createdAt),
    startedAt: (q) => date(q.startedAt),
    finishedAt: (q) => date(q.finishedAt),
    updatedAt: (q) => date(q.updatedAt),
    databaseId: (q) => q.database,
    database: (q, _a, ctx) => loadCivis(ctx, 'CivisDatabase', q.database),
    credentialId: (q) => q.credential,
    credential: (q, _a, ctx) => (q.credential ? loadCivis(ctx, 'Credential', q.credential) : null),
    author: (q) => q.author ?? null,
  },
  CivisReport: {
    id: gid('CivisReport'),
    civisId: (r) => r.id,
    state: (r) => runState(r.state),
    createdAt: (r) => date(r.createdAt),
    updatedAt: (r) => date(r.updatedAt),
    finishedAt: (r) => date(r.finishedAt),
    author: (r) => r.user ?? null,
    script: (r, _a, ctx) => (r.script ? loadCivis(ctx, 'CivisScript', r.script.id) : null),
    lastRun: (r) => r.lastRun ?? null,
  },
  CivisScript: {
    id: gid('CivisScript'),
    civisId: (s) => s.id,
    state: (s) => runState(s.state),
    createdAt: (s) => date(s.createdAt),
    updatedAt: (s) => date(s.updatedAt),
    finishedAt: (s) => date(s.finishedAt),
    author: (s) => s.author ?? null,
    sql: detailField<CivisScriptDetail, string | null>('CivisScript', 'sql', (d) => d.sql ?? null),
    source: detailField<CivisScriptDetail, string | null>('CivisScript', 'source', (d) => d.source ?? null),
    lastRun: (s) => jobRun(s.id, s.lastRun),
    runs: (s, args, ctx) => runsConnection(ctx, s.id, args),
  },
};
