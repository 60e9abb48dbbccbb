/**
 * Prevision.io's retry and error rules (docs/upstreams.md §3 and §5): like the `previsionio` SDK, 500 to 504 are
 * repeated, but only for idempotent calls (every GET, the token request and unit `/predict`; never the start of a
 * bulk prediction, which creates a job), with Augur's backoff instead of the SDK's fixed 10 s. `Retry-After` is
 * honoured. The deployed-model and token hosts follow the same rules.
 */
import type { ParsedUpstreamError, UpstreamPolicy, RetryTuning } from '../policy.js';
import {
  DEFAULT_RETRY_TUNING,
  errorFromStatus,
  jitteredBackoff,
  networkRetryable,
  rateLimitedOrOwnError,
  retryAfterHeader,
} from '../policy.js';

/** Reads the error envelope `{status, err_code, message}` (`message` may be a list). */
export function parsePrevisionError(body: unknown): ParsedUpstreamError {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as { message?: unknown; err_code?: unknown; error?: unknown };
  const message = Array.isArray(b.message) ? b.message.join('; ') : b.message;
  const out: ParsedUpstreamError = {};
  if (typeof message === 'string') out.message = message;
  const code = b.err_code ?? b.error;
  if (typeof code === 'string') out.upstreamCode = code;
  return out;
}

export function previsionPolicy(tuning: RetryTuning = DEFAULT_RETRY_TUNING): UpstreamPolicy {
  return {
    platform: 'prevision',
    maxAttempts: tuning.maxAttempts,
    backoffMs: jitteredBackoff(tuning),
    retryAfter: retryAfterHeader,
    retryable(_method, idempotent, status, networkCode) {
      if (status === undefined) return networkRetryable(idempotent, networkCode);
      return status >= 500 && status <= 504 && idempotent;
    },
    errorFromResponse: (status, body, retryAfter, redact) =>
      errorFromStatus('prevision', status, body === undefined ? {} : parsePrevisionError(body), retryAfter, redact),
    waitTooLong: rateLimitedOrOwnError('prevision'),
  };
}
