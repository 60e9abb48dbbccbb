/**
 * Internal to the Previsto emulator: turning request bodies (JSON or `application/x-www-form-urlencoded`, where
 * every value arrives as a string) into validated records. Creates fill defaults; updates are partial: fields not
 * sent stay unchanged, nested objects (`plan`, `address`) merge field by field and `meta` merges key by key.
 */
import { geocode } from './data.js';
import type { Account, Agreement, Assignment, AssignmentAddress, AssignmentTask, Contact, Organization, StoreView } from './types.js';
import {
  type Body,
  type Coercer,
  fail,
  shown,
  missing,
  asBody,
  has,
  listLike,
  text,
  requiredText,
  bool,
  integer,
  positiveNumber,
  oneOf,
  date,
  dateTime,
  countryCode,
  currency,
  languageCode,
  email,
  recurrenceRule,
  location,
  stringList,
  reference,
  mergeMeta,
  apply,
  sub,
} from './fields.js';

export { META_LIMITS } from './fields.js';

// ---------------------------------------------------------------------------------------------------------------
// Contacts

const CONTACT_FIELDS: Readonly<Record<string, Coercer>> = {
  name: requiredText,
  address: text,
  appartment: text,
  postalCode: text,
  city: text,
  countryCode,
  location,
  number: text,
  remoteId: text,
  remoteOrderId: text,
  phone: text,
  email: text,
  registrationNo: text,
  ean: text,
  accountingMode: oneOf(['None', 'AddToDraft', 'AddToInvoice'], true),
  accountingTime: oneOf(['BeforeWork', 'AfterWork'], true),
  invoiceDelivery: oneOf(['None', 'Email'], true),
  payingContactId: reference('contact', true),
  note: text,
  notifyBeforeWork: bool,
  archived: bool,
  agentIds: stringList,
};

/** Builds a new contact; only `name` is required, `location` is geocoded from the address when omitted. */
export function newContact(store: StoreView, raw: unknown): Contact {
  const body = asBody(raw);
  if (!has(body, 'name')) missing('name');
  const c: Contact = {
    id: '',
    name: '',
    address: null,
    appartment: null,
    postalCode: null,
    city: null,
    countryCode: 'DK',
    location: [0, 0],
    number: null,
    remoteId: null,
    remoteOrderId: null,
    phone: null,
    email: null,
    registrationNo: null,
    ean: null,
    accountingMode: null,
    accountingTime: null,
    invoiceDelivery: null,
    payingContactId: null,
    note: null,
    notifyBeforeWork: false,
    archived: false,
    agentIds: [],
    meta: {},
  };
  apply(c, body, CONTACT_FIELDS, store);
  c.meta = mergeMeta(c.meta, body['meta']);
  if (!has(body, 'location')) c.location = geocode(c.address, c.postalCode, c.city);
  return c;
}

/** The contact after a partial update (the original is not modified). */
export function updatedContact(store: StoreView, current: Contact, raw: unknown): Contact {
  const body = asBody(raw);
  const c: Contact = { ...current, agentIds: [...current.agentIds] };
  apply(c, body, CONTACT_FIELDS, store);
  c.meta = mergeMeta(current.meta, body['meta']);
  const moved = has(body, 'address') || has(body, 'postalCode') || has(body, 'city');
  if (moved && !has(body, 'location')) {
    const g = geocode(c.address, c.postalCode, c.city);
    if (g[0] !== 0 || g[1] !== 0) c.location = g;
  }
  return c;
}

// ---------------------------------------------------------------------------------------------------------------
// Agreements

const AGREEMENT_FIELDS: Readonly<Record<string, Coercer>> = {
  description: requiredText,
  note: text,
  amount: integer(0, false, ' (1/100 of the currency unit)'),
  currency,
  contactId: reference('contact', false),
  recurrenceRule,
  type: oneOf(['Primary', 'Supplementary'], false),
  workType: requiredText,
  duration: integer(3, false, ' minutes'),
  planningDateType: oneOf(['Fixed', 'Optimal'], false),
  planningDate: date,
  startDate: date,
  endDate: date,
  previousDate: date,
  nextDate: date,
  accountId: reference('account', true),
  archived: bool,
};

