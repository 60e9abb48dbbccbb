/**
 * Not public: what the Prevision mutations share (the life cycle, connectors, pipelines, uploads): the call context,
 * input problems collected and reported at once, refusals pointed at the input field they name, and the id a create
 * answered with.
 */
import { AugurError, ErrorCode } from '../core/errors.js';
import type { PrevisionCallContext } from '../upstreams/prevision/client.js';
import type { Context } from './context.js';
import { previsionId } from './prevision.js';
import { InputProblems, refusalPointer } from './userErrors.js';

/** The call context of a Prevision request: the caller's master token and the operation's budget. */
export function call(ctx: Context): PrevisionCallContext {
  return { masterToken: ctx.credential('prevision'), budget: ctx.budget };
}

/** Collects the input's problems, so every one is reported at once; ids are read as Prevision ids. */
export class Problems extends InputProblems {
  /** A global id argument as the Prevision id it names; undefined (and a problem recorded) when it is not one. */
  id(ctx: Context, param: string, value: string, type: Parameters<typeof previsionId>[2]): string | undefined {
    return this.decode(param, () => previsionId(ctx, value, type, param));
  }
}

/** Prevision names its body fields in messages (`Field "target_column": ...`): a refusal is pointed at the input field. */
export const refusal = refusalPointer;

/** The id Prevision answered a create with; a create answer without one breaks its contract. */
export function created<T extends { _id?: string }>(what: string) {
  return (answer: T): T & { _id: string } => {
    if (!answer?._id) {
      throw new AugurError(ErrorCode.UPSTREAM_ERROR, `Prevision did not return the id of the new ${what}.`, { platform: 'prevision' });
    }
    return answer as T & { _id: string };
  };
}
