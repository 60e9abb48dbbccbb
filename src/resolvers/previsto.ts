/** Resolvers of the Previsto part of the schema: contacts, assignments, agreements, the account, and their writes. */
import type {
  AgreementFilter,
  AgreementOrder,
  AssignmentFilter,
  AssignmentOrder,
  ContactFilter,
  ContactOrder,
  CreateAgreementInput,
  CreateAssignmentInput,
  CreateContactInput,
  InputMaybe,
  MetaCondition,
  Resolvers,
} from '../generated/resolvers.js';
import { resolveConnection, type ConnectionArgs, type PageSource } from '../relay/connection.js';
import type { NodeTypeName } from '../relay/ids.js';
import type { Context } from './context.js';
import { GraphQLEmailAddress } from 'graphql-scalars';
import { AugurError, ErrorCode, InputErrors, badInput, quote } from '../core/errors.js';
import { payload } from './userErrors.js';
import type { PrevistoListQuery } from '../upstreams/previsto/client.js';
import type { LonLat, PrevistoAgreement, PrevistoAssignment, PrevistoContact, PrevistoResource } from '../upstreams/previsto/types.js';
import { predictAny } from './dataiku.js';

/** Previsto's hard upstream page-size limit. */
const UPSTREAM_MAX_SIZE = 100;

type PrevistoType = 'Contact' | 'Agreement' | 'Assignment' | 'Account';

const PLATFORM_ID: Record<'Contact' | 'Agreement' | 'Assignment', RegExp> = {
  Contact: /^(cont|con|cot)[-_][A-Za-z0-9]{4,60}$/,
  Agreement: /^(agrmt|agt)[-_][A-Za-z0-9]{4,60}$/,
  Assignment: /^(asgmt)[-_][A-Za-z0-9]{4,60}$/,
};

/** Reads a global id argument naming a Previsto object; anything else is refused before any upstream call. */
export function previstoId(ctx: Context, arg: string, type: PrevistoType, argName = 'id'): string {
  return ctx.services.codec.decode(arg, [type], argName).localId;
}

/** Reads `id` (a global id) or `platformId` (Previsto's own id), exactly one of them. */
function idOrPlatformId(
  ctx: Context,
  args: { id?: InputMaybe<string>; platformId?: InputMaybe<string> },
  type: 'Contact' | 'Agreement' | 'Assignment',
): string {
  if ((args.id == null) === (args.platformId == null)) {
    throw badInput(`Pass either id (a global id) or platformId (Previsto's own id), exactly one.`, { param: 'id' });
  }
  if (args.id != null) return previstoId(ctx, args.id, type);
  if (!PLATFORM_ID[type].test(args.platformId!)) {
    throw badInput(
      `platformId ${quote(args.platformId)} is not a Previsto ${type.toLowerCase()} id; pass ${type}.platformId as Augur returned it.`,
      {
        param: 'platformId',
      },
    );
  }
  return args.platformId!;
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
      throw badInput(`${param}.${key} is an object or array; metadata values must be strings, numbers or booleans.`, {
        param: `${param}.${key}`,
      });
    }
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects were refused just above; TypeScript narrows the rest of `unknown` only to `{}`
    const text = value === null ? '' : String(value);
    if (text.length > META_LIMITS.valueLength) {
      throw badInput(`${param}.${key} has ${text.length} characters; values may have at most ${META_LIMITS.valueLength}.`, {
        param: `${param}.${key}`,
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

function contactFilters(ctx: Context, f: InputMaybe<ContactFilter> | undefined): Record<string, string> {
  const filters: Record<string, string> = {};
  if (!f) return filters;
  put(filters, 'name', f.name);
  put(filters, 'city', f.city);
  put(filters, 'postalCode', f.postalCode);
  put(filters, 'countryCode', f.countryCode);
  put(filters, 'email', f.email);
  put(filters, 'phone', f.phone);
  put(filters, 'remoteId', f.remoteId);
  if (f.payingContactId != null) filters['payingContactId'] = previstoId(ctx, f.payingContactId, 'Contact', 'filter.payingContactId');
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
  if (f.accountId != null) filters['accountId'] = previstoId(ctx, f.accountId, 'Account', 'filter.accountId');
  put(filters, 'status', f.status);
  put(filters, 'action', f.action);
  put(filters, 'plan.executionTime', f.executionTime == null ? undefined : previstoTime(f.executionTime));
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
  CREATED_AT: 'createdDate',
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
    if (t.agreementId != null) b['agreementId'] = previstoId(ctx, t.agreementId, 'Agreement', `input.tasks[${i}].agreementId`);
    return b;
  });
}

/**
 * Runs an input's checks and throws every problem they find at once (one `UserError` each), so a form learns all its
 * faults in one round trip.
 */
function checkAll(...checks: Array<() => void>): void {
  const problems: AugurError[] = [];
  for (const check of checks) {
    try {
      check();
    } catch (error) {
      if (!(error instanceof AugurError)) throw error;
      problems.push(...(error instanceof InputErrors ? error.problems : [error]));
    }
  }
  if (problems.length === 1) throw problems[0]!;
  if (problems.length > 1) throw new InputErrors(problems);
}

/** Refuses an empty (or blank) text the platform requires, as a `REQUIRED` user error. */
function nonEmpty(value: string | null | undefined, param: string): void {
  if (value !== undefined && value !== null && value.trim() === '') {
    throw badInput(`${param} must not be empty.`, { param, reason: 'required' });
  }
}

/** Checks an e-mail address with the `EmailAddress` scalar's own rule, before anything is sent. */
function checkEmail(value: string | null | undefined, param: string): void {
  if (value === undefined || value === null) return;
  try {
    GraphQLEmailAddress.parseValue(value);
  } catch {
    throw badInput(`${param} ${quote(value)} is not an e-mail address; expected local@domain.`, { param });
  }
}

/** Previsto's `YYYY-MM-DDTHH:mm`, from a `LocalDateTime` (seconds are kept only when not zero). */
function previstoTime(value: string): string {
  return value.replace(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}):00(?:\.0+)?(?=$|Z|[+-])/, '$1');
}