/** Builds a new agreement; `contactId`, `description` and `duration` (at least 3 minutes) are required. */
export function newAgreement(store: StoreView, raw: unknown): Agreement {
  const body = asBody(raw);
  for (const k of ['contactId', 'description', 'duration']) if (!has(body, k)) missing(k);
  const a: Agreement = {
    id: '',
    description: '',
    note: null,
    amount: 0,
    currency: store.organization?.baseCurrency ?? 'DKK',
    contactId: '',
    recurrenceRule: null,
    type: 'Primary',
    workType: 'WindowCleaning',
    duration: 0,
    planningDateType: 'Optimal',
    planningDate: null,
    startDate: null,
    endDate: null,
    previousDate: null,
    nextDate: null,
    accountId: null,
    archived: false,
    meta: {},
  };
  apply(a, body, AGREEMENT_FIELDS, store);
  a.currency ??= store.organization?.baseCurrency ?? 'DKK';
  a.meta = mergeMeta(a.meta, body['meta']);
  return a;
}

export function updatedAgreement(store: StoreView, current: Agreement, raw: unknown): Agreement {
  const body = asBody(raw);
  const a: Agreement = { ...current };
  apply(a, body, AGREEMENT_FIELDS, store);
  a.currency ??= current.currency;
  a.meta = mergeMeta(current.meta, body['meta']);
  return a;
}

// ---------------------------------------------------------------------------------------------------------------
// Assignments

const ASSIGNMENT_FIELDS: Readonly<Record<string, Coercer>> = {
  contactId: reference('contact', false),
  contactName: text,
  payingContactId: reference('contact', true),
  accountId: reference('account', false),
  action: oneOf(['None', 'Skipped', 'Completed'], false),
  remoteOrderId: text,
  location,
  status: oneOf(['None', 'AppendedToOrder', 'Invoiced', 'Fulfilled'], false),
  handledDate: dateTime,
};

const PLAN_FIELDS: Readonly<Record<string, Coercer>> = {
  executionTime: (v, p, s) => dateTime(v, p, s) ?? missing(p),
  indicativeDate: date,
  accountIds: stringList,
  indicativeDateType: oneOf(['Fixed', 'Optimal'], false),
};

/** The 2018 flat names, still accepted on input and mapped into `plan`. */
const LEGACY_PLAN: Readonly<Record<string, string>> = {
  timestamp: 'executionTime',
  planningDate: 'indicativeDate',
  planningDateType: 'indicativeDateType',
  planningAccountIds: 'accountIds',
};

const ADDRESS_FIELDS: Readonly<Record<string, Coercer>> = {
  street: text,
  apartment: text,
  postalCode: text,
  city: text,
  countryCode,
};

const TASK_FIELDS: Readonly<Record<string, Coercer>> = {
  agreementId: reference('agreement', true),
  reference: text,
  description: text,
  amount: integer(0, true),
  unitPrice: integer(0, true),
  quantity: positiveNumber,
  duration: integer(3, true, ' minutes'),
  workType: text,
};

function planBody(body: Body): Body | undefined {
  const plan = sub(body, 'plan');
  let merged: Body | undefined = plan;
  for (const [legacy, field] of Object.entries(LEGACY_PLAN)) {
    if (has(body, legacy) && !(plan && has(plan, field))) {
      merged = { ...merged, [field]: body[legacy] };
    }
  }
  return merged;
}

