/**
 * Internal to the Prevision emulator: the OpenAPI paths of the platform endpoints, projects and their members, and datasets (relative to `/ext/v1`).
 */
import { enumOf, jsonBody, media, object, str, type Paths } from '../../framework/openapi.js';
import { TAGS, ZIP, list, one, op, remove } from './kit.js';

const { projects, datasets } = TAGS;
const ROLES = ['admin', 'contributor', 'viewer', 'end_user'];

/** Version, profile and event stream; projects and their members; dataset uploads, reads and downloads. */
export const PROJECT_PATHS: Paths = {
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
};
