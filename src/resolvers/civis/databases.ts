/**
 * Civis databases, tables and queries: `Civis.databases`, `database`, `tables`, `table`, `queries`, `query`, their
 * object types, and `Mutation.createCivisQuery`. A database is given by global id or by name, in two arguments.
 */
import type { InputMaybe, Resolvers } from '../../generated/resolvers.js';
import type { ConnectionArgs } from '../../relay/connection.js';
import { AugurError, ErrorCode, badInput, quote } from '../../core/errors.js';
import { CIVIS_LISTS, type CivisParams, type CivisQueryWrite } from '../../upstreams/civis/client.js';
import type { CivisColumn, CivisDatabase, CivisQuery, CivisTableDetail, CivisTableSummary } from '../../upstreams/civis/databaseTypes.js';
import type { Context } from '../context.js';
import type { CivisFile } from '../../upstreams/civis/fileTypes.js';
import { CSV_DELIMITERS } from '../../upstreams/civis/csv.js';
import { connectionFromArray } from '../../relay/connection.js';
import { payload, pointing, fieldNamedIn } from '../userErrors.js';
import {
  arrayConnection,
  call,
  civisId,
  connection,
  detailField,
  flag,
  gid,
  loadCivis,
  lookupId,
  pid,
  runState,
  civisOrder,
  platformIds,
} from './shared.js';
import { archivedParam } from './listFilters.js';

/** The states a query's last run can be in (a query always has a run, so never IDLE). */
const QUERY_STATES = new Set(['queued', 'running', 'succeeded', 'failed', 'cancelled']);

/** A `DateTime` argument as Civis's ISO 8601 time. */
function time(v: InputMaybe<Date | string> | undefined): string | undefined {
  if (v == null) return undefined;
  return v instanceof Date ? v.toISOString() : new Date(v).toISOString();
}

/** The file a succeeded query wrote its result to (its run's File output), or null before that or without one. */
async function resultFileOf(ctx: Context, q: CivisQuery): Promise<CivisFile | null> {
  if (q.state !== 'succeeded') return null;
  const outputs = await ctx.civis.runOutputs(q.id, q.lastRunId);
  const file = outputs.find((o) => o.objectType === 'File');
  return file ? ctx.civis.get<CivisFile>('files', file.objectId) : null;
}

/** Whether a record is the same list of names as `columns`. */
function sameNames(record: ReadonlyArray<string | null> | undefined, columns: readonly string[] | null): boolean {
  return !!record && !!columns && record.length === columns.length && record.every((v, i) => v === columns[i]);
}

/** Every row of a query's result as a connection, read from its result file once per operation. */
async function queryRows(ctx: Context, q: CivisQuery, args: ConnectionArgs) {
  const { codec, config } = ctx.services;
  // Cursors name the query and its run: a new run writes a new result.
  const shaping = { query: q.id, run: q.lastRunId };
  // Paging arguments are checked before any call.
  connectionFromArray('rows', shaping, args, [], codec, config.paging);
  const file = await resultFileOf(ctx, q);
  if (!file) return null;
  if (!file.downloadUrl) {
    throw new AugurError(ErrorCode.UPSTREAM_ERROR, `Civis lists file ${file.id} as the query's result but it has no content.`, {
      platform: 'civis',
    });
  }
  const records = await ctx.civis.csvFile(file.id, file.downloadUrl, {
    delimiter: CSV_DELIMITERS[file.detectedInfo?.columnDelimiter ?? 'comma'] ?? ',',
    maxBytes: config.civis.resultMaxBytes,
    timeoutMs: config.platforms.civis.timeoutMs,
  });
  // Civis records whether it wrote a header; without that word, a first row that names the preview's columns is one.
  const header = file.detectedInfo?.includeHeader ?? sameNames(records[0], q.resultColumns);
  const columns = header ? (records[0] ?? []).map((v) => v ?? '') : (q.resultColumns ?? []);
  const rows = (header ? records.slice(1) : records).map((values, index) => ({ index, values }));
  return { columns, ...connectionFromArray('rows', shaping, args, rows, codec, config.paging) };
}

