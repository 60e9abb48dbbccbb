/**
 * One execution path for operations that arrive over SSE (`/graphql/stream`) or WebSocket, shared with `/graphql`:
 * the same document guard and limits, the same context (credentials headers, budget, loaders), the same admission
 * gate and the same error formatting. Queries and mutations are run by Apollo itself (`executeOperation`, with every
 * plugin); a subscription is validated with the limits, admitted while it subscribes (its first read), and each of
 * its events is executed with a fresh context, so nothing cached by one event's loaders leaks into the next.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import {
  GraphQLError,
  OperationTypeNode,
  createSourceEventStream,
  execute,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { AugurError, ErrorCode } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { AdmissionGate, AdmissionTicket } from '../admission.js';
import type { Principal } from '../access.js';
import { createContext, type Context, type Services } from '../context.js';
import { tokenLimitError } from '../errors.js';
import type { DocumentGuard } from '../guard.js';
import { limitRule, upstreamCallsError, type FieldCalls, type LimitSettings, type OperationMeasure } from '../limits.js';
import type { LiveMetrics, LiveTransport } from './metrics.js';

/** Who sent an operation, as the HTTP layer knows a request. */
export interface LiveRequest {
  /** The HTTP headers, or for WebSocket the upgrade's headers overlaid with `connectionParams`. */
  headers: IncomingHttpHeaders | Map<string, string>;
  requestId: string;
  /** `callerOf`: who shares a rate budget. */
  caller: string;
  /** The client admission is fair between (its key or address). */
  client: string;
  callerGone: () => boolean;
  transport: LiveTransport;
  /**
   * Who is calling, as the HTTP layer (SSE) or the connection's handshake (WebSocket) authenticated it. Unset, the
   * context's default applies: every field open without signed tokens, only unguarded fields with them.
   */
  principal?: Principal;
  /**
   * When the caller's token stops being accepted (epoch ms): an open subscription then ends with a last result,
   * `UNAUTHENTICATED` (`reason: "expired"`), and completes (SSE; a WebSocket connection is closed instead, ws.ts).
   */
  expiresAt?: number;
}

/** setTimeout's longest delay (about 24.8 days); a later expiry re-arms the timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** An operation's parameters as both protocols carry them. */
export interface LiveParams {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

/** What an operation gives: one result, or a subscription's stream of them. */
export type LiveResult = FormattedExecutionResult | AsyncIterableIterator<FormattedExecutionResult>;

export interface LiveOperationsOptions {
  schema: GraphQLSchema;
  apollo: ApolloServer<Context>;
  services: Services;
  guard: DocumentGuard;
  limits: LimitSettings;
  fieldCalls: FieldCalls;
  admission: AdmissionGate;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  maxTokens: number;
  logger: Logger;
  metrics?: LiveMetrics;
}

export class LiveOperations {
  private readonly rules;
  private readonly measures = new WeakMap<OperationDefinitionNode, OperationMeasure>();

  constructor(private readonly options: LiveOperationsOptions) {
    this.rules = [...specifiedRules, limitRule(options.limits, options.fieldCalls, this.measures)];
  }

  /** Whether `result` is a subscription's stream rather than one result. */
  static isStream(result: LiveResult): result is AsyncIterableIterator<FormattedExecutionResult> {
    return typeof (result as { next?: unknown }).next === 'function';
  }

