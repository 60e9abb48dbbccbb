/**
 * Deterministic seed data for one Previsto tenant: an organization, its accounts, 250 contacts, 300 agreements and
 * 1,000 assignments. Everything derives from the tenant's seed number and fixed base dates, so the same seed always
 * yields the same ids, names and timestamps.
 */
import { idGenerator, seededRandom } from '../framework/util.js';
import {
  AGREEMENT_DESCRIPTIONS,
  AGREEMENT_NOTES,
  ASSOCIATIONS,
  CITIES,
  CONTACT_NOTES,
  FIRST_NAMES,
  LAST_NAMES,
  ORGANIZATION_NAMES,
  STREETS,
  TRADES,
  asciiFold,
  geocode,
} from './data.js';
import type {
  Account,
  AccountingMode,
  Agreement,
  Assignment,
  AssignmentAction,
  AssignmentStatus,
  AssignmentTask,
  Contact,
  Meta,
  Organization,
} from './types.js';

/** Sizes of the seed, per tenant. */
export const SEED_COUNTS = { contacts: 250, agreements: 300, assignments: 1000, workers: 5 } as const;

/** Assignments are created one after the other from this instant (37 minutes apart). */
export const ASSIGNMENTS_CREATED_FROM = Date.UTC(2024, 11, 1);
/** Execution times fall in 2025-01-01 .. 2026-12-31. */
const EXECUTION_FROM = Date.UTC(2025, 0, 1);
const EXECUTION_DAYS = 730;
/** Work planned before this day has been handled (completed or skipped); later work is still open. */
const HANDLED_BEFORE = Date.UTC(2025, 9, 1);
const DAY = 86_400_000;

/** The data one tenant starts with. */
export interface SeedData {
  organization: Organization;
  currentAccountId: string;
  accounts: Account[];
  contacts: Contact[];
  agreements: Agreement[];
  assignments: Assignment[];
}

