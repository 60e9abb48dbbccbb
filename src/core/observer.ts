/**
 * What Augur reports about its own work: upstream attempts, retries, rate-budget waits, breaker changes and
 * DataLoader batches. Metrics and logs subscribe; every hook is optional and must never throw.
 */
import type { BreakerState, HttpMethod, PlatformName } from './upstream.js';

/** An attempt about to be sent, as reported to `onAttemptStart`. */
export interface UpstreamAttemptStart {
  platform: PlatformName;
  route: string;
  method: HttpMethod;
  retry: boolean;
}

/** Told how an attempt ended. */
export type AttemptEnd = (event: UpstreamAttempt) => void;

/** One attempt as reported to `onAttempt`. */
export interface UpstreamAttempt {
  platform: PlatformName;
  route: string;
  method: HttpMethod;
  status: number | 'error';
  durationMs: number;
  retry: boolean;
}

export interface AugurObserver {
  /**
   * Before an upstream attempt is sent: may add headers to it (trace context) and return what to call when it ends.
   * Only observers that need the start (tracing) implement it; without any, upstream calls skip this step.
   */
  upstreamAttemptStart?(attempt: UpstreamAttemptStart, headers: Record<string, string>): AttemptEnd | undefined;
  upstreamAttempt?(event: UpstreamAttempt): void;
  breakerState?(platform: PlatformName, state: BreakerState): void;
  rateLimitWait?(platform: PlatformName, waitMs: number): void;
  loaderBatch?(platform: PlatformName, loader: string, size: number): void;
  /** A read the entity cache answered (`hit`) or had to send (`miss`), by cached type. */
  cacheRead?(platform: PlatformName, type: string, outcome: 'hit' | 'miss'): void;
  /** Cached entries made invalid: by a write through Augur (`write`) or `POST /cache/invalidate` (`admin`). */
  cacheInvalidation?(platform: PlatformName | 'all', type: string, reason: 'write' | 'admin'): void;
  /** An upstream read that joined an identical one in flight instead of being sent. */
  sharedCall?(platform: PlatformName, route: string): void;
  /** A batch sent for several operations at once: `size` items from `operations` operations. */
  crossBatch?(platform: PlatformName, verb: string, size: number, operations: number): void;
}

/** Every hook present, except the attempt start, absent when no observer needs it. */
export type CombinedObserver = Omit<Required<AugurObserver>, 'upstreamAttemptStart'> & Pick<AugurObserver, 'upstreamAttemptStart'>;

/** Fans one event out to every observer, isolating failures. */
export function combineObservers(observers: readonly AugurObserver[]): CombinedObserver {
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
  const starters = observers.filter((o) => o.upstreamAttemptStart !== undefined);
  const upstreamAttemptStart =
    starters.length === 0
      ? undefined
      : (attempt: UpstreamAttemptStart, headers: Record<string, string>): AttemptEnd | undefined => {
          const ends: AttemptEnd[] = [];
          for (const o of starters) {
            try {
              const end = o.upstreamAttemptStart!(attempt, headers);
              if (end) ends.push(end);
            } catch {
              // As above: an observer failing must never fail a request.
            }
          }
          if (ends.length === 0) return undefined;
          return (event) => {
            for (const end of ends) {
              try {
                end(event);
              } catch {
                // Same.
              }
            }
          };
        };
  return {
    upstreamAttemptStart,
    upstreamAttempt: each('upstreamAttempt'),
    breakerState: each('breakerState'),
    rateLimitWait: each('rateLimitWait'),
    loaderBatch: each('loaderBatch'),
    cacheRead: each('cacheRead'),
    cacheInvalidation: each('cacheInvalidation'),
    sharedCall: each('sharedCall'),
    crossBatch: each('crossBatch'),
  };
}
