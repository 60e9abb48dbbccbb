/**
 * Internal to the Civis emulator: the databases and tables routes.
 */
import type { EmulatorRequest } from '../../framework/emulator.js';
import { badRequest, paginate, qInt, qIntList, qString, type PageSpec } from '../query.js';
import type { CivisTableSummary } from '../types/tables.js';
import { type CivisRoute, type RouteContext, TABLES_PAGE, COLUMNS_PAGE, ok, pathId, body, matcher, contains, P } from './kit.js';

/** The databases and tables routes, in matching order. */
export function tableRoutes(ctx: RouteContext): CivisRoute[] {
  const store = () => ctx.store();
  const me = (req: EmulatorRequest) => ctx.callerId(req);

  return [
    // -------------------------------------------------------------- databases
    {
      method: 'GET',
      path: '/databases/',
      handler: () => ok([...store().databases.values()]),
      doc: { summary: 'List databases', status: 200, array: true, sample: (s) => [...s.databases.values()] },
    },
    {
      method: 'GET',
      path: '/databases/{id}',
      handler: (req) => ok(store().database(pathId(req))),
      doc: { summary: 'Show database information', status: 200, sample: (s) => [...s.databases.values()] },
    },
    {
      method: 'GET',
      path: '/databases/{id}/schemas',
      handler: (req) => {
        const s = store();
        const db = s.database(pathId(req));
        const name = contains(qString(req.query, 'name'));
        qInt(req.query, 'credential_id');
        const schemas = new Set<string>();
        for (const t of s.tables.values()) if (t.summary.databaseId === db.id) schemas.add(t.summary.schema);
        return ok(
          [...schemas]
            .filter((x) => !name || name(x))
            .sort()
            .map((schema) => ({ schema })),
        );
      },
      doc: {
        summary: 'List schemas in this database',
        query: [
          P.str('name', 'If specified, will be used to filter the schemas returned. Substring matching is supported.'),
          P.int('credential_id', 'If provided, schemas will be filtered based on the given credential.'),
        ],
        status: 200,
        array: true,
        sample: () => [{ schema: 'public' }],
      },
    },
    {
      method: 'GET',
      path: '/databases/{id}/schemas/{schema_name}/tables',
      handler: (req) => {
        const s = store();
        const db = s.database(pathId(req));
        const schema = (req.params['schema_name'] ?? '').toLowerCase();
        qInt(req.query, 'credential_id');
        const out = [];
        for (const t of s.tables.values()) {
          const x = t.summary;
          if (x.databaseId === db.id && x.schema === schema)
            out.push({ name: x.name, schema: x.schema, isView: x.isView, databaseId: x.databaseId });
        }
        out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        return ok(out);
      },
      doc: {
        summary: 'List tables in this schema',
        query: [P.int('credential_id', 'If provided, tables will be filtered based on the given credential.')],
        status: 200,
        array: true,
        sample: () => [{ name: 'customers', schema: 'public', isView: false, databaseId: 32 }],
      },
    },

    // -------------------------------------------------------------- tables
    {
      method: 'GET',
      path: '/tables/',
      handler: (req) => {
        const s = store();
        const q = req.query;
        const dbId = qInt(q, 'database_id');
        const schema = matcher(qString(q, 'schema'));
        const name = matcher(qString(q, 'name'));
        const search = contains(qString(q, 'search'));
        const tags = qIntList(q, 'table_tag_ids');
        const credId = qInt(q, 'credential_id');
        let credHost: number | null | undefined;
        if (credId !== undefined) {
          const cred = s.credentials.get(credId);
          if (!cred || !s.canRead(cred, me(req))) throw badRequest(`credential_id ${credId} does not exist or is not shared with you.`);
          credHost = cred.wire.remoteHostId;
        }
        const out: CivisTableSummary[] = [];
        for (const t of s.tables.values()) {
          const x = t.summary;
          if (dbId !== undefined && x.databaseId !== dbId) continue;
          if (credHost !== undefined && x.databaseId !== credHost) continue;
          if (schema && !schema(x.schema)) continue;
          if (name && !name(x.name)) continue;
          if (search && !search(`${x.schema}.${x.name}`)) continue;
          if (tags && !x.tableTags.some((tag) => tags.includes(tag.id))) continue;
          out.push(x);
        }
        return paginate(q, out, TABLES_PAGE);
      },
      doc: {
        summary: 'List tables',
        query: [
          P.int('database_id', 'The ID of the database.'),
          P.str(
            'schema',
            'If specified, will be used to filter the tables returned. Substring matching is supported with "%" and "*" wildcards; without them the match is exact.',
          ),
          P.str(
            'name',
            'If specified, will be used to filter the tables returned. Substring matching is supported with "%" and "*" wildcards; without them the match is exact.',
          ),
          P.str(
            'search',
            'If specified, will search across schema and name (in the full form schema.name) and will return any full name containing the search string.',
          ),
          {
            name: 'table_tag_ids',
            type: 'array',
            items: 'integer',
            description: 'If specified, returns tables that have one of these Table Tags.',
          },
          P.int('credential_id', 'If specified, will be used instead of the default credential to filter the tables returned.'),
        ],
        page: TABLES_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.tables.values()].map((t) => t.summary),
      },
    },
    {
      method: 'GET',
      path: '/tables/{id}',
      handler: (req) => ok(store().table(pathId(req)).detail),
      doc: { summary: 'Show basic table info', status: 200, sample: (s) => [...s.tables.values()].map((t) => t.detail) },
    },
    {
      method: 'PATCH',
      path: '/tables/{id}',
      handler: (req) => ok(store().updateTable(pathId(req), body(req))),
      doc: {
        summary: 'Update a table',
        body: { properties: { ontologyMapping: 'object', description: 'string', primaryKeys: ['string'], lastModifiedKeys: ['string'] } },
        status: 200,
        sample: (s) => [...s.tables.values()].map((t) => s.tableUpdated(t)),
      },
    },
    {
      method: 'GET',
      path: '/tables/{id}/columns',
      handler: (req) => {
        const t = store().table(pathId(req));
        const name = matcher(qString(req.query, 'name'));
        return paginate(req.query, name ? t.detail.columns.filter((c) => name(c.name)) : t.detail.columns, COLUMNS_PAGE);
      },
      doc: {
        summary: 'List columns in this table',
        query: [P.str('name', 'Search for columns with the given name, within the specified table.')],
        page: COLUMNS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.tables.values()].flatMap((t) => t.detail.columns),
      },
    },
  ];
}
