/**
 * Internal to the Prevision emulator: the OpenAPI paths of pipeline templates, scheduled runs and image folders (relative to `/ext/v1`).
 */
import { arrayOf, enumOf, int, jsonBody, object, query, str, type Paths } from '../../framework/openapi.js';
import { TAGS, list, one, remove } from './kit.js';

const { pipelines } = TAGS;

/** Pipeline templates, scheduled runs (the four steps of the SDK) and image folders. */
export const PIPELINE_PATHS: Paths = {
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
};
