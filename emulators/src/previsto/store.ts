/**
 * One Previsto tenant's data: the organization, its accounts, contacts, agreements and assignments, kept in
 * creation order. Each API key pair (secret + public) owns exactly one store, so callers with different keys never
 * see each other's records.
 */
import { EmulatorError } from '../framework/emulator.js';
import { idGenerator, seededRandom } from '../framework/util.js';
import { buildSeed } from './seed.js';
import {
  newAgreement,
  newAssignment,
  newContact,
  newOrganization,
  updatedAccount,
  updatedAgreement,
  updatedAssignment,
  updatedContact,
  updatedOrganization,
} from './models.js';
import type { Account, Agreement, Assignment, Contact, Organization } from './types.js';

/**
 * Records by id, iterated in creation order; `all()` is cached until the next insert or delete, and each record's
 * JSON until it changes, so list pages are joined from ready-made strings.
 */
export class Collection<T extends { id: string }> {
  private readonly byId = new Map<string, T>();
  private ordered: T[] | undefined;
  private readonly serialized = new WeakMap<T, string>();

  constructor(records: readonly T[] = []) {
    for (const r of records) this.byId.set(r.id, r);
  }

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  /** Every record in creation order. The array is shared: do not modify it. */
  all(): readonly T[] {
    return (this.ordered ??= [...this.byId.values()]);
  }

  /** The record as JSON text. */
  json(rec: T): string {
    let s = this.serialized.get(rec);
    if (s === undefined) {
      s = JSON.stringify(rec);
      this.serialized.set(rec, s);
    }
    return s;
  }

  /** A JSON array of `records` (which must belong to this collection). */
  jsonArray(records: readonly T[]): string {
    if (records.length === 0) return '[]';
    let out = '[';
    for (let i = 0; i < records.length; i++) out += (i === 0 ? '' : ',') + this.json(records[i]!);
    return `${out}]`;
  }

  insert(rec: T): void {
    this.byId.set(rec.id, rec);
    this.ordered = undefined;
  }

  /** Replaces a record's fields in place, so its position in creation order is kept. */
  replace(current: T, next: T): T {
    this.serialized.delete(current);
    return Object.assign(current, next);
  }

  remove(id: string): boolean {
    const ok = this.byId.delete(id);
    if (ok) this.ordered = undefined;
    return ok;
  }
}

function notFound(kind: string, id: string, list: string): EmulatorError {
  return new EmulatorError(404, `No ${kind} with id '${id}' exists in this organization. List existing ones with GET ${list}.`, {
    param: 'id',
  });
}

/** A tenant's data store, seeded deterministically from `seed`. */
export class PrevistoStore {
  organization: Organization | null;
  currentAccountId: string;
  readonly accounts: Map<string, Account>;
  readonly contacts: Collection<Contact>;
  readonly agreements: Collection<Agreement>;
  readonly assignments: Collection<Assignment>;
  private readonly idRandom: () => number;
  private readonly haystacks = new WeakMap<Contact, string>();

  /**
   * @param seed drives every generated value (records and the ids of records created later).
   * @param now clock for `createdDate` of records created through the API.
   */
  constructor(
    readonly seed: number,
    private readonly now: () => number = Date.now,
  ) {
    const data = buildSeed(seed);
    this.organization = data.organization;
    this.currentAccountId = data.currentAccountId;
    this.accounts = new Map(data.accounts.map((a) => [a.id, a]));
    this.contacts = new Collection(data.contacts);
    this.agreements = new Collection(data.agreements);
    this.assignments = new Collection(data.assignments);
    // A separate stream, so ids of created records do not depend on how much randomness the seed consumed.
    this.idRandom = seededRandom((seed ^ 0x5bd1e995) >>> 0);
  }

  /** A fresh id: `prefix` plus 16 to 20 base62 characters. */
  newId(prefix: string): string {
    for (;;) {
      const id = idGenerator(prefix, this.idRandom, 16 + Math.floor(this.idRandom() * 5))();
      if (!this.contacts.has(id) && !this.agreements.has(id) && !this.assignments.has(id) && !this.accounts.has(id)) return id;
    }
  }

  private stamp(): string {
    return new Date(this.now()).toISOString();
  }

