/**
 * Internal to the Prevision emulator: the `/ext/v1` connectors and data sources routes, and datasets read from a data
 * source. The SDK sends their creates as forms (GCP connectors as JSON); secrets are stored and never answered. The
 * emulator reaches no remote source: a connector's test passes unless its host is `unreachable.invalid` **[OURS]**, and
 * a dataset read from a data source holds a synthetic table **[OURS]**.
 */
import { hashString } from '../../framework/util.js';
import type { RouteDef } from '../../framework/emulator.js';
import { EmulatorError } from '../../framework/emulator.js';
import { badRequest, notFound, objectBody, oneOf, optionalString, requiredString, type HandlerContext } from '../context.js';
import type { CellValue, Connector, ConnectorType, DataSource, Dataset, DatasetColumn } from '../types.js';
import { API, ok, noContent, type ApiScope } from './scope.js';

const CONNECTOR_TYPES: readonly ConnectorType[] = ['SQL', 'FTP', 'SFTP', 'S3', 'GCP'];
/** Rows of the synthetic table a data source reads into a dataset. */
const SOURCE_ROWS = 20;

/** The synthetic table of a data source: `id`, `value`, `label`, the same for the same data source name. */
function sourceTable(source: DataSource): { columns: DatasetColumn[]; rows: CellValue[][] } {
  const seed = hashString(source.name);
  const rows: CellValue[][] = Array.from({ length: SOURCE_ROWS }, (_, i) => [
    i + 1,
    Math.round((((seed >>> (i % 16)) % 1000) / 10 + i) * 100) / 100,
    (seed + i) % 3 === 0 ? 'yes' : 'no',
  ]);
  return {
    columns: [
      { name: 'id', type: 'numerical' },
      { name: 'value', type: 'numerical' },
      { name: 'label', type: 'categorical' },
    ],
    rows,
  };
}

/** A number sent as a form string or a JSON number; null when absent. */
function optionalPort(body: Record<string, unknown>): number | null {
  const v = body['port'];
  if (v === undefined || v === null || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw badRequest(`Field "port" must be a port number (1 to 65535), got ${JSON.stringify(v)}.`);
  return n;
}

/** The `/ext/v1` connectors and data sources routes. */
export function connectorRoutes(ctx: HandlerContext, scope: ApiScope): RouteDef[] {
  const { store, options } = ctx;
  const { page, project } = scope;

  const connector = (id: string): Connector => {
    const c = store.connectors.get(id);
    if (!c) throw notFound('Connector', id);
    return c;
  };
  const dataSource = (id: string): DataSource => {
    const s = store.dataSources.get(id);
    if (!s) throw notFound('Data source', id);
    return s;
  };

  return [
    {
      method: 'GET',
      path: `${API}/projects/{pid}/connectors`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        return page(
          [...store.connectors.values()].filter((c) => c.project_id === pid),
          req,
        );
      },
    },
    {
      method: 'POST',
      path: `${API}/projects/{pid}/connectors`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        const body = objectBody(req);
        const type = oneOf(body, 'type', CONNECTOR_TYPES);
        const name = requiredString(body, 'name');
        const needsHost = type === 'SQL' || type === 'FTP' || type === 'SFTP';
        const host = needsHost ? requiredString(body, 'host') : optionalString(body, 'host');
        const port = optionalPort(body);
        if (needsHost && port === null) throw badRequest(`Field "port" is required for a ${type} connector.`);
        const username = type === 'GCP' ? null : requiredString(body, 'username');
        if (type !== 'GCP') requiredString(body, 'password');
        if (type === 'GCP' && (typeof body['googleCredentials'] !== 'object' || body['googleCredentials'] === null))
          throw badRequest('Field "googleCredentials" is required for a GCP connector: the service account key as a JSON object.');
        const now = options.now();
        const c: Connector = {
          _id: store.ids.next(now),
          project_id: pid,
          name,
          type,
          host,
          port,
          username,
          created_at: new Date(now).toISOString(),
          created_by: store.profile._id,
        };
        store.connectors.set(c._id, c);
        return ok(c);
      },
    },
    { method: 'GET', path: `${API}/connectors/{id}`, handler: (req) => ok(connector(req.params['id']!)) },
    {
      method: 'DELETE',
      path: `${API}/connectors/{id}`,
      handler: (req) => {
        store.deleteConnector(connector(req.params['id']!)._id);
        return noContent();
      },
    },
    {
      method: 'POST',
      path: `${API}/connectors/{id}/test`,
      handler: (req) => {
        const c = connector(req.params['id']!);
        if (c.host === 'unreachable.invalid') throw new EmulatorError(400, `Connector ${c._id} could not reach ${c.host}.`);
        return ok({ message: 'Connection successful' });
      },
    },
    {
      method: 'GET',
      path: `${API}/projects/{pid}/data-sources`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        return page(
          [...store.dataSources.values()].filter((s) => s.project_id === pid),
          req,
        );
      },
    },
    {
      method: 'POST',
      path: `${API}/projects/{pid}/data-sources`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        const body = objectBody(req);
        const connectorId = requiredString(body, 'connector_id');
        const c = store.connectors.get(connectorId);
        if (!c || c.project_id !== pid)
          throw badRequest(`Field "connector_id": no connector ${JSON.stringify(connectorId)} in project ${pid}.`);
        const s: DataSource = {
          _id: store.ids.next(options.now()),
          project_id: pid,
          connector_id: c._id,
          name: requiredString(body, 'name'),
          path: optionalString(body, 'path'),
          database: optionalString(body, 'database'),
          table: optionalString(body, 'table'),
          bucket: optionalString(body, 'bucket'),
          request: optionalString(body, 'request'),
          created_at: new Date(options.now()).toISOString(),
          created_by: store.profile._id,
        };
        if (c.type === 'SQL' && s.table === null && s.request === null)
          throw badRequest('A SQL data source needs "table" (with "database") or "request".');
        if ((c.type === 'FTP' || c.type === 'SFTP') && s.path === null)
          throw badRequest(`Field "path" is required for a ${c.type} data source.`);
        if ((c.type === 'S3' || c.type === 'GCP') && s.bucket === null)
          throw badRequest(`Field "bucket" is required for a ${c.type} data source.`);
        store.dataSources.set(s._id, s);
        return ok(s);
      },
    },
    { method: 'GET', path: `${API}/data-sources/{id}`, handler: (req) => ok(dataSource(req.params['id']!)) },
    {
      method: 'DELETE',
      path: `${API}/data-sources/{id}`,
      handler: (req) => {
        store.dataSources.delete(dataSource(req.params['id']!)._id);
        return noContent();
      },
    },
    {
      method: 'POST',
      path: `${API}/projects/{pid}/datasets/data-source`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        const body = objectBody(req);
        const name = requiredString(body, 'name');
        const sourceId = requiredString(body, 'datasource_id');
        const s = store.dataSources.get(sourceId);
        if (!s || s.project_id !== pid)
          throw badRequest(`Field "datasource_id": no data source ${JSON.stringify(sourceId)} in project ${pid}.`);
        const table = sourceTable(s);
        const now = options.now();
        const wire: Dataset = {
          _id: store.ids.next(now),
          project_id: pid,
          name,
          separator: ',',
          decimal: '.',
          file_type: 'csv',
          datasource: s._id,
          copy_state: 'running',
          describe_state: 'pending',
          drift_state: 'pending',
          embeddings_state: 'pending',
          isAvailable: false,
          nb_rows: table.rows.length,
          nb_columns: table.columns.length,
          size: 0,
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
  ];
}
