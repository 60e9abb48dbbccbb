/**
 * Internal: what the observability plugins read from a finished operation (its outcome, its error codes, a name safe
 * to log), computed the same way for metrics, logs and traces.
 */
import type { GraphQLRequestContext, GraphQLResponse } from '@apollo/server';
import { getOperationAST } from 'graphql';

/** `ok`: no errors; `partial`: errors, but some top-level field has data; `error`: errors and no data. */
export type OperationOutcome = 'ok' | 'partial' | 'error';

/** A GraphQL name (what `operationName` must be); anything else a caller sends is not logged or labelled. */
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** The first (or only) result of a response, whatever its delivery. */
function firstResult(response: GraphQLResponse): {
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }>;
} {
  return response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
}

export function operationOutcome(response: GraphQLResponse): OperationOutcome {
  const result = firstResult(response);
  if (!result.errors?.length) return 'ok';
  const data = result.data;
  if (data && Object.values(data).some((v) => v !== null && v !== undefined)) return 'partial';
  return 'error';
}

/** Distinct `extensions.code` values of the response's errors, in order of first appearance, and the error count. */
export function errorCodes(response: GraphQLResponse): { codes: string[]; count: number } {
  const errors = firstResult(response).errors ?? [];
  const codes = new Set<string>();
  for (const e of errors) {
    const code = e.extensions?.['code'];
    codes.add(typeof code === 'string' ? code : 'UNKNOWN');
  }
  return { codes: [...codes], count: errors.length };
}

/**
 * The operation's name: the one resolved from the document (also when validation failed), else the requested one,
 * when it is a valid GraphQL name of at most `maxLength` characters; else null (anonymous or unusable).
 */
export function operationName(requestContext: GraphQLRequestContext<object>, maxLength = 128): string | null {
  const { document, request } = requestContext;
  const fromDocument = document ? getOperationAST(document, request.operationName)?.name?.value : undefined;
  const name = requestContext.operationName ?? fromDocument ?? request.operationName ?? null;
  if (name === null || name.length > maxLength || !GRAPHQL_NAME.test(name)) return null;
  return name;
}

/** `query`, `mutation` or `subscription` once the operation is resolved, else null. */
export function operationType(requestContext: GraphQLRequestContext<object>): string | null {
  return requestContext.operation?.operation ?? null;
}
