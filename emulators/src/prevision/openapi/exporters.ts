/**
 * Internal to the Prevision emulator: the OpenAPI paths of exporters and their exports (relative to `/ext/v1`).
 */
import { object, str, type Paths } from '../../framework/openapi.js';
import { TAGS, formOrJson, list, one, remove } from './kit.js';

const { exporters } = TAGS;

/** Exporters and the exports of datasets, predictions and uploaded files. */
export const EXPORTER_PATHS: Paths = {
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
  '/exporters/{id}/file': {
    post: one('Export an uploaded file', 'Export', {
      ...exporters,
      description:
        "The SDK's `Exporter.export_file`. A job like the other exports; [OURS] the answer's `file_name` and `file_size` say what was uploaded. 400 without the part `file`.",
      body: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: object(
              {
                file: str('The file (the SDK sends it as text/csv).', { contentMediaType: 'application/octet-stream' }),
                encoding: str(),
                separator: str('One character.'),
                decimal: str('One character.'),
                thousands: str('One character.'),
                origin: str(),
                pipeline_scheduled_run_id: str(),
              },
              ['file'],
            ),
          },
        },
      },
    }),
  },
  '/exports/{id}': { get: one('Get an export', 'Export', exporters) },
};
