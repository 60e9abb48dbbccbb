/**
 * Previsto's retry and error rules (docs/upstreams.md §3 and §8.5). Previsto publishes none; **[OURS]** a 429 is
 * repeated on any method (the request was refused before it was processed, so even a create is safe), and 502, 503
 * and 504 on GET and DELETE only. `Retry-After` is honoured. The client-side rate budget that keeps Augur under
 * Previsto's limit in the first place is `../rateBudget.ts`.
 */
import { AugurError, withoutRestHints } from '../../core/errors.js';
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
import type { PrevistoErrorBody } from './types.js';

/** Reads the error envelope `{type, message, param}`. */
export function parsePrevistoError(body: unknown): ParsedUpstreamError {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as PrevistoErrorBody;
  const out: ParsedUpstreamError = {};
  if (typeof b.message === 'string') out.message = b.message;
  if (typeof b.param === 'string') out.param = b.param;
  if (typeof b.type === 'string') out.upstreamCode = b.type;
  return out;
}

/**
 * What a Previsto error answer becomes: the shared status table (`errorFromStatus`), plus Previsto's whole error object
 * for every status: `upstreamType` (its `type`, opaque), `upstreamMessage` (its `message`, redacted, without hints at
 * REST routes) and `param`.
 */
export function previstoError(status: number, body: unknown, retryAfter: number | undefined, redact: (text: string) => string): AugurError {
  const parsed = body === undefined ? {} : parsePrevistoError(body);
  const base = errorFromStatus('previsto', status, parsed, retryAfter, redact);
  const upstreamMessage =
    parsed.message === undefined ? undefined : withoutRestHints(redact(parsed.message).slice(0, 300)).replace(/[.\s]+$/, '') || undefined;
  return new AugurError(base.code, base.message, { ...base.details, upstreamType: parsed.upstreamCode, upstreamMessage });
}

export function previstoPolicy(tuning: RetryTuning = DEFAULT_RETRY_TUNING): UpstreamPolicy {
  const rateLimitedOrOwn = rateLimitedOrOwnError('previsto');
  return {
    platform: 'previsto',
    maxAttempts: tuning.maxAttempts,
    backoffMs: jitteredBackoff(tuning),
    retryAfter: retryAfterHeader,
    retryable(method, idempotent, status, networkCode) {
      if (status === undefined) return networkRetryable(idempotent, networkCode);
      // A 429 means the request was refused unprocessed, so even a write may be repeated.
      if (status === 429) return true;
      return GATEWAY_STATUSES.has(status) && (method === 'GET' || method === 'DELETE');
    },
    errorFromResponse: previstoError,
    waitTooLong(failure, waitMs) {
      const error = rateLimitedOrOwn(failure, waitMs);
      if (error === failure.error) return error;
      // The 429's own error object still reaches the caller.
      const { upstreamType, upstreamMessage, param } = failure.error.details;
      return new AugurError(error.code, error.message, { ...error.details, upstreamType, upstreamMessage, param });
    },
  };
}
