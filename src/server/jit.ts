/**
 * Compiled execution with graphql-jit. Apollo Server keeps parsing, validation, plugins and error formatting; only
 * execution is replaced, through Apollo's gateway interface, by a per-document compiled function that is cached.
 * graphql-js's interpreter allocates an argument object, a promise collection and a result map per field; the
 * compiled form does far less of that, which lowers both CPU and heap churn on list-heavy operations.
 */
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import {
  GraphQLError,
  execute,
  getVariableValues,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { isIntrospectionOnly } from './introspection.js';

/** What the compiled executor reads of an operation: Apollo's gateway request context has it, and so does direct execution. */
export interface JitRequest {
  document: DocumentNode;
  operation?: OperationDefinitionNode | undefined;
  operationName?: string | null | undefined;
  queryHash?: string | undefined;
  request: { operationName?: string | undefined; variables?: Record<string, unknown> | undefined };
  context: unknown;
}

/** Executes operations through a compiled function per document and operation, compiled on first use and cached. */
export function jitExecutor(schema: GraphQLSchema, maxDocuments = 1000): (requestContext: JitRequest) => Promise<ExecutionResult> {
  const compiled = new Map<string, CompiledQuery>();
  return async (requestContext) => {
    // No operation resolved (several without operationName, or an unknown name): graphql-js answers with the
    // error Apollo expects here (OPERATION_RESOLUTION_FAILURE) and executes nothing.
    if (!requestContext.operation) {
      return execute({ schema, document: requestContext.document, operationName: requestContext.request.operationName ?? null });
    }
    // Apollo leaves variable coercion to a gateway: answer bad variables as Apollo itself does (400, BAD_USER_INPUT).
    const definitions = requestContext.operation.variableDefinitions ?? [];
    if (definitions.length > 0) {
      const coerced = getVariableValues(schema, definitions, requestContext.request.variables ?? {}, { maxErrors: 50 });
      if (coerced.errors) {
        return {
          errors: coerced.errors.map(
            (e) =>
              new GraphQLError(e.message, {
                nodes: e.nodes,
                extensions: { ...e.extensions, code: 'BAD_USER_INPUT', http: { status: 400 } },
              }),
          ),
        };
      }
    }
    // Introspection resolves from the schema in memory: compiling it costs more than running it once.
    if (isIntrospectionOnly(requestContext.operation, requestContext.document)) {
      return execute({
        schema,
        document: requestContext.document,
        operationName: requestContext.operationName ?? null,
        variableValues: requestContext.request.variables ?? {},
      });
    }
    const key = `${requestContext.queryHash}\n${requestContext.operationName ?? ''}`;
    let query = compiled.get(key);
    if (!query) {
      const result = compileQuery(schema, requestContext.document, requestContext.operationName ?? undefined);
      if (!isCompiledQuery(result)) return { ...result, ...(result.errors ? { errors: result.errors.map(withExtensions) } : {}) };
      // Documents are already bounded by Apollo's document cache; this only keeps memory flat under abuse.
      if (compiled.size >= maxDocuments) compiled.clear();
      compiled.set(key, result);
      query = result;
    }
    const result = await query.query(undefined, requestContext.context, requestContext.request.variables ?? {});
    if (result.errors) result.errors = result.errors.map(withExtensions);
    return result;
  };
}

/** The compiled executor as Apollo's gateway: Apollo keeps parsing, validation, plugins and error formatting. */
export function jitGateway(schema: GraphQLSchema, executor = jitExecutor(schema)): GatewayInterface {
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };
}

/**
 * graphql-jit wraps an error thrown by a resolver in its own GraphQLError, whose `extensions` is undefined when the
 * thrown error had none (a TypeError, a RangeError); graphql-js always sets an object, and Apollo's error formatting
 * reads it. Such errors are rebuilt as graphql-js errors, keeping message, path, locations and the original error, so
 * they are masked and logged like any unexpected error.
 */
function withExtensions(error: GraphQLError): GraphQLError {
  if (error.extensions) return error;
  const rebuilt = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined });
  (rebuilt as { locations: GraphQLError['locations'] }).locations = error.locations;
  return rebuilt;
}