  /** Lower-cased text that `?search=` looks through: name, address, city, e-mail and phone. */
  haystack(c: Contact): string {
    let h = this.haystacks.get(c);
    if (h === undefined) {
      h = [c.name, c.address, c.appartment, c.postalCode, c.city, c.email, c.phone].filter(Boolean).join('\n').toLowerCase();
      this.haystacks.set(c, h);
    }
    return h;
  }

  // Accounts --------------------------------------------------------------------------------------------------

  currentAccount(): Account {
    const a = this.accounts.get(this.currentAccountId);
    if (!a) throw new EmulatorError(404, 'The account behind this API key has been deleted. POST /_emulator/reset restores the seed.');
    return a;
  }

  updateCurrentAccount(body: unknown): Account {
    const current = this.currentAccount();
    const next = updatedAccount(this, current, body);
    Object.assign(current, next);
    return current;
  }

  deleteAccount(id: string): void {
    const target = id === 'current' ? this.currentAccountId : id;
    if (!this.accounts.delete(target)) throw notFound('account', id, '/accounts/current');
  }

  // Organization ----------------------------------------------------------------------------------------------

  currentOrganization(): Organization {
    if (!this.organization) {
      throw new EmulatorError(404, 'This account is not related to an organization. Create one with POST /organizations.');
    }
    return this.organization;
  }

  createOrganization(body: unknown): Organization {
    if (this.organization) {
      // "A user can only create a new organization if it is not related to an organization yet."
      throw new EmulatorError(
        402,
        `This account is already related to organization '${this.organization.id}'; an account can only create an organization when it has none.`,
      );
    }
    const org = newOrganization(this, body, this.newId('org-'), this.stamp());
    this.organization = org;
    const owner = this.accounts.get(this.currentAccountId);
    if (owner) owner.roles = [...owner.roles.filter((r) => !r.startsWith('ORGROLE_')), `ORGROLE_${org.id}_ADMIN`];
    return org;
  }

  updateOrganization(id: string, body: unknown): Organization {
    const org = this.organization;
    if (!org || org.id !== id) throw notFound('organization', id, '/organization');
    Object.assign(org, updatedOrganization(this, org, body));
    return org;
  }

  deleteOrganization(id: string): void {
    if (!this.organization || this.organization.id !== id) throw notFound('organization', id, '/organization');
    this.organization = null;
  }

  // Contacts --------------------------------------------------------------------------------------------------

  contact(id: string): Contact {
    const c = this.contacts.get(id);
    if (!c) throw notFound('contact', id, '/contacts');
    return c;
  }

  createContact(body: unknown): Contact {
    const c = newContact(this, body);
    c.id = this.newId('cont-');
    this.contacts.insert(c);
    return c;
  }

  updateContact(id: string, body: unknown): Contact {
    const current = this.contact(id);
    const next = updatedContact(this, current, body);
    this.haystacks.delete(current);
    return this.contacts.replace(current, next);
  }

  /** Deletes the contact only: agreements and assignments keep their `contactId` (history stays intact). */
  deleteContact(id: string): void {
    if (!this.contacts.remove(id)) throw notFound('contact', id, '/contacts');
  }

  // Agreements ------------------------------------------------------------------------------------------------

  agreement(id: string): Agreement {
    const a = this.agreements.get(id);
    if (!a) throw notFound('agreement', id, '/agreements');
    return a;
  }

  createAgreement(body: unknown): Agreement {
    const a = newAgreement(this, body);
    a.id = this.newId('agrmt-');
    this.agreements.insert(a);
    return a;
  }

  updateAgreement(id: string, body: unknown): Agreement {
    const current = this.agreement(id);
    return this.agreements.replace(current, updatedAgreement(this, current, body));
  }

  deleteAgreement(id: string): void {
    if (!this.agreements.remove(id)) throw notFound('agreement', id, '/agreements');
  }

  // Assignments -----------------------------------------------------------------------------------------------

  assignment(id: string): Assignment {
    const a = this.assignments.get(id);
    if (!a) throw notFound('assignment', id, '/assignments');
    return a;
  }

  createAssignment(body: unknown): Assignment {
    const a = newAssignment(this, body, this.stamp());
    a.id = this.newId('asgmt-');
    this.assignments.insert(a);
    return a;
  }

  updateAssignment(id: string, body: unknown): Assignment {
    const current = this.assignment(id);
    return this.assignments.replace(current, updatedAssignment(this, current, body));
  }

  deleteAssignment(id: string): void {
    if (!this.assignments.remove(id)) throw notFound('assignment', id, '/assignments');
  }
}
