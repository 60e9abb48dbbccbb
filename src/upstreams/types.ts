/** Names shared by every upstream client. */

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
