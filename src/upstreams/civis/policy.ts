/**
 * Civis Platform's retry and error rules (docs/upstreams.md §3 and §7): civis-python's method and status rules with
 * Augur's shorter limits. GET, PUT and DELETE are repeated after 429, 502, 503 and 504; a POST only after 429 or 503,
 * which Civis answers before acting; a PATCH never, not even after a refused connection. `Retry-After` is honoured.
 */
import type { ParsedUpstreamError, UpstreamPolicy, RetryTuning } from '../policy.js';
import {
  DEFAULT_RETRY_TUNING,
  GATEWAY_STATUSES,
  errorFromStatus,
  jitteredBackoff,
  networkRetryable,
  rateLimitedOrOwnError,
  retryAfterHeader,
} from '../policy.js';
import type { CivisErrorBody } from './types.js';

/** Reads the error envelope `{error, errorDescription, code}`. */
export function parseCivisError(body: unknown): ParsedUpstreamError {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as Partial<Record<keyof CivisErrorBody, unknown>>;
  const out: ParsedUpstreamError = {};
  if (typeof b.errorDescription === 'string' && b.errorDescription !== '') out.message = b.errorDescription;
  if (typeof b.error === 'string' && b.error !== '') out.upstreamCode = b.error;
  return out;
}

export function civisPolicy(tuning: RetryTuning = DEFAULT_RETRY_TUNING): UpstreamPolicy {
  return {
    platform: 'civis',
    maxAttempts: tuning.maxAttempts,
    backoffMs: jitteredBackoff(tuning),
    retryAfter: retryAfterHeader,
    retryable(method, idempotent, status, networkCode) {
      if (status === undefined) return method !== 'PATCH' && networkRetryable(idempotent, networkCode);
      if (method === 'PATCH') return false;
      if (method === 'POST') return status === 429 || status === 503;
      return status === 429 || GATEWAY_STATUSES.has(status);
    },
    errorFromResponse: (status, body, retryAfter, redact) =>
      errorFromStatus('civis', status, body === undefined ? {} : parseCivisError(body), retryAfter, redact),
    waitTooLong: rateLimitedOrOwnError('civis'),
  };
}
