/**
 * Each platform's retry rules (docs/upstreams.md §3 "Retries and timeouts"), as RetryPolicy objects for the shared HTTP layer.
 */
import type { RetryPolicy } from './http.js';
import type { HttpMethod, PlatformName } from '../core/upstream.js';

const GATEWAY_STATUSES = new Set([502, 503, 504]);
/** Failures where the request certainly did not reach the upstream, so even a write may be repeated. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

function jitter(baseMs: number, attempt: number, capMs: number): number {
  // Full jitter over an exponential ceiling (civis-python's wait_random_exponential).
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}

/** Options that tune the policies (tests shrink the backoff). */
export interface RetryTuning {
  baseDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

export const DEFAULT_RETRY_TUNING: RetryTuning = { baseDelayMs: 100, maxDelayMs: 2000, maxAttempts: 3 };

export function retryPolicyFor(platform: PlatformName, tuning: RetryTuning = DEFAULT_RETRY_TUNING): RetryPolicy {
  const backoffMs = (attempt: number): number => jitter(tuning.baseDelayMs, attempt, tuning.maxDelayMs);
  const networkRetry = (idempotent: boolean, code: string | undefined): boolean =>
    code !== undefined && code !== 'MALFORMED' && (NEVER_SENT.has(code) || (idempotent && code !== 'TIMEOUT'));
  switch (platform) {
    case 'civis':
      return {
        maxAttempts: tuning.maxAttempts,
        backoffMs,
        retryable(method: HttpMethod, idempotent, status, code) {
          if (status === undefined) return method !== 'PATCH' && networkRetry(idempotent, code);
          if (method === 'PATCH') return false;
          if (method === 'POST') return status === 429 || status === 503;
          return status === 429 || GATEWAY_STATUSES.has(status);
        },
      };
    case 'prevision':
      return {
        maxAttempts: tuning.maxAttempts,
        backoffMs,
        retryable(_method, idempotent, status, code) {
          if (status === undefined) return networkRetry(idempotent, code);
          return status >= 500 && status <= 504 && idempotent;
        },
      };
    case 'previsto':
      return {
        maxAttempts: tuning.maxAttempts,
        backoffMs,
        retryable(method, idempotent, status, code) {
          if (status === undefined) return networkRetry(idempotent, code);
          // A 429 means the request was refused unprocessed, so even a write may be repeated.
          if (status === 429) return true;
          return GATEWAY_STATUSES.has(status) && (method === 'GET' || method === 'DELETE');
        },
      };
    case 'dataiku':
      return {
        maxAttempts: tuning.maxAttempts,
        backoffMs,
        retryable(_method, idempotent, status, code) {
          if (status === undefined) return networkRetry(idempotent, code);
          return idempotent && GATEWAY_STATUSES.has(status);
        },
      };
  }
}
