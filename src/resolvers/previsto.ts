/** Resolvers of the Previsto part of the schema: contacts, assignments, agreements, the account, and their writes. */
import type {
  AgreementFilter,
  AgreementOrder,
  AssignmentFilter,
  AssignmentOrder,
  ContactFilter,
  ContactOrder,
  InputMaybe,
  MetaCondition,
  Resolvers,
} from '../generated/resolvers.js';
import { resolveConnection, type ConnectionArgs, type PageSource } from '../relay/connection.js';
import type { NodeTypeName } from '../relay/ids.js';
import type { Context } from './context.js';
import { badInput, quote } from '../core/errors.js';
import type { PrevistoListQuery } from '../upstreams/previsto/client.js';
import type { LonLat, PrevistoAgreement, PrevistoAssignment, PrevistoContact, PrevistoResource } from '../upstreams/previsto/types.js';
import { predictAny } from './dataiku.js';

/** Previsto's hard upstream page-size limit. */
const UPSTREAM_MAX_SIZE = 100;

const RAW_ID: Record<'Contact' | 'Agreement' | 'Assignment', RegExp> = {
  Contact: /^(cont|con|cot)[-_][A-Za-z0-9]{4,60}$/,
  Agreement: /^(agrmt|agt)[-_][A-Za-z0-9]{4,60}$/,
  Assignment: /^(asgmt)[-_][A-Za-z0-9]{4,60}$/,
};

/**
 * Reads an id argument that may be a global id or a Previsto id (`cont-…`, `agrmt-…`, `asgmt-…`). Anything else is
 * rejected before any upstream call.
 */
export function previstoId(ctx: Context, arg: string, type: 'Contact' | 'Agreement' | 'Assignment', argName = 'id'): string {
  if (RAW_ID[type].test(arg)) return arg;
  return ctx.services.codec.decode(arg, [type], argName).localId;
}

const META_LIMITS = { keys: 20, keyLength: 40, valueLength: 500 };

/** Validates metadata against Previsto's limits before anything is sent (20 keys, 40-character names, 500-character values). */
export function validateMeta(meta: Record<string, unknown> | null | undefined, param = 'meta'): Record<string, string> | undefined {
  if (meta === undefined || meta === null) return undefined;
  const entries = Object.entries(meta);
  if (entries.length > META_LIMITS.keys) {
    throw badInput(`${param} has ${entries.length} keys; Previsto allows at most ${META_LIMITS.keys}.`, { param, limit: META_LIMITS.keys });
  }
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > META_LIMITS.keyLength) {
      throw badInput(`${param} key ${quote(key)} has ${key.length} characters; key names must have 1 to ${META_LIMITS.keyLength}.`, {
        param,
        limit: META_LIMITS.keyLength,
      });
    }
    if (value !== null && typeof value === 'object') {
      throw badInput(`${param}.${key} is an object or array; metadata values must be strings, numbers or booleans.`, { param });
    }
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects were refused just above; TypeScript narrows the rest of `unknown` only to `{}`
    const text = value === null ? '' : String(value);
    if (text.length > META_LIMITS.valueLength) {
      throw badInput(`${param}.${key} has ${text.length} characters; values may have at most ${META_LIMITS.valueLength}.`, {
        param,
        limit: META_LIMITS.valueLength,
      });
    }
    out[key] = text;
  }
  return out;
}

function metaFilters(conditions: InputMaybe<MetaCondition[]> | undefined, filters: Record<string, string>): void {
  for (const { key, value } of conditions ?? []) {
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(key)) {
      throw badInput(`filter.meta key ${quote(key)} must be 1 to 40 letters, digits, "_" or "-".`, { param: 'filter.meta' });
    }
    filters[`meta.${key}`] = value;
  }
}

function put(filters: Record<string, string>, prop: string, value: string | boolean | number | null | undefined): void {
  if (value !== undefined && value !== null) filters[prop] = String(value);
}

function contactFilters(f: InputMaybe<ContactFilter> | undefined): Record<string, string> {
  const filters: Record<string, string> = {};
  if (!f) return filters;
  put(filters, 'name', f.name);
  put(filters, 'city', f.city);
  put(filters, 'postalCode', f.postalCode);
  put(filters, 'countryCode', f.countryCode);
  put(filters, 'email', f.email);
  put(filters, 'phone', f.phone);
  put(filters, 'remoteId', f.remoteId);
  put(filters, 'payingContactId', f.payingContactId);
  put(filters, 'archived', f.archived);
  put(filters, 'notifyBeforeWork', f.notifyBeforeWork);
  put(filters, 'accountingMode', f.accountingMode);
  put(filters, 'invoiceDelivery', f.invoiceDelivery);
  metaFilters(f.meta, filters);
  return filters;
}

