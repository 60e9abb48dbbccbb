/**
 * Wire types of the Previsto API (docs/upstreams.md §8.7 "Resource fields"); resolver parents map onto these. A field
 * is optional where the contract lets it be absent or null.
 */

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
  description: string;
  note?: string | null;
  amount: number;
  currency: string;
  contactId: string;
  recurrenceRule?: string | null;
  type: 'Primary' | 'Supplementary';
  workType: string;
  duration: number;
  planningDateType: 'Fixed' | 'Optimal';
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
  executionTime: string;
  indicativeDate?: string | null;
  accountIds?: string[] | null;
  indicativeDateType?: 'Fixed' | 'Optimal' | null;
}

export interface PrevistoAssignment {
  id: string;
  createdDate: string;
  meta?: Meta | null;
  contactId: string;
  contactName?: string | null;
  payingContactId?: string | null;
  accountId: string;
  action: 'None' | 'Skipped' | 'Completed';
  remoteOrderId?: string | null;
  location?: [number, number] | null;
  status: 'None' | 'AppendedToOrder' | 'Invoiced' | 'Fulfilled';
  plan: PrevistoPlan;
  tasks?: PrevistoTask[] | null;
  handledDate?: string | null;
  address?: PrevistoAddress | null;
  deliveryAddress?: PrevistoAddress | null;
  [extra: string]: unknown;
}

export interface PrevistoAccount {
  id: string;
  login: string;
  name: string;
  email: string;
  emailValidated: boolean;
  address?: string | null;
  appartment?: string | null;
  postalCode?: string | null;
  city?: string | null;
  countryCode?: string | null;
  location?: [number, number] | null;
  languageCode: string;
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
