/**
 * Internal to the Prevision emulator: the OpenAPI paths outside `/ext/v1`, the OAuth2 token endpoint and the
 * deployed-model host, which take a deployment's credentials instead of the master token.
 */
import {
  arrayOf,
  int,
  json,
  jsonBody,
  mapOf,
  object,
  query,
  ref,
  responseRef,
  str,
  type Operation,
  type Paths,
  type Schema,
} from '../../framework/openapi.js';
import { DEPLOYMENT_HOST_PREFIX, TOKEN_PATH } from '../host.js';
import { TAGS } from './kit.js';

const { host } = TAGS;
const bearer = [{ accessToken: [] }];
const hostOp = (summary: string, schema: Schema, extra: Partial<Operation> = {}): Operation => ({
  summary,
  tags: [host.tag],
  security: bearer,
  ...extra,
  responses: {
    '200': json('The answer.', schema),
    '401': json('Missing, unknown or expired token, or one of another deployment.', ref('Error'), {
      'WWW-Authenticate': '`Bearer realm="prevision.io", error="invalid_token"`.',
    }),
    '404': responseRef('NotFound'),
    '503': json('The deployment is not running yet.', ref('Error')),
  },
});

/** The token endpoint and a deployment's `about`, `inputs`, `outputs` and `predict`. */
export const HOST_PATHS: Paths = {
  [TOKEN_PATH]: {
    post: {
      summary: 'OAuth2 client-credentials token for a deployed model',
      tags: ['Token'],
      description: "Keycloak's path under `oidc_url`. Client credentials in the form or as HTTP Basic.",
      security: [{}, { clientBasic: [] }],
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: object({ grant_type: { const: 'client_credentials' }, client_id: str(), client_secret: str() }, ['grant_type']),
          },
        },
      },
      responses: {
        '200': json('A token.', ref('TokenResponse')),
        '400': json('`unsupported_grant_type`.', ref('OAuthError')),
        '401': json('`invalid_client`.', ref('OAuthError')),
      },
    },
  },
  [`${DEPLOYMENT_HOST_PREFIX}/{deploymentId}/about`]: {
    get: hostOp(
      'What the deployed model is',
      object(
        { problem_type: str(), name: str(), deployment_id: str(), model_id: str(), model_name: str(), target: str(), version: int() },
        ['problem_type', 'target'],
      ),
    ),
  },
  [`${DEPLOYMENT_HOST_PREFIX}/{deploymentId}/inputs`]: { get: hostOp('The features the model expects', arrayOf(ref('DeployedInput'))) },
  [`${DEPLOYMENT_HOST_PREFIX}/{deploymentId}/outputs`]: { get: hostOp('What the model predicts', arrayOf(ref('DeployedOutput'))) },
  [`${DEPLOYMENT_HOST_PREFIX}/{deploymentId}/predict`]: {
    post: hostOp('Score one record', ref('UnitPrediction'), {
      parameters: [
        query('confidence', { type: 'string', enum: ['true', 'false'] }, 'Add `confidence`.'),
        query('explain', { type: 'string', enum: ['true', 'false'] }, 'Add `explanation`.'),
      ],
      requestBody: jsonBody(
        { oneOf: [mapOf({}, 'Feature name to value.'), arrayOf(object({ name: str(), value: {} }, ['name']), "The SDK's form.")] },
        "The record's feature values.",
      ),
    }),
  },
};
