/**
 * Civis databases, tables and queries: `Civis.databases`, `database`, `tables`, `table`, `queries`, `query`, their
 * object types, and `Mutation.createCivisQuery`. A database argument may be a global id, a Civis id or a name.
 */
import type { InputMaybe, Resolvers } from '../../generated/resolvers.js';
import type { ConnectionArgs } from '../../relay/connection.js';
import { AugurError, ErrorCode, badInput, quote } from '../../core/errors.js';
import { CIVIS_LISTS, type CivisParams, type CivisQueryWrite } from '../../upstreams/civis/client.js';
import type { CivisDatabase, CivisTableDetail, CivisTableSummary } from '../../upstreams/civis/types.js';
import type { Context } from '../context.js';
import { NUMERIC_ID, arrayConnection, call, civisId, connection, date, detailField, gid, loadCivis, runState } from './shared.js';

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
      `Civis has no database named ${quote(name)} (argument "${argName}"); databases visible to this key: ${known || 'none'}.`,
      {
        platform: 'civis',
        param: argName,
      },
    );
  }
  return db;
}

/** A database argument: a global id, a Civis id, or a name (looked up among the key's databases). */
async function databaseIdOf(ctx: Context, arg: string, argName: string): Promise<number> {
  if (NUMERIC_ID.test(arg)) return Number(arg);
  const decoded = ctx.services.codec.tryDecode(arg);
  if (decoded) return civisId(ctx, arg, 'CivisDatabase', argName);
  return (await databaseByName(ctx, arg, argName)).id;
}

function tablesConnection(
  ctx: Context,
  databaseId: number | undefined,
  a: { schema?: InputMaybe<string>; name?: InputMaybe<string>; search?: InputMaybe<string> } & ConnectionArgs,
) {
  const params: CivisParams = {
    database_id: databaseId,
    schema: a.schema ?? undefined,
    name: a.name ?? undefined,
    search: a.search ?? undefined,
  };
  return connection<CivisTableSummary>(ctx, 'tables', CIVIS_LISTS.tables, params, a);
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
    createCivisQuery: async (_p, { input }, ctx) => {
      if (!input.sql.trim()) throw badInput('input.sql is blank; pass the SQL to run.', { param: 'input.sql' });
      if (input.previewRows != null && (input.previewRows < 0 || input.previewRows > 1000)) {
        throw badInput(`input.previewRows must be between 0 and 1000, got ${input.previewRows}.`, { param: 'input.previewRows' });
      }
      const body: CivisQueryWrite = { database: await databaseIdOf(ctx, input.database, 'input.database'), sql: input.sql };
      if (input.credential != null) body.credential = civisId(ctx, input.credential, 'Credential', 'input.credential');
      if (input.previewRows != null) body.previewRows = input.previewRows;
      if (input.hidden != null) body.hidden = input.hidden;
      return ctx.services.civis.createQuery(call(ctx), body);
    },
  },
  Civis: {
    databases: (_r, args, ctx) => arrayConnection(ctx, 'databases', {}, args, () => ctx.civis.databases()),
    database: (_r, { id, name }, ctx) => {
      if ((id == null) === (name == null)) throw badInput('Pass exactly one of "id" and "name".', { param: id == null ? 'id' : 'name' });
      if (id != null) return loadCivis(ctx, 'CivisDatabase', civisId(ctx, id, 'CivisDatabase'));
      return databaseByName(ctx, name!, 'name');
    },
    tables: async (_r, args, ctx) =>
      tablesConnection(ctx, args.database != null ? await databaseIdOf(ctx, args.database, 'database') : undefined, args),
    table: async (_r, { id, name, database }, ctx) => {
      if (id != null) {
        if (name != null || database != null) throw badInput('Pass either "id", or "name" with "database", not both.', { param: 'id' });
        return loadCivis(ctx, 'CivisTable', civisId(ctx, id, 'CivisTable'));
      }
      if (name == null || database == null)
        throw badInput('Pass either "id", or "name" ("schema.table") with "database".', { param: name == null ? 'name' : 'database' });
      const { schema, table } = splitSchemaTable(name);
      const databaseId = await databaseIdOf(ctx, database, 'database');
      const page = await ctx.civis.list<CivisTableSummary>(CIVIS_LISTS.tables, { database_id: databaseId, schema, name: table }, 0, 1);
      const found = page.items[0];
      if (!found) {
        throw new AugurError(
          ErrorCode.NOT_FOUND,
          `Civis has no table ${quote(name)} in database ${quote(database)} that this key can see.`,
          { platform: 'civis', param: 'name' },
        );
      }
      return found;
    },
    queries: async (_r, args, ctx) =>
      connection(
        ctx,
        'queries',
        CIVIS_LISTS.queries,
        { database_id: args.database != null ? await databaseIdOf(ctx, args.database, 'database') : undefined },
        args,
      ),
    query: (_r, { id }, ctx) => loadCivis(ctx, 'CivisQuery', civisId(ctx, id, 'CivisQuery')),
  },
  CivisDatabase: {
    id: gid('CivisDatabase'),
    civisId: (d) => d.id,
    schemas: async (d, _a, ctx) => (await ctx.civis.databaseSchemas(d.id)).map((r) => r.schema),
    tables: (d, args, ctx) => tablesConnection(ctx, d.id, args),
  },
  CivisTable: {
    id: gid('CivisTable'),
    civisId: (t) => t.id,
    fullName: (t) => `${t.schema}.${t.name}`,
    lastRefresh: (t) => date(t.lastRefresh),
    tags: (t) => t.tableTags ?? [],
    primaryKeys: detailField<CivisTableDetail, string[]>('CivisTable', 'primaryKeys', (d) => d.primaryKeys ?? []),
    dataUpdatedAt: detailField<CivisTableDetail, string | null>('CivisTable', 'dataUpdatedAt', (d) => date(d.dataUpdatedAt)),
    schemaUpdatedAt: detailField<CivisTableDetail, string | null>('CivisTable', 'schemaUpdatedAt', (d) => date(d.schemaUpdatedAt)),
    database: (t, _a, ctx) => loadCivis(ctx, 'CivisDatabase', t.databaseId),
    columns: (t, args, ctx) => connection(ctx, 'columns', CIVIS_LISTS.columnsOf(t.id), { name: args.name || undefined }, args),
  },
  CivisTableTag: {
    civisId: (t) => t.id,
  },
  CivisQuery: {
    id: gid('CivisQuery'),
    civisId: (q) => q.id,
    state: (q) => runState(q.state),
    createdAt: (q) => date(q.createdAt),
    startedAt: (q) => date(q.startedAt),
    finishedAt: (q) => date(q.finishedAt),
    updatedAt: (q) => date(q.updatedAt),
    databaseId: (q) => q.database,
    database: (q, _a, ctx) => loadCivis(ctx, 'CivisDatabase', q.database),
    credentialId: (q) => q.credential,
    credential: (q, _a, ctx) => (q.credential ? loadCivis(ctx, 'Credential', q.credential) : null),
    author: (q) => q.author ?? null,
  },
};
