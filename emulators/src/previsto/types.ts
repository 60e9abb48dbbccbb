/**
 * Previsto wire types as the emulator serves them (`api.previsto.io`). Field names and spellings follow the
 * published help pages exactly, including `appartment` on contacts and accounts but `apartment` inside an
 * assignment's `address`.
 */

/** `[longitude, latitude]`, GeoJSON order. */
export type LonLat = [number, number];

/** Free-form metadata: up to 20 keys, names up to 40 characters, values up to 500 characters. */
export type Meta = Record<string, string>;

export type AccountingMode = 'None' | 'AddToDraft' | 'AddToInvoice';
export type AccountingTime = 'BeforeWork' | 'AfterWork';
export type InvoiceDelivery = 'None' | 'Email';
export type AgreementType = 'Primary' | 'Supplementary';
export type PlanningDateType = 'Fixed' | 'Optimal';
export type AssignmentAction = 'None' | 'Skipped' | 'Completed';
export type AssignmentStatus = 'None' | 'AppendedToOrder' | 'Invoiced' | 'Fulfilled';

/** The user behind an API key, or a worker of the same organization. */
export interface Account {
  id: string;
  login: string;
  name: string;
  email: string;
  emailValidated: boolean;
  address: string | null;
  appartment: string | null;
  postalCode: string | null;
  city: string | null;
  countryCode: string | null;
  location: LonLat;
  languageCode: string;
  /** `ROLE_*` system roles and `ORGROLE_<orgId>_*` organization roles. */
  roles: string[];
  meta: Meta;
}

export interface Organization {
  id: string;
  name: string;
  url: string | null;
  address: string | null;
  postalCode: string | null;
  city: string | null;
  countryCode: string | null;
  phone: string | null;
  email: string | null;
  registrationNo: string | null;
  terminated: boolean;
  terminationTime: string | null;
  createdDate: string;
  trial: boolean;
  subscriptionPrice: number;
  subscriptionPeriod: 'Monthly' | 'Quarterly' | 'SemiAnnually' | 'Annually';
  subscriptionDiscount: number;
  subscriptionExpires: string | null;
  subscriptionType: 'Free' | 'Micro' | 'Small' | 'Medium' | 'Large';
  languageCode: string;
  baseCurrency: string;
  locked: boolean;
  subjectToVat: boolean;
  timeZone: string;
  referenceId: string | null;
}

/** A customer: a private person or a company. */
export interface Contact {
  id: string;
  name: string;
  address: string | null;
  appartment: string | null;
  postalCode: string | null;
  city: string | null;
  countryCode: string | null;
  location: LonLat;
  number: string | null;
  remoteId: string | null;
  remoteOrderId: string | null;
  phone: string | null;
  email: string | null;
  registrationNo: string | null;
  ean: string | null;
  accountingMode: AccountingMode | null;
  accountingTime: AccountingTime | null;
  invoiceDelivery: InvoiceDelivery | null;
  payingContactId: string | null;
  note: string | null;
  notifyBeforeWork: boolean;
  archived: boolean;
  agentIds: string[];
  meta: Meta;
}

/** Recurring (or one-off) work agreed with a contact. `amount` is in 1/100 of the currency unit. */
export interface Agreement {
  id: string;
  description: string;
  note: string | null;
  amount: number;
  currency: string;
  contactId: string;
  /** iCal RRULE, e.g. `FREQ=WEEKLY;INTERVAL=4;WKST=MO`. */
  recurrenceRule: string | null;
  type: AgreementType;
  workType: string;
  /** Minutes, at least 3. */
  duration: number;
  planningDateType: PlanningDateType;
  planningDate: string | null;
  startDate: string | null;
  endDate: string | null;
  previousDate: string | null;
  nextDate: string | null;
  accountId: string | null;
  archived: boolean;
  meta: Meta;
}

/** The street address of an assignment (note: `apartment` here, `appartment` on contacts). */
export interface AssignmentAddress {
  street: string | null;
  apartment: string | null;
  postalCode: string | null;
  city: string | null;
  countryCode: string | null;
}

export interface AssignmentPlan {
  /** Local time, minute precision: `2025-05-31T08:05`. */
  executionTime: string;
  indicativeDate: string | null;
  accountIds: string[];
  indicativeDateType: PlanningDateType;
}

export interface AssignmentTask {
  agreementId: string | null;
  reference: string | null;
  description: string | null;
  amount: number | null;
  unitPrice: number | null;
  quantity: number;
  duration: number | null;
  workType: string | null;
}

/** Planned (or executed) work at a contact. */
export interface Assignment {
  id: string;
  createdDate: string;
  meta: Meta;
  contactId: string;
  contactName: string | null;
  payingContactId: string | null;
  accountId: string;
  action: AssignmentAction;
  remoteOrderId: string | null;
  location: LonLat;
  status: AssignmentStatus;
  plan: AssignmentPlan;
  tasks: AssignmentTask[];
  handledDate: string | null;
  address: AssignmentAddress | null;
  deliveryAddress: AssignmentAddress | null;
}

/** One hit of `GET /addresses` (the shape of the browser SDK's `IAddress`, coordinates as strings). */
export interface AddressHit {
  city: string;
  countryCode: string;
  houseNumber: string;
  latitude: string;
  longitude: string;
  postalCode: string;
  street: string;
  village: string | null;
}

/** The error envelope every non-2xx response carries. */
export interface PrevistoErrorBody {
  type: 'invalid_request_error' | 'api_error';
  message: string;
  param?: string;
}

/**
 * What the model rules (`models.ts`, `fields.ts`) read from the store: the collections references are checked
 * against, and the organization. `PrevistoStore` is one; the rules take this view so that the store can import them
 * without a circle.
 */
export interface StoreView {
  readonly organization: Organization | null;
  readonly accounts: { has(id: string): boolean };
  readonly contacts: { has(id: string): boolean; get(id: string): Contact | undefined };
  readonly agreements: { has(id: string): boolean; get(id: string): Agreement | undefined };
}
