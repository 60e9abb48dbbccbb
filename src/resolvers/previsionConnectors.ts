/**
 * Prevision.io connectors through Augur, and what moves data through them: connectors created and tested, data
 * sources on them and datasets copied from those, exporters and the exports they run of a dataset or a prediction.
 */
import type { Resolvers } from '../generated/resolvers.js';
import type { NodeTypeName } from '../relay/ids.js';
import { AugurError, ErrorCode } from '../core/errors.js';
import { PREVISION_LISTS } from '../upstreams/prevision/resources.js';
import type {
  PrevisionConnector,
  PrevisionDataSource,
  PrevisionDataset,
  PrevisionExport,
  PrevisionExporter,
} from '../upstreams/prevision/types.js';
import type { Context } from './context.js';
import { BY_CREATION, connection, loadPrevision, lookupId, previsionId } from './prevision.js';
import { call, created, Problems, refusal } from './previsionWrites.js';
import { fieldNamedIn, payload, pointing } from './userErrors.js';

const PORTLESS = new Set(['S3', 'GCP']);

const gid = (type: NodeTypeName) => (o: { _id: string }, _a: unknown, ctx: Context) => ctx.services.codec.encode(type, o._id);
const state = <S extends string | null>(v: S) => v as never;

/** Resolvers of Prevision connectors, data sources, exporters and exports. */
export const previsionConnectorResolvers: Resolvers = {
  Mutation: {
    createPrevisionConnector: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const projectId = p.id(ctx, 'input.projectId', input.projectId, 'PrevisionProject');
          p.text('input.name', input.name, true);
          const type = input.type;
          const need = (field: 'host' | 'username' | 'password', when: boolean) => {
            const v = input[field];
            if (when && (v == null || !v.trim()))
              p.add(`input.${field}`, `input.${field} is required for a ${type} connector.`, 'required');
          };
          need('host', !PORTLESS.has(type));
          need('username', type !== 'GCP');
          need('password', type !== 'GCP');
          if (!PORTLESS.has(type) && input.port == null) p.add('input.port', `input.port is required for a ${type} connector.`, 'required');
          if (input.port != null && (input.port < 1 || input.port > 65535))
            p.add('input.port', `input.port must be between 1 and 65535, got ${input.port}.`);
          if (type === 'GCP' && input.googleCredentials == null)
            p.add('input.googleCredentials', 'input.googleCredentials is required for a GCP connector.', 'required');
          if (type !== 'GCP' && input.googleCredentials != null)
            p.add('input.googleCredentials', 'input.googleCredentials applies to GCP connectors only.');
          p.throwIfAny();
          const body: Record<string, unknown> = { type, name: input.name };
          for (const f of ['host', 'port', 'username', 'password', 'googleCredentials'] as const) if (input[f] != null) body[f] = input[f];
          const connector = await pointing(
            () => ctx.services.prevision.createConnector<PrevisionConnector>(call(ctx), projectId!, body),
            refusal('input.projectId', [
              ['input.port', 'port'],
              ['input.host', 'host'],
              ['input.username', 'username'],
              ['input.password', 'password'],
              ['input.googleCredentials', 'googleCredentials'],
              ['input.name', 'name'],
            ]),
          ).catch((e: unknown) => {
            // Prevision is not expected to echo a secret, but never trusted to.
            if (e instanceof AugurError && input.password && e.message.includes(input.password))
              throw new AugurError(e.code, e.message.split(input.password).join('[REDACTED]'), e.details);
            throw e;
          });
          return created<PrevisionConnector>('connector')(connector);
        },
        (connector): { connector: PrevisionConnector | null } => ({ connector }),
        { connector: null },
      ),
    testPrevisionConnector: (_p, { input }, ctx) =>
      payload(
        async () => {
          const id = previsionId(ctx, input.id, 'PrevisionConnector', 'input.id');
          try {
            await ctx.services.prevision.testConnector(call(ctx), id);
            return true;
          } catch (e) {
            // A 400 is Prevision's answer that the source cannot be reached through the connector.
            if (e instanceof AugurError && e.details.upstreamStatus === 400) return false;
            if (e instanceof AugurError && e.code === ErrorCode.NOT_FOUND)
              throw new AugurError(e.code, e.message, { ...e.details, param: 'input.id' });
            throw e;
          }
        },
        (reachable): { reachable: boolean | null } => ({ reachable }),
        { reachable: null },
      ),
    createPrevisionDataSource: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const connectorId = p.id(ctx, 'input.connectorId', input.connectorId, 'PrevisionConnector');
          p.text('input.name', input.name, true);
          if (input.table != null && input.request != null) p.add('input.request', 'Pass input.table or input.request, not both.');
          p.throwIfAny();
          const connector = await pointing(
            () => loadPrevision<PrevisionConnector>(ctx, 'PrevisionConnector', connectorId!),
            () => 'input.connectorId',
          );
          const body: Record<string, unknown> = { connector_id: connector._id, name: input.name };
          for (const f of ['database', 'table', 'request', 'path', 'bucket'] as const) if (input[f] != null) body[f] = input[f];
          return created<PrevisionDataSource>('data source')(
            await pointing(
              () => ctx.services.prevision.createDataSource<PrevisionDataSource>(call(ctx), connector.project_id, body),
              (e) =>
                fieldNamedIn(e.message, [
                  ['input.connectorId', 'connector_id'],
                  ['input.table', 'table'],
                  ['input.request', 'request'],
                  ['input.path', 'path'],
                  ['input.bucket', 'bucket'],
                  ['input.name', 'name'],
                ]),
            ),
          );
        },
        (dataSource): { dataSource: PrevisionDataSource | null } => ({ dataSource }),
        { dataSource: null },
      ),
    createPrevisionDatasetFromDataSource: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const sourceId = p.id(ctx, 'input.dataSourceId', input.dataSourceId, 'PrevisionDataSource');
          p.text('input.name', input.name, true);
          p.throwIfAny();
          const source = await pointing(
            () => loadPrevision<PrevisionDataSource>(ctx, 'PrevisionDataSource', sourceId!),
            () => 'input.dataSourceId',
          );
          return created<PrevisionDataset>('dataset')(
            await pointing(
              () =>
                ctx.services.prevision.createDatasetFromDataSource<PrevisionDataset>(call(ctx), source.project_id, {
                  name: input.name,
                  datasource_id: source._id,
                }),
              refusal('input.dataSourceId', [
                ['input.dataSourceId', 'datasource_id'],
                ['input.name', 'name'],
              ]),
            ),
          );
        },
        (dataset): { dataset: PrevisionDataset | null } => ({ dataset }),
        { dataset: null },
      ),
    createPrevisionExporter: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const connectorId = p.id(ctx, 'input.connectorId', input.connectorId, 'PrevisionConnector');
          p.text('input.name', input.name, true);
          p.throwIfAny();
          const connector = await pointing(
            () => loadPrevision<PrevisionConnector>(ctx, 'PrevisionConnector', connectorId!),
            () => 'input.connectorId',
          );
          const database = connector.type === 'SQL';
          if (database) {
            if (input.database == null)
              p.add('input.database', 'input.database is required for an exporter on a SQL connector.', 'required');
            if (input.table == null) p.add('input.table', 'input.table is required for an exporter on a SQL connector.', 'required');
            if (input.writeMode != null && input.writeMode !== 'replace' && input.writeMode !== 'append')
              p.add('input.writeMode', 'input.writeMode must be REPLACE or APPEND for a database.');
          } else {
            if (input.path == null)
              p.add('input.path', `input.path is required for an exporter on a ${connector.type} connector.`, 'required');
            if (input.writeMode === 'append') p.add('input.writeMode', 'input.writeMode must be TIMESTAMP, SAFE or REPLACE for files.');
          }
          p.throwIfAny();
          const body: Record<string, unknown> = { connector_id: connector._id, name: input.name };
          if (input.description != null) body['description'] = input.description;
          if (input.database != null) body['database'] = input.database;
          if (input.table != null) body['table'] = input.table;
          if (input.path != null) body['filepath'] = input.path;
          if (input.bucket != null) body['bucket'] = input.bucket;
          if (input.writeMode != null) body[database ? 'database_write_mode' : 'file_write_mode'] = input.writeMode;
          return created<PrevisionExporter>('exporter')(
            await pointing(
              () => ctx.services.prevision.createExporter<PrevisionExporter>(call(ctx), connector.project_id, body),
              (e) =>
                fieldNamedIn(e.message, [
                  ['input.connectorId', 'connector_id'],
                  ['input.database', 'database'],
                  ['input.table', 'table'],
                  ['input.path', 'filepath'],
                  ['input.writeMode', 'database_write_mode', 'file_write_mode'],
                  ['input.name', 'name'],
                ]),
            ),
          );
        },
        (exporter): { exporter: PrevisionExporter | null } => ({ exporter }),
        { exporter: null },
      ),
    startPrevisionExport: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const exporterId = p.id(ctx, 'input.exporterId', input.exporterId, 'PrevisionExporter');
          const given = (['datasetId', 'deploymentPredictionId', 'validationPredictionId'] as const).filter((k) => input[k] != null);
          if (given.length !== 1)
            p.add(
              given.length === 0 ? 'input.datasetId' : `input.${given[1]!}`,
              'Pass exactly one of input.datasetId, input.deploymentPredictionId and input.validationPredictionId.',
            );
          const dataset = input.datasetId != null ? p.id(ctx, 'input.datasetId', input.datasetId, 'PrevisionDataset') : undefined;
          const deployment =
            input.deploymentPredictionId != null
              ? p.id(ctx, 'input.deploymentPredictionId', input.deploymentPredictionId, 'PrevisionDeploymentPrediction')
              : undefined;
          const validation =
            input.validationPredictionId != null
              ? p.id(ctx, 'input.validationPredictionId', input.validationPredictionId, 'PrevisionValidationPrediction')
              : undefined;
          p.throwIfAny();
          const what =
            dataset !== undefined
              ? { dataset }
              : deployment !== undefined
                ? { prediction: deployment, type: 'deployment' as const }
                : { prediction: validation!, type: 'experiment' as const };
          const field = `input.${given[0]!}`;
          return created<PrevisionExport>('export')(
            await pointing(
              () => ctx.services.prevision.startExport<PrevisionExport>(call(ctx), exporterId!, what),
              // A 404 is the exporter; a 400 says the dataset or prediction is not in its project.
              (e) => (e.code === ErrorCode.NOT_FOUND ? 'input.exporterId' : field),
            ),
          );
        },
        (exp): { export: PrevisionExport | null } => ({ export: exp }),
        { export: null },
      ),
  },
  Prevision: {
    export: (_r, args, ctx) => loadPrevision<PrevisionExport>(ctx, 'PrevisionExport', lookupId(ctx, args, 'PrevisionExport')),
  },
  PrevisionProject: {
    exporters: (p, args, ctx) => connection<PrevisionExporter>(ctx, 'PrevisionProject.exporters', PREVISION_LISTS.exportersOf(p._id), args),
    connectors: (p, args, ctx) =>
      connection<PrevisionConnector>(ctx, 'PrevisionProject.connectors', PREVISION_LISTS.connectorsOf(p._id), args),
    dataSources: (p, args, ctx) =>
      connection<PrevisionDataSource>(ctx, 'PrevisionProject.dataSources', PREVISION_LISTS.dataSourcesOf(p._id), args),
  },
  PrevisionDataset: {
    dataSourcePlatformId: (d) => d.datasource ?? null,
  },
  PrevisionConnector: {
    id: gid('PrevisionConnector'),
    platformId: (c) => c._id,
    createdAt: (c) => c.created_at,
  },
  PrevisionDataSource: {
    id: gid('PrevisionDataSource'),
    platformId: (s) => s._id,
    connectorPlatformId: (s) => s.connector_id,
    connector: (s, _a, ctx) => loadPrevision(ctx, 'PrevisionConnector', s.connector_id),
    createdAt: (s) => s.created_at,
  },
  PrevisionExporter: {
    id: gid('PrevisionExporter'),
    platformId: (e) => e._id,
    connectorPlatformId: (e) => e.connector_id,
    connector: (e, _a, ctx) => loadPrevision(ctx, 'PrevisionConnector', e.connector_id),
    target: (e) => (e.database != null ? `${e.database}.${e.table ?? ''}` : `${e.bucket ? `${e.bucket}/` : ''}${e.filepath ?? ''}`),
    writeMode: (e) => (e.database_write_mode ?? e.file_write_mode ?? 'replace') as never,
    createdAt: (e) => e.created_at,
    exports: (e, args, ctx) =>
      connection<PrevisionExport>(ctx, 'PrevisionExporter.exports', PREVISION_LISTS.exportsOf(e._id), args, BY_CREATION),
  },
  PrevisionExport: {
    id: gid('PrevisionExport'),
    platformId: (x) => x._id,
    state: (x) => state(x.status),
    exporterPlatformId: (x) => x.exporter_id,
    // An export of an uploaded file names neither a dataset nor a prediction.
    sourcePlatformId: (x) => x.dataset_id ?? x.prediction_id ?? null,
    sourceType: (x) => (x.dataset_id != null ? 'dataset' : x.prediction_id != null ? (x.prediction_type ?? 'deployment') : 'file'),
    createdAt: (x) => x.created_at,
  },
};
