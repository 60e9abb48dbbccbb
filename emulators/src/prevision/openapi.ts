/**
 * Internal to the Prevision emulator: its OpenAPI 3.1 document (`GET /_emulator/openapi.json`), written from the
 * upstream contract (docs/upstreams.md §5): the master-token `/ext/v1` API, the OAuth2 token endpoint and the
 * deployed-model hosts. Component schemas are in `openapiSchemas.ts`.
 */
import {
  arrayOf,
  bool,
  enumOf,
  int,
  json,
  jsonBody,
  mapOf,
  media,
  num,
  object,
  openApiDocument,
  query,
  ref,
  responseRef,
  str,
  type OpenApiDocument,
  type Operation,
  type Paths,
  type Schema,
} from '../framework/openapi.js';
import { PREVISION_SCHEMAS, page } from './openapiSchemas.js';
import { DEPLOYMENT_HOST_PREFIX, TOKEN_PATH } from './host.js';

const API = '/ext/v1';
const ROLES = ['admin', 'contributor', 'viewer', 'end_user'];
const ERRORS = { '400': responseRef('BadRequest'), '401': responseRef('Unauthorized'), '404': responseRef('NotFound') };
const PAGING = [
  query('page', int(undefined, { minimum: 1, default: 1 }), '1-based page number; a page past the end answers `items: []`.'),
  query('rowsPerPage', int(undefined, { minimum: 1, maximum: 1000, default: 10 }), 'Items per page [OURS: default 10, at most 1000].'),
  query('sortBy', str(), 'A top-level key of the items.'),
  query('descending', { type: 'string', enum: ['true', 'false'] }, 'Sort order.'),
];
const ZIP = media('A zip holding one csv file.', 'application/zip');
const DELETED = { '204': { description: 'Deleted.' } };

type Opts = { tag: string; description?: string; parameters?: unknown[]; body?: Record<string, unknown> };

function op(summary: string, responses: Record<string, unknown>, o: Opts): Operation {
  return {
    summary,
    tags: [o.tag],
    ...(o.description ? { description: o.description } : {}),
    ...(o.parameters ? { parameters: o.parameters } : {}),
    ...(o.body ? { requestBody: o.body } : {}),
    responses: { ...responses, ...ERRORS },
  };
}

const one = (summary: string, schema: string | Schema, o: Opts): Operation =>
  op(summary, { '200': json('The record.', typeof schema === 'string' ? ref(schema) : schema) }, o);
const list = (summary: string, item: string, o: Opts): Operation =>
  op(summary, { '200': json('One page.', page(item)) }, { ...o, parameters: [...(o.parameters ?? []), ...PAGING] });
const remove = (summary: string, o: Opts): Operation => op(summary, DELETED, o);

const projects = { tag: 'Projects' };
const datasets = { tag: 'Datasets' };
const experiments = { tag: 'Experiments' };
const versions = { tag: 'Experiment versions' };
const models = { tag: 'Models' };
const deployments = { tag: 'Deployments' };
const predictions = { tag: 'Predictions' };
const host = { tag: 'Deployed model host' };
const connectors = { tag: 'Connectors and data sources' };
const exporters = { tag: 'Exporters and exports' };
const pipelines = { tag: 'Pipelines and image folders' };

/** A body the SDK sends as a form, which the API also takes as JSON. */
function formOrJson(schema: Schema): Record<string, unknown> {
  return { required: true, content: { 'application/x-www-form-urlencoded': { schema }, 'application/json': { schema } } };
}