function assignmentFilters(ctx: Context, f: InputMaybe<AssignmentFilter> | undefined): Record<string, string> {
  const filters: Record<string, string> = {};
  if (!f) return filters;
  if (f.contactId != null) filters['contactId'] = previstoId(ctx, f.contactId, 'Contact', 'filter.contactId');
  put(filters, 'accountId', f.accountId);
  put(filters, 'status', f.status);
  put(filters, 'action', f.action);
  put(filters, 'plan.executionTime', f.executionTime);
  put(filters, 'address.city', f.city);
  metaFilters(f.meta, filters);
  return filters;
}

function agreementFilters(ctx: Context, f: InputMaybe<AgreementFilter> | undefined): Record<string, string> {
  const filters: Record<string, string> = {};
  if (!f) return filters;
  if (f.contactId != null) filters['contactId'] = previstoId(ctx, f.contactId, 'Contact', 'filter.contactId');
  put(filters, 'type', f.type);
  put(filters, 'workType', f.workType);
  put(filters, 'archived', f.archived);
  metaFilters(f.meta, filters);
  return filters;
}

const CONTACT_ORDER: Record<ContactOrder['field'], string> = {
  NAME: 'name',
  CITY: 'city',
  POSTAL_CODE: 'postalCode',
  EMAIL: 'email',
  ID: 'id',
};
const ASSIGNMENT_ORDER: Record<AssignmentOrder['field'], string> = {
  EXECUTION_TIME: 'plan.executionTime',
  CREATED_DATE: 'createdDate',
  CONTACT_NAME: 'contactName',
  STATUS: 'status',
  ID: 'id',
};
const AGREEMENT_ORDER: Record<AgreementOrder['field'], string> = {
  DESCRIPTION: 'description',
  AMOUNT: 'amount',
  DURATION: 'duration',
  NEXT_DATE: 'nextDate',
  ID: 'id',
};

/** Turns `orderBy` into Previsto `sort` entries, with `id` appended as a tiebreaker so the order is total (and reversible). */
function sortOf<F extends string>(
  orderBy: InputMaybe<Array<{ field: F; direction?: InputMaybe<'ASC' | 'DESC'> }>> | undefined,
  map: Record<F, string>,
): string[] | undefined {
  if (!orderBy || orderBy.length === 0) return undefined;
  if (orderBy.length > 5)
    throw badInput(`orderBy has ${orderBy.length} entries; at most 5 are allowed.`, { param: 'orderBy', limit: 'maxOrderBy', max: 5 });
  const sort = orderBy.map((o) => `${map[o.field]},${(o.direction ?? 'ASC').toLowerCase()}`);
  if (!sort.some((s) => s.startsWith('id,'))) sort.push('id,asc');
  return sort;
}

function reversed(sort: string[]): string[] {
  return sort.map((s) => {
    const [prop, dir] = s.split(',');
    return `${prop},${dir === 'asc' ? 'desc' : 'asc'}`;
  });
}

/** A page source over one Previsto list, reversible when the order is explicit. */
function previstoSource<T>(ctx: Context, resource: PrevistoResource, base: Omit<PrevistoListQuery, 'page' | 'size'>): PageSource<T> {
  const source: PageSource<T> = {
    maxPageSize: UPSTREAM_MAX_SIZE,
    fetchPage: (page, size) => ctx.previsto.list<T>(resource, { ...base, page, size }),
  };
  if (base.sort && !base.nearby) {
    const sort = reversed(base.sort);
    source.fetchReversedPage = (page, size) => ctx.previsto.list<T>(resource, { ...base, sort, page, size });
  }
  return source;
}

function connection<T>(
  ctx: Context,
  name: string,
  resource: PrevistoResource,
  args: ConnectionArgs,
  base: Omit<PrevistoListQuery, 'page' | 'size'>,
) {
  return resolveConnection<T>(name, base, args, previstoSource<T>(ctx, resource, base), ctx.services.codec, ctx.services.config.paging);
}

function listBase(filters: Record<string, string>, sort: string[] | undefined): Omit<PrevistoListQuery, 'page' | 'size'> {
  const base: Omit<PrevistoListQuery, 'page' | 'size'> = {};
  if (Object.keys(filters).length) base.filters = filters;
  if (sort) base.sort = sort;
  return base;
}

function call(ctx: Context) {
  return { apiKey: ctx.credential('previsto'), budget: ctx.budget, caller: ctx.caller };
}

function lonLat(p: { longitude: number; latitude: number }, param: string): LonLat {
  if (!(p.longitude >= -180 && p.longitude <= 180) || !(p.latitude >= -90 && p.latitude <= 90)) {
    throw badInput(`${param} must have longitude in -180..180 and latitude in -90..90.`, { param });
  }
  return [p.longitude, p.latitude];
}

