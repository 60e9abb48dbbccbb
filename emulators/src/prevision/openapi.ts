/**
 * Internal to the Prevision emulator: its OpenAPI 3.1 document (`GET /_emulator/openapi.json`), written from the
 * upstream contract (docs/upstreams.md §5): the master-token `/ext/v1` API, the OAuth2 token endpoint and the
 * deployed-model hosts. The paths are under openapi/, one file per resource group; component schemas are in
 * `openapiSchemas.ts`.
 */
import { json, openApiDocument, ref, type OpenApiDocument, type Paths } from '../framework/openapi.js';
import { PREVISION_SCHEMAS } from './openapiSchemas.js';
import { CONNECTOR_PATHS, DATA_SOURCE_DATASET_PATHS } from './openapi/connectors.js';
import { DEPLOYMENT_PATHS } from './openapi/deployments.js';
import { EXPERIMENT_PATHS } from './openapi/experiments.js';
import { EXPORTER_PATHS } from './openapi/exporters.js';
import { HOST_PATHS } from './openapi/host.js';
import { TAGS } from './openapi/kit.js';
import { MODEL_PATHS } from './openapi/models.js';
import { PIPELINE_PATHS } from './openapi/pipelines.js';
import { PROJECT_PATHS } from './openapi/projects.js';

const API = '/ext/v1';
const { host } = TAGS;

// In the order the document has always listed them, so that the served JSON stays the same.
const api: Paths = {
  ...PROJECT_PATHS,
  ...EXPERIMENT_PATHS,
  ...MODEL_PATHS,
  ...DEPLOYMENT_PATHS,
  ...CONNECTOR_PATHS,
  ...EXPORTER_PATHS,
  ...PIPELINE_PATHS,
  ...DATA_SOURCE_DATASET_PATHS,
};

/** The Prevision emulator's OpenAPI document. */
export function previsionOpenApi(): OpenApiDocument {
  const error = (description: string) => json(description, ref('Error'));
  return openApiDocument({
    title: 'Prevision.io API (Augur emulator)',
    version: '11.7.0',
    description:
      "Prevision.io's `/ext/v1` API as the `previsionio` SDK calls it, with the raw master token in `Authorization` (no `Bearer`); " +
      "the OAuth2 token endpoint; and each deployment's host, which scores one record per call with a Bearer access token. " +
      "Long jobs are asynchronous: read their state fields or wait on `/events`. See docs/upstreams.md §5; [OURS] marks the emulator's own choices.",
    tags: [
      'Platform',
      'Projects',
      'Datasets',
      'Experiments',
      'Experiment versions',
      'Models',
      'Deployments',
      'Predictions',
      'Token',
      host.tag,
    ].map((name) => ({
      name,
      description: name === host.tag ? "A deployment's `url`: `/deployments-host/{deploymentId}` on the emulator." : `${name} routes.`,
    })),
    securitySchemes: {
      masterToken: {
        type: 'apiKey',
        in: 'header',
        name: 'Authorization',
        description: 'The master token itself, with no `Bearer ` prefix.',
      },
      accessToken: { type: 'http', scheme: 'bearer', description: 'An access token from the token endpoint, for one deployment.' },
      clientBasic: { type: 'http', scheme: 'basic', description: "A deployment API key's client id and secret." },
    },
    security: [{ masterToken: [] }],
    schemas: PREVISION_SCHEMAS,
    responses: {
      BadRequest: error('Invalid input, or a resource not ready for the operation; the message says which.'),
      Unauthorized: error('Missing or unknown master token (`err_code: "E_UNK"`), or one sent as `Bearer`.'),
      NotFound: error('No such record.'),
    },
    pathParams: {
      id: 'The record id (24 hex characters).',
      pid: 'The project id.',
      deploymentId: 'The deployment id.',
      datasetId: 'The dataset id.',
      predictionId: 'The id of a deployment prediction or a validation prediction (by `prediction_type`).',
      nodeId: "The id of a node of the run's pipeline template.",
      userId: 'The id of a user (a member of the project).',
    },
    paths: { ...Object.fromEntries(Object.entries(api).map(([path, item]) => [`${API}${path}`, item])), ...HOST_PATHS },
  });
}