/** A `LocalDateTime` (`YYYY-MM-DDTHH:mm:ss`), from Previsto's `YYYY-MM-DDTHH:mm` with or without seconds. */
function localDateTime(value: string): string {
  return value.replace(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?=$|Z|[+-])/, '$1:00');
}

/** A location Previsto's contract promises; its absence is the platform's failure, not the caller's. */
function lonLatOf(location: [number, number] | null | undefined, what: string): LonLat {
  if (Array.isArray(location) && location.length === 2) return location;
  throw new AugurError(ErrorCode.UPSTREAM_ERROR, `Previsto answered a ${what} without a location.`, { platform: 'previsto' });
}

type ContactFields = Omit<CreateContactInput, 'name'> & { name?: InputMaybe<string>; archived?: InputMaybe<boolean> };

/** A contact's wire body from its input, checked first: a non-empty name, an e-mail address, metadata limits. */
function contactBody(ctx: Context, input: ContactFields): Record<string, unknown> {
  let meta: Record<string, string> | undefined;
  let payingContact: string | undefined;
  checkAll(
    () => nonEmpty(input.name, 'input.name'),
    () => checkEmail(input.email, 'input.email'),
    () => (meta = validateMeta(input.meta, 'input.meta')),
    () => {
      if (input.payingContactId != null) payingContact = previstoId(ctx, input.payingContactId, 'Contact', 'input.payingContactId');
    },
  );
  const { address, payingContactId: _p, ...rest } = input;
  void _p;
  const wire = body({ ...rest, meta });
  if (payingContact !== undefined) wire['payingContactId'] = payingContact;
  if (address) {
    const parts = body(address, { street: 'address', apartment: 'appartment' });
    Object.assign(wire, parts);
  }
  return wire;
}

type AgreementFields = Omit<CreateAgreementInput, 'contactId' | 'description' | 'duration'> & {
  description?: InputMaybe<string>;
  duration?: InputMaybe<number>;
  archived?: InputMaybe<boolean>;
  contactId?: InputMaybe<string>;
};

