/**
 * Internal to the Prevision emulator: the `/ext/v1` datasets routes.
 */
import type { RouteDef } from '../../framework/emulator.js';
import { badRequest, type HandlerContext } from '../context.js';
import { firstZipEntry, parseCsv, parseMultipart, zipSingleFile, formatCsv } from '../files.js';
import type { Dataset } from '../types.js';
import { API, SAMPLE_ROWS, ok, noContent, zipReply, type ApiScope } from './scope.js';

/** The `/ext/v1` datasets routes. */
export function datasetRoutes(ctx: HandlerContext, scope: ApiScope): RouteDef[] {
  const { store, options } = ctx;
  const { page, project, dataset } = scope;

  return [
    // Datasets
    {
      method: 'GET',
      path: `${API}/projects/{pid}/datasets`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        store.jobs.settleAll();
        return page(
          [...store.datasets.values()].filter((d) => d.wire.project_id === pid).map((d) => d.wire),
          req,
        );
      },
    },
    {
      method: 'POST',
      path: `${API}/projects/{pid}/datasets/file`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        const parts = parseMultipart(req.rawBody, req.headers['content-type']);
        if (!parts) {
          throw badRequest(
            `Expected a multipart/form-data body with fields "name" and "file" (csv or zip), got Content-Type ${JSON.stringify(req.headers['content-type'] ?? null)}.`,
          );
        }
        const field = (n: string): string | undefined => parts.find((p) => p.name === n && p.filename === null)?.data.toString('utf8');
        const name = field('name');
        if (!name) throw badRequest('Multipart field "name" is required (the dataset name).');
        const file = parts.find((p) => p.name === 'file');
        if (!file) throw badRequest('Multipart field "file" is required: attach a csv file or a zip holding one.');
        const origin = field('origin');
        if (origin !== undefined && origin !== 'pipeline_output' && origin !== 'pipeline_intermediate_file') {
          throw badRequest(`Field "origin" must be pipeline_output or pipeline_intermediate_file, got ${JSON.stringify(origin)}.`);
        }
        const separator = field('separator') || ',';
        const decimal = field('decimal') || '.';
        let content = file.data;
        let fileType: Dataset['file_type'] = 'csv';
        if (content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
          const entry = firstZipEntry(content);
          if (!entry) throw badRequest('The zip file could not be read: expected one csv entry, stored or deflated.');
          content = entry.data;
          fileType = 'zip';
        } else if (content.subarray(0, 4).toString('latin1') === 'PAR1') {
          throw badRequest('Parquet uploads are not supported here: send a csv file, or a zip holding one.');
        }
        const table = parseCsv(content.toString('utf8'), separator, decimal);
        if (table.columns.length === 0) throw badRequest('The uploaded file is empty: expected a header line and rows.');
        const now = options.now();
        const wire: Dataset = {
          _id: store.ids.next(now),
          project_id: pid,
          name,
          separator,
          decimal,
          file_type: fileType,
          datasource: null,
          copy_state: 'running',
          describe_state: 'pending',
          drift_state: 'pending',
          embeddings_state: 'pending',
          isAvailable: false,
          nb_rows: table.totalRows,
          nb_columns: table.columns.length,
          size: file.data.length,
          created_at: new Date(now).toISOString(),
          created_by: store.profile._id,
        };
        store.datasets.set(wire._id, { wire, columns: table.columns, rows: table.rows });
        store.jobs.start(wire._id, 'DATASET_UPDATE', [
          () => {
            wire.copy_state = 'done';
            wire.describe_state = 'running';
            wire.drift_state = 'running';
          },
          () => {
            wire.describe_state = 'done';
            wire.drift_state = 'done';
            wire.isAvailable = true;
          },
        ]);
        return ok(wire);
      },
    },
    {
      method: 'GET',
      path: `${API}/datasets/{id}`,
      handler: (req) => {
        const d = dataset(req.params['id']!);
        store.jobs.read(d.wire._id);
        return ok(d.wire);
      },
    },
    {
      method: 'DELETE',
      path: `${API}/datasets/{id}`,
      handler: (req) => {
        store.deleteDataset(dataset(req.params['id']!).wire._id);
        return noContent();
      },
    },
    {
      method: 'GET',
      path: `${API}/datasets/{id}/sample`,
      handler: (req) => {
        const d = dataset(req.params['id']!);
        return ok({ columns: d.columns, rows: d.rows.slice(0, SAMPLE_ROWS) });
      },
    },
    {
      method: 'GET',
      path: `${API}/datasets/{id}/download`,
      handler: (req) => {
        const d = dataset(req.params['id']!);
        store.jobs.settleAll();
        if (d.wire.copy_state !== 'done')
          throw badRequest(`Dataset ${d.wire._id} is still being copied (copy_state ${d.wire.copy_state}); retry once it is done.`);
        const csv = formatCsv(
          d.columns.map((c) => c.name),
          d.rows,
        );
        return zipReply(`${d.wire.name}.zip`, zipSingleFile(`${d.wire.name}.csv`, Buffer.from(csv)));
      },
    },
  ];
}
