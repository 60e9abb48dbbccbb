/**
 * Augur's error vocabulary: a stable `extensions.code` per failure kind and one `GraphQLError` subclass that carries
 * the platform details. Every layer raises these; the server's `formatError` (server/errors.ts) serves them.
 */
import { GraphQLError } from 'graphql';
import type { PlatformName } from './upstream.js';

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
  /** The gateway is stopping: open subscriptions end with this error, then complete; subscribe again elsewhere. */
  SHUTTING_DOWN: 'SHUTTING_DOWN',
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

/**
 * Several problems with one field's input, found together (each feature of a record at fault): served as one error
 * per problem, each with its own `extensions.field` (server/errors.ts expands it), or one `UserError` per problem in a
 * mutation payload.
 */
export class InputErrors extends AugurError {
  readonly problems: readonly AugurError[];

  constructor(problems: readonly AugurError[]) {
    super(ErrorCode.BAD_USER_INPUT, problems.map((p) => p.message).join(' '), problems[0]?.details ?? {});
    this.name = 'InputErrors';
    this.problems = problems;
  }
}

const REST_HINT = /\s*[^.!?]*\b(?:GET|POST|PUT|PATCH|DELETE) \/[^\s.!?]*[^.!?]*[.!?]?/g;

/**
 * An upstream's message as Augur serves it: without the sentences that point to the upstream's REST routes ("Use an
 * id from GET /contacts."), which mean nothing to a GraphQL client.
 */
export function withoutRestHints(message: string): string {
  return message.replace(REST_HINT, '').trim();
}

/** Longest part of a caller's value that an error message repeats. */
export const ECHO_MAX_CHARS = 100;
/** The first `max` characters of `text` plus `…`, never splitting a surrogate pair; `text` itself when short enough. */
export function clip(text: string, max = ECHO_MAX_CHARS): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return `${text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max)}…`;
}

/**
 * A caller's value as an error message may show it: a string JSON-quoted, anything else as its JSON text, cut to
 * ECHO_MAX_CHARS characters with a trailing `…`. Every message of Augur's own that repeats caller input goes through
 * this, so a 900 KB id is never echoed back whole.
 */
export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(clip(value));
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // Cyclic, or nested deeper than JSON.stringify's recursion allows.
    text = undefined;
  }
  return clip(text ?? typeof value);
}

/** Shorthand for the most common case: the caller sent something Augur will not forward. */
export function badInput(message: string, details: ErrorDetails = {}): AugurError {
  return new AugurError(ErrorCode.BAD_USER_INPUT, message, details);
}