/** An agreement's wire body from its input, checked first (a description, at least 3 minutes, metadata limits). */
function agreementBody(ctx: Context, input: AgreementFields): Record<string, unknown> {
  let meta: Record<string, string> | undefined;
  let contactId: string | undefined;
  checkAll(
    () => nonEmpty(input.description, 'input.description'),
    () => {
      if (input.duration != null && input.duration < 3) {
        throw badInput(`input.duration must be at least 3 minutes, got ${input.duration}.`, { param: 'input.duration' });
      }
    },
    () => (meta = validateMeta(input.meta, 'input.meta')),
    () => {
      if (input.contactId != null) contactId = previstoId(ctx, input.contactId, 'Contact', 'input.contactId');
    },
  );
  const { contactId: _c, ...rest } = input;
  void _c;
  const wire = body({ ...rest, meta });
  if (contactId !== undefined) wire['contactId'] = contactId;
  return wire;
}

type AssignmentFields = Omit<CreateAssignmentInput, 'contactId' | 'accountId' | 'location' | 'plan'> & {
  accountId?: InputMaybe<string>;
  location?: InputMaybe<CreateAssignmentInput['location']>;
  plan?: InputMaybe<CreateAssignmentInput['plan']>;
  contactId?: InputMaybe<string>;
  action?: unknown;
  status?: unknown;
};

/** An assignment's wire body from its input, checked first (ids, location, metadata limits). */
function assignmentBody(ctx: Context, input: AssignmentFields): Record<string, unknown> {
  const { contactId, accountId, location, plan, tasks, ...rest } = input;
  const wire = body(rest);
  checkAll(
    () => (wire['meta'] = validateMeta(input.meta, 'input.meta')),
    () => (wire['tasks'] = tasksBody(ctx, tasks)),
    () => {
      if (contactId != null) wire['contactId'] = previstoId(ctx, contactId, 'Contact', 'input.contactId');
    },
    () => {
      if (accountId != null) wire['accountId'] = previstoId(ctx, accountId, 'Account', 'input.accountId');
    },
    () => {
      if (location) wire['location'] = lonLat(location, 'input.location');
    },
    () => {
      if (!plan) return;
      const planBody = body({ ...plan, executionTime: previstoTime(plan.executionTime) });
      if (plan.accountIds) {
        planBody['accountIds'] = plan.accountIds.map((id, i) => previstoId(ctx, id, 'Account', `input.plan.accountIds[${i}]`));
      }
      wire['plan'] = planBody;
    },
  );
  for (const k of Object.keys(wire)) if (wire[k] === undefined) delete wire[k];
  return wire;
}

/** Where Previsto's contact fields sit in `CreateContactInput` and `UpdateContactInput`, by Previsto's name. */
const CONTACT_PARAMS: Record<string, string> = {
  address: 'address.street',
  appartment: 'address.apartment',
  postalCode: 'address.postalCode',
  city: 'address.city',
  countryCode: 'address.countryCode',
};

/**
 * Runs a contact write, naming the input field the caller wrote when Previsto refuses one of the fields Augur moves
 * (`countryCode` is `input.address.countryCode`).
 */
