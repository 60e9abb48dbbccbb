/**
 * Dataiku API node's retry and error rules (docs/upstreams.md §3 and §6). `dataikuapi` never retries; **[OURS]**
 * Augur repeats idempotent calls (every verb but `run`, whose function may have effects) after 502, 503 or 504.
 * `Retry-After` is honoured.
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
import type { DataikuErrorBody } from './types.js';

/** Reads the error envelope `{errorType, message, detailedMessage}`. */
export function parseDataikuError(body: unknown): ParsedUpstreamError {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as DataikuErrorBody;
  const out: ParsedUpstreamError = {};
  const message = b.detailedMessage ?? b.message;
  if (typeof message === 'string') out.message = message;
  if (typeof b.errorType === 'string') out.upstreamCode = b.errorType;
  return out;
}

export function dataikuPolicy(tuning: RetryTuning = DEFAULT_RETRY_TUNING): UpstreamPolicy {
  return {
    platform: 'dataiku',
    maxAttempts: tuning.maxAttempts,
    backoffMs: jitteredBackoff(tuning),
    retryAfter: retryAfterHeader,
    retryable(_method, idempotent, status, networkCode) {
      if (status === undefined) return networkRetryable(idempotent, networkCode);
      return idempotent && GATEWAY_STATUSES.has(status);
    },
    errorFromResponse: (status, body, retryAfter, redact) =>
      errorFromStatus('dataiku', status, body === undefined ? {} : parseDataikuError(body), retryAfter, redact),
    waitTooLong: rateLimitedOrOwnError('dataiku'),
  };
}