/** civis-python's `get_database_id`: the database with exactly this name. */
async function databaseByName(ctx: Context, name: string, argName: string): Promise<CivisDatabase> {
  const all = await ctx.civis.databases();
  const db = all.find((d) => d.name === name);
  if (!db) {
    const known = all
      .slice(0, 20)
      .map((d) => quote(d.name))
      .join(', ');
    throw new AugurError(
      ErrorCode.NOT_FOUND,
      `Civis has no database named ${quote(name)} ("${argName}"); databases visible to this key: ${known || 'none'}.`,
      {
        platform: 'civis',
        param: argName,
      },
    );
  }
  return db;
}

/**
 * A database given by global id (`idArg`) or by name (`nameArg`, looked up among the key's databases), at most one of
 * them; undefined when neither is given.
 */
async function databaseIdOf(
  ctx: Context,
  id: InputMaybe<string> | undefined,
  name: InputMaybe<string> | undefined,
  idArg: string,
  nameArg: string,
): Promise<number | undefined> {
  if (id != null && name != null) throw badInput(`Pass either "${idArg}" or "${nameArg}", not both.`, { param: nameArg });
  if (id != null) return civisId(ctx, id, 'CivisDatabase', idArg);
  if (name != null) return (await databaseByName(ctx, name, nameArg)).id;
  return undefined;
}

/** Civis's statistics of a column, when it has all of them (numeric columns). */
function numericStats(c: CivisColumn) {
  if (c.minValue == null || c.maxValue == null || c.avgValue == null || c.stddev == null) return null;
  return { min: c.minValue, max: c.maxValue, average: c.avgValue, standardDeviation: c.stddev };
}

function tablesConnection(
  ctx: Context,
  databaseId: number | undefined,
  a: {
    schema?: InputMaybe<string>;
    name?: InputMaybe<string>;
    search?: InputMaybe<string>;
    tagPlatformIds?: InputMaybe<string[]>;
    credential?: InputMaybe<string>;
    orderBy?: InputMaybe<{ field: string; direction?: InputMaybe<string> }>;
  } & ConnectionArgs,
) {
  const params: CivisParams = {
    database_id: databaseId,
    schema: a.schema ?? undefined,
    name: a.name ?? undefined,
    search: a.search ?? undefined,
    table_tag_ids: platformIds(ctx, a.tagPlatformIds, 'tagPlatformIds'),
    credential_id: a.credential != null ? civisId(ctx, a.credential, 'Credential', 'credential') : undefined,
  };
  return connection<CivisTableSummary>(ctx, 'tables', CIVIS_LISTS.tables, params, a, civisOrder(a.orderBy));
}

/**
 * Splits `schema.table` as civis-python's `split_schema_tablename`: either part may be double-quoted (a doubled quote
 * is a literal one) to hold dots; a name without a dot has no schema.
 */
export function splitSchemaTable(text: string, argName = 'name'): { schema: string | undefined; table: string } {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') current += ch;
      else if (text[i + 1] === '"') {
        current += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '.') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  if (quoted || parts.length > 2 || parts.some((p) => p === '')) {
    throw badInput(`Argument "${argName}" must be "schema.table" (double-quote a part that contains dots), got ${quote(text)}.`, {
      param: argName,
    });
  }
  return parts.length === 1 ? { schema: undefined, table: parts[0]! } : { schema: parts[0], table: parts[1]! };
}