async function contactWrite<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const param = error instanceof AugurError ? error.details.param : undefined;
    const moved = param === undefined ? undefined : CONTACT_PARAMS[param.split('.')[0]!];
    if (!(error instanceof AugurError) || moved === undefined) throw error;
    throw new AugurError(error.code, error.message, { ...error.details, param: moved }, { cause: error });
  }
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
      const base = listBase(contactFilters(ctx, args.filter), sortOf(args.orderBy, CONTACT_ORDER));
      if (args.search != null) {
        if (args.search.length > 200)
          throw badInput('search may have at most 200 characters.', { param: 'search', limit: 'maxSearchLength', max: 200 });
        base.search = args.search;
      }
      if (args.nearby != null) base.nearby = lonLat(args.nearby, 'nearby');
      return connection<PrevistoContact>(ctx, 'contacts', 'contacts', args, base);
    },
    contact: (_p, args, ctx) => ctx.previsto.contact.load(idOrPlatformId(ctx, args, 'Contact')),
    assignments: (_p, args, ctx) =>
      connection<PrevistoAssignment>(
        ctx,
        'assignments',
        'assignments',
        args,
        listBase(assignmentFilters(ctx, args.filter), sortOf(args.orderBy, ASSIGNMENT_ORDER)),
      ),
    assignment: (_p, args, ctx) => ctx.previsto.assignment.load(idOrPlatformId(ctx, args, 'Assignment')),
    agreements: (_p, args, ctx) =>
      connection<PrevistoAgreement>(
        ctx,
        'agreements',
        'agreements',
        args,
        listBase(agreementFilters(ctx, args.filter), sortOf(args.orderBy, AGREEMENT_ORDER)),
      ),
    agreement: (_p, args, ctx) => ctx.previsto.agreement.load(idOrPlatformId(ctx, args, 'Agreement')),
    account: (_p, _a, ctx) => ctx.services.previsto.account(call(ctx)),
  },
  Mutation: {
    createContact: (_p, { input }, ctx) =>
      payload(
        () => {
          const wire = contactBody(ctx, input);
          return contactWrite(() => ctx.services.previsto.create<PrevistoContact>(call(ctx), 'contacts', wire));
        },
        (contact) => ({ contact }),
        { contact: null },
      ),
    updateContact: (_p, { input }, ctx) =>
      payload(
        () => {
          const raw = previstoId(ctx, input.id, 'Contact', 'input.id');
          const { id: _id, ...fields } = input;
          void _id;
          const wire = contactBody(ctx, fields);
          return contactWrite(() => ctx.services.previsto.update<PrevistoContact>(call(ctx), 'contacts', raw, wire));
        },
        (contact) => ({ contact }),
        { contact: null },
      ),
    deleteContact: (_p, { input }, ctx) =>
      payload(
        async () => {
          const raw = previstoId(ctx, input.id, 'Contact', 'input.id');
          await ctx.services.previsto.remove(call(ctx), 'contacts', raw);
          return ctx.services.codec.encode('Contact', raw);
        },
        (deletedContactId) => ({ deletedContactId }),
        { deletedContactId: null },
      ),
    createAgreement: (_p, { input }, ctx) =>
      payload(
        () => {
          const wire = agreementBody(ctx, input);
          return ctx.services.previsto.create<PrevistoAgreement>(call(ctx), 'agreements', wire);
        },
        (agreement) => ({ agreement }),
        { agreement: null },
      ),
    updateAgreement: (_p, { input }, ctx) =>
      payload(
        () => {
          const raw = previstoId(ctx, input.id, 'Agreement', 'input.id');
          const { id: _id, ...fields } = input;
          void _id;
          return ctx.services.previsto.update<PrevistoAgreement>(call(ctx), 'agreements', raw, agreementBody(ctx, fields));
        },
        (agreement) => ({ agreement }),
        { agreement: null },
      ),
    deleteAgreement: (_p, { input }, ctx) =>
      payload(
        async () => {
          const raw = previstoId(ctx, input.id, 'Agreement', 'input.id');
          await ctx.services.previsto.remove(call(ctx), 'agreements', raw);
          return ctx.services.codec.encode('Agreement', raw);
        },
        (deletedAgreementId) => ({ deletedAgreementId }),
        { deletedAgreementId: null },
      ),
    createAssignment: (_p, { input }, ctx) =>
      payload(
        () => {
          const wire = assignmentBody(ctx, input);
          return ctx.services.previsto.create<PrevistoAssignment>(call(ctx), 'assignments', wire);
        },
        (assignment) => ({ assignment }),
        { assignment: null },
      ),
    updateAssignment: (_p, { input }, ctx) =>
      payload(
        () => {
          const raw = previstoId(ctx, input.id, 'Assignment', 'input.id');
          const { id: _id, ...fields } = input;
          void _id;
          return ctx.services.previsto.update<PrevistoAssignment>(call(ctx), 'assignments', raw, assignmentBody(ctx, fields));
        },
        (assignment) => ({ assignment }),
        { assignment: null },
      ),
    deleteAssignment: (_p, { input }, ctx) =>
      payload(
        async () => {
          const raw = previstoId(ctx, input.id, 'Assignment', 'input.id');
          await ctx.services.previsto.remove(call(ctx), 'assignments', raw);
          return ctx.services.codec.encode('Assignment', raw);
        },
        (deletedAssignmentId) => ({ deletedAssignmentId }),
        { deletedAssignmentId: null },
      ),
    updateAccount: (_p, { input }, ctx) =>
      payload(
        () => {
          const body: Record<string, unknown> = {};
          // Checked before anything is sent, as the schema promises; Previsto's own checks come back as userErrors.
          if (input.name != null && input.name.trim() === '')
            throw badInput('input.name must not be empty; omit it to keep the name.', { param: 'input.name', reason: 'required' });
          if (input.email != null && !/^[^@\s]+@[^@\s]+$/.test(input.email))
            throw badInput(`input.email must be an e-mail address such as anna@example.com, got ${quote(input.email)}.`, {
              param: 'input.email',
            });
          if (input.languageCode != null && !/^[A-Za-z]{2}$/.test(input.languageCode))
            throw badInput(`input.languageCode must be a 2-letter ISO 639-1 code such as "da", got ${quote(input.languageCode)}.`, {
              param: 'input.languageCode',
            });
          if (input.name != null) body['name'] = input.name;
          if (input.email != null) body['email'] = input.email;
          if (input.languageCode != null) body['languageCode'] = input.languageCode;
          if (input.meta != null) body['meta'] = input.meta;
          return ctx.services.previsto.updateAccount(call(ctx), body);
        },
        (account) => ({ account }),
        { account: null },
      ),
  },
  Contact: {
    id: globalId('Contact'),
    platformId: (c) => c.id,
    address: (c) => ({ street: c.address, apartment: c.appartment, postalCode: c.postalCode, city: c.city, countryCode: c.countryCode }),
    location: (c) => lonLatOf(c.location, 'contact'),
    payingContactId: (c, _a, ctx) => (c.payingContactId ? ctx.services.codec.encode('Contact', c.payingContactId) : null),
    payingContact: (c, _a, ctx) => (c.payingContactId ? ctx.previsto.contact.load(c.payingContactId) : null),
    notifyBeforeWork: (c) => c.notifyBeforeWork === true,
    archived: (c) => c.archived === true,
    agentIds: (c, _a, ctx) => (c.agentIds ?? []).map((id) => ctx.services.codec.encode('Account', id)),
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
        args.features ?? {},
        args,
        `contact:${c.id}|${args.features ? JSON.stringify(args.features) : ''}`,
        contactFeatures(c),
      ),
  },
  Agreement: {
    id: globalId('Agreement'),
    platformId: (a) => a.id,
    contactId: (a, _args, ctx) => ctx.services.codec.encode('Contact', a.contactId),
    contact: (a, _args, ctx) => ctx.previsto.contact.load(a.contactId),
    archived: (a) => a.archived === true,
    meta: (a) => a.meta ?? {},
  },
  Assignment: {
    id: globalId('Assignment'),
    platformId: (a) => a.id,
    createdAt: (a) => a.createdDate,
    contactId: (a, _args, ctx) => ctx.services.codec.encode('Contact', a.contactId),
    contact: (a, _args, ctx) => ctx.previsto.contact.load(a.contactId),
    payingContactId: (a, _args, ctx) => (a.payingContactId ? ctx.services.codec.encode('Contact', a.payingContactId) : null),
    accountId: (a, _args, ctx) => ctx.services.codec.encode('Account', a.accountId),
    location: (a) => lonLatOf(a.location, 'assignment'),
    tasks: (a) => a.tasks ?? [],
    handledAt: (a) => (a.handledDate ? localDateTime(a.handledDate) : null),
    meta: (a) => a.meta ?? {},
  },
  AssignmentPlan: {
    executionTime: (p) => localDateTime(p.executionTime),
    accountIds: (p, _a, ctx) => (p.accountIds ?? []).map((id) => ctx.services.codec.encode('Account', id)),
  },
  AssignmentTask: {
    agreementId: (t, _a, ctx) => (t.agreementId ? ctx.services.codec.encode('Agreement', t.agreementId) : null),
    agreement: (t, _a, ctx) => (t.agreementId ? ctx.previsto.agreement.load(t.agreementId) : null),
    quantity: (t) => t.quantity ?? 1,
  },
  Account: {
    id: globalId('Account'),
    platformId: (a) => a.id,
    address: (a) => ({ street: a.address, apartment: a.appartment, postalCode: a.postalCode, city: a.city, countryCode: a.countryCode }),
    location: (a) => lonLatOf(a.location, 'account'),
    roles: (a) => a.roles ?? [],
    meta: (a) => a.meta ?? {},
  },
  GeoPoint: {
    longitude: (p) => p[0],
    latitude: (p) => p[1],
  },
};
