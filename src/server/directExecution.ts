/**
 * Operations whose document Apollo has already parsed and validated run without Apollo's HTTP pipeline: the same
 * plugins (Apollo's own included), called with the same hooks in the same order, the same compiled executor, the same
 * error formatting and the same response, with less around them. Apollo's pipeline awaits every hook of every plugin,
 * parses and validates the request body's fields and negotiates the Accept header again for each operation, which
 * for a single prediction cost about as much as executing it.
 *
 * A document becomes known when Apollo resolved an operation of it (so it parsed and passed every validation rule);
 * Apollo keeps answering everything else: a document seen for the first time, a request with `extensions`
 * (persisted queries), an unknown operation name, a GET, an Accept header no JSON type satisfies, a subscription. What
 * happens here is Apollo Server 5's `processGraphQLRequest` and `runHttpQuery` for a document found in its document
 * store (test/server/directExecution.test.ts holds the two to the same answers, headers, hooks and log lines).
 */
import {
  HeaderMap,
  type ApolloServer,
  type ApolloServerPlugin,
  type BaseContext,
  type GraphQLRequestContext,
  type HTTPGraphQLRequest,
} from '@apollo/server';
import type { GraphQLRequestExecutionListener, GraphQLRequestListener, HTTPGraphQLResponse } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  getOperationAST,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { singleResultContentType } from './contentType.js';
import type { JitRequest } from './jit.js';
import { settle, type AugurPlugin } from './plugins/combine.js';

/** A document Apollo validated, by its text: its hash (Apollo's `queryHash`) and its operations by name. */
interface KnownDocument {
  document: DocumentNode;
  queryHash: string;
  operations: Map<string | undefined, OperationDefinitionNode>;
}

/** The documents Apollo validated, by text: at most `maxEntries`, and `maxChars` of text in all, the oldest forgotten first. */
export class KnownDocuments {
  private readonly byText = new Map<string, KnownDocument>();
  private chars = 0;

  constructor(
    private readonly maxEntries = 1000,
    private readonly maxChars = 16 * 1024 * 1024,
  ) {}

  get size(): number {
    return this.byText.size;
  }

  get(text: string): KnownDocument | undefined {
    return this.byText.get(text);
  }

  remember(text: string, document: DocumentNode, queryHash: string): void {
    if (this.byText.has(text) || text.length > this.maxChars / 16) return;
    while (this.byText.size > 0 && (this.byText.size >= this.maxEntries || this.chars + text.length > this.maxChars)) {
      const [oldest] = this.byText.keys();
      this.chars -= oldest!.length;
      this.byText.delete(oldest!);
    }
    this.byText.set(text, { document, queryHash, operations: new Map() });
    this.chars += text.length;
  }
}

/** The operation of a known document that `operationName` selects, as graphql-js's `getOperationAST` finds it. */
function operationOf(known: KnownDocument, operationName: string | undefined): OperationDefinitionNode | null {
  const kept = known.operations.get(operationName);
  if (kept) return kept;
  const operation = getOperationAST(known.document, operationName) ?? null;
  // Only names the document answers are kept: a caller sending made-up names must not grow the map.
  if (operation) known.operations.set(operationName, operation);
  return operation;
}

export interface DirectExecutionParts<TContext extends BaseContext> {
  /** The server whose plugins run, and which answers what direct execution leaves to it. */
  apollo: ApolloServer<TContext>;
  schema: GraphQLSchema;
  /** The executor Apollo's gateway runs (jit.ts). */
  executor: (requestContext: JitRequest) => Promise<ExecutionResult>;
  /** Apollo's `formatError`. */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}

/**
 * What direct execution reads of Apollo's private state: whether it has started (and not stopped), and its plugins,
 * its defaults included, in its order. Undefined when they are not where Apollo Server 5 keeps them.
 */
function startedPlugins<TContext extends BaseContext>(apollo: ApolloServer<TContext>): readonly ApolloServerPlugin<TContext>[] | undefined {
  const internals = (apollo as unknown as { internals?: { state?: { phase?: unknown }; plugins?: unknown } }).internals;
  if (internals?.state?.phase !== 'started' || !Array.isArray(internals.plugins)) return undefined;
  return internals.plugins as ApolloServerPlugin<TContext>[];
}

type Listener<TContext extends BaseContext> = GraphQLRequestListener<TContext>;
type ExecutionListener<TContext extends BaseContext> = GraphQLRequestExecutionListener<TContext>;
type MutableRequestContext<TContext extends BaseContext> = {
  -readonly [K in keyof GraphQLRequestContext<TContext>]: GraphQLRequestContext<TContext>[K];
};

