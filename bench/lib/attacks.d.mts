/** Types of `attacks.mjs` (the attack corpus shared by the resilience test and `bench/attack.mjs`). */

/** A GraphQL request body as posted: `{ query, variables?, operationName? }`. */
export interface GraphQLBody {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export interface AttackClass {
  /** Stable kebab-case name, used in test titles and bench figures. */
  name: string;
  /** The family it belongs to (fragment bombs, field merging, directives, tokens, …). */
  group: string;
  /** The request body: a GraphQL body, or the raw JSON value posted (an array for `batched`). */
  build(): GraphQLBody | GraphQLBody[];
  /** The body's JSON text, for a body `JSON.stringify` cannot serialise (nesting deeper than V8's stack allows). */
  json?(): string;
  /** `extensions.code` values the refusal may carry. */
  codes: readonly string[];
  /** True for the class meant to cross the body limit (answered 413 before GraphQL). */
  overBodyLimit: boolean;
  /**
   * True for the class that is an attack only against a real upstream budget: the bench raises Previsto's budget so
   * its normal traffic is never rate limited, and under that budget the class is an allowed, heavy operation.
   */
  allowedAtBenchBudget?: boolean;
}

export declare const DOCUMENT_REFUSAL_CODES: readonly string[];
export declare const REQUEST_REFUSAL_CODES: readonly string[];
export declare const MAX_BODY_BYTES: number;
export declare const ATTACKS: readonly AttackClass[];
/** The JSON text posted for an attack class, built once; throws for an unknown name or a body on the wrong side of the body limit. */
export declare function attackBody(name: string): string;