const api: Paths = {
  '/version': {
    get: one("Platform version and the token endpoint's base URL", 'VersionInfo', {
      tag: 'Platform',
      description: 'Augur reads `oidc_url` from it and uses it as the reachability probe.',
    }),
  },
  '/profile': { get: one('The user behind the master token', 'Profile', { tag: 'Platform' }) },
  '/events': {
    get: op(
      'Server-sent events of job updates',
      {
        '200': media(
          'An endless stream: `:ok` at once, a `:keep-alive` comment every 15 s, then `id: <n>`, `event: <NAME>` (`EXPERIMENT_VERSION_UPDATE`, `DATASET_UPDATE`, `PREDICTION_UPDATE`, `DEPLOYMENT_PREDICTION_UPDATE`, `EXPORT_UPDATE`) and `data: {"_id": "..."}` per event.',
          'text/event-stream',
        ),
      },
      { tag: 'Platform' },
    ),
  },
  '/projects': {
    get: list('List projects', 'Project', projects),
    post: one('Create a project', 'Project', {
      ...projects,
      body: jsonBody(object({ name: str(), description: str(), color: str('Hex colour, default `#16D92C`.') }, ['name'])),
    }),
  },
  '/projects/{id}': { get: one('Get a project', 'Project', projects), delete: remove('Delete a project and what it holds', projects) },
  '/projects/{id}/users': {
    get: list("List a project's users with their role", 'ProjectUser', projects),
    post: one('Add a user to a project', 'Project', {
      ...projects,
      description: "As the R SDK's `create_project_user`; [OURS] answers the project. A project keeps at least one admin.",
      body: jsonBody(object({ email: str(), projectRole: enumOf(ROLES) }, ['email', 'projectRole'])),
    }),
  },
  '/projects/{id}/users/{userId}': {
    put: one("Change a project member's role", 'Project', {
      ...projects,
      body: jsonBody(object({ projectRole: enumOf(ROLES) }, ['projectRole'])),
    }),
    delete: one('Remove a member from a project (200)', 'Project', projects),
  },
  '/projects/{pid}/datasets': { get: list("List a project's datasets", 'Dataset', datasets) },
  '/projects/{pid}/datasets/file': {
    post: one('Upload a dataset (csv, or a zip holding one)', 'Dataset', {
      ...datasets,
      description:
        'Answers at once with `copy_state: running`; the dataset is ready after its `DATASET_UPDATE` events. Parquet is refused.',
      body: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: object(
              {
                name: str(),
                file: str('csv or zip.', { contentMediaType: 'application/octet-stream' }),
                separator: str('Default `,`.'),
                decimal: str('Default `.`.'),
                origin: str(),
              },
              ['name', 'file'],
            ),
          },
        },
      },
    }),
  },
  '/datasets/{id}': { get: one('Get a dataset', 'Dataset', datasets), delete: remove('Delete a dataset', datasets) },
  '/datasets/{id}/sample': { get: one('The first rows of a dataset', 'DatasetSample', datasets) },
  '/datasets/{id}/download': {
    get: op('Download a dataset', { '200': ZIP }, { ...datasets, description: '400 while it is still being copied.' }),
  },
  '/projects/{pid}/experiments': {
    get: list("List a project's experiments", 'Experiment', experiments),
    post: one('Create an experiment', 'Experiment', {
      ...experiments,
      body: jsonBody(
        object(
          {
            name: str(),
            training_type: str('classification, regression, multiclassification, text-similarity or object-detection.'),
            provider: str('`prevision-auto-ml` (default) or `external`.'),
            data_type: str('`tabular` (default), `timeseries` or `images`.'),
            hosting: str('`prevision` (default) or `external`.'),
          },
          ['name', 'training_type'],
        ),
      ),
    }),
  },
  '/experiments/{id}': {
    get: one('Get an experiment', 'Experiment', experiments),
    delete: remove('Delete an experiment (400 while it is deployed)', experiments),
  },
  '/experiments/{id}/versions': {
    get: list("List an experiment's versions", 'ExperimentVersion', experiments),
    post: one('Create a draft version (train it with confirm)', 'ExperimentVersion', {
      ...experiments,
      body: jsonBody(
        object(
          {
            dataset_id: str(),
            target_column: str(),
            id_column: str(),
            fold_column: str(),
            weight_column: str(),
            time_column: str(),
            holdout_dataset_id: str(),
            parent_version: { type: ['integer', 'string'], description: "The parent's version number (as the SDK sends it) or id." },
            description: str(),
            metric: str(),
            profile: str('`quick` (default), `normal` or `advanced`.'),
            drop_list: arrayOf(str()),
            features_engineering_selected_list: arrayOf(str()),
            normal_models: arrayOf(str()),
            lite_models: arrayOf(str()),
            simple_models: arrayOf(str()),
            features_selection_time: num(),
            features_selection_count: int(),
          },
          ['dataset_id', 'target_column'],
        ),
      ),
    }),
  },
  '/experiment-versions/{id}': {
    get: one('Get an experiment version', 'ExperimentVersion', versions),
    delete: remove('Delete an experiment version (400 while one of its models is deployed)', versions),
  },
  '/experiment-versions/{id}/confirm': {
    put: one('Start training a draft version', 'ExperimentVersion', {
      ...versions,
      description: '`pending` → `running` → `done`, one step every 2 s [OURS], with `EXPERIMENT_VERSION_UPDATE` events.',
    }),
  },
  '/experiment-versions/{id}/stop': {
    put: one('Stop training, keeping the models trained so far', 'ExperimentVersion', {
      ...versions,
      description: 'The version ends `done` [OURS].',
    }),
  },
  '/experiment-versions/{id}/models': { get: list("List a version's models", 'Model', versions) },
  '/experiment-versions/{id}/features': {
    get: list("List the training dataset's features with their role and statistics", 'FeatureInfo', versions),
  },
  '/experiment-versions/{id}/features/{name}': {
    get: one('One feature, with its distribution chart', 'FeatureInfo', {
      ...versions,
      parameters: [{ name: 'name', in: 'path', required: true, description: 'A column name (case-sensitive).', schema: str() }],
    }),
  },
  '/experiment-versions/{id}/features-stats': {
    get: one('Counts of features by type and of rows', object({}, [], 'Computed from the training dataset.'), versions),
  },
  '/experiment-versions/{id}/dropped-features': {
    get: op(
      'List the features training left out, and why',
      {
        '200': json(
          'One page.',
          object(
            {
              items: arrayOf(object({ name: str(), reason: str('`drop_list` or `constant`.') }, ['name', 'reason'])),
              metaData: ref('ListMetaData'),
            },
            ['items', 'metaData'],
          ),
        ),
      },
      { ...versions, parameters: PAGING },
    ),
  },
  '/experiment-versions/{id}/correlation-matrix': {
    get: one('Correlations between numerical features', arrayOf(ref('CorrelationRow')), versions),
  },
  '/experiment-versions/{id}/graph': {
    get: one(
      'The training graph: dataset, feature engineering and models',
      object({ nodes: arrayOf(object({})), edges: arrayOf(object({ source: str(), target: str() }, ['source', 'target'])) }, [
        'nodes',
        'edges',
      ]),
      versions,
    ),
  },
  '/experiment-versions/{id}/holdout-predictions': {
    get: one("The version's holdout predictions (not paged)", object({ items: arrayOf(ref('ValidationPrediction')) }, ['items']), versions),
  },
  '/experiment-versions/{id}/validation-predictions': {
    post: one("Predict a dataset with one of the version's models", 'ValidationPrediction', {
      ...predictions,
      description:
        'Answers the whole prediction [OURS]; it finishes after its `PREDICTION_UPDATE` events. Text-similarity predictions are not emulated.',
      body: jsonBody(
        object({ dataset_id: str(), model_id: str(), confidence: bool(), folder_dataset_id: str() }, ['dataset_id', 'model_id']),
      ),
    }),
  },
  '/validation-predictions/{id}': {
    get: one('Get a validation prediction', 'ValidationPrediction', predictions),
    delete: remove('Delete a validation prediction', predictions),
  },
  '/validation-predictions/{id}/download': {
    get: op(
      "Download a validation prediction's result",
      {
        '200': {
          description: 'The result as a zip (default) or csv.',
          content: { 'application/zip': { schema: str() }, 'text/csv': { schema: str() } },
        },
      },
      {
        ...predictions,
        parameters: [query('extension', { type: 'string', enum: ['zip', 'csv', 'parquet'], default: 'zip' }, 'Parquet is refused (400).')],
      },
    ),
  },
  '/models/{id}': { get: one('Get a model', 'Model', models) },
  '/models/{id}/hyperparameters/download': {
    get: one("A model's hyperparameters", mapOf({ type: ['string', 'number', 'boolean'] }), models),
  },
  '/models/{id}/features-importances/download': { get: op("A model's feature importances (csv in a zip)", { '200': ZIP }, models) },
  '/models/{id}/cross-validation/download': {
    get: op(
      "A model's cross-validation predictions (csv in a zip)",
      { '200': ZIP },
      { ...models, description: '400 for model types without one.' },
    ),
  },
  '/models/{id}/analysis': {
    get: one(
      "A model's analysis document",
      object({}, [], 'Computed from the model and its dataset, the same on every run [OURS].'),
      models,
    ),
  },
  '/models/{id}/dynamic-analysis': {
    get: one('Confusion matrix and scores at a threshold (binary classification)', 'DynamicAnalysis', {
      ...models,
      parameters: [query('threshold', num(undefined, { minimum: 0, maximum: 1, default: 0.5 }), 'Decision threshold.')],
    }),
  },
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
  '/projects/{pid}/connectors': {
    get: list("List a project's connectors", 'Connector', connectors),
    post: one('Create a connector', 'Connector', {
      ...connectors,
      description: 'The SDK sends a form (a GCP connector as JSON). Passwords and keys are stored and never answered.',
      body: formOrJson(
        object(
          {
            type: { type: 'string', enum: ['SQL', 'FTP', 'SFTP', 'S3', 'GCP'] },
            name: str(),
            host: str('Required for SQL, FTP and SFTP.'),
            port: int(undefined, { minimum: 1, maximum: 65535 }),
            username: str(),
            password: str('Write-only.'),
            googleCredentials: object({}, [], 'GCP only: the service account key. Write-only.'),
          },
          ['type', 'name'],
        ),
      ),
    }),
  },
  '/connectors/{id}': {
    get: one('Get a connector', 'Connector', connectors),
    delete: remove('Delete a connector and its data sources', connectors),
  },
  '/connectors/{id}/test': {
    post: one('Test a connector', object({ message: str() }, ['message']), {
      ...connectors,
      description: '[OURS] 200 unless the host is `unreachable.invalid` (400): the emulator reaches no remote source.',
    }),
  },
  '/projects/{pid}/data-sources': {
    get: list("List a project's data sources", 'DataSource', connectors),
    post: one('Create a data source', 'DataSource', {
      ...connectors,
      body: formOrJson(
        object(
          {
            connector_id: str(),
            name: str(),
            path: str(),
            database: str(),
            table: str(),
            bucket: str(),
            request: str(),
          },
          ['connector_id', 'name'],
        ),
      ),
    }),
  },
  '/data-sources/{id}': { get: one('Get a data source', 'DataSource', connectors), delete: remove('Delete a data source', connectors) },
  '/projects/{pid}/exporters': {
    get: list("List a project's exporters", 'Exporter', exporters),
    post: one('Create an exporter', 'Exporter', {
      ...exporters,
      description: 'A SQL connector takes `database`, `table` and `database_write_mode`; others `filepath` and `file_write_mode`.',
      body: formOrJson(
        object(
          {
            connector_id: str(),
            name: str(),
            description: str(),
            filepath: str(),
            bucket: str(),
            database: str(),
            table: str(),
            database_write_mode: { type: 'string', enum: ['replace', 'append'] },
            file_write_mode: { type: 'string', enum: ['timestamp', 'safe', 'replace'] },
          },
          ['connector_id', 'name'],
        ),
      ),
    }),
  },
  '/exporters/{id}': {
    get: one('Get an exporter', 'Exporter', exporters),
    delete: remove('Delete an exporter and its exports', exporters),
  },
  '/exporters/{id}/exports': { get: list("List an exporter's exports", 'Export', exporters) },
  '/exporters/{id}/dataset/{datasetId}': {
    post: one('Export a dataset', 'Export', { ...exporters, description: 'A job: `status` moves to `done` (`EXPORT_UPDATE`).' }),
  },
  '/exporters/{id}/prediction/{predictionId}': {
    post: one('Export a prediction', 'Export', {
      ...exporters,
      body: formOrJson(object({ prediction_type: { type: 'string', enum: ['deployment', 'experiment'] } }, ['prediction_type'])),
    }),
  },
  '/exports/{id}': { get: one('Get an export', 'Export', exporters) },
  '/projects/{pid}/pipeline-templates': { get: list("List a project's pipeline templates", 'PipelineTemplate', pipelines) },
  '/pipeline-templates/{id}': {
    get: one('Get a pipeline template', 'PipelineTemplate', pipelines),
    delete: remove('Delete a pipeline template (400 while a scheduled run uses it)', pipelines),
  },
  '/projects/{pid}/pipeline-scheduled-runs': {
    get: list("List a project's pipeline scheduled runs (without their executions)", 'PipelineScheduledRun', pipelines),
    post: one('Create a draft scheduled run of a template', 'PipelineScheduledRun', {
      ...pipelines,
      description: "The first of the SDK's four steps: configure the nodes, set the schedule, then confirm.",
      body: jsonBody(object({ pipeline_template_id: str(), name: str(), description: str() }, ['pipeline_template_id', 'name'])),
    }),
  },
  '/pipeline-scheduled-runs/{id}': {
    get: one('Get a scheduled run with its last executions', 'PipelineScheduledRun', {
      ...pipelines,
      parameters: [query('limit', int(), 'How many of the last executions to answer (default 15), newest first.')],
    }),
    put: one('Set the name and schedule of a scheduled run', 'PipelineScheduledRun', {
      ...pipelines,
      body: jsonBody(
        object(
          {
            name: str(),
            exec_type: enumOf(['manual', 'recurring']),
            exec_cron: str('Five-field cron; recurring runs only.'),
            exec_period_start: str(),
            exec_period_end: str(),
          },
          ['exec_type'],
        ),
      ),
    }),
    delete: remove('Delete a scheduled run', pipelines),
  },
  '/pipeline-scheduled-runs/{id}/node/{nodeId}': {
    put: one("Configure one node of a scheduled run's template", 'PipelineScheduledRun', {
      ...pipelines,
      body: jsonBody(arrayOf(object({ name: str(), value: {} }, ['name']))),
    }),
  },
  '/pipeline-scheduled-runs/{id}/confirm': {
    post: one('Confirm a draft scheduled run (once)', 'PipelineScheduledRun', pipelines),
  },
  '/pipeline-scheduled-runs/{id}/trigger': {
    post: one('Trigger an execution of a confirmed scheduled run', object({ _id: str(), execution_id: str() }, ['_id', 'execution_id']), {
      ...pipelines,
      description: 'A job: the execution moves to `done` (`PIPELINE_SCHEDULED_RUN_UPDATE`). [OURS] the answer.',
    }),
  },
  '/projects/{pid}/image-folders': {
    get: list("List a project's image folders", 'ImageFolder', pipelines),
    post: one('Upload a zip of images as an image folder', 'ImageFolder', {
      ...pipelines,
      description: 'Answers at once with `copy_state: running`; `done` after the copy (`FOLDER_UPDATE`).',
      body: {
        required: true,
        content: {
          'multipart/form-data': { schema: object({ name: str(), file: str('The zip.', { format: 'binary' }) }, ['name', 'file']) },
        },
      },
    }),
  },
  '/image-folders/{id}': {
    get: one('Get an image folder', 'ImageFolder', pipelines),
    delete: remove('Delete an image folder', pipelines),
  },
  '/projects/{pid}/datasets/data-source': {
    post: one('Create a dataset read from a data source', 'Dataset', {
      ...datasets,
      description:
        'Answers at once with `copy_state: running`, like an upload. [OURS] The emulator reaches no remote source: the dataset holds a synthetic table (`id`, `value`, `label`, 20 rows).',
      body: formOrJson(object({ name: str(), datasource_id: str() }, ['name', 'datasource_id'])),
    }),
  },
};

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

const others: Paths = {
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
    paths: { ...Object.fromEntries(Object.entries(api).map(([path, item]) => [`${API}${path}`, item])), ...others },
  });
}