/** The fields Apollo reads of a POST body, when they are all this body has and each is of a type Apollo accepts. */
interface DirectBody {
  query: string;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
}

function directBody(body: unknown): DirectBody | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  for (const key in b) if (key !== 'query' && key !== 'variables' && key !== 'operationName') return undefined;
  const { query, variables, operationName } = b;
  if (typeof query !== 'string') return undefined;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return undefined;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
  return {
    query,
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: operationName ?? undefined,
  };
}

export class DirectExecution<TContext extends BaseContext> {
  private options: DirectExecutionParts<TContext> | undefined;

  /** Made before Apollo (its plugin is one of Apollo's), given Apollo and the rest once they exist (`attach`). */
  constructor(readonly documents = new KnownDocuments()) {}

  attach(parts: DirectExecutionParts<TContext>): void {
    this.options = parts;
  }

  /** The plugin that makes documents known: Apollo resolves an operation only of a document that parsed and validated. */
  plugin(): AugurPlugin<TContext> {
    const documents = this.documents;
    return {
      requestDidStart: () => ({
        didResolveOperation: ({ source, document, queryHash, request }) => {
          if (request.http?.method === 'POST' && source !== undefined && queryHash !== undefined)
            documents.remember(source, document, queryHash);
        },
      }),
    };
  }

  /**
   * The response to a POST whose body names a known document, or undefined (before anything was called) when Apollo
   * must answer it. `context` builds the operation's context, as Apollo's `context` option would.
   */
  run(http: HTTPGraphQLRequest, context: () => Promise<TContext>): Promise<HTTPGraphQLResponse> | undefined {
    if (http.method !== 'POST' || !this.options) return undefined;
    const plugins = startedPlugins(this.options.apollo);
    if (!plugins) return undefined;
    const body = directBody(http.body);
    if (!body) return undefined;
    const known = this.documents.get(body.query);
    if (!known) return undefined;
    const operation = operationOf(known, body.operationName);
    if (!operation || (operation.operation !== OperationTypeNode.QUERY && operation.operation !== OperationTypeNode.MUTATION))
      return undefined;
    const contentType = singleResultContentType(http.headers.get('accept'));
    if (contentType === null) return undefined;
    return this.execute(this.options, http, body, known, operation, contentType, context, plugins);
  }

  private async execute(
    parts: DirectExecutionParts<TContext>,
    http: HTTPGraphQLRequest,
    body: DirectBody,
    known: KnownDocument,
    operation: OperationDefinitionNode,
    contentType: string,
    context: () => Promise<TContext>,
    plugins: readonly ApolloServerPlugin<TContext>[],
  ): Promise<HTTPGraphQLResponse> {
    const { apollo, schema } = parts;
    // A context that cannot be built is Apollo's to report (contextCreationDidFail, its error response): building it
    // again there is harmless, since it only reads the request.
    let contextValue: TContext;
    try {
      contextValue = await context();
    } catch {
      return apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: http, context });
    }
    const requestContext: MutableRequestContext<TContext> = {
      logger: apollo.logger,
      cache: apollo.cache,
      schema,
      request: { query: body.query, operationName: body.operationName, variables: body.variables, extensions: undefined, http },
      response: { http: { status: undefined, headers: new HeaderMap() } },
      // Apollo hands plugins a shallow copy of the context, its prototype kept.
      contextValue: Object.assign(Object.create(Object.getPrototypeOf(contextValue) as object) as TContext, contextValue),
      metrics: {},
      overallCachePolicy: newCachePolicy(),
      requestIsBatched: false,
    };
    const rc = requestContext as GraphQLRequestContext<TContext>;
    try {
      const listeners = (await settle(plugins.map((p) => p.requestDidStart?.(rc)))).filter(isDefined);
      await respond(parts, requestContext, listeners, known, operation);
    } catch (maybeError) {
      // As Apollo's internalExecuteOperation and executeHTTPGraphQLRequest answer an error of the pipeline itself.
      const error = ensureError(maybeError);
      await Promise.all(plugins.map(async (p) => p.unexpectedErrorProcessingRequest?.({ requestContext: rc, error })));
      apollo.logger.error(`Unexpected error processing request: ${error}`);
      return errorResponse(parts, new Error('Internal server error'), contentType);
    }
    const { response } = requestContext;
    if (!response.http.headers.get('content-type')) response.http.headers.set('content-type', contentType);
    if (response.body?.kind !== 'single') throw new Error('Direct execution answers single results only.');
    const { errors, data, extensions } = response.body.singleResult;
    return {
      status: response.http.status,
      headers: response.http.headers,
      body: { kind: 'complete', string: `${JSON.stringify({ errors, data, extensions })}\n` },
    };
  }
}

