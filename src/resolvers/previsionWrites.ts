/**
 * Not public: what the Prevision mutations share (the life cycle, connectors, pipelines, uploads): the call context,
 * input problems collected and reported at once, refusals pointed at the input field they name, and the id a create
 * answered with.
 */
import { AugurError, ErrorCode, InputErrors, badInput } from '../core/errors.js';
import type { PrevisionCallContext } from '../upstreams/prevision/client.js';
import type { Context } from './context.js';
import { previsionId } from './prevision.js';
import { fieldNamedIn, type NamedField } from './userErrors.js';

const MAX_NAME = 255;

/** The call context of a Prevision request: the caller's master token and the operation's budget. */
export function call(ctx: Context): PrevisionCallContext {
  return { masterToken: ctx.credential('prevision'), budget: ctx.budget };
}

/** Collects the input's problems, so every one is reported at once. */
export class Problems {
  private readonly list: AugurError[] = [];
  add(param: string, message: string, reason?: 'required'): void {
    this.list.push(badInput(message, { param, ...(reason ? { reason } : {}) }));
  }
  text(param: string, value: string | null | undefined, required: boolean): void {
    if (value == null) {
      if (required) this.add(param, `${param} is required.`, 'required');
    } else if (!value.trim()) this.add(param, `${param} must not be blank.`, 'required');
    else if (value.length > MAX_NAME) this.add(param, `${param} may have at most ${MAX_NAME} characters, got ${value.length}.`);
  }
  /** A global id argument as the Prevision id it names; undefined (and a problem recorded) when it is not one. */
  id(ctx: Context, param: string, value: string, type: Parameters<typeof previsionId>[2]): string | undefined {
    try {
      return previsionId(ctx, value, type, param);
    } catch (e) {
      if (!(e instanceof AugurError)) throw e;
      this.list.push(new AugurError(e.code, e.message, { ...e.details, param }));
      return undefined;
    }
  }
  throwIfAny(): void {
    if (this.list.length === 1) throw this.list[0]!;
    if (this.list.length > 1) throw new InputErrors(this.list);
  }
}

/** Prevision names its body fields in messages (`Field "target_column": ...`): a refusal is pointed at the input field. */
export function refusal(notFound: string | undefined, fields: readonly NamedField[]) {
  return (e: AugurError) => (e.code === ErrorCode.NOT_FOUND && notFound ? notFound : fieldNamedIn(e.message, fields));
}

/** The id Prevision answered a create with; a create answer without one breaks its contract. */
export function created<T extends { _id?: string }>(what: string) {
  return (answer: T): T & { _id: string } => {
    if (!answer?._id) {
      throw new AugurError(ErrorCode.UPSTREAM_ERROR, `Prevision did not return the id of the new ${what}.`, { platform: 'prevision' });
    }
    return answer as T & { _id: string };
  };
}