function task(store: StoreView, raw: unknown, i: number): AssignmentTask {
  const p = `tasks[${i}]`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('tasks', `'${p}' must be an object, got ${shown(raw)}.`);
  const t: AssignmentTask = {
    agreementId: null,
    reference: null,
    description: null,
    amount: null,
    unitPrice: null,
    quantity: 1,
    duration: null,
    workType: null,
  };
  const body = raw as Body;
  apply(t, body, TASK_FIELDS, store, `${p}.`);
  // Sources disagree on the price field (`amount` in examples, `unitPrice` in the table): keep both in step.
  t.unitPrice ??= t.amount;
  t.amount ??= t.unitPrice;
  const ag = t.agreementId ? store.agreements.get(t.agreementId) : undefined;
  if (ag) {
    t.reference ??= ag.id;
    t.description ??= ag.description;
    t.amount ??= ag.amount;
    t.unitPrice ??= ag.amount;
    t.duration ??= ag.duration;
    t.workType ??= ag.workType;
  }
  t.workType ??= 'WindowCleaning';
  return t;
}

function tasks(store: StoreView, v: unknown): AssignmentTask[] {
  if (v === null || v === '') return [];
  const list = listLike(v);
  if (!list) fail('tasks', `'tasks' must be a list of task objects, got ${shown(v)}.`);
  return list.map((x, i) => task(store, x, i));
}

function address(store: StoreView, base: AssignmentAddress | null, v: unknown, key: string): AssignmentAddress | null {
  if (v === null || v === '') return null;
  if (typeof v !== 'object' || Array.isArray(v))
    fail(key, `'${key}' must be an object with street, apartment, postalCode, city and countryCode, got ${shown(v)}.`);
  const a: AssignmentAddress = base ? { ...base } : { street: null, apartment: null, postalCode: null, city: null, countryCode: null };
  apply(a, v as Body, ADDRESS_FIELDS, store, `${key}.`);
  return a;
}

/**
 * Builds a new assignment. Required: `contactId`, `accountId`, `location` and `plan.executionTime` (or the legacy
 * `timestamp`). `contactName`, `payingContactId` and `address` come from the contact when omitted.
 */
export function newAssignment(store: StoreView, raw: unknown, createdDate: string): Assignment {
  const body = asBody(raw);
  const plan = planBody(body);
  for (const k of ['contactId', 'accountId', 'location']) if (!has(body, k)) missing(k);
  if (!plan || !has(plan, 'executionTime')) missing('plan.executionTime');
  const a: Assignment = {
    id: '',
    createdDate,
    meta: {},
    contactId: '',
    contactName: null,
    payingContactId: null,
    accountId: '',
    action: 'None',
    remoteOrderId: null,
    location: [0, 0],
    status: 'None',
    plan: { executionTime: '', indicativeDate: null, accountIds: [], indicativeDateType: 'Optimal' },
    tasks: [],
    handledDate: null,
    address: null,
    deliveryAddress: null,
  };
  apply(a, body, ASSIGNMENT_FIELDS, store);
  apply(a.plan, plan, PLAN_FIELDS, store, 'plan.');
  if (!has(plan, 'indicativeDate')) a.plan.indicativeDate = a.plan.executionTime.slice(0, 10);
  if (has(body, 'tasks')) a.tasks = tasks(store, body['tasks']);
  const contact = store.contacts.get(a.contactId)!;
  if (!has(body, 'contactName')) a.contactName = contact.name;
  if (!has(body, 'payingContactId')) a.payingContactId = contact.payingContactId ?? contact.id;
  a.address = has(body, 'address')
    ? address(store, null, body['address'], 'address')
    : {
        street: contact.address,
        apartment: contact.appartment,
        postalCode: contact.postalCode,
        city: contact.city,
        countryCode: contact.countryCode,
      };
  if (has(body, 'deliveryAddress')) a.deliveryAddress = address(store, null, body['deliveryAddress'], 'deliveryAddress');
  a.meta = mergeMeta(a.meta, body['meta']);
  return a;
}