/** Apollo's pipeline from `didResolveSource` on, for a document its document store holds. */
async function respond<TContext extends BaseContext>(
  parts: DirectExecutionParts<TContext>,
  requestContext: MutableRequestContext<TContext>,
  listeners: Listener<TContext>[],
  known: KnownDocument,
  operation: OperationDefinitionNode,
): Promise<void> {
  const rc = requestContext as GraphQLRequestContext<TContext>;
  const each = <K extends keyof Listener<TContext>>(hook: K, call: (l: Listener<TContext>) => unknown) =>
    settle(listeners.map((l) => (l[hook] ? call(l) : undefined)));
  const didEncounterErrors = async (errors: readonly GraphQLError[]) => {
    requestContext.errors = errors;
    await each('didEncounterErrors', (l) => l.didEncounterErrors!(rc as never));
  };
  const sendErrorResponse = async (errors: readonly GraphQLError[]) => {
    await didEncounterErrors(errors);
    const { formattedErrors, httpFromErrors } = formatErrors(parts, errors);
    requestContext.response.body = { kind: 'single', singleResult: { errors: formattedErrors } };
    mergeHead(requestContext.response.http, httpFromErrors);
    requestContext.response.http.status ??= 500;
    await each('willSendResponse', (l) => l.willSendResponse!(rc as never));
  };

  requestContext.metrics.persistedQueryHit = false;
  requestContext.metrics.persistedQueryRegister = false;
  requestContext.queryHash = known.queryHash;
  requestContext.source = rc.request.query!;
  await each('didResolveSource', (l) => l.didResolveSource!(rc as never));
  requestContext.document = known.document;
  requestContext.operation = operation;
  requestContext.operationName = operation.name?.value ?? null;
  try {
    await each('didResolveOperation', (l) => l.didResolveOperation!(rc as never));
  } catch (err) {
    return sendErrorResponse([ensureGraphQLError(err)]);
  }
  let fromPlugin = null;
  for (const l of listeners) {
    if (!l.responseForOperation) continue;
    fromPlugin = (await l.responseForOperation(rc as never)) ?? null;
    if (fromPlugin !== null) break;
  }
  if (fromPlugin !== null) {
    requestContext.response.body = fromPlugin.body;
    mergeHead(requestContext.response.http, fromPlugin.http);
  } else {
    const executionListeners = (await each('executionDidStart', (l) => l.executionDidStart!(rc as never))).filter(
      isDefined,
    ) as ExecutionListener<TContext>[];
    executionListeners.reverse();
    // Per-field hooks (cache control) need Apollo's schema instrumentation: direct execution is off when they exist.
    if (executionListeners.some((l) => l.willResolveField !== undefined))
      throw new Error('Direct execution cannot run willResolveField hooks.');
    try {
      const result = await parts.executor({
        document: known.document,
        operation,
        operationName: rc.operationName,
        queryHash: known.queryHash,
        request: rc.request,
        context: rc.contextValue,
      });
      const resultErrors = result.errors?.map((e) =>
        isBadUserInputGraphQLError(e) && e.extensions?.['code'] == null ? userInputError(e) : e,
      );
      if (resultErrors) await didEncounterErrors(resultErrors);
      const { formattedErrors, httpFromErrors } = resultErrors
        ? formatErrors(parts, resultErrors)
        : { formattedErrors: undefined, httpFromErrors: newHead() };
      if (resultErrors?.length && result.data === undefined && !httpFromErrors.status) httpFromErrors.status = 400;
      mergeHead(requestContext.response.http, httpFromErrors);
      requestContext.response.body = { kind: 'single', singleResult: { ...result, errors: formattedErrors } };
    } catch (executionMaybeError) {
      const executionError = ensureError(executionMaybeError);
      await settle(executionListeners.map((l) => l.executionDidEnd?.(executionError)));
      return sendErrorResponse([ensureGraphQLError(executionError)]);
    }
    await settle(executionListeners.map((l) => l.executionDidEnd?.()));
  }
  await each('willSendResponse', (l) => l.willSendResponse!(rc as never));
}

