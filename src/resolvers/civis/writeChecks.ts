/**
 * Not public: the input checks the Civis writes share. Augur's own checks run first and report every problem of the
 * input at once; Civis's refusals become user errors pointed at an input field.
 */
import type { InputMaybe } from '../../generated/resolvers.js';
import type { NodeTypeName } from '../../relay/ids.js';
import { AugurError, ErrorCode, InputErrors, badInput } from '../../core/errors.js';
import type { Context } from '../context.js';
import { fieldNamedIn, type NamedField } from '../userErrors.js';
import { civisId } from './shared.js';

const MAX_NAME = 255;

/** Collects the input's problems, so every one is reported at once. */
export class Problems {
  private readonly list: AugurError[] = [];
  /** Records a problem of the input field `param`. */
  add(param: string, message: string, reason?: 'required'): void {
    this.list.push(badInput(message, { param, ...(reason ? { reason } : {}) }));
  }
  /** A name that must not be blank (`required`: it must be given too). */
  name(param: string, value: InputMaybe<string> | undefined, required: boolean): void {
    if (value == null) {
      if (required) this.add(param, `${param} is required.`, 'required');
    } else if (!value.trim()) this.add(param, `${param} must not be blank.`, 'required');
    else if (value.length > MAX_NAME) this.add(param, `${param} may have at most ${MAX_NAME} characters, got ${value.length}.`);
  }
  /** A global id of one of `types`, decoded; undefined (and a problem recorded) when it is not one. */
  id(ctx: Context, param: string, value: string, types: NodeTypeName | readonly NodeTypeName[]): number | undefined {
    try {
      return civisId(ctx, value, types, param);
    } catch (e) {
      if (e instanceof AugurError) this.list.push(new AugurError(e.code, e.message, { ...e.details, param }));
      else throw e;
      return undefined;
    }
  }
  /** Throws the one problem recorded, or all of them as one `InputErrors`; returns when there is none. */
  throwIfAny(): void {
    if (this.list.length === 1) throw this.list[0]!;
    if (this.list.length > 1) throw new InputErrors(this.list);
  }
}

/** What Civis's messages call each input field, for pointing its refusals. */
export function refusal(idField: string | undefined, fields: readonly NamedField[]) {
  return (e: AugurError) => (e.code === ErrorCode.NOT_FOUND && idField ? idField : fieldNamedIn(e.message, fields));
}

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
