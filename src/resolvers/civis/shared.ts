/**
 * Not public: what the Civis resolver maps share. Reading ids (global ids, and Civis's own ids where an argument is
 * named `platformId`), loading objects through the request's loaders, connections over Civis's paginated and
 * unpaginated lists, and the small field mappers.
 */
import { ENUM_VALUES } from '../enums.js';
import type { CivisOrder, InputMaybe } from '../../generated/resolvers.js';
import { connectionFromArray, resolveConnection, type ConnectionArgs, type PageSource } from '../../relay/connection.js';
import type { NodeTypeName } from '../../relay/ids.js';
import type { Context } from '../context.js';
import { AugurError, ErrorCode, badInput, quote } from '../../core/errors.js';
import type { CivisCallContext, CivisCollection, CivisList, CivisParams } from '../../upstreams/civis/client.js';
import type { CivisJobRunParent } from '../../upstreams/civis/jobTypes.js';
import type { CivisRun } from '../../upstreams/civis/types.js';

/** Civis object types addressable by a numeric Civis id. */
export type CivisType =
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

/** The collection each type is read from by id. */
export const COLLECTIONS: Record<CivisType, CivisCollection> = {
  Credential: 'credentials',
  CivisDatabase: 'databases',
  CivisTable: 'tables',
  CivisFile: 'files',
  CivisImport: 'imports',
  CivisJob: 'jobs',
  CivisModel: 'models',
  CivisPrediction: 'predictions',
  CivisProject: 'projects',
  CivisQuery: 'queries',
  CivisReport: 'reports',
  CivisScript: 'scripts',
};

const NUMERIC_ID = /^[0-9]{1,15}$/;
const RUN_STATES = new Set<string>(Object.values(ENUM_VALUES.CivisRunState));

/** The caller's Civis key and the operation's budget, for calls made through the client (writes). */
export function call(ctx: Context): CivisCallContext {
  return { apiKey: ctx.credential('civis'), budget: ctx.budget };
}

/** Reads a global id argument (of one of `types`) as the Civis id it stands for. */
export function civisId(ctx: Context, arg: string, types: NodeTypeName | readonly NodeTypeName[], argName = 'id'): number {
  const expected = typeof types === 'string' ? [types] : types;
  return Number(ctx.services.codec.decode(arg, expected, argName).localId);
}

/** Reads a `platformId` argument: Civis's own id of an object, a positive integer written as a string. */
export function platformIdArg(arg: string, argName = 'platformId'): number {
  if (!NUMERIC_ID.test(arg) || Number(arg) === 0) {
    throw badInput(`Argument "${argName}" must be Civis's own id (digits, as \`platformId\` gives it), got ${quote(arg)}.`, {
      param: argName,
    });
  }
  return Number(arg);
}

/** The ways to name one object: its global id, or Civis's own id. */
export interface IdOrPlatformId {
  id?: InputMaybe<string>;
  platformId?: InputMaybe<string>;
}

/** Reads a single-object look-up's `id` or `platformId` (exactly one) as the Civis id. */
export function lookupId(ctx: Context, args: IdOrPlatformId, types: NodeTypeName | readonly NodeTypeName[]): number {
  if ((args.id == null) === (args.platformId == null)) {
    throw badInput('Pass exactly one of "id" (a global id) and "platformId" (Civis\'s own id).', {
      param: args.id == null ? 'id' : 'platformId',
    });
  }
  return args.id != null ? civisId(ctx, args.id, types) : platformIdArg(args.platformId!);
}

/** Loads one Civis object by its type and Civis id, through the request's loaders. */
export function loadCivis<T>(ctx: Context, type: CivisType, id: number): Promise<T> {
  return ctx.civis.get<T>(COLLECTIONS[type], id);
}

/** A list-of-users argument as Civis's comma list of user ids (at most `maxIds`). */
export function userIds(ctx: Context, ids: InputMaybe<string[]> | undefined, argName: string): string | undefined {
  return globalIds(ctx, ids, 'CivisUser', argName);
}

function checkCount(ctx: Context, ids: readonly string[], argName: string): void {
  const max = ctx.services.config.limits.maxIds;
  if (ids.length > max)
    throw badInput(`${argName} accepts at most ${max} ids (AUGUR_MAX_IDS), got ${ids.length}.`, { param: argName, limit: 'maxIds', max });
}

/** A list of global ids of one type as Civis's comma list of its ids (at most `maxIds`); undefined when empty. */
export function globalIds(ctx: Context, ids: InputMaybe<string[]> | undefined, type: NodeTypeName, argName: string): string | undefined {
  if (!ids || ids.length === 0) return undefined;
  checkCount(ctx, ids, argName);
  return ids.map((id, i) => civisId(ctx, id, type, `${argName}[${i}]`)).join(',');
}

/** A list of Civis's own ids (`platformId`s) as its comma list (at most `maxIds`); undefined when empty. */
export function platformIds(ctx: Context, ids: InputMaybe<string[]> | undefined, argName: string): string | undefined {
  if (!ids || ids.length === 0) return undefined;
  checkCount(ctx, ids, argName);
  return ids.map((id, i) => platformIdArg(id, `${argName}[${i}]`)).join(',');
}

