/** Wire types of the Previsto API (docs/upstreams.md §8.7 "Resource fields"); resolver parents map onto these. */

export type Meta = Record<string, string>;

export interface PrevistoContact {
  id: string;
  name: string;
  address?: string | null;
  appartment?: string | null;
  postalCode?: string | null;
  city?: string | null;
  countryCode?: string | null;
  location?: [number, number] | null;
  number?: string | null;
  remoteId?: string | null;
  remoteOrderId?: string | null;
  phone?: string | null;
  email?: string | null;
  registrationNo?: string | null;
  ean?: string | null;
  accountingMode?: 'None' | 'AddToDraft' | 'AddToInvoice' | null;
  accountingTime?: 'BeforeWork' | 'AfterWork' | null;
  invoiceDelivery?: 'None' | 'Email' | null;
  payingContactId?: string | null;
  note?: string | null;
  notifyBeforeWork?: boolean | null;
  archived?: boolean | null;
  agentIds?: string[] | null;
  meta?: Meta | null;
  [extra: string]: unknown;
}

export interface PrevistoAgreement {
  id: string;
  description?: string | null;
  note?: string | null;
  amount?: number | null;
  currency?: string | null;
  contactId?: string | null;
  recurrenceRule?: string | null;
  type?: 'Primary' | 'Supplementary' | null;
  workType?: string | null;
  duration?: number | null;
  planningDateType?: 'Fixed' | 'Optimal' | null;
  planningDate?: string | null;
  startDate?: string | null;
  endDate?: string | null;
  previousDate?: string | null;
  nextDate?: string | null;
  archived?: boolean | null;
  meta?: Meta | null;
  [extra: string]: unknown;
}

export interface PrevistoTask {
  agreementId?: string | null;
  reference?: string | null;
  description?: string | null;
  amount?: number | null;
  unitPrice?: number | null;
  quantity?: number | null;
  duration?: number | null;
  workType?: string | null;
}

export interface PrevistoAddress {
  street?: string | null;
  apartment?: string | null;
  postalCode?: string | null;
  city?: string | null;
  countryCode?: string | null;
}

export interface PrevistoPlan {
  executionTime?: string | null;
  indicativeDate?: string | null;
  accountIds?: string[] | null;
  indicativeDateType?: 'Fixed' | 'Optimal' | null;
}

export interface PrevistoAssignment {
  id: string;
  createdDate?: string | null;
  meta?: Meta | null;
  contactId?: string | null;
  contactName?: string | null;
  payingContactId?: string | null;
  accountId?: string | null;
  action?: 'None' | 'Skipped' | 'Completed' | null;
  remoteOrderId?: string | null;
  location?: [number, number] | null;
  status?: 'None' | 'AppendedToOrder' | 'Invoiced' | 'Fulfilled' | null;
  plan?: PrevistoPlan | null;
  tasks?: PrevistoTask[] | null;
  handledDate?: string | null;
  address?: PrevistoAddress | null;
  deliveryAddress?: PrevistoAddress | null;
  [extra: string]: unknown;
}

export interface PrevistoAccount {
  id: string;
  login?: string | null;
  name?: string | null;
  email?: string | null;
  emailValidated?: boolean | null;
  address?: string | null;
  appartment?: string | null;
  postalCode?: string | null;
  city?: string | null;
  countryCode?: string | null;
  location?: [number, number] | null;
  languageCode?: string | null;
  roles?: string[] | null;
  meta?: Meta | null;
  [extra: string]: unknown;
}

export interface PrevistoErrorBody {
  type?: string;
  message?: string;
  param?: string;
}

/** The Previsto collections Augur reads and writes. */
export type PrevistoResource = 'contacts' | 'agreements' | 'assignments';

/** Mapper of `GeoPoint`: Previsto's `[longitude, latitude]`. */
export type LonLat = [number, number];