export const databaseResolvers: Resolvers = {
  Mutation: {
    createCivisQuery: (_p, { input }, ctx) =>
      payload(
        async () => {
          if (input.databaseId == null && input.databaseName == null) {
            throw badInput('Give the database: input.databaseId (a global id) or input.databaseName.', {
              param: 'input.databaseId',
              reason: 'required',
            });
          }
          if (!input.sql.trim()) throw badInput('input.sql is blank; pass the SQL to run.', { param: 'input.sql', reason: 'required' });
          if (input.previewRows != null && (input.previewRows < 0 || input.previewRows > 1000)) {
            throw badInput(`input.previewRows must be between 0 and 1000, got ${input.previewRows}.`, { param: 'input.previewRows' });
          }
          const credential = input.credentialId != null ? civisId(ctx, input.credentialId, 'Credential', 'input.credentialId') : undefined;
          const database = await databaseIdOf(ctx, input.databaseId, input.databaseName, 'input.databaseId', 'input.databaseName');
          const body: CivisQueryWrite = { database: database!, sql: input.sql };
          if (credential !== undefined) body.credential = credential;
          if (input.previewRows != null) body.previewRows = input.previewRows;
          if (input.hidden != null) body.hidden = input.hidden;
          if (input.includeHeader != null) body.includeHeader = input.includeHeader;
          if (input.compression != null) body.compression = input.compression;
          if (input.columnDelimiter != null) body.columnDelimiter = input.columnDelimiter;
          if (input.unquoted != null) body.unquoted = input.unquoted;
          if (input.filenamePrefix != null) {
            if (!/^[A-Za-z0-9_.-]{1,100}$/.test(input.filenamePrefix)) {
              throw badInput(
                `input.filenamePrefix must be 1 to 100 letters, digits, "_", "-" or ".", got ${quote(input.filenamePrefix)}.`,
                { param: 'input.filenamePrefix' },
              );
            }
            body.filenamePrefix = input.filenamePrefix;
          }
          const databaseField = input.databaseId != null ? 'input.databaseId' : 'input.databaseName';
          return pointing(
            () => ctx.services.civis.createQuery(call(ctx), body),
            (e) =>
              fieldNamedIn(e.message, [
                ['input.credentialId', 'credential'],
                [databaseField, 'database'],
                ['input.previewRows', 'previewRows'],
                ['input.sql', 'sql'],
              ]),
          );
        },
        (query): { query: CivisQuery | null } => ({ query }),
        { query: null },
      ),
  },
  Civis: {
    databases: (_r, args, ctx) => arrayConnection(ctx, 'databases', {}, args, () => ctx.civis.databases()),
    database: (_r, { id, platformId, name }, ctx) => {
      const given = [id, platformId, name].filter((v) => v != null).length;
      if (given !== 1)
        throw badInput('Pass exactly one of "id", "platformId" and "name".', {
          param: id == null ? (platformId == null ? 'id' : 'platformId') : 'name',
        });
      if (name == null) return loadCivis(ctx, 'CivisDatabase', lookupId(ctx, { id, platformId }, 'CivisDatabase'));
      return databaseByName(ctx, name, 'name');
    },
    tables: async (_r, args, ctx) =>
      tablesConnection(ctx, await databaseIdOf(ctx, args.database, args.databaseName, 'database', 'databaseName'), args),
    table: async (_r, { id, platformId, name, database, databaseName }, ctx) => {
      if (id != null || platformId != null) {
        if (name != null || database != null || databaseName != null)
          throw badInput('Pass either "id" (or "platformId"), or "name" with "database" or "databaseName", not both.', { param: 'name' });
        return loadCivis(ctx, 'CivisTable', lookupId(ctx, { id, platformId }, 'CivisTable'));
      }
      if (name == null)
        throw badInput('Pass "id", "platformId", or "name" ("schema.table") with "database" or "databaseName".', { param: 'name' });
      if (database == null && databaseName == null)
        throw badInput('Pass the database of "name": "database" (a global id) or "databaseName".', { param: 'database' });
      const { schema, table } = splitSchemaTable(name);
      const databaseId = await databaseIdOf(ctx, database, databaseName, 'database', 'databaseName');
      const page = await ctx.civis.list<CivisTableSummary>(CIVIS_LISTS.tables, { database_id: databaseId, schema, name: table }, 0, 1);
      const found = page.items[0];
      if (!found) {
        throw new AugurError(
          ErrorCode.NOT_FOUND,
          `Civis has no table ${quote(name)} in database ${quote(database ?? databaseName)} that this key can see.`,
          { platform: 'civis', param: 'name' },
        );
      }
      return found;
    },
    queries: async (_r, args, ctx) => {
      for (const [i, st] of (args.state ?? []).entries()) {
        if (!QUERY_STATES.has(st))
          throw badInput(`Argument "state" lists IDLE, which no query is in (a query always has a run); got it at index ${i}.`, {
            param: `state[${i}]`,
          });
      }
      const params: CivisParams = {
        database_id: await databaseIdOf(ctx, args.database, args.databaseName, 'database', 'databaseName'),
        credential_id: args.credential != null ? civisId(ctx, args.credential, 'Credential', 'credential') : undefined,
        state: args.state?.length ? args.state.join(',') : undefined,
        query: args.search?.trim() || undefined,
        created_after: time(args.createdAfter),
        created_before: time(args.createdBefore),
        started_after: time(args.startedAfter),
        started_before: time(args.startedBefore),
        hidden: flag(args.hidden),
        archived: archivedParam(args),
        author_id: args.author != null ? civisId(ctx, args.author, 'CivisUser', 'author') : undefined,
      };
      return connection(ctx, 'queries', CIVIS_LISTS.queries, params, args, civisOrder(args.orderBy));
    },
    query: (_r, args, ctx) => loadCivis(ctx, 'CivisQuery', lookupId(ctx, args, 'CivisQuery')),
  },
  CivisDatabase: {
    id: gid('CivisDatabase'),
    platformId: pid,
    schemas: async (d, _a, ctx) => (await ctx.civis.databaseSchemas(d.id)).map((r) => r.schema),
    tables: (d, args, ctx) => tablesConnection(ctx, d.id, args),
  },
  CivisTable: {
    id: gid('CivisTable'),
    platformId: pid,
    fullName: (t) => `${t.schema}.${t.name}`,
    tags: (t) => t.tableTags,
    primaryKeys: detailField<CivisTableDetail, string[]>('CivisTable', 'primaryKeys', (d) => d.primaryKeys),
    lastModifiedKeys: detailField<CivisTableDetail, string[]>('CivisTable', 'primaryKeys', (d) => d.lastModifiedKeys ?? []),
    ontologyMapping: detailField<CivisTableDetail, Record<string, string>>('CivisTable', 'primaryKeys', (d) => d.ontologyMapping ?? {}),
    dataUpdatedAt: detailField<CivisTableDetail, string | null>('CivisTable', 'dataUpdatedAt', (d) => d.dataUpdatedAt),
    schemaUpdatedAt: detailField<CivisTableDetail, string | null>('CivisTable', 'schemaUpdatedAt', (d) => d.schemaUpdatedAt),
    database: (t, _a, ctx) => loadCivis(ctx, 'CivisDatabase', t.databaseId),
    columns: (t, args, ctx) =>
      connection(ctx, 'columns', CIVIS_LISTS.columnsOf(t.id), { name: args.name || undefined }, args, civisOrder(args.orderBy)),
  },
  CivisTableTag: {
    platformId: pid,
  },
  CivisColumn: {
    numericStats,
  },
  CivisQuery: {
    id: gid('CivisQuery'),
    platformId: pid,
    state: (q) => runState(q.state),
    result: (q) => (q.resultColumns && q.resultRows ? { columns: q.resultColumns, rows: q.resultRows } : null),
    lastRunPlatformId: (q) => String(q.lastRunId),
    databasePlatformId: (q) => String(q.database),
    database: (q, _a, ctx) => loadCivis(ctx, 'CivisDatabase', q.database),
    credentialPlatformId: (q) => String(q.credential),
    credential: (q, _a, ctx) => loadCivis(ctx, 'Credential', q.credential),
    resultFile: (q, _a, ctx) => resultFileOf(ctx, q),
    rows: (q, args, ctx) => queryRows(ctx, q, args),
  },
};
