/**
 * Internal to the Prevision emulator: the OpenAPI paths of deployments, their API keys and their bulk predictions (relative to `/ext/v1`).
 */
import { jsonBody, object, str, type Paths } from '../../framework/openapi.js';
import { TAGS, ZIP, list, one, op, remove } from './kit.js';

const { deployments, predictions } = TAGS;

/** Deployments and their versions, API keys and bulk predictions. */
export const DEPLOYMENT_PATHS: Paths = {
  '/projects/{pid}/model-deployments': {
    get: list("List a project's deployments", 'Deployment', deployments),
    post: one('Deploy a model (and an optional challenger)', 'Deployment', {
      ...deployments,
      body: jsonBody(
        object(
          {
            name: str(),
            experiment_id: str(),
            main_model_experiment_version_id: str(),
            main_model_id: str(),
            challenger_model_experiment_version_id: str(),
            challenger_model_id: str(),
            description: str(),
            type_violation_policy: str('`best_effort` (default) or `strict`.'),
            access_type: str('`fine_grained` (default), `public` or `private`.'),
          },
          ['name', 'experiment_id', 'main_model_experiment_version_id', 'main_model_id'],
        ),
      ),
    }),
  },
  '/deployments/{id}': { get: one('Get a deployment', 'Deployment', deployments), delete: remove('Delete a deployment', deployments) },
  '/model-deployments/{id}': {
    get: one('Get a deployment', 'Deployment', { ...deployments, description: '[OURS] An alias of `/deployments/{id}`.' }),
    delete: remove('Delete a deployment', { ...deployments, description: '[OURS] An alias of `/deployments/{id}`.' }),
  },
  '/deployments/{id}/versions': {
    post: one('Deploy a new version (once the deployment is done)', 'Deployment', {
      ...deployments,
      body: jsonBody(
        object(
          {
            name: str(),
            main_model_experiment_version_id: str(),
            main_model_id: str(),
            challenger_model_experiment_version_id: str(),
            challenger_model_id: str(),
          },
          ['name', 'main_model_experiment_version_id', 'main_model_id'],
        ),
      ),
    }),
  },
  '/deployments/{id}/api-keys': {
    get: list("List a deployment's API keys (Augur takes the first)", 'ApiKey', deployments),
    post: one('Create an API key for a deployment', 'ApiKey', deployments),
  },
  '/api-keys/{id}/secret': { get: one("An API key's client id and secret", 'ApiKeySecret', deployments) },
  '/deployments/{id}/deployment-predictions': {
    post: one('Start a bulk prediction of a dataset', 'DeploymentPrediction', {
      ...predictions,
      description: 'Answers at once; it finishes after its `DEPLOYMENT_PREDICTION_UPDATE` events. Not retried by Augur.',
      body: jsonBody(object({ dataset_id: str() }, ['dataset_id'])),
    }),
    get: list("List a deployment's bulk predictions", 'DeploymentPrediction', predictions),
  },
  '/deployment-predictions/{id}': { get: one('Get a bulk prediction', 'DeploymentPrediction', predictions) },
  '/deployment-predictions/{id}/download': { get: op("Download a bulk prediction's result", { '200': ZIP }, predictions) },
};
