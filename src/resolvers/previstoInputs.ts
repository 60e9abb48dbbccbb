/** Previsto write inputs: checked field by field, then shaped as the bodies Previsto takes. */
import type {
  CreateAgreementInput,
  CreateAssignmentInput,
  CreateContactInput,
  InputMaybe,
  UpdateAccountInput,
} from '../generated/resolvers.js';
import type { Context } from './context.js';
import { GraphQLEmailAddress } from 'graphql-scalars';
import { AugurError, ErrorCode, InputErrors, badInput, quote } from '../core/errors.js';
import type { LonLat } from '../upstreams/previsto/types.js';

import { previstoId, previstoTime, validateMeta } from './previstoFilters.js';

/** A point as Previsto's `[longitude, latitude]`, refused when out of range. */
export function lonLat(p: { longitude: number; latitude: number }, param: string): LonLat {
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

/** A `LocalDateTime` (`YYYY-MM-DDTHH:mm:ss`), from Previsto's `YYYY-MM-DDTHH:mm` with or without seconds. */
export function localDateTime(value: string): string {
  return value.replace(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?=$|Z|[+-])/, '$1:00');
}

/** A location Previsto's contract promises; its absence is the platform's failure, not the caller's. */
export function lonLatOf(location: [number, number] | null | undefined, what: string): LonLat {
  if (Array.isArray(location) && location.length === 2) return location;
  throw new AugurError(ErrorCode.UPSTREAM_ERROR, `Previsto answered a ${what} without a location.`, { platform: 'previsto' });
}

type ContactFields = Omit<CreateContactInput, 'name'> & { name?: InputMaybe<string>; archived?: InputMaybe<boolean> };

/** A contact's wire body from its input, checked first: a non-empty name, an e-mail address, metadata limits. */
export function contactBody(ctx: Context, input: ContactFields): Record<string, unknown> {
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
export function agreementBody(ctx: Context, input: AgreementFields): Record<string, unknown> {
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
export function assignmentBody(ctx: Context, input: AssignmentFields): Record<string, unknown> {
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

/** The current account's wire body from its input, checked first: a non-empty name, an e-mail address, a language code, metadata limits. */
export function accountBody(input: UpdateAccountInput): Record<string, unknown> {
  let meta: Record<string, unknown> | undefined;
  checkAll(
    () => {
      if (input.name === null)
        throw badInput('input.name must not be null; omit it to keep the name.', { param: 'input.name', reason: 'required' });
      nonEmpty(input.name, 'input.name');
    },
    () => {
      if (input.email === null)
        throw badInput('input.email must not be null; omit it to keep the address.', { param: 'input.email', reason: 'required' });
      checkEmail(input.email, 'input.email');
    },
    () => {
      if (input.languageCode === undefined) return;
      if (input.languageCode === null || !/^[A-Za-z]{2}$/.test(input.languageCode)) {
        throw badInput(`input.languageCode must be a 2-letter ISO 639-1 code such as "da" or "en", got ${quote(input.languageCode)}.`, {
          param: 'input.languageCode',
        });
      }
    },
    () => {
      // Previsto merges meta key by key; null (or "") removes a key, so those pass through as null.
      const raw = input.meta;
      if (raw == null) return;
      const removed = Object.keys(raw).filter((k) => raw[k] === null || raw[k] === '');
      const kept = validateMeta(Object.fromEntries(Object.entries(raw).filter(([k]) => !removed.includes(k))), 'input.meta') ?? {};
      meta = { ...kept, ...Object.fromEntries(removed.map((k) => [k, null])) };
    },
  );
  const wire = body({ name: input.name, email: input.email, languageCode: input.languageCode?.toLowerCase() });
  if (meta !== undefined) wire['meta'] = meta;
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
export async function contactWrite<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const param = error instanceof AugurError ? error.details.param : undefined;
    const moved = param === undefined ? undefined : CONTACT_PARAMS[param.split('.')[0]!];
    if (!(error instanceof AugurError) || moved === undefined) throw error;
    throw new AugurError(error.code, error.message, { ...error.details, param: moved }, { cause: error });
  }
}
