/**
 * Internal to the Prevision emulator: the OpenAPI paths of connectors, data sources and the datasets read from them (relative to `/ext/v1`).
 */
import { int, object, str, type Paths } from '../../framework/openapi.js';
import { TAGS, formOrJson, list, one, remove } from './kit.js';

const { datasets, connectors } = TAGS;

/** Connectors, their test, and data sources. */
export const CONNECTOR_PATHS: Paths = {
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
};

/** A dataset read from a data source. The document lists it after the pipeline paths, where it has always been, so that the served JSON keeps its key order. */
export const DATA_SOURCE_DATASET_PATHS: Paths = {
  '/projects/{pid}/datasets/data-source': {
    post: one('Create a dataset read from a data source', 'Dataset', {
      ...datasets,
      description:
        'Answers at once with `copy_state: running`, like an upload. [OURS] The emulator reaches no remote source: the dataset holds a synthetic table (`id`, `value`, `label`, 20 rows).',
      body: formOrJson(object({ name: str(), datasource_id: str() }, ['name', 'datasource_id'])),
    }),
  },
};