/** A list of states as Civis's comma list. */
export function states(values: InputMaybe<string[]> | undefined): string | undefined {
  return values && values.length > 0 ? values.join(',') : undefined;
}

export function flag(value: InputMaybe<boolean> | undefined): boolean | undefined {
  return value === null || value === undefined ? undefined : value;
}

const ORDER_FIELD: Record<CivisOrder['field'], string> = {
  UPDATED_AT: 'updated_at',
  CREATED_AT: 'created_at',
  NAME: 'name',
  LAST_RUN_UPDATED_AT: 'last_run.updated_at',
};

/** Civis's `order` and `order_dir`, as a list is asked for them. */
export interface OrderParams {
  order: string;
  order_dir: 'asc' | 'desc';
}

/** An order argument whose field's internal value is Civis's own name of it (the per-list order enums). */
export function civisOrder(order: InputMaybe<{ field: string; direction?: InputMaybe<string> }> | undefined): OrderParams | undefined {
  if (!order) return undefined;
  return { order: order.field, order_dir: order.direction === 'DESC' ? 'desc' : 'asc' };
}

function orderParams(order: InputMaybe<CivisOrder> | OrderParams | undefined): OrderParams | undefined {
  if (!order) return undefined;
  if ('order' in order) return order;
  return { order: ORDER_FIELD[order.field], order_dir: order.direction === 'DESC' ? 'desc' : 'asc' };
}

/**
 * A page source over one Civis list. With an explicit order it is reversible by flipping `order_dir` (Civis breaks
 * ties by id in the same direction, so the flipped list is the exact reverse); Civis's default orders are not
 * assumed to be.
 */
function civisSource<W, T>(
  ctx: Context,
  list: CivisList,
  params: CivisParams,
  order: OrderParams | undefined,
  map: (item: W) => T,
): PageSource<T> {
  const read = (p: CivisParams) => async (page: number, size: number) => {
    const result = await ctx.civis.list<W>(list, p, page, size);
    return { items: result.items.map(map), total: result.total };
  };
  const source: PageSource<T> = { maxPageSize: list.maxLimit, fetchPage: read({ ...params, ...order }) };
  if (order) source.fetchReversedPage = read({ ...params, order: order.order, order_dir: order.order_dir === 'asc' ? 'desc' : 'asc' });
  return source;
}

/** A connection over a paginated Civis list; cursors are bound to the list, its filters and its order. */
export function connection<W, T = W>(
  ctx: Context,
  name: string,
  list: CivisList,
  params: CivisParams,
  args: ConnectionArgs,
  order?: InputMaybe<CivisOrder> | OrderParams,
  map: (item: W) => T = (item) => item as unknown as T,
) {
  const o = orderParams(order);
  if (o?.order === 'last_run.updated_at' && !list.runOrdered) {
    throw badInput(`Argument "orderBy.field" LAST_RUN_UPDATED_AT orders scripts, imports and reports only; ${name} have no runs.`, {
      param: 'orderBy.field',
    });
  }
  const shaping = { path: list.path, params, order: o ?? null };
  return resolveConnection<T>(
    name,
    shaping,
    args,
    civisSource<W, T>(ctx, list, params, o, map),
    ctx.services.codec,
    ctx.services.config.paging,
  );
}

/** A connection over one of Civis's unpaginated lists (databases, predictions); the paging arguments are checked before the call. */
export async function arrayConnection<T>(ctx: Context, name: string, shaping: unknown, args: ConnectionArgs, fetch: () => Promise<T[]>) {
  const { codec, config } = ctx.services;
  connectionFromArray(name, shaping, args, [], codec, config.paging);
  return connectionFromArray(name, shaping, args, await fetch(), codec, config.paging);
}

/** Reads a field only the object read by id carries: from the parent when it is already that detail, else loaded. */
export function detailField<D extends { id: number }, V>(type: CivisType, marker: keyof D, pick: (d: D) => V) {
  return async (parent: { id: number }, _a: unknown, ctx: Context): Promise<V> => {
    const detail = marker in parent ? (parent as D) : await loadCivis<D>(ctx, type, parent.id);
    return pick(detail);
  };
}

export const gid = (type: NodeTypeName) => (o: { id: number }, _a: unknown, ctx: Context) => ctx.services.codec.encode(type, String(o.id));
/** Civis's own id as `platformId` serves it. */
export const pid = (o: { id: number }) => String(o.id);
/** Another object's Civis id as a `...PlatformId` field serves it. */
export const idString = (v: number | null | undefined) => (v == null ? null : String(v));
/**
 * A wire state as the `CivisRunState` enum's internal value. Civis documents every state it reports; one outside
 * that list breaks its contract and fails the field. The cast works around typescript-resolvers typing enums with
 * object `enumValues` as `null` (graphql-code-generator #10204).
 */
export const runState = (v: string | null | undefined) => {
  if (v && RUN_STATES.has(v)) return v as never;
  throw new AugurError(
    ErrorCode.UPSTREAM_ERROR,
    `Civis reported the state ${quote(v)}, which is none of the states it documents (${[...RUN_STATES].join(', ')}).`,
    { platform: 'civis' },
  );
};
export const jobRun = (jobId: number, run: CivisRun | null | undefined): CivisJobRunParent | null => (run ? { ...run, jobId } : null);