/** Apollo's normalizeAndFormatErrors: codes filled in, `extensions.http` taken into the response head, formatError applied. */
function formatErrors<TContext extends BaseContext>(
  parts: DirectExecutionParts<TContext>,
  errors: readonly unknown[],
): { formattedErrors: GraphQLFormattedError[]; httpFromErrors: Head } {
  const httpFromErrors = newHead();
  const enrich = (maybeError: unknown): GraphQLFormattedError => {
    const graphqlError = ensureGraphQLError(maybeError);
    const extensions: Record<string, unknown> = {
      ...graphqlError.extensions,
      code: graphqlError.extensions['code'] ?? 'INTERNAL_SERVER_ERROR',
    };
    if (isPartialHead(extensions['http'])) {
      mergeHead(httpFromErrors, { headers: new HeaderMap(), ...extensions['http'] });
      delete extensions['http'];
    }
    return { ...graphqlError.toJSON(), extensions };
  };
  const formattedErrors = errors.map((error) => {
    try {
      return parts.formatError(enrich(error), error);
    } catch {
      return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
  });
  return { formattedErrors, httpFromErrors };
}

/** Apollo's errorResponse: the error alone, formatted, with its status or 500. */
function errorResponse<TContext extends BaseContext>(
  parts: DirectExecutionParts<TContext>,
  error: Error,
  contentType: string,
): HTTPGraphQLResponse {
  const { formattedErrors, httpFromErrors } = formatErrors(parts, [error]);
  return {
    status: httpFromErrors.status ?? 500,
    headers: new HeaderMap([...httpFromErrors.headers, ['content-type', contentType]]),
    body: { kind: 'complete', string: `${JSON.stringify({ errors: formattedErrors })}\n` },
  };
}

interface Head {
  status?: number | undefined;
  headers: HeaderMap;
}

const newHead = (): Head => ({ status: undefined, headers: new HeaderMap() });

function mergeHead(target: Head, source: { status?: number | undefined; headers?: Map<string, string> | undefined }): void {
  if (source.status) target.status = source.status;
  if (source.headers) for (const [name, value] of source.headers) target.headers.set(name, value);
}

function isPartialHead(x: unknown): x is { status?: number; headers?: Map<string, string> } {
  return (
    !!x && typeof x === 'object' && (!('status' in x) || typeof x.status === 'number') && (!('headers' in x) || x.headers instanceof Map)
  );
}

const isDefined = <T>(value: T | null | undefined | void): value is T => value !== null && value !== undefined;

function ensureError(maybeError: unknown): Error {
  return maybeError instanceof Error ? maybeError : new GraphQLError(`Unexpected error value: ${String(maybeError)}`);
}

function ensureGraphQLError(maybeError: unknown): GraphQLError {
  const error = ensureError(maybeError);
  return error instanceof GraphQLError ? error : new GraphQLError(error.message, { originalError: error });
}

/** A variable coercion error of graphql-js's, which Apollo answers as BAD_USER_INPUT. */
function isBadUserInputGraphQLError(error: GraphQLError): boolean {
  const node = error.nodes?.length === 1 ? error.nodes[0] : undefined;
  if (node?.kind !== Kind.VARIABLE_DEFINITION) return false;
  const name = node.variable.name.value;
  return [
    `Variable "$${name}" has invalid value`,
    `Variable "$${name}" got invalid value `,
    `Variable "$${name}" of required type `,
    `Variable "$${name}" of non-null type `,
  ].some((prefix) => error.message.startsWith(prefix));
}

function userInputError(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    originalError: error.originalError ?? error,
    extensions: { ...error.extensions, code: 'BAD_USER_INPUT' },
  });
}

/** Apollo's cache policy of an operation (nothing restricts it while cache control is off). */
function newCachePolicy(): GraphQLRequestContext<BaseContext>['overallCachePolicy'] {
  return {
    maxAge: undefined,
    scope: undefined,
    restrict(hint) {
      if (hint.maxAge !== undefined && (this.maxAge === undefined || hint.maxAge < this.maxAge)) this.maxAge = hint.maxAge;
      if (hint.scope !== undefined && this.scope !== 'PRIVATE') this.scope = hint.scope;
    },
    replace(hint) {
      if (hint.maxAge !== undefined) this.maxAge = hint.maxAge;
      if (hint.scope !== undefined) this.scope = hint.scope;
    },
    policyIfCacheable() {
      if (this.maxAge === undefined || this.maxAge === 0) return null;
      return { maxAge: this.maxAge, scope: this.scope ?? 'PUBLIC' };
    },
  };
}