export function updatedAssignment(store: StoreView, current: Assignment, raw: unknown): Assignment {
  const body = asBody(raw);
  const a: Assignment = { ...current, plan: { ...current.plan } };
  apply(a, body, ASSIGNMENT_FIELDS, store);
  const plan = planBody(body);
  if (plan) apply(a.plan, plan, PLAN_FIELDS, store, 'plan.');
  if (has(body, 'tasks')) a.tasks = tasks(store, body['tasks']);
  if (has(body, 'address')) a.address = address(store, current.address, body['address'], 'address');
  if (has(body, 'deliveryAddress')) a.deliveryAddress = address(store, current.deliveryAddress, body['deliveryAddress'], 'deliveryAddress');
  if (a.contactId !== current.contactId && !has(body, 'contactName')) a.contactName = store.contacts.get(a.contactId)?.name ?? null;
  a.meta = mergeMeta(current.meta, body['meta']);
  return a;
}

// ---------------------------------------------------------------------------------------------------------------
// Accounts and organizations

const ACCOUNT_FIELDS: Readonly<Record<string, Coercer>> = {
  name: requiredText,
  email: (v, p, s) => email(v, p, s) ?? missing(p),
  languageCode: (v, p, s) => languageCode(v, p, s) ?? missing(p),
};

/** `POST /accounts/current`: only `name`, `email`, `languageCode` and `meta` can change. */
export function updatedAccount(store: StoreView, current: Account, raw: unknown): Account {
  const body = asBody(raw);
  const a: Account = { ...current };
  apply(a, body, ACCOUNT_FIELDS, store);
  if (a.email !== current.email) a.emailValidated = false;
  a.meta = mergeMeta(current.meta, body['meta']);
  return a;
}

const ORGANIZATION_FIELDS: Readonly<Record<string, Coercer>> = {
  name: requiredText,
  url: text,
  address: text,
  postalCode: text,
  city: text,
  countryCode,
  phone: text,
  email: text,
  registrationNo: text,
  languageCode: (v, p, s) => languageCode(v, p, s) ?? missing(p),
  baseCurrency: (v, p, s) => currency(v, p, s) ?? missing(p),
  subjectToVat: bool,
  timeZone: requiredText,
  referenceId: text,
};

export function newOrganization(store: StoreView, raw: unknown, id: string, createdDate: string): Organization {
  const body = asBody(raw);
  if (!has(body, 'name')) missing('name');
  const o: Organization = {
    id,
    name: '',
    url: null,
    address: null,
    postalCode: null,
    city: null,
    countryCode: 'DK',
    phone: null,
    email: null,
    registrationNo: null,
    terminated: false,
    terminationTime: null,
    createdDate,
    trial: true,
    subscriptionPrice: 0,
    subscriptionPeriod: 'Monthly',
    subscriptionDiscount: 0.0,
    subscriptionExpires: null,
    subscriptionType: 'Free',
    languageCode: 'da',
    baseCurrency: 'DKK',
    locked: false,
    subjectToVat: true,
    timeZone: 'Europe/Copenhagen',
    referenceId: null,
  };
  apply(o, body, ORGANIZATION_FIELDS, store);
  return o;
}

export function updatedOrganization(store: StoreView, current: Organization, raw: unknown): Organization {
  const o: Organization = { ...current };
  apply(o, asBody(raw), ORGANIZATION_FIELDS, store);
  return o;
}

/** `POST /accounts/actions/sendTwoFactorToken {phone}`: the phone must be a full international number. */
export function twoFactorPhone(raw: unknown): string {
  const body = asBody(raw);
  if (!has(body, 'phone')) missing('phone');
  const phone = body['phone'];
  if (typeof phone !== 'string' || !/^\+\d{6,15}$/.test(phone.replace(/[\s-]/g, ''))) {
    fail('phone', `'phone' must be a full international phone number such as '+4522123456', got ${shown(phone)}.`);
  }
  return phone.replace(/[\s-]/g, '');
}
