/**
 * What Augur reports about its own work: upstream attempts, retries, rate-budget waits, breaker changes and
 * DataLoader batches. Metrics and logs subscribe; every hook is optional and must never throw.
 */
import type { BreakerState } from '../upstreams/breaker.js';
import type { UpstreamAttempt } from '../upstreams/http.js';
import type { PlatformName } from '../upstreams/types.js';

export interface AugurObserver {
  upstreamAttempt?(event: UpstreamAttempt): void;
  breakerState?(platform: PlatformName, state: BreakerState): void;
  rateLimitWait?(platform: PlatformName, waitMs: number): void;
  loaderBatch?(platform: PlatformName, loader: string, size: number): void;
}

/** Fans one event out to every observer, isolating failures. */
export function combineObservers(observers: readonly AugurObserver[]): Required<AugurObserver> {
  const each =
    <K extends keyof AugurObserver>(key: K) =>
    (...args: Parameters<NonNullable<AugurObserver[K]>>): void => {
      for (const o of observers) {
        try {
          (o[key] as ((...a: unknown[]) => void) | undefined)?.(...args);
        } catch {
          // An observer failing must never fail a request.
        }
      }
    };
  return {
    upstreamAttempt: each('upstreamAttempt'),
    breakerState: each('breakerState'),
    rateLimitWait: each('rateLimitWait'),
    loaderBatch: each('loaderBatch'),
  };
}
