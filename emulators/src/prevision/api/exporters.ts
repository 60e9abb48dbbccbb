/**
 * Internal to the Prevision emulator: the `/ext/v1` exporters and exports routes. An exporter writes through a
 * connector; an export of a dataset, a prediction or an uploaded file (the SDK's `Exporter.export_file`) is a job
 * whose `status` moves like the others (`EXPORT_UPDATE`). The emulator writes nothing anywhere **[OURS]**: an export
 * ends `done`, and an uploaded file is kept only as its name and size.
 */
import type { RouteDef } from '../../framework/emulator.js';
import { badRequest, notFound, objectBody, oneOf, optionalString, requiredString, type HandlerContext } from '../context.js';
import { parseMultipart } from '../files.js';
import type { Export, Exporter } from '../types.js';
import { API, ok, noContent, type ApiScope } from './scope.js';

/** The `/ext/v1` exporters and exports routes. */
export function exporterRoutes(ctx: HandlerContext, scope: ApiScope): RouteDef[] {
  const { store, options } = ctx;
  const { page, project } = scope;

  const exporter = (id: string): Exporter => {
    const e = store.exporters.get(id);
    if (!e) throw notFound('Exporter', id);
    return e;
  };
  const startExport = (
    e: Exporter,
    over: Partial<Pick<Export, 'dataset_id' | 'prediction_id' | 'prediction_type' | 'file_name' | 'file_size'>>,
  ): Export => {
    const now = options.now();
    const x: Export = {
      _id: store.ids.next(now),
      project_id: e.project_id,
      exporter_id: e._id,
      dataset_id: null,
      prediction_id: null,
      prediction_type: null,
      file_name: null,
      file_size: null,
      ...over,
      status: 'pending',
      created_at: new Date(now).toISOString(),
      created_by: store.profile._id,
    };
    store.exports.set(x._id, x);
    store.jobs.start(x._id, 'EXPORT_UPDATE', [
      () => {
        x.status = 'running';
      },
      () => {
        x.status = 'done';
      },
    ]);
    return x;
  };

  return [
    {
      method: 'GET',
      path: `${API}/projects/{pid}/exporters`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        return page(
          [...store.exporters.values()].filter((e) => e.project_id === pid),
          req,
        );
      },
    },
    {
      method: 'POST',
      path: `${API}/projects/{pid}/exporters`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        const body = objectBody(req);
        const connectorId = requiredString(body, 'connector_id');
        const c = store.connectors.get(connectorId);
        if (!c || c.project_id !== pid)
          throw badRequest(`Field "connector_id": no connector ${JSON.stringify(connectorId)} in project ${pid}.`);
        const database = optionalString(body, 'database');
        const isDatabase = c.type === 'SQL';
        if (isDatabase && (database === null || optionalString(body, 'table') === null))
          throw badRequest('Fields "database" and "table" are required for an exporter on a SQL connector.');
        if (!isDatabase && optionalString(body, 'filepath') === null)
          throw badRequest(`Field "filepath" is required for an exporter on a ${c.type} connector.`);
        const now = options.now();
        const e: Exporter = {
          _id: store.ids.next(now),
          project_id: pid,
          connector_id: c._id,
          name: requiredString(body, 'name'),
          description: optionalString(body, 'description'),
          filepath: optionalString(body, 'filepath'),
          bucket: optionalString(body, 'bucket'),
          database,
          table: optionalString(body, 'table'),
          database_write_mode: isDatabase ? oneOf(body, 'database_write_mode', ['replace', 'append'] as const, 'replace') : null,
          file_write_mode: isDatabase ? null : oneOf(body, 'file_write_mode', ['timestamp', 'safe', 'replace'] as const, 'timestamp'),
          created_at: new Date(now).toISOString(),
          created_by: store.profile._id,
        };
        store.exporters.set(e._id, e);
        return ok(e);
      },
    },
    { method: 'GET', path: `${API}/exporters/{id}`, handler: (req) => ok(exporter(req.params['id']!)) },
    {
      method: 'DELETE',
      path: `${API}/exporters/{id}`,
      handler: (req) => {
        store.deleteExporter(exporter(req.params['id']!)._id);
        return noContent();
      },
    },
    {
      method: 'GET',
      path: `${API}/exporters/{id}/exports`,
      handler: (req) => {
        const id = exporter(req.params['id']!)._id;
        store.jobs.settleAll();
        return page(
          [...store.exports.values()].filter((x) => x.exporter_id === id),
          req,
        );
      },
    },
    {
      method: 'POST',
      path: `${API}/exporters/{id}/dataset/{datasetId}`,
      handler: (req) => {
        const e = exporter(req.params['id']!);
        const d = store.datasets.get(req.params['datasetId']!);
        if (!d || d.wire.project_id !== e.project_id)
          throw badRequest(`No dataset ${JSON.stringify(req.params['datasetId'])} in project ${e.project_id}.`);
        return ok(startExport(e, { dataset_id: d.wire._id }));
      },
    },
    {
      method: 'POST',
      path: `${API}/exporters/{id}/prediction/{predictionId}`,
      handler: (req) => {
        const e = exporter(req.params['id']!);
        const type = oneOf(objectBody(req), 'prediction_type', ['deployment', 'experiment'] as const);
        const id = req.params['predictionId']!;
        const found =
          type === 'deployment' ? store.predictions.get(id)?.wire.project_id : store.validationPredictions.get(id)?.wire.project_id;
        if (found !== e.project_id) throw badRequest(`No ${type} prediction ${JSON.stringify(id)} in project ${e.project_id}.`);
        return ok(startExport(e, { prediction_id: id, prediction_type: type }));
      },
    },
    {
      // The SDK's `Export._new(file_path=...)`: a `MultipartEncoder` body with the part `file` (sent as `text/csv`)
      // and, when given, the fields `encoding`, `separator`, `decimal`, `thousands`, `origin`,
      // `pipeline_scheduled_run_id`. It reads `_id` from the answer.
      method: 'POST',
      path: `${API}/exporters/{id}/file`,
      handler: (req) => {
        const e = exporter(req.params['id']!);
        const parts = parseMultipart(req.rawBody, req.headers['content-type']);
        if (!parts) {
          throw badRequest(
            `Expected a multipart/form-data body with the part "file", got Content-Type ${JSON.stringify(req.headers['content-type'] ?? null)}.`,
          );
        }
        const file = parts.find((p) => p.name === 'file');
        if (!file) throw badRequest('Multipart field "file" is required: attach the file to export.');
        for (const name of ['separator', 'decimal', 'thousands']) {
          const v = parts.find((p) => p.name === name && p.filename === null)?.data.toString('utf8');
          if (v !== undefined && v.length !== 1) throw badRequest(`Field "${name}" must be one character, got ${JSON.stringify(v)}.`);
        }
        return ok(startExport(e, { file_name: file.filename || 'file', file_size: file.data.length }));
      },
    },
    {
      method: 'GET',
      path: `${API}/exports/{id}`,
      handler: (req) => {
        const x = store.exports.get(req.params['id']!);
        if (!x) throw notFound('Export', req.params['id']!);
        store.jobs.read(x._id);
        return ok(x);
      },
    },
  ];
}
