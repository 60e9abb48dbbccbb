/** Resolvers of the Previsto part of the schema: contacts, assignments, agreements, the account, and their writes. */
import type { Resolvers } from '../generated/resolvers.js';
import { resolveConnection, type ConnectionArgs, type PageSource } from '../relay/connection.js';
import type { NodeTypeName } from '../relay/ids.js';
import type { Context } from './context.js';
import { badInput } from '../core/errors.js';
import { payload } from './userErrors.js';
import type { PrevistoListQuery } from '../upstreams/previsto/client.js';
import type { PrevistoAgreement, PrevistoAssignment, PrevistoContact, PrevistoResource } from '../upstreams/previsto/types.js';
import { predictAny } from './dataiku.js';
import {
  AGREEMENT_ORDER,
  agreementFilters,
  ASSIGNMENT_ORDER,
  assignmentFilters,
  CONTACT_ORDER,
  contactFilters,
  idOrPlatformId,
  previstoId,
  reversed,
  sortOf,
  UPSTREAM_MAX_SIZE,
} from './previstoFilters.js';
import {
  accountBody,
  agreementBody,
  assignmentBody,
  contactBody,
  contactWrite,
  localDateTime,
  lonLat,
  lonLatOf,
} from './previstoInputs.js';

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
    updateAccount: (_p, { input }, ctx) =>
      payload(
        () => {
          const wire = accountBody(input);
          return ctx.services.previsto.updateAccount(call(ctx), wire);
        },
        (account) => ({ account }),
        { account: null },
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
        c as unknown as Readonly<Record<string, unknown>>,
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
    // Previsto fills it from the contact; without one, the contact pays for its own work.
    payingContactId: (a, _args, ctx) => ctx.services.codec.encode('Contact', a.payingContactId || a.contactId),
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
    workType: (t) => t.workType ?? 'WindowCleaning',
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
