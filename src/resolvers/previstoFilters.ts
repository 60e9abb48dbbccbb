/** Previsto ids, metadata, and the typed filters and orders of its lists, as query parameters. */
import type {
  AgreementFilter,
  AgreementOrder,
  AssignmentFilter,
  AssignmentOrder,
  ContactFilter,
  ContactOrder,
  InputMaybe,
  MetaCondition,
  PostalAddressFilter,
} from '../generated/resolvers.js';
import type { Context } from './context.js';
import { badInput, quote } from '../core/errors.js';

/** Previsto's hard upstream page-size limit. */
export const UPSTREAM_MAX_SIZE = 100;

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
export function idOrPlatformId(
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

/** Copies the plain equality conditions of a filter input onto Previsto properties (`filter key` → `property`). */
function plain(filters: Record<string, string>, f: object, props: Record<string, string>): void {
  const values = f as Record<string, string | number | boolean | null | undefined>;
  for (const [key, prop] of Object.entries(props)) put(filters, prop, values[key]);
}

function addressFilters(
  filters: Record<string, string>,
  f: InputMaybe<PostalAddressFilter> | undefined,
  prefix: 'address' | 'deliveryAddress',
): void {
  if (!f) return;
  plain(filters, f, Object.fromEntries(['street', 'apartment', 'postalCode', 'city', 'countryCode'].map((k) => [k, `${prefix}.${k}`])));
}

export function contactFilters(ctx: Context, f: InputMaybe<ContactFilter> | undefined): Record<string, string> {
  const filters: Record<string, string> = {};
  if (!f) return filters;
  plain(filters, f, {
    name: 'name',
    street: 'address',
    apartment: 'appartment',
    city: 'city',
    postalCode: 'postalCode',
    countryCode: 'countryCode',
    number: 'number',
    email: 'email',
    phone: 'phone',
    remoteId: 'remoteId',
    remoteOrderId: 'remoteOrderId',
    registrationNo: 'registrationNo',
    ean: 'ean',
    note: 'note',
    archived: 'archived',
    notifyBeforeWork: 'notifyBeforeWork',
    // Enum values arrive spelled as Previsto spells them (resolvers/enums.ts).
    accountingMode: 'accountingMode',
    accountingTime: 'accountingTime',
    invoiceDelivery: 'invoiceDelivery',
  });
  if (f.payingContactId != null) filters['payingContactId'] = previstoId(ctx, f.payingContactId, 'Contact', 'filter.payingContactId');
  if (f.agentId != null) filters['agentIds'] = previstoId(ctx, f.agentId, 'Account', 'filter.agentId');
  metaFilters(f.meta, filters);
  return filters;
}

export function assignmentFilters(ctx: Context, f: InputMaybe<AssignmentFilter> | undefined): Record<string, string> {
  const filters: Record<string, string> = {};
  if (!f) return filters;
  if (f.contactId != null) filters['contactId'] = previstoId(ctx, f.contactId, 'Contact', 'filter.contactId');
  if (f.payingContactId != null) filters['payingContactId'] = previstoId(ctx, f.payingContactId, 'Contact', 'filter.payingContactId');
  if (f.accountId != null) filters['accountId'] = previstoId(ctx, f.accountId, 'Account', 'filter.accountId');
  if (f.plannedAccountId != null) filters['plan.accountIds'] = previstoId(ctx, f.plannedAccountId, 'Account', 'filter.plannedAccountId');
  plain(filters, f, {
    contactName: 'contactName',
    remoteOrderId: 'remoteOrderId',
    indicativeDate: 'plan.indicativeDate',
    status: 'status',
    action: 'action',
    indicativeDateType: 'plan.indicativeDateType',
  });
  // The DateTime scalar hands over a Date whatever the caller wrote; Previsto writes instants as ISO 8601 in UTC.
  if (f.createdAt != null) filters['createdDate'] = new Date(f.createdAt as string | Date).toISOString();
  put(filters, 'plan.executionTime', f.executionTime == null ? undefined : previstoTime(f.executionTime));
  put(filters, 'handledDate', f.handledAt == null ? undefined : previstoTime(f.handledAt));
  if (f.city != null && f.address?.city != null && f.city !== f.address.city) {
    throw badInput('filter.city and filter.address.city name the same property with different values; pass one of them.', {
      param: 'filter.city',
    });
  }
  put(filters, 'address.city', f.city);
  addressFilters(filters, f.address, 'address');
  addressFilters(filters, f.deliveryAddress, 'deliveryAddress');
  if (f.task) {
    const t = f.task;
    plain(filters, t, {
      reference: 'tasks.reference',
      description: 'tasks.description',
      amount: 'tasks.amount',
      unitPrice: 'tasks.unitPrice',
      quantity: 'tasks.quantity',
      duration: 'tasks.duration',
      workType: 'tasks.workType',
    });
    if (t.agreementId != null) filters['tasks.agreementId'] = previstoId(ctx, t.agreementId, 'Agreement', 'filter.task.agreementId');
  }
  metaFilters(f.meta, filters);
  return filters;
}

export function agreementFilters(ctx: Context, f: InputMaybe<AgreementFilter> | undefined): Record<string, string> {
  const filters: Record<string, string> = {};
  if (!f) return filters;
  if (f.contactId != null) filters['contactId'] = previstoId(ctx, f.contactId, 'Contact', 'filter.contactId');
  if (f.accountId != null) filters['accountId'] = previstoId(ctx, f.accountId, 'Account', 'filter.accountId');
  plain(filters, f, {
    description: 'description',
    note: 'note',
    amount: 'amount',
    currency: 'currency',
    recurrenceRule: 'recurrenceRule',
    workType: 'workType',
    duration: 'duration',
    planningDate: 'planningDate',
    startDate: 'startDate',
    endDate: 'endDate',
    previousDate: 'previousDate',
    nextDate: 'nextDate',
    archived: 'archived',
    type: 'type',
    planningDateType: 'planningDateType',
  });
  metaFilters(f.meta, filters);
  return filters;
}

export const CONTACT_ORDER: Record<ContactOrder['field'], string> = {
  NAME: 'name',
  STREET: 'address',
  APARTMENT: 'appartment',
  CITY: 'city',
  POSTAL_CODE: 'postalCode',
  COUNTRY_CODE: 'countryCode',
  NUMBER: 'number',
  EMAIL: 'email',
  PHONE: 'phone',
  REMOTE_ID: 'remoteId',
  REMOTE_ORDER_ID: 'remoteOrderId',
  REGISTRATION_NO: 'registrationNo',
  EAN: 'ean',
  NOTE: 'note',
  PAYING_CONTACT_ID: 'payingContactId',
  ACCOUNTING_MODE: 'accountingMode',
  ACCOUNTING_TIME: 'accountingTime',
  INVOICE_DELIVERY: 'invoiceDelivery',
  NOTIFY_BEFORE_WORK: 'notifyBeforeWork',
  ARCHIVED: 'archived',
  ID: 'id',
};
export const ASSIGNMENT_ORDER: Record<AssignmentOrder['field'], string> = {
  EXECUTION_TIME: 'plan.executionTime',
  INDICATIVE_DATE: 'plan.indicativeDate',
  INDICATIVE_DATE_TYPE: 'plan.indicativeDateType',
  CREATED_AT: 'createdDate',
  CONTACT_ID: 'contactId',
  CONTACT_NAME: 'contactName',
  PAYING_CONTACT_ID: 'payingContactId',
  ACCOUNT_ID: 'accountId',
  ACTION: 'action',
  STATUS: 'status',
  REMOTE_ORDER_ID: 'remoteOrderId',
  HANDLED_AT: 'handledDate',
  STREET: 'address.street',
  APARTMENT: 'address.apartment',
  POSTAL_CODE: 'address.postalCode',
  CITY: 'address.city',
  COUNTRY_CODE: 'address.countryCode',
  DELIVERY_STREET: 'deliveryAddress.street',
  DELIVERY_APARTMENT: 'deliveryAddress.apartment',
  DELIVERY_POSTAL_CODE: 'deliveryAddress.postalCode',
  DELIVERY_CITY: 'deliveryAddress.city',
  DELIVERY_COUNTRY_CODE: 'deliveryAddress.countryCode',
  ID: 'id',
};
export const AGREEMENT_ORDER: Record<AgreementOrder['field'], string> = {
  DESCRIPTION: 'description',
  NOTE: 'note',
  AMOUNT: 'amount',
  CURRENCY: 'currency',
  CONTACT_ID: 'contactId',
  RECURRENCE_RULE: 'recurrenceRule',
  TYPE: 'type',
  WORK_TYPE: 'workType',
  DURATION: 'duration',
  PLANNING_DATE_TYPE: 'planningDateType',
  PLANNING_DATE: 'planningDate',
  START_DATE: 'startDate',
  END_DATE: 'endDate',
  PREVIOUS_DATE: 'previousDate',
  NEXT_DATE: 'nextDate',
  ACCOUNT_ID: 'accountId',
  ARCHIVED: 'archived',
  ID: 'id',
};

/** Turns `orderBy` into Previsto `sort` entries, with `id` appended as a tiebreaker so the order is total (and reversible). */
export function sortOf<F extends string>(
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

export function reversed(sort: string[]): string[] {
  return sort.map((s) => {
    const [prop, dir] = s.split(',');
    return `${prop},${dir === 'asc' ? 'desc' : 'asc'}`;
  });
}

/** A page source over one Previsto list, reversible when the order is explicit. */

/** Previsto's `YYYY-MM-DDTHH:mm`, from a `LocalDateTime` (seconds are kept only when not zero). */
export function previstoTime(value: string): string {
  return value.replace(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}):00(?:\.0+)?(?=$|Z|[+-])/, '$1');
}
