/**
 * The HTTP face of `/graphql`: everything between a request's first byte and Apollo. The routes and hooks go first;
 * then the request id, the caller's gateway key or signed token (authenticate.ts), the slowing of clients whose
 * requests keep being refused (throttle.ts), the body (its size, JSON nesting, batching, the persisted-query allow
 * list) and the document guard (guard.ts) each refuse what they must without Apollo parsing anything; what passes is
 * executed by Apollo and written back.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { Logger } from '../core/logger.js';
import type { Authenticator } from './authenticate.js';
import { callerOf, clientOf } from './callers.js';
import type { Config } from './config.js';
import { singleResultContentType } from './contentType.js';
import { createContext, requestIdFrom, type Context, type Services } from './context.js';
import { documentSizeError, inputDepthError } from './errors.js';
import { jsonNestsDeeperThan, jsonQueryBytesAtLeast, type DocumentGuard } from './guard.js';
import { multipartBoundary, MultipartError, readMultipartOperation } from './multipart.js';
import type { Metrics, RefusalReason } from './metrics.js';
import type { AllowList } from './persisted.js';
import type { BeforeHook, RouteHandler } from './routes.js';
import { RefusalThrottle, type RefusalGate } from './throttle.js';
import type { Tracing } from './tracing.js';
import { Turns } from './turns.js';
import type { SseHandler } from './live/sse.js';
import type { AugurPlugin } from './plugins/combine.js';
import type { DirectExecution } from './directExecution.js';

export interface GraphQLHttpOptions {
  config: Config;
  logger: Logger;
  services: Services;
  guard: DocumentGuard;
  /** Tokens and gateway keys (authenticate.ts). */
  authenticator: Authenticator;
  /** Set in allow-list mode: unregistered operations are refused before Apollo. */
  allowList: AllowList | undefined;
  /** Routes other than `/graphql`, by path, and hooks that may answer any request first (CORS, GraphiQL). */
  routes: ReadonlyMap<string, RouteHandler>;
  before: readonly BeforeHook[];
  metrics?: Metrics;
  tracing?: Tracing;
}

/** The path of GraphQL over Server-Sent Events (live/sse.ts). */
export const STREAM_PATH = '/graphql/stream';

export interface GraphQLHttp {
  /** Counts operations answered with errors the caller could have avoided against its allowance. */
  plugin: AugurPlugin<Context>;
  /** The refusal throttle `/graphql` uses, for the other transports. */
  refusals: RefusalGate;
  /** The client an operation's context belongs to (for fair admission): its key or address, as the throttle knows it. */
  clientOf: (context: Context) => string;
  /** The Node request handler, once Apollo and its error formatter exist. */
  handler(
    apollo: ApolloServer<Context>,
    formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
    /** Serves `POST /graphql/stream` (subscriptions over SSE) once the request passed every check of `/graphql`. */
    stream?: SseHandler,
    /** Runs operations of documents Apollo already validated without Apollo's HTTP pipeline (directExecution.ts). */
    direct?: DirectExecution<Context>,
  ): (req: IncomingMessage, res: ServerResponse) => void;
}

