/**
 * Typed user errors for mutation payloads: a failure the caller can fix (bad input, an unknown id, a conflict, a
 * plan limit) becomes a `UserError` with the path into the input as the caller wrote it; anything else is rethrown
 * and served in top-level `errors`.
 */
import type { UserError, UserErrorCode } from '../generated/resolvers.js';
import { AugurError, ErrorCode } from '../core/errors.js';

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
  const field = inputPath(typeof error.details.param === 'string' ? error.details.param : undefined, inputArg);
  const code = userErrorCode(error);
  return code ? { field, code, message: error.message } : undefined;
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
  run: () => Promise<R>,
  make: (result: R) => P,
  empty: P,
  inputArg = 'input',
): Promise<P & WithUserErrors> {
  try {
    return { ...make(await run()), userErrors: [] };
  } catch (error) {
    const userError = userErrorOf(error, inputArg);
    if (!userError) throw error;
    return { ...empty, userErrors: [userError] };
  }
}
