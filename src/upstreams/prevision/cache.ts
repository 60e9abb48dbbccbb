/**
 * What the entity cache keeps of Prevision.io and what each Prevision write makes stale (docs/caching.md). Types are
 * Prevision's collections. Route templates are those the client logs. Deployment tokens, API-key secrets, `/version`
 * and documents (profile, analyses, hyperparameters) are never cached.
 *
 * Prevision's objects hang together: a version's training changes its experiment (`latest_version`, state) and brings
 * models; a deployment changes the models and versions it serves. Deleting a project, a dataset, an experiment, a
 * version, a deployment or a connector deletes what hangs from it, so those deletes drop the whole platform.
 */
import type { ObjectCacheRules } from '../objectCache.js';

/** The types of Prevision reads the entity cache can hold (`AUGUR_ENTITY_CACHE_TTLS=prevision.<type>=<seconds>`). */
export const PREVISION_CACHE_TYPES = [
  'projects',
  'datasets',
  'experiments',
  'experiment-versions',
  'models',
  'deployments',
  'deployment-predictions',
  'validation-predictions',
  'connectors',
  'data-sources',
  'exporters',
  'exports',
] as const;

/** A version and everything its training or deployment shows in. */
const TRAINING = ['experiment-versions', 'experiments', 'models', 'projects'] as const;

/** Prevision's cache rules: reads by route, and what each write route changes. */
export const PREVISION_CACHE_RULES: ObjectCacheRules = {
  platform: 'prevision',
  objects: Object.fromEntries(PREVISION_CACHE_TYPES.map((type) => [`GET /${type}/{id}`, type])),
  lists: {
    'GET /projects': 'projects',
    'GET /projects/{id}/datasets': 'datasets',
    'GET /projects/{id}/experiments': 'experiments',
    'GET /projects/{id}/model-deployments': 'deployments',
    'GET /experiments/{id}/versions': 'experiment-versions',
    'GET /experiment-versions/{id}/models': 'models',
    'GET /experiment-versions/{id}/features': 'experiment-versions',
    'GET /deployments/{id}/deployment-predictions': 'deployment-predictions',
    'GET /projects/{id}/connectors': 'connectors',
    'GET /projects/{id}/data-sources': 'data-sources',
    'GET /projects/{id}/exporters': 'exporters',
    'GET /exporters/{id}/exports': 'exports',
  },
  writes: {
    'POST /projects': ['projects'],
    'POST /projects/{id}/experiments': ['experiments', 'projects'],
    'POST /experiments/{id}/versions': TRAINING,
    'PUT /experiment-versions/{id}/confirm': TRAINING,
    'PUT /experiment-versions/{id}/stop': TRAINING,
    'POST /projects/{id}/model-deployments': ['deployments', ...TRAINING],
    'POST /deployments/{id}/versions': ['deployments', ...TRAINING],
    'POST /experiment-versions/{id}/validation-predictions': ['validation-predictions', 'experiment-versions'],
    'POST /deployments/{id}/deployment-predictions': ['deployment-predictions', 'deployments'],
    'POST /projects/{id}/connectors': ['connectors', 'projects'],
    // Checks that Prevision reaches the source; changes nothing.
    'POST /connectors/{id}/test': [],
    'POST /projects/{id}/data-sources': ['data-sources', 'connectors', 'projects'],
    'POST /projects/{id}/datasets/data-source': ['datasets', 'data-sources', 'projects'],
    'POST /projects/{id}/datasets/file': ['datasets', 'projects'],
    'POST /projects/{id}/exporters': ['exporters', 'connectors', 'projects'],
    'POST /exporters/{id}/dataset/{dataset_id}': ['exports', 'exporters', 'datasets'],
    'POST /exporters/{id}/prediction/{prediction_id}': ['exports', 'exporters', 'deployment-predictions', 'validation-predictions'],
    'POST /exporters/{id}/file': ['exports', 'exporters'],
    'DELETE /validation-predictions/{id}': ['validation-predictions', 'experiment-versions'],
    'DELETE /exporters/{id}': ['exporters', 'exports', 'connectors', 'projects'],
    'DELETE /data-sources/{id}': ['data-sources', 'datasets', 'connectors', 'projects'],
    // Every other delete cascades: the whole platform goes (a route missing here does so too).
    'DELETE /projects/{id}': '*',
    'DELETE /datasets/{id}': '*',
    'DELETE /experiments/{id}': '*',
    'DELETE /experiment-versions/{id}': '*',
    'DELETE /deployments/{id}': '*',
    'DELETE /connectors/{id}': '*',
  },
};
