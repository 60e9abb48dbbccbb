/**
 * Typed user errors for mutation payloads: a failure the caller can fix (bad input, an unknown id, a conflict, a
 * plan limit) becomes a `UserError` with the path into the input as the caller wrote it; anything else is rethrown
 * and served in top-level `errors`.
 */
import type { UserError, UserErrorCode } from '../generated/resolvers.js';
import { AugurError, ErrorCode, InputErrors, badInput } from '../core/errors.js';

/** A mutation payload's error part. */
export interface WithUserErrors {
  userErrors: UserError[];
}

/**
 * The path of an input value: a `param` as an upstream (Previsto's `"meta.tier"`) or Augur's own validation names it
 * (`"input.email"`), rooted at the mutation's input argument.
 */
export function inputPath(param: string | undefined, inputArg = 'input'): string[] {
  if (!param) return [];
  const parts = param.split(/[.[\]]+/).filter(Boolean);
  return parts[0] === inputArg ? parts : [inputArg, ...parts];
}

/** The `UserError` for `error` when the caller can fix it, else undefined. */
export function userErrorOf(error: unknown, inputArg = 'input'): UserError | undefined {
  if (!(error instanceof AugurError)) return undefined;
  const path = error.details['field'];
  const field = Array.isArray(path)
    ? path.map(String)
    : inputPath(typeof error.details.param === 'string' ? error.details.param : undefined, inputArg);
  const code = userErrorCode(error);
  if (!code) return undefined;
  // An upstream names its own parameter ("meta.tier"); the caller wrote a path into the input.
  const message =
    error.details.upstreamStatus !== undefined && field.length > 0
      ? error.message.replace(/ \(parameter "[^"]*"\)/, ` (${field.join('.')})`)
      : error.message;
  return { field, code, message };
}

/** The `UserError`s for `error` (one per problem of an `InputErrors`) when the caller can fix it all, else undefined. */
export function userErrorsOf(error: unknown, inputArg = 'input'): UserError[] | undefined {
  if (error instanceof InputErrors) {
    const all = error.problems.map((p) => userErrorOf(p, inputArg));
    const known = all.filter((e): e is UserError => e !== undefined);
    return known.length === all.length ? known : undefined;
  }
  const one = userErrorOf(error, inputArg);
  return one ? [one] : undefined;
}

function userErrorCode(error: AugurError): UserErrorCode | undefined {
  switch (error.code) {
    case ErrorCode.BAD_USER_INPUT:
      return error.details['reason'] === 'required' ? 'REQUIRED' : 'INVALID';
    case ErrorCode.NOT_FOUND:
      return 'NOT_FOUND';
    case ErrorCode.UPSTREAM_ERROR:
      // The platform's own refusals of the input: 409 (conflict) and 402 (plan limit); other statuses are not the caller's to fix.
      if (error.details.upstreamStatus === 409) return 'CONFLICT';
      if (error.details.upstreamStatus === 402) return 'LIMIT_REACHED';
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Runs a mutation's work and answers its payload: `make(result)` with no user errors, or `empty` with the user error
 * the failure amounts to. Failures the caller cannot fix are rethrown.
 */
export async function payload<R, P extends object>(
  run: () => R | Promise<R>,
  make: (result: R) => P,
  empty: { [K in keyof P]: P[K] | null },
  inputArg = 'input',
): Promise<{ [K in keyof P]: P[K] | null } & WithUserErrors> {
  try {
    return { ...make(await run()), userErrors: [] };
  } catch (error) {
    const userErrors = userErrorsOf(error, inputArg);
    if (!userErrors) throw error;
    return { ...empty, userErrors };
  }
}

/**
 * One input field a platform's refusal may name: its path in the mutation's input (`input.datasetId`) and the words
 * the platform's messages use for it (`dataset_id`, `dataset`).
 */
export type NamedField = readonly [param: string, ...words: string[]];

/** The path of the first of `fields` whose words appear (as whole words, any case) in `message`, else undefined. */
export function fieldNamedIn(message: string, fields: readonly NamedField[]): string | undefined {
  for (const [param, ...words] of fields) {
    for (const word of words) {
      const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (new RegExp(`(^|[^A-Za-z0-9_])${escaped}($|[^A-Za-z0-9_])`, 'i').test(message)) return param;
    }
  }
  return undefined;
}

/**
 * Where a platform's refusal of a write points: NOT_FOUND at `notFound` (the id input), others at the field the
 * platform's message names.
 */
export function refusalPointer(notFound: string | undefined, fields: readonly NamedField[]) {
  return (e: AugurError): string | undefined => (e.code === ErrorCode.NOT_FOUND && notFound ? notFound : fieldNamedIn(e.message, fields));
}

const MAX_NAME = 255;

/**
 * Collects a write's input problems, so every one is reported at once; each platform adds how its ids are read
 * (`decode` turns the refusal of an id into a problem of its field).
 */
export class InputProblems {
  private readonly list: AugurError[] = [];
  /** Records a problem of the input field `param`. */
  add(param: string, message: string, reason?: 'required'): void {
    this.list.push(badInput(message, { param, ...(reason ? { reason } : {}) }));
  }
  /** A name or text that must not be blank (`required`: it must be given too), of at most 255 characters. */
  text(param: string, value: string | null | undefined, required: boolean): void {
    if (value == null) {
      if (required) this.add(param, `${param} is required.`, 'required');
    } else if (!value.trim()) this.add(param, `${param} must not be blank.`, 'required');
    else if (value.length > MAX_NAME) this.add(param, `${param} may have at most ${MAX_NAME} characters, got ${value.length}.`);
  }
  /** `read()`'s value; undefined, and its AugurError recorded as a problem of `param`, when it throws one. */
  protected decode<T>(param: string, read: () => T): T | undefined {
    try {
      return read();
    } catch (e) {
      if (!(e instanceof AugurError)) throw e;
      this.list.push(new AugurError(e.code, e.message, { ...e.details, param }));
      return undefined;
    }
  }
  /** Throws the one problem recorded, or all of them as one `InputErrors`; returns when there is none. */
  throwIfAny(): void {
    if (this.list.length === 1) throw this.list[0]!;
    if (this.list.length > 1) throw new InputErrors(this.list);
  }
}

/**
 * Runs an upstream write and, when the platform refuses the input without naming a parameter (Civis and Prevision
 * never do), points the refusal at an input field: the one `locate` names (from the status, or from words of the
 * platform's message), else the input as a whole. Failures the caller cannot fix pass through unchanged.
 */
export async function pointing<R>(
  run: () => Promise<R>,
  locate: (error: AugurError) => string | undefined,
  inputArg = 'input',
): Promise<R> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AugurError && error.details.param === undefined && userErrorOf(error, inputArg)) {
      const param = locate(error) ?? inputArg;
      throw new AugurError(error.code, error.message, { ...error.details, param }, { cause: error });
    }
    throw error;
  }
}