export function createGraphQLHttp(options: GraphQLHttpOptions): GraphQLHttp {
  const { config, logger, services, guard, authenticator, allowList, routes, before, metrics, tracing } = options;
  // A request refused before Apollo sees it: answered, logged and counted like an operation, without its content.
  const refusals = logger.child({}, { redact: [] });
  const MAX_BODY_BYTES = config.limits.maxBodyBytes;
  // Callers whose requests keep being refused are slowed down (see throttle.ts).
  const throttle = new RefusalThrottle(config.refusals);
  const noteRefused = (client: string): void => {
    if (throttle.refused(client))
      refusals.warn(
        { event: 'caller_slowed', client, perMinute: config.refusals.perMinute, delayMs: config.refusals.delayMs },
        'caller slowed down: too many refused requests',
      );
  };
  const plugin: AugurPlugin<Context> = {
    requestDidStart() {
      return {
        didEncounterErrors({ contextValue, errors }) {
          const client = (contextValue as ThrottledContext)[CLIENT];
          if (client && errors.some(isCallerFault)) noteRefused(client);
        },
        // The content type Apollo would negotiate, remembered per Accept header (contentType.ts).
        willSendResponse({ request, response }) {
          if (response.body.kind !== 'single' || !request.http || response.http.headers.has('content-type')) return;
          const type = singleResultContentType(request.http.headers.get('accept'));
          if (type) response.http.headers.set('content-type', type);
        },
      };
    },
  };
  // Large bodies are decoded and checked one per event-loop turn (see turns.ts).
  const largeBodies = new Turns();

  const refusalGate: RefusalGate = {
    verdict: (client) => {
      const verdict = throttle.verdict(client);
      if (verdict === 'wait') metrics?.slowed();
      return verdict;
    },
    hold: () => throttle.hold(),
    refused: noteRefused,
  };

  return {
    plugin,
    refusals: refusalGate,
    clientOf: (context) => (context as ThrottledContext)[CLIENT] ?? context.caller,
    handler(apollo, formatError, stream, direct) {
      const refuse = (
        res: ServerResponse,
        requestId: string,
        client: string,
        status: number,
        reason: RefusalReason,
        body: { errors: unknown[] },
      ): void => {
        const code = (body.errors[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code ?? null;
        refusals.info({ event: 'refused', requestId, status, reason, code }, `request refused: ${reason}`);
        metrics?.refused(reason);
        if (reason !== 'throttled') noteRefused(client);
        sendJson(res, status, { ...body, errors: body.errors.map((e) => withRequestId(e, requestId)) });
      };
      /** Refuses a request that broke a limit checked before Apollo (its body's depth, its document's size). */
      const refuseLimit = (req: IncomingMessage, res: ServerResponse, requestId: string, client: string, error: GraphQLError): void =>
        refuse(res, requestId, client, requestErrorStatus(req), 'limit', { errors: [formatError(error.toJSON(), error)] });

      const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
        const url = req.url ?? '/';
        const q = url.indexOf('?');
        const path = q === -1 ? url : url.slice(0, q);
        for (const hook of before) if (await hook(req, res)) return;
        const route = routes.get(path);
        if (route) return route(req, res);
        const streaming = stream !== undefined && path === STREAM_PATH;
        if (path !== '/graphql' && path !== '/graphql/' && !streaming) {
          return sendJson(res, 404, {
            errors: [{ message: `No route ${path}. GraphQL is served at /graphql.`, extensions: { code: 'NOT_FOUND' } }],
          });
        }
        // The request id is chosen first so every answer echoes it, refusals before Apollo included.
        const requestId = requestIdFrom(req.headers);
        res.setHeader('x-request-id', requestId);
        const authentication = await authenticator.authenticate(req.headers);
        const principal = 'principal' in authentication ? authentication.principal : undefined;
        const client = clientOf(req, config, principal?.kind === 'key');
        const throttled = refusalGate.verdict(client);
        if (throttled === 'refuse') {
          res.setHeader('retry-after', String(Math.ceil(config.refusals.delayMs / 1000)));
          return refuse(res, requestId, client, 429, 'throttled', {
            errors: [
              {
                message: "Too many of this client's requests were refused recently; retry later, with requests that pass the limits.",
                extensions: { code: 'RATE_LIMITED', limit: 'refusalsPerMinute', max: config.refusals.perMinute },
              },
            ],
          });
        }
        if (throttled === 'wait') await refusalGate.hold();
        if (!principal) {
          const { status, challenge, reason, message } = (authentication as Exclude<typeof authentication, { principal: unknown }>).refusal;
          if (challenge) res.setHeader('www-authenticate', challenge);
          if (status === 503) res.setHeader('retry-after', '5');
          return refuse(res, requestId, client, status, 'unauthenticated', {
            errors: [{ message, extensions: { code: status === 503 ? 'UPSTREAM_UNAVAILABLE' : 'UNAUTHENTICATED', reason } }],
          });
        }
        const method = (req.method ?? 'GET').toUpperCase();
        if (streaming && (method !== 'POST' || !/^text\/event-stream\b/.test(req.headers.accept ?? ''))) {
          if (method !== 'POST') res.setHeader('allow', 'POST');
          return sendJson(res, method !== 'POST' ? 405 : 406, {
            errors: [
              {
                message: `${STREAM_PATH} serves GraphQL over Server-Sent Events: POST a JSON body {"query": ...} with "Accept: text/event-stream".`,
                extensions: { code: 'BAD_REQUEST', requestId },
              },
            ],
          });
        }
        let body: unknown;
        const boundary = method === 'POST' && !streaming ? multipartBoundary(req.headers['content-type']) : undefined;
        if (boundary !== undefined) {
          // A GraphQL multipart request (a file upload). Its file is read by the resolver as it streams, so the
          // connection closes after the answer whether or not the file was read.
          res.setHeader('connection', 'close');
          // multipart/form-data is a content type a cross-site form may send: as Apollo's CSRF prevention asks, a
          // header no such form can set must come with it, and it is checked before anything is read.
          if (!req.headers['apollo-require-preflight'] && !req.headers['x-apollo-operation-name']) {
            return refuse(res, requestId, client, 400, 'multipart', {
              errors: [
                {
                  message:
                    'This multipart request has been blocked as a possible Cross-Site Request Forgery (CSRF): it must carry a non-empty "Apollo-Require-Preflight" (or "X-Apollo-Operation-Name") header, which no cross-site form can set.',
                  extensions: { code: 'BAD_REQUEST' },
                },
              ],
            });
          }
          try {
            body = (await readMultipartOperation(req, boundary, MAX_BODY_BYTES)).body;
          } catch (e) {
            if (!(e instanceof MultipartError)) throw e;
            return refuse(res, requestId, client, e.status, 'multipart', {
              errors: [{ message: e.message, extensions: { code: 'BAD_REQUEST' } }],
            });
          }
          if (jsonNestsDeeperThan(Buffer.from(JSON.stringify(body)), config.limits.maxInputDepth + JSON_BODY_LEVELS)) {
            const error = inputDepthError(config.limits.maxInputDepth);
            return refuseLimit(req, res, requestId, client, error);
          }
        } else if (method === 'POST') {
          const raw = await readBody(req, MAX_BODY_BYTES);
          if (raw === 'too-large') {
            // The rest of the body is left unread: the connection closes once the answer is written.
            res.setHeader('connection', 'close');
            return refuse(res, requestId, client, 413, 'body_too_large', {
              errors: [
                {
                  message: `Request body exceeds ${MAX_BODY_BYTES} bytes.`,
                  extensions: { code: 'BAD_REQUEST', limit: 'maxBodyBytes', max: MAX_BODY_BYTES },
                },
              ],
            });
          }
          if (raw.length > LARGE_BODY_BYTES) await largeBodies.next();
          const type = req.headers['content-type'] ?? '';
          if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) {
            // The body, its variables and a typed input around a JSON value take a few levels of their own.
            if (jsonNestsDeeperThan(raw, config.limits.maxInputDepth + JSON_BODY_LEVELS)) {
              const error = inputDepthError(config.limits.maxInputDepth);
              return refuseLimit(req, res, requestId, client, error);
            }
            // A document the guard would refuse for its size is refused before the body is decoded and parsed, with
            // the guard's error; with an allow list, which answers first, the body is parsed for it as before.
            const maxDocument = config.limits.maxDocumentBytes;
            if (!allowList && raw.length > maxDocument && jsonQueryBytesAtLeast(raw) > maxDocument) {
              const error = documentSizeError(maxDocument);
              return refuseLimit(req, res, requestId, client, error);
            }
            try {
              body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
            } catch {
              return refuse(res, requestId, client, 400, 'malformed_json', {
                errors: [
                  {
                    message: 'The request body is not valid JSON. Send {"query": "...", "variables": {...}}.',
                    extensions: { code: 'BAD_REQUEST' },
                  },
                ],
              });
            }
          } else {
            body = raw.toString('utf8');
          }
        }
        // Apollo's batching is off: an array is refused here, before Apollo looks at it.
        if (Array.isArray(body)) {
          return refuse(res, requestId, client, 400, 'batched', {
            errors: [{ message: 'Operation batching disabled.', extensions: { code: 'BAD_REQUEST' } }],
          });
        }
        // Allow-list mode refuses unregistered operations here, before Apollo parses or validates them.
        const refusal = allowList?.refusal(method, q === -1 ? '' : url.slice(q), body);
        if (refusal) return refuse(res, requestId, client, refusal.status, 'not_registered', refusal.body);
        const query =
          method === 'POST'
            ? (body as { query?: unknown } | undefined)?.query
            : new URLSearchParams(q === -1 ? '' : url.slice(q)).get('query');
        if (typeof query === 'string') {
          const request = method === 'POST' ? (body as { variables?: unknown; operationName?: unknown }) : variablesOf(url.slice(q));
          const errors = guard.check(query, request);
          if (errors) {
            const reason = errors[0]?.extensions['code'] === 'GRAPHQL_PARSE_FAILED' ? 'syntax' : 'limit';
            return refuse(res, requestId, client, requestErrorStatus(req), reason, {
              errors: errors.map((e) => formatError(e.toJSON(), e)),
            });
          }
        }
        if (streaming) {
          return stream(req, res, {
            body,
            headers: req.headers,
            requestId,
            client,
            caller: callerOf(req, config, principal),
            callerGone: () => req.socket.destroyed,
            principal,
            ...('expiresAt' in authentication && authentication.expiresAt !== undefined ? { expiresAt: authentication.expiresAt } : {}),
          });
        }
        const headers = new HeaderMap();
        for (const [key, value] of Object.entries(req.headers)) {
          if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
        }
        const httpGraphQLRequest: HTTPGraphQLRequest = { method, headers, search: q === -1 ? '' : url.slice(q), body };
        const context = async (): Promise<Context> => {
          const context = createContext(
            services,
            req.headers,
            requestId,
            () => req.socket.destroyed,
            callerOf(req, config, principal),
            principal,
          );
          // A property, not a WeakMap entry: Apollo hands plugins a shallow copy of the context.
          return Object.assign(context, { [CLIENT]: client });
        };
        const execute = () => direct?.run(httpGraphQLRequest, context) ?? apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context });
        const response = await (tracing ? tracing.around(req, requestId, execute) : execute());
        for (const [key, value] of response.headers) res.setHeader(key, value);
        res.statusCode = response.status ?? 200;
        if (
          res.statusCode === 400 &&
          response.body.kind === 'complete' &&
          requestErrorStatus(req) === 200 &&
          onlyRequestErrors(response.body.string)
        )
          res.statusCode = 200;
        if (response.body.kind === 'complete') {
          res.setHeader('content-length', Buffer.byteLength(response.body.string));
          res.end(response.body.string);
        } else {
          for await (const chunk of response.body.asyncIterator) res.write(chunk);
          res.end();
        }
      };

      return (req: IncomingMessage, res: ServerResponse): void => {
        handle(req, res).catch((err: unknown) => {
          logger.error({ event: 'http_error', err: String(err) }, 'request handling failed');
          if (!res.headersSent)
            sendJson(res, 500, { errors: [{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
          else res.destroy();
        });
      };
    },
  };
}

/** A GET request's variables and operation name, for the guard; unparsable variables are left to Apollo to report. */
function variablesOf(search: string): { variables?: unknown; operationName?: unknown } {
  const params = new URLSearchParams(search);
  const raw = params.get('variables');
  let variables: unknown;
  try {
    variables = raw ? JSON.parse(raw) : undefined;
  } catch {
    variables = undefined;
  }
  return { variables, operationName: params.get('operationName') ?? undefined };
}

/** Who to slow down if the operation's errors are the caller's fault (throttle.ts). */
const CLIENT = Symbol('client');
type ThrottledContext = Context & { [CLIENT]?: string };

/** Errors the caller could have avoided: a request answered with one counts against its allowance (throttle.ts). */
const CALLER_FAULTS = new Set(['BAD_USER_INPUT', 'LIMIT_EXCEEDED', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST']);

/** Whether an error is the caller's own fault; graphql-jit wraps resolver errors without their extensions. */
function isCallerFault(error: GraphQLError): boolean {
  const code =
    error.extensions['code'] ?? (error.originalError as { extensions?: Record<string, unknown> } | undefined)?.extensions?.['code'];
  return typeof code === 'string' && CALLER_FAULTS.has(code);
}

/**
 * The status of a request error (a document that does not parse, validate or fit the limits, variables that do not
 * coerce, no operation to run) for this request: 400, as Apollo Server answers, unless the client asked for the legacy
 * `application/json` rather than `application/graphql-response+json`. The GraphQL-over-HTTP specification then wants
 * 200, since a client of the legacy type may not read the body of a 4xx; a wildcard Accept, or none, keeps 400 (see
 * docs/graphql-over-http.md).
 */
export function requestErrorStatus(req: IncomingMessage): 200 | 400 {
  return prefersLegacyJson(req.headers.accept) ? 200 : 400;
}

/** Whether an Accept header names `application/json` and prefers it to `application/graphql-response+json`. */
export function prefersLegacyJson(accept: string | undefined): boolean {
  if (!accept) return false;
  let json = 0;
  let graphqlResponse = 0;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    if (type === 'application/json') json = Math.max(json, q);
    else if (type === 'application/graphql-response+json') graphqlResponse = Math.max(graphqlResponse, q);
  }
  return json > 0 && json > graphqlResponse;
}

/** Codes of errors that stop a request before execution (GraphQL-over-HTTP "request errors"). */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'LIMIT_EXCEEDED',
]);

/** Whether a 400 body of Apollo's holds request errors only (not an HTTP-level refusal such as CSRF prevention's). */
function onlyRequestErrors(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { data?: unknown; errors?: Array<{ extensions?: { code?: unknown } }> };
    return (
      parsed.data === undefined &&
      Array.isArray(parsed.errors) &&
      parsed.errors.length > 0 &&
      parsed.errors.every((e) => typeof e.extensions?.code === 'string' && REQUEST_ERROR_CODES.has(e.extensions.code))
    );
  } catch {
    return false;
  }
}

/** Bodies past this size take their turn (turns.ts): decoding and checking one costs about a millisecond per 100 KB. */
const LARGE_BODY_BYTES = 64 * 1024;

/** Nesting a request body may add around an input value: the body, `variables`, and input objects holding a JSON value. */
const JSON_BODY_LEVELS = 8;

/** Answers `body` as JSON with `status`. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    // Past the limit the body is not read at all: the refusal closes the connection (see its caller), so a client
    // posting megabytes costs neither the reading nor the garbage collection of what it sends.
    if (Number.isFinite(declared) && declared > limit) {
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        req.pause();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** An error of a refusal with the request's id in `extensions.requestId`, as Apollo's answers have it (plugins/errors.ts). */
function withRequestId(error: unknown, requestId: string): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const e = error as { extensions?: Record<string, unknown> };
  return { ...e, extensions: { ...e.extensions, requestId } };
}
