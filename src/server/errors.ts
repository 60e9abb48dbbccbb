/**
 * Augur's error vocabulary: a stable `extensions.code` per failure kind, one `GraphQLError` subclass that carries
 * the platform details, and the `formatError` hook that masks anything unexpected.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { PlatformName } from '../upstreams/types.js';

/** Every code Augur itself puts in `extensions.code` (GraphQL's own validation codes pass through untouched). */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  RATE_LIMITED: 'RATE_LIMITED',
  UPSTREAM_ERROR: 'UPSTREAM_ERROR',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** The gateway's own queue of operations is full (HTTP 503 with Retry-After). */
  SERVER_BUSY: 'SERVER_BUSY',
  /** The caller hung up while its operation waited for admission; logged and counted, never seen by anyone. */
  CALLER_GONE: 'CALLER_GONE',
  /**
   * The operation exceeds one of Augur's limits (tokens, depth, aliases, directives, cost, introspection, upstream
   * calls per operation); `extensions.limit` names it and `extensions.max` gives its configured value. Nothing ran.
   */
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  /** The operation ran past `AUGUR_OPERATION_TIMEOUT_MS`: its remaining upstream calls were aborted. */
  OPERATION_TIMEOUT: 'OPERATION_TIMEOUT',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Details attached to an error's `extensions`, beside `code`. */
export interface ErrorDetails {
  platform?: PlatformName;
  upstreamStatus?: number;
  /** The offending parameter, when the upstream (Previsto) or Augur's own validation names one. */
  param?: string;
  /** Seconds after which retrying may succeed. */
  retryAfter?: number;
  /** Anything else worth a stable key (e.g. `limit` for input limits). */
  [key: string]: unknown;
}

/** An error Augur raises on purpose: its message is safe to show and its code is stable. */
export class AugurError extends GraphQLError {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options: { cause?: unknown } = {}) {
    const extensions: Record<string, unknown> = { code };
    for (const [k, v] of Object.entries(details)) if (v !== undefined) extensions[k] = v;
    super(message, { extensions, originalError: options.cause instanceof Error ? options.cause : undefined });
    this.name = 'AugurError';
    this.code = code;
    this.details = details;
  }
}

/** Shorthand for the most common case: the caller sent something Augur will not forward. */
export function badInput(message: string, details: ErrorDetails = {}): AugurError {
  return new AugurError(ErrorCode.BAD_USER_INPUT, message, details);
}

const PASS_THROUGH_CODES = new Set([
  'SERVER_BUSY',
  'LIMIT_EXCEEDED',
  'CALLER_GONE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

const TOKEN_LIMIT_MESSAGE = /Document contains more tha[nt] (\d+) tokens/;

/** The limit error for a document past `maxTokens`, from graphql-js's parse error; undefined for any other error. */
export function tokenLimitError(error: unknown): GraphQLError | undefined {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const m = TOKEN_LIMIT_MESSAGE.exec(message);
  if (!m) return undefined;
  const max = Number(m[1]);
  return new GraphQLError(`The document has more than ${max} tokens, the limit. Send a smaller document (or persist it).`, {
    extensions: { code: ErrorCode.LIMIT_EXCEEDED, limit: 'maxTokens', max },
  });
}

/**
 * The stable code of a limit's error: Apollo files every validation error under GRAPHQL_VALIDATION_FAILED and every
 * parse error under GRAPHQL_PARSE_FAILED; the limits' own codes (and their `limit` and `max`) are restored here.
 */
function limitFormatted(formatted: GraphQLFormattedError): GraphQLFormattedError | undefined {
  const ext = formatted.extensions ?? {};
  if (ext['code'] === 'GRAPHQL_VALIDATION_FAILED' && typeof ext['limit'] === 'string') {
    return { ...formatted, extensions: { ...ext, code: ext['limit'] === 'maxInputDepth' ? ErrorCode.BAD_USER_INPUT : ErrorCode.LIMIT_EXCEEDED } };
  }
  if (ext['code'] === 'GRAPHQL_PARSE_FAILED') {
    const limit = tokenLimitError(formatted.message);
    if (limit) return { message: limit.message, extensions: limit.extensions };
  }
  return undefined;
}

/**
 * Apollo's `formatError`: Augur's own errors and GraphQL's request errors pass; anything else (a bug, a library
 * throwing) is logged and masked so no internal detail or secret reaches the caller.
 */
export function createFormatError(
  onMasked: (error: unknown, formatted: GraphQLFormattedError) => void,
): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const limit = limitFormatted(formatted);
    if (limit) return limit;
    // Walk the wrapping chain by shape: graphql-js may be loaded twice (ESM and CJS builds), so `instanceof
    // GraphQLError` is not reliable for errors located by the executor.
    let original: unknown = error;
    for (let i = 0; i < 5 && !(original instanceof AugurError); i++) {
      const next = (original as { originalError?: unknown } | null)?.originalError;
      if (!next) break;
      original = next;
    }
    if (original instanceof AugurError) {
      return { ...formatted, message: original.message, extensions: { ...original.extensions } };
    }
    const code = formatted.extensions?.['code'];
    // Apollo's own request errors without a code (an APQ hash that does not match its query) carry a 4xx status: the
    // caller's mistake, answered as BAD_REQUEST rather than masked.
    const status = (error as { extensions?: { http?: { status?: unknown } } } | null)?.extensions?.http?.status;
    if (code === ErrorCode.INTERNAL_SERVER_ERROR && !formatted.path && typeof status === 'number' && status >= 400 && status < 500) {
      return { message: formatted.message, extensions: { code: 'BAD_REQUEST' } };
    }
    if (typeof code === 'string' && PASS_THROUGH_CODES.has(code)) {
      const { stacktrace: _omit, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
      void _omit;
      return { ...formatted, extensions };
    }
    onMasked(error, formatted);
    const masked: GraphQLFormattedError = {
      message: 'Internal server error. The failure was logged with this request id; retrying may help.',
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
    return formatted.path ? { ...masked, path: formatted.path, ...(formatted.locations ? { locations: formatted.locations } : {}) } : masked;
  };
}
