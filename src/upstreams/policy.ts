/**
 * What a platform's policy decides for the shared HTTP layer (`http.ts`), and the rules the platforms have in common.
 * Each platform's own policy is `<platform>/policy.ts`: which failed attempts it repeats, how often and after what
 * wait, and what an HTTP error answer becomes (docs/upstreams.md §2 "Calling an upstream" and §3 "Retries and
 * timeouts"). What is the same for every platform stays in `http.ts`: timeouts, budgets, the deadline, the circuit
 * breaker's counting, and the errors of calls that got no HTTP answer.
 */
import type { IncomingHttpHeaders } from 'undici/types/header.js';
import { AugurError, ErrorCode, withoutRestHints } from '../core/errors.js';
import { PLATFORM_LABEL, type HttpMethod, type PlatformName } from '../core/upstream.js';

/** The error envelope fields Augur reads from an upstream error body. */
export interface ParsedUpstreamError {
  message?: string;
  param?: string;
  upstreamCode?: string;
}

/** A failed attempt as the retry loop saw it: its HTTP status (undefined without an answer) and its error. */
export interface FailedAttempt {
  status: number | undefined;
  /** Seconds the upstream asked to wait, from its `Retry-After`. */
  retryAfter?: number;
  error: AugurError;
}

/** One platform's retry and error rules, as `UpstreamHttp` applies them. */
export interface UpstreamPolicy {
  readonly platform: PlatformName;
  /** Total attempts per call, the first included. */
  readonly maxAttempts: number;
  /**
   * Whether a failed attempt may be repeated. `status` is undefined for a call without an HTTP answer; `networkCode`
   * then says why (`ECONNREFUSED`, `TIMEOUT`, `MALFORMED` for a 2xx body that is not JSON...).
   */
  retryable(method: HttpMethod, idempotent: boolean, status: number | undefined, networkCode?: string): boolean;
  /** Delay before attempt `attempt` (1 = first retry), in ms, before `Retry-After` is applied. */
  backoffMs(attempt: number): number;
  /** Seconds an error answer asks to wait before a retry; a retry never waits less. */
  retryAfter(headers: IncomingHttpHeaders): number | undefined;
  /**
   * The error a non-2xx answer becomes. `body` is the answer parsed as JSON (undefined when empty or not JSON);
   * `redact` removes secrets from upstream text before it is shown.
   */
  errorFromResponse(status: number, body: unknown, retryAfter: number | undefined, redact: (text: string) => string): AugurError;
  /** The error when a retry would wait `waitMs`, longer than the request may still wait. */
  waitTooLong(failure: FailedAttempt, waitMs: number): AugurError;
}

/** How the policies are tuned (configuration; tests shrink the backoff). */
export interface RetryTuning {
  baseDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

export const DEFAULT_RETRY_TUNING: RetryTuning = { baseDelayMs: 100, maxDelayMs: 2000, maxAttempts: 3 };

/** The statuses of a gateway or proxy in front of the platform failing or busy. */
export const GATEWAY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** Failures where the request certainly did not reach the upstream, so even a write may be repeated. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether a call without an HTTP answer may be repeated: when it never left (even a write), or when it is idempotent
 * and neither timed out nor got a malformed body.
 */
export function networkRetryable(idempotent: boolean, networkCode: string | undefined): boolean {
  return (
    networkCode !== undefined && networkCode !== 'MALFORMED' && (NEVER_SENT.has(networkCode) || (idempotent && networkCode !== 'TIMEOUT'))
  );
}

/** Exponential backoff with full jitter over `tuning` (civis-python's `wait_random_exponential`). */
export function jitteredBackoff(tuning: RetryTuning): (attempt: number) => number {
  return (attempt) => Math.random() * Math.min(tuning.maxDelayMs, tuning.baseDelayMs * 2 ** attempt);
}

/** Parses `Retry-After` (seconds or an HTTP date) into whole seconds. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (Number.isFinite(n) && n >= 0) return Math.ceil(n);
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, Math.ceil((t - now) / 1000));
}

/** The `Retry-After` header of an answer, in whole seconds. */
export function retryAfterHeader(headers: IncomingHttpHeaders): number | undefined {
  const v = headers['retry-after'];
  return parseRetryAfter(Array.isArray(v) ? v[0] : v);
}

/**
 * What an upstream HTTP error status becomes (docs/upstreams.md §2): the status decides the code, never the
 * envelope's own code; the envelope gives the message, the parameter and, for 402 and 409, `upstreamCode`.
 */
export function errorFromStatus(
  platform: PlatformName,
  status: number,
  parsed: ParsedUpstreamError,
  retryAfter: number | undefined,
  redact: (text: string) => string,
): AugurError {
  // An upstream's hint at its own REST routes means nothing to a GraphQL client: it is dropped.
  const upstreamMessage = parsed.message
    ? withoutRestHints(redact(parsed.message).slice(0, 300)).replace(/[.\s]+$/, '') || undefined
    : undefined;
  const details = { platform, upstreamStatus: status, param: parsed.param, retryAfter };
  const label = PLATFORM_LABEL[platform];
  switch (true) {
    case status === 400 || status === 422:
      return new AugurError(
        ErrorCode.BAD_USER_INPUT,
        `${label} rejected the request${parsed.param ? ` (parameter "${parsed.param}")` : ''}: ${upstreamMessage ?? 'bad request'}.`,
        details,
      );
    case status === 401:
      return new AugurError(
        ErrorCode.UNAUTHENTICATED,
        `${label} did not accept the credential in use. Check the configured key or the one sent in the request header.`,
        details,
      );
    case status === 403:
      return new AugurError(
        ErrorCode.FORBIDDEN,
        `${label} denied access with this credential${upstreamMessage ? `: ${upstreamMessage}` : ''}.`,
        details,
      );
    case status === 404:
      return new AugurError(ErrorCode.NOT_FOUND, `${label} has no such resource${upstreamMessage ? `: ${upstreamMessage}` : ''}.`, details);
    case status === 409 || status === 402:
      return new AugurError(
        ErrorCode.UPSTREAM_ERROR,
        `${label} refused the request (HTTP ${status})${upstreamMessage ? `: ${upstreamMessage}` : ''}.`,
        {
          ...details,
          upstreamCode: parsed.upstreamCode,
        },
      );
    case status === 429:
      return new AugurError(
        ErrorCode.RATE_LIMITED,
        `${label} is rate limiting these requests${retryAfter !== undefined ? `; retry after ${retryAfter} s` : ''}.`,
        details,
      );
    case status === 502 || status === 503 || status === 504:
      return new AugurError(ErrorCode.UPSTREAM_UNAVAILABLE, `${label} is unavailable (HTTP ${status}).`, details);
    default:
      return new AugurError(ErrorCode.UPSTREAM_ERROR, `${label} failed with HTTP ${status}.`, details);
  }
}

/**
 * When a retry would wait past what the request may: a 429 answers `RATE_LIMITED` with the wait asked for, so the
 * caller knows when to come back; any other failure answers its own error.
 */
export function rateLimitedOrOwnError(platform: PlatformName): (failure: FailedAttempt, waitMs: number) => AugurError {
  return (failure, waitMs) => {
    if (failure.status !== 429) return failure.error;
    const retryAfter = failure.retryAfter ?? Math.ceil(waitMs / 1000);
    return new AugurError(
      ErrorCode.RATE_LIMITED,
      `${PLATFORM_LABEL[platform]} is rate limiting these requests and asked to wait ${retryAfter} s, longer than this request may wait. Retry after that.`,
      { platform, upstreamStatus: 429, retryAfter },
    );
  };
}
