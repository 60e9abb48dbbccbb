/**
 * Not public: the input checks the Civis writes share. Augur's own checks run first and report every problem of the
 * input at once; Civis's refusals become user errors pointed at an input field.
 */
import type { InputMaybe } from '../../generated/resolvers.js';
import type { NodeTypeName } from '../../relay/ids.js';
import { AugurError, ErrorCode } from '../../core/errors.js';
import type { Context } from '../context.js';
import { InputProblems, refusalPointer } from '../userErrors.js';
import { civisId } from './shared.js';

/** Collects the input's problems, so every one is reported at once; ids are read as Civis ids. */
export class Problems extends InputProblems {
  /** A name that must not be blank (`required`: it must be given too). */
  name(param: string, value: InputMaybe<string> | undefined, required: boolean): void {
    this.text(param, value, required);
  }
  /** A global id of one of `types`, decoded; undefined (and a problem recorded) when it is not one. */
  id(ctx: Context, param: string, value: string, types: NodeTypeName | readonly NodeTypeName[]): number | undefined {
    return this.decode(param, () => civisId(ctx, value, types, param));
  }
}

/** What Civis's messages call each input field, for pointing its refusals. */
export const refusal = refusalPointer;

/** Civis's 409 on a cancel: the run or query has already finished. */
export function finished(what: string) {
  return (e: unknown): never => {
    if (e instanceof AugurError && e.details.upstreamStatus === 409) {
      throw new AugurError(
        ErrorCode.UPSTREAM_ERROR,
        `The ${what} has already finished; only a queued or running one can be cancelled.`,
        e.details,
      );
    }
    throw e;
  };
}