type Rnd = () => number;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** `YYYY-MM-DD` of a UTC instant. */
export function isoDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** `YYYY-MM-DDTHH:mm`, the minute-precision local time Previsto uses for plans. */
export function isoMinute(ms: number): string {
  const d = new Date(ms);
  return `${isoDate(ms)}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

function makeId(prefix: string, rnd: Rnd): string {
  return idGenerator(prefix, rnd, 16 + Math.floor(rnd() * 5))();
}

function digits(rnd: Rnd, n: number, first = '123456789'): string {
  let s = first[Math.floor(rnd() * first.length)]!;
  for (let i = 1; i < n; i++) s += String(Math.floor(rnd() * 10));
  return s;
}

/** Builds the seed for one tenant. */
export function buildSeed(seed: number): SeedData {
  const rnd = seededRandom(seed);
  const pick = <T>(arr: readonly T[]): T => arr[Math.floor(rnd() * arr.length)]!;
  const chance = (p: number): boolean => rnd() < p;
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));

  // Organization and accounts.
  const orgId = makeId('org-', rnd);
  const orgName = pick(ORGANIZATION_NAMES);
  const orgDomain = `${asciiFold(orgName.replace(/\b(ApS|A\/S)\b/g, ''))}.dk`;
  const orgCity = pick(CITIES);
  const orgStreet = `${pick(STREETS)} ${int(1, 120)}`;
  const organization: Organization = {
    id: orgId,
    name: orgName,
    url: `https://www.${orgDomain}`,
    address: orgStreet,
    postalCode: orgCity.postalCode,
    city: orgCity.city,
    countryCode: 'DK',
    phone: `+45${digits(rnd, 8, '2345678')}`,
    email: `kontakt@${orgDomain}`,
    registrationNo: digits(rnd, 8),
    terminated: false,
    terminationTime: null,
    createdDate: '2019-03-14T09:30:00Z',
    trial: false,
    subscriptionPrice: 29900,
    subscriptionPeriod: 'Monthly',
    subscriptionDiscount: 0.0,
    subscriptionExpires: null,
    subscriptionType: 'Small',
    languageCode: 'da',
    baseCurrency: 'DKK',
    locked: false,
    subjectToVat: true,
    timeZone: 'Europe/Copenhagen',
    referenceId: null,
  };

  const accounts: Account[] = [];
  const usedLogins = new Set<string>();
  for (let i = 0; i <= SEED_COUNTS.workers; i++) {
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    let login = asciiFold(first);
    while (usedLogins.has(login)) login = `${login}${int(1, 9)}`;
    usedLogins.add(login);
    const city = pick(CITIES);
    const address = `${pick(STREETS)} ${int(1, 90)}`;
    accounts.push({
      id: makeId('acct-', rnd),
      login,
      name: `${first} ${last}`,
      email: `${login}@${orgDomain}`,
      emailValidated: i === 0 || chance(0.7),
      address,
      appartment: null,
      postalCode: city.postalCode,
      city: city.city,
      countryCode: 'DK',
      location: geocode(address, city.postalCode, city.city),
      languageCode: 'da',
      // The first account owns the API keys and administers the organization; the rest are workers.
      roles: ['ROLE_USER', `ORGROLE_${orgId}_${i === 0 ? 'ADMIN' : 'USER'}`],
      meta: i === 0 ? { role: 'owner' } : {},
    });
  }
  const owner = accounts[0]!;
  const workers = accounts.slice(1);

  // Contacts.
  const contacts: Contact[] = [];
  for (let i = 0; i < SEED_COUNTS.contacts; i++) {
    const kind = rnd();
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    const city = pick(CITIES);
    const isCompany = kind >= 0.82;
    let name: string;
    let email: string | null;
    if (!isCompany) {
      name = chance(0.15) ? `${first} ${pick(LAST_NAMES)} ${last}` : `${first} ${last}`;
      email = `${asciiFold(first)}.${asciiFold(last)}${chance(0.3) ? int(1, 99) : ''}@${pick(['gmail.com', 'mail.dk', 'hotmail.com', 'outlook.dk', 'live.dk'])}`;
    } else if (kind < 0.95) {
      const trade = pick(TRADES);
      name = chance(0.5) ? `${last}s ${trade} ApS` : `${city.city.split(' ')[0]} ${trade} A/S`;
      email = `kontakt@${asciiFold(name.replace(/\b(ApS|A\/S)\b/g, ''))}.dk`;
    } else {
      name = pick(ASSOCIATIONS);
      email = `bestyrelsen@${asciiFold(name.split(' ').slice(1).join(''))}.dk`;
    }
    if (chance(0.08)) email = null;
    const address = `${pick(STREETS)} ${int(1, 140)}${chance(0.1) ? pick(['A', 'B', 'C']) : ''}`;
    const accountingMode: AccountingMode | null = pick([null, 'None', 'AddToDraft', 'AddToInvoice'] as const);
    const payer = i > 10 && chance(0.05) ? contacts[Math.floor(rnd() * i)]! : undefined;
    const meta: Meta = {};
    if (chance(0.3)) {
      if (chance(0.5)) meta['customerSince'] = String(int(2008, 2024));
      if (chance(0.4)) meta['gateCode'] = digits(rnd, 4);
      if (chance(0.4)) meta['source'] = pick(['web', 'phone', 'referral', 'flyer']);
      if (Object.keys(meta).length === 0) meta['hairColor'] = pick(['Brown', 'Blond', 'Black', 'Red']);
    }
    contacts.push({
      id: makeId('cont-', rnd),
      name,
      address,
      appartment: !isCompany && chance(0.2) ? pick(['st. th.', 'st. tv.', '1. th.', '1. tv.', '2. th.', '2. mf.', '3. tv.']) : null,
      postalCode: city.postalCode,
      city: city.city,
      countryCode: 'DK',
      location: geocode(address, city.postalCode, city.city),
      number: chance(0.5) ? String(10000 + i) : null,
      remoteId: accountingMode && accountingMode !== 'None' ? String(int(1000, 99999)) : null,
      remoteOrderId: accountingMode === 'AddToDraft' && chance(0.3) ? String(int(100000, 199999)) : null,
      phone: chance(0.9) ? `+45${digits(rnd, 8, '2345678')}` : null,
      email,
      registrationNo: isCompany ? digits(rnd, 8) : null,
      ean: isCompany && chance(0.3) ? `5790${digits(rnd, 9, '0123456789')}` : null,
      accountingMode,
      accountingTime: accountingMode && accountingMode !== 'None' ? pick(['BeforeWork', 'AfterWork'] as const) : null,
      invoiceDelivery: pick([null, 'None', 'Email', 'Email'] as const),
      payingContactId: payer ? payer.id : null,
      note: chance(0.15) ? pick(CONTACT_NOTES) : null,
      notifyBeforeWork: chance(0.4),
      archived: chance(0.1),
      agentIds: chance(0.3) ? [pick(workers).id] : [],
      meta,
    });
  }

  // Agreements: mostly with active contacts.
  const agreements: Agreement[] = [];
  const agreementsOf = new Map<string, Agreement[]>();
  for (let i = 0; i < SEED_COUNTS.agreements; i++) {
    let contact = pick(contacts);
    if (contact.archived && chance(0.7)) contact = pick(contacts);
    const planningDateType = chance(0.35) ? 'Fixed' : 'Optimal';
    const start = EXECUTION_FROM - int(30, 1500) * DAY;
    const next = EXECUTION_FROM + int(0, 364) * DAY;
    const interval = pick([4, 6, 8, 12]);
    const a: Agreement = {
      id: makeId('agrmt-', rnd),
      description: pick(AGREEMENT_DESCRIPTIONS),
      note: chance(0.25) ? pick(AGREEMENT_NOTES) : null,
      amount: int(20, 120) * 500,
      currency: 'DKK',
      contactId: contact.id,
      recurrenceRule: chance(0.85)
        ? chance(0.8)
          ? `FREQ=WEEKLY;INTERVAL=${interval};WKST=MO`
          : `FREQ=MONTHLY;INTERVAL=${pick([1, 3, 6])}`
        : null,
      type: chance(0.8) ? 'Primary' : 'Supplementary',
      workType: 'WindowCleaning',
      duration: int(1, 24) * 5,
      planningDateType,
      planningDate: planningDateType === 'Fixed' ? isoDate(next) : null,
      startDate: isoDate(start),
      endDate: chance(0.05) ? isoDate(next + 180 * DAY) : null,
      previousDate: isoDate(next - interval * 7 * DAY),
      nextDate: isoDate(next),
      accountId: chance(0.4) ? pick(workers).id : null,
      archived: chance(0.08),
      meta: chance(0.2) ? { note: pick(['Good Deal', 'Rabat 10%', 'Ny kunde', 'Fast pris']) } : {},
    };
    agreements.push(a);
    const list = agreementsOf.get(contact.id);
    if (list) list.push(a);
    else agreementsOf.set(contact.id, [a]);
  }

  // Assignments: mostly at contacts with agreements, spread over 2025-2026.
  const withAgreements = contacts.filter((c) => agreementsOf.has(c.id));
  const active = contacts.filter((c) => !c.archived);
  const assignments: Assignment[] = [];
  for (let i = 0; i < SEED_COUNTS.assignments; i++) {
    const contact = chance(0.8) ? pick(withAgreements) : pick(active);
    const own = agreementsOf.get(contact.id) ?? [];
    const tasks: AssignmentTask[] = [];
    if (own.length > 0) {
      const first = pick(own);
      const chosen = [first];
      if (own.length > 1 && chance(0.25)) chosen.push(own.find((x) => x !== first)!);
      for (const ag of chosen) {
        tasks.push({
          agreementId: ag.id,
          reference: ag.id,
          description: ag.description,
          amount: ag.amount,
          unitPrice: ag.amount,
          quantity: 1,
          duration: ag.duration,
          workType: ag.workType,
        });
      }
    } else {
      const amount = int(20, 80) * 500;
      tasks.push({
        agreementId: null,
        reference: null,
        description: 'Ekstra vinduespudsning',
        amount,
        unitPrice: amount,
        quantity: 1,
        duration: int(2, 12) * 5,
        workType: 'WindowCleaning',
      });
    }
    const execMs = EXECUTION_FROM + int(0, EXECUTION_DAYS - 1) * DAY + int(7 * 12, 15 * 12) * 5 * 60_000;
    const executionTime = isoMinute(execMs);
    let action: AssignmentAction = 'None';
    let status: AssignmentStatus = 'None';
    if (execMs < HANDLED_BEFORE) {
      const r = rnd();
      action = r < 0.75 ? 'Completed' : r < 0.9 ? 'Skipped' : 'None';
      if (action === 'Completed') {
        const s = rnd();
        status = s < 0.4 ? 'Invoiced' : s < 0.7 ? 'Fulfilled' : s < 0.9 ? 'AppendedToOrder' : 'None';
      }
    } else if (contact.accountingTime === 'BeforeWork' && chance(0.5)) {
      status = 'AppendedToOrder';
    }
    const accountId = pick(workers).id;
    const minutes = tasks.reduce((n, t) => n + (t.duration ?? 0), 0);
    const metaRoll = rnd();
    assignments.push({
      id: makeId('asgmt-', rnd),
      createdDate: new Date(ASSIGNMENTS_CREATED_FROM + i * 37 * 60_000 + int(0, 59_999)).toISOString(),
      meta: metaRoll < 0.08 ? { source: 'agreement' } : metaRoll < 0.12 ? { ticket: `T-${int(1000, 9999)}` } : {},
      contactId: contact.id,
      contactName: contact.name,
      payingContactId: contact.payingContactId ?? contact.id,
      accountId,
      action,
      remoteOrderId: status === 'None' ? null : String(int(200000, 299999)),
      location: [contact.location[0], contact.location[1]],
      status,
      plan: {
        executionTime,
        indicativeDate: isoDate(execMs - int(0, 3) * DAY),
        accountIds: chance(0.5) ? [accountId] : [],
        indicativeDateType: chance(0.3) ? 'Fixed' : 'Optimal',
      },
      tasks,
      handledDate: action === 'None' ? null : isoMinute(execMs + minutes * 60_000),
      address: {
        street: contact.address,
        apartment: contact.appartment,
        postalCode: contact.postalCode,
        city: contact.city,
        countryCode: contact.countryCode,
      },
      deliveryAddress: null,
    });
  }

  return { organization, currentAccountId: owner.id, accounts, contacts, agreements, assignments };
}