  async run(params: LiveParams, request: LiveRequest): Promise<LiveResult> {
    const { query } = params;
    if (typeof query !== 'string') {
      return this.failure(request, new AugurError(ErrorCode.BAD_USER_INPUT, 'Send the operation as "query", a string.'));
    }
    const refused = this.options.guard.check(query, params);
    if (refused) return this.failure(request, ...refused);
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: this.options.maxTokens, noLocation: true });
    } catch (error) {
      return this.failure(request, tokenLimitError(error) ?? (error as GraphQLError));
    }
    const operationName = typeof params.operationName === 'string' ? params.operationName : undefined;
    const operation = getOperationAST(document, operationName);
    if (operation?.operation !== OperationTypeNode.SUBSCRIPTION) return this.viaApollo(params, query, request);

    const { schema, services, admission } = this.options;
    const errors = validate(schema, document, this.rules);
    if (errors.length > 0) return this.failure(request, ...errors);
    const variables = isObject(params.variables) ? params.variables : undefined;
    const measure = this.measures.get(operation);
    const callsError =
      measure && upstreamCallsError(measure, operation, document, schema, this.options.limits, this.options.fieldCalls, variables);
    if (callsError) return this.failure(request, callsError);

    const context = (): Context =>
      createContext(services, request.headers, request.requestId, request.callerGone, request.caller, request.principal);
    // Admitted like any operation while it subscribes (the first read of the object); events are cheap replays.
    const entry = admission.enter(measure?.cost ?? 1, request.client);
    if (entry === undefined) {
      return this.failure(
        request,
        new AugurError(ErrorCode.SERVER_BUSY, 'Augur is at capacity: too many operations are waiting. Retry after a second.', {
          retryAfter: 1,
          limit: 'maxQueuedOperations',
          max: admission.maxQueued,
        }),
      );
    }
    let ticket: AdmissionTicket | undefined;
    let source: AsyncIterable<unknown> | ExecutionResult;
    try {
      ticket = await entry;
      source = await createSourceEventStream({
        schema,
        document,
        contextValue: context(),
        variableValues: variables ?? null,
        operationName: operationName ?? null,
      });
    } finally {
      if (ticket) admission.leave(ticket);
    }
    if (!isAsyncIterable(source)) return this.format(request, source);
    this.options.logger.info(
      { event: 'subscription_started', requestId: request.requestId, transport: request.transport, operationName: operationName ?? null },
      'subscription started',
    );
    return this.stream(source, request, async (payload) => {
      const contextValue = context();
      contextValue.budget.operationDeadline.start();
      try {
        const result = await execute({
          schema,
          document,
          rootValue: payload,
          contextValue,
          variableValues: variables ?? null,
          operationName: operationName ?? null,
        });
        return this.format(request, result);
      } finally {
        contextValue.budget.operationDeadline.stop();
      }
    });
  }

  /** A query or mutation: Apollo runs it with every plugin (limits, admission, errors, logging, metrics). */
  private async viaApollo(params: LiveParams, query: string, request: LiveRequest): Promise<FormattedExecutionResult> {
    const contextValue = createContext(
      this.options.services,
      request.headers,
      request.requestId,
      request.callerGone,
      request.caller,
      request.principal,
    );
    const response = await this.options.apollo.executeOperation(
      {
        query,
        ...(isObject(params.variables) ? { variables: params.variables } : {}),
        ...(typeof params.operationName === 'string' ? { operationName: params.operationName } : {}),
        ...(isObject(params.extensions) ? { extensions: params.extensions } : {}),
      },
      { contextValue },
    );
    if (response.body.kind !== 'single') {
      return this.failure(request, new AugurError(ErrorCode.BAD_USER_INPUT, 'Incremental delivery (@defer, @stream) is not served.'));
    }
    const { data, errors, extensions } = response.body.singleResult;
    return {
      ...(data !== undefined ? { data } : {}),
      ...(errors ? { errors } : {}),
      ...(extensions ? { extensions } : {}),
    } as FormattedExecutionResult;
  }

  /**
   * The subscription's results, as an iterator whose `return` reaches the source at once (an async generator would
   * wait for the next event first, and keep the poller running for nothing). A failure of the source (the object
   * became unreadable, the gateway is stopping) is served as a last result with the error, then the stream completes.
   */
  private stream(
    source: AsyncIterable<unknown>,
    request: LiveRequest,
    map: (payload: unknown) => Promise<FormattedExecutionResult>,
  ): AsyncIterableIterator<FormattedExecutionResult> {
    const iterator = source[Symbol.asyncIterator]();
    const { metrics, logger } = this.options;
    const transport = request.transport;
    metrics?.subscriptions.inc({ transport });
    let done = false;
    let events = 0;
    let previous: string | undefined;
    // A subscription does not outlive its token: at expiry the source is let go (its poller stops when no one else
    // watches) and the subscriber gets the refusal it would get subscribing now.
    let expired = false;
    let expiry: NodeJS.Timeout | undefined;
    const expire = (): void => {
      const left = request.expiresAt! - Date.now();
      if (left > 0) {
        expiry = setTimeout(expire, Math.min(left, MAX_TIMER_MS));
        expiry.unref();
        return;
      }
      expired = true;
      void iterator.return?.();
    };
    if (request.expiresAt !== undefined) expire();
    const expiredResult = (): IteratorYieldResult<FormattedExecutionResult> => {
      finish();
      logger.info({ event: 'subscription_expired', requestId: request.requestId, transport }, 'subscription ended: its token expired');
      const error = new AugurError(ErrorCode.UNAUTHENTICATED, 'The token has expired; subscribe again with a new one.', {
        reason: 'expired',
      });
      return { value: this.format(request, { errors: [error] }), done: false };
    };
    const finish = (): void => {
      if (done) return;
      done = true;
      if (expiry) clearTimeout(expiry);
      metrics?.subscriptions.dec({ transport });
      logger.info({ event: 'subscription_ended', requestId: request.requestId, transport, events }, 'subscription ended');
    };
    const ended: IteratorReturnResult<undefined> = { value: undefined, done: true };
    const results: AsyncIterableIterator<FormattedExecutionResult> = {
      next: async () => {
        if (done) return ended;
        if (expired) return expiredResult();
        try {
          for (;;) {
            const next = await iterator.next();
            if (expired && !done) return expiredResult();
            if (next.done || done) {
              finish();
              return ended;
            }
            const value = await map(next.value);
            // The object changed in a field this subscriber did not select: nothing new to tell it.
            const text = JSON.stringify(value);
            if (text === previous) continue;
            previous = text;
            events++;
            metrics?.events.inc({ transport });
            return { value, done: false };
          }
        } catch (error) {
          if (done) return ended;
          finish();
          return { value: this.format(request, { errors: [asGraphQLError(error)] }), done: false };
        }
      },
      return: async () => {
        finish();
        await iterator.return?.();
        return ended;
      },
      throw: async (error?: unknown) => {
        finish();
        await iterator.return?.();
        throw error instanceof Error ? error : new Error(String(error));
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return results;
  }

  private failure(request: LiveRequest, ...errors: GraphQLError[]): FormattedExecutionResult {
    return this.format(request, { errors });
  }

  /** A result as clients see it: errors through the server's `formatError`, with the request id. */
  private format(request: LiveRequest, result: ExecutionResult): FormattedExecutionResult {
    if (!result.errors?.length) return result.data !== undefined ? { data: result.data } : {};
    const errors = result.errors.map((error) => {
      const formatted = this.options.formatError(error.toJSON(), error);
      return { ...formatted, extensions: { ...formatted.extensions, requestId: request.requestId } };
    });
    return result.data !== undefined ? { data: result.data, errors } : { errors };
  }
}

function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  return new GraphQLError(error instanceof Error ? error.message : String(error), {
    originalError: error instanceof Error ? error : undefined,
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