/** Copies the given input fields into a wire body, renaming where Previsto's spelling differs. */
function body(input: Record<string, unknown>, rename: Record<string, string> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) if (v !== undefined) out[rename[k] ?? k] = v;
  return out;
}

function tasksBody(ctx: Context, tasks: InputMaybe<Array<Record<string, unknown> & { agreementId?: InputMaybe<string> }>> | undefined) {
  if (!tasks) return undefined;
  return tasks.map((t, i) => {
    const b = body(t);
    if (t.agreementId != null) b['agreementId'] = previstoId(ctx, t.agreementId, 'Agreement', `tasks[${i}].agreementId`);
    return b;
  });
}

/** The contact's own fields, sent as prediction features. */
export function contactFeatures(contact: PrevistoContact): Record<string, unknown> {
  const { id: _id, ...features } = contact;
  void _id;
  return features;
}

const globalId = (type: NodeTypeName) => (parent: { id: string }, _a: unknown, ctx: Context) => ctx.services.codec.encode(type, parent.id);

export const previstoResolvers: Resolvers = {
  Query: {
    contacts: (_p, args, ctx) => {
      if (args.search != null && args.nearby != null) throw badInput('Pass either "search" or "nearby", not both.', { param: 'nearby' });
      if (args.nearby != null && args.orderBy?.length)
        throw badInput('"nearby" orders by distance; it cannot be combined with "orderBy".', { param: 'orderBy' });
      const base = listBase(contactFilters(args.filter), sortOf(args.orderBy, CONTACT_ORDER));
      if (args.search != null) {
        if (args.search.length > 200)
          throw badInput('search may have at most 200 characters.', { param: 'search', limit: 'maxSearchLength', max: 200 });
        base.search = args.search;
      }
      if (args.nearby != null) base.nearby = lonLat(args.nearby, 'nearby');
      return connection<PrevistoContact>(ctx, 'contacts', 'contacts', args, base);
    },
    contact: (_p, { id }, ctx) => ctx.previsto.contact.load(previstoId(ctx, id, 'Contact')),
    assignments: (_p, args, ctx) =>
      connection<PrevistoAssignment>(
        ctx,
        'assignments',
        'assignments',
        args,
        listBase(assignmentFilters(ctx, args.filter), sortOf(args.orderBy, ASSIGNMENT_ORDER)),
      ),
    assignment: (_p, { id }, ctx) => ctx.previsto.assignment.load(previstoId(ctx, id, 'Assignment')),
    agreements: (_p, args, ctx) =>
      connection<PrevistoAgreement>(
        ctx,
        'agreements',
        'agreements',
        args,
        listBase(agreementFilters(ctx, args.filter), sortOf(args.orderBy, AGREEMENT_ORDER)),
      ),
    agreement: (_p, { id }, ctx) => ctx.previsto.agreement.load(previstoId(ctx, id, 'Agreement')),
    account: (_p, _a, ctx) => ctx.services.previsto.account(call(ctx)),
  },
  Mutation: {
    createContact: (_p, { input }, ctx) => {
      const meta = validateMeta(input.meta, 'input.meta');
      const wire = body({ ...input, meta }, { apartment: 'appartment' });
      return ctx.services.previsto.create<PrevistoContact>(call(ctx), 'contacts', wire);
    },
    updateContact: (_p, { id, input }, ctx) => {
      const meta = validateMeta(input.meta, 'input.meta');
      const raw = previstoId(ctx, id, 'Contact');
      return ctx.services.previsto.update<PrevistoContact>(
        call(ctx),
        'contacts',
        raw,
        body({ ...input, meta }, { apartment: 'appartment' }),
      );
    },
    deleteContact: async (_p, { id }, ctx) => {
      const raw = previstoId(ctx, id, 'Contact');
      await ctx.services.previsto.remove(call(ctx), 'contacts', raw);
      return { deletedId: ctx.services.codec.encode('Contact', raw) };
    },
    createAgreement: (_p, { input }, ctx) => {
      const meta = validateMeta(input.meta, 'input.meta');
      if (input.duration < 3)
        throw badInput(`input.duration must be at least 3 minutes, got ${input.duration}.`, { param: 'input.duration' });
      const contactId = previstoId(ctx, input.contactId, 'Contact', 'input.contactId');
      return ctx.services.previsto.create<PrevistoAgreement>(call(ctx), 'agreements', body({ ...input, contactId, meta }));
    },
    updateAgreement: (_p, { id, input }, ctx) => {
      const meta = validateMeta(input.meta, 'input.meta');
      if (input.duration != null && input.duration < 3)
        throw badInput(`input.duration must be at least 3 minutes, got ${input.duration}.`, { param: 'input.duration' });
      const raw = previstoId(ctx, id, 'Agreement');
      return ctx.services.previsto.update<PrevistoAgreement>(call(ctx), 'agreements', raw, body({ ...input, meta }));
    },
    deleteAgreement: async (_p, { id }, ctx) => {
      const raw = previstoId(ctx, id, 'Agreement');
      await ctx.services.previsto.remove(call(ctx), 'agreements', raw);
      return { deletedId: ctx.services.codec.encode('Agreement', raw) };
    },
    createAssignment: (_p, { input }, ctx) => {
      const meta = validateMeta(input.meta, 'input.meta');
      const contactId = previstoId(ctx, input.contactId, 'Contact', 'input.contactId');
      const wire = body({
        ...input,
        contactId,
        meta,
        location: lonLat(input.location, 'input.location'),
        plan: body(input.plan),
        tasks: tasksBody(ctx, input.tasks),
      });
      return ctx.services.previsto.create<PrevistoAssignment>(call(ctx), 'assignments', wire);
    },
    updateAssignment: (_p, { id, input }, ctx) => {
      const meta = validateMeta(input.meta, 'input.meta');
      const raw = previstoId(ctx, id, 'Assignment');
      const wire = body({
        ...input,
        meta,
        location: input.location ? lonLat(input.location, 'input.location') : undefined,
        plan: input.plan ? body(input.plan) : undefined,
        tasks: tasksBody(ctx, input.tasks),
      });
      return ctx.services.previsto.update<PrevistoAssignment>(call(ctx), 'assignments', raw, wire);
    },
    deleteAssignment: async (_p, { id }, ctx) => {
      const raw = previstoId(ctx, id, 'Assignment');
      await ctx.services.previsto.remove(call(ctx), 'assignments', raw);
      return { deletedId: ctx.services.codec.encode('Assignment', raw) };
    },
  },
  Contact: {
    id: globalId('Contact'),
    previstoId: (c) => c.id,
    apartment: (c) => c.appartment ?? null,
    location: (c) => (Array.isArray(c.location) && c.location.length === 2 ? c.location : null),
    payingContact: (c, _a, ctx) => (c.payingContactId ? ctx.previsto.contact.load(c.payingContactId) : null),
    notifyBeforeWork: (c) => c.notifyBeforeWork === true,
    archived: (c) => c.archived === true,
    agentIds: (c) => c.agentIds ?? [],
    meta: (c) => c.meta ?? {},
    assignments: (c, args, ctx) => {
      const filters = { ...assignmentFilters(ctx, args.filter), contactId: c.id };
      return connection<PrevistoAssignment>(
        ctx,
        'Contact.assignments',
        'assignments',
        args,
        listBase(filters, sortOf(args.orderBy, ASSIGNMENT_ORDER)),
      );
    },
    agreements: (c, args, ctx) => {
      const filters = { ...agreementFilters(ctx, args.filter), contactId: c.id };
      return connection<PrevistoAgreement>(
        ctx,
        'Contact.agreements',
        'agreements',
        args,
        listBase(filters, sortOf(args.orderBy, AGREEMENT_ORDER)),
      );
    },
    // Within one request a contact id always names the same fields, so the id and the overrides key the record.
    predict: (c, args, ctx) =>
      predictAny(
        ctx,
        args.endpoint,
        { ...contactFeatures(c), ...(args.features ?? {}) },
        args,
        `contact:${c.id}|${args.features ? JSON.stringify(args.features) : ''}`,
      ),
  },
  Agreement: {
    id: globalId('Agreement'),
    previstoId: (a) => a.id,
    contact: (a, _args, ctx) => (a.contactId ? ctx.previsto.contact.load(a.contactId) : null),
    archived: (a) => a.archived === true,
    meta: (a) => a.meta ?? {},
  },
  Assignment: {
    id: globalId('Assignment'),
    previstoId: (a) => a.id,
    contact: (a, _args, ctx) => (a.contactId ? ctx.previsto.contact.load(a.contactId) : null),
    location: (a) => (Array.isArray(a.location) && a.location.length === 2 ? a.location : null),
    tasks: (a) => a.tasks ?? [],
    meta: (a) => a.meta ?? {},
  },
  AssignmentPlan: {
    accountIds: (p) => p.accountIds ?? [],
  },
  AssignmentTask: {
    agreement: (t, _a, ctx) => (t.agreementId ? ctx.previsto.agreement.load(t.agreementId) : null),
  },
  Account: {
    id: globalId('Account'),
    previstoId: (a) => a.id,
    location: (a) => (Array.isArray(a.location) && a.location.length === 2 ? a.location : null),
    roles: (a) => a.roles ?? [],
    meta: (a) => a.meta ?? {},
  },
  GeoPoint: {
    longitude: (p) => p[0],
    latitude: (p) => p[1],
  },
};
