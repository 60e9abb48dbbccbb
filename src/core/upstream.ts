/**
 * Names shared by the upstream clients and whoever observes them: the platforms, the HTTP methods, the breaker
 * states.
 */

/** The four upstream platforms, as used in config keys, metrics labels and `extensions.platform`. */
export type PlatformName = 'prevision' | 'dataiku' | 'civis' | 'previsto';

export const PLATFORMS: readonly PlatformName[] = ['prevision', 'dataiku', 'civis', 'previsto'];

/** Human names used in error messages. */
export const PLATFORM_LABEL: Record<PlatformName, string> = {
  prevision: 'Prevision.io',
  dataiku: 'Dataiku API node',
  civis: 'Civis Platform',
  previsto: 'Previsto',
};

/** The methods the upstream clients send. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A platform's circuit breaker: `open` refuses calls, `half-open` lets one probe through. */
export type BreakerState = 'closed' | 'open' | 'half-open';
