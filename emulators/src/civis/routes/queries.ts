/**
 * Internal to the Civis emulator: the queries routes.
 */
import type { EmulatorRequest } from '../../framework/emulator.js';
import { badRequest, notFound, paginate, qBool, qFlagFilter, qInt, qString, type PageSpec } from '../query.js';
import { type CivisRoute, type RouteContext, QUERIES_PAGE, ok, pathId, body, P, HIDDEN } from './kit.js';

/** The queries routes, in matching order. */
export function queryRoutes(ctx: RouteContext): CivisRoute[] {
  const store = () => ctx.store();
  const me = (req: EmulatorRequest) => ctx.callerId(req);

  return [
    // -------------------------------------------------------------- queries
    {
      method: 'GET',
      path: '/queries/',
      handler: (req) => {
        const s = store();
        const q = req.query;
        const dbId = qInt(q, 'database_id');
        const authorId = qInt(q, 'author_id');
        const createdBefore = qString(q, 'created_before');
        if (createdBefore !== undefined && Number.isNaN(Date.parse(createdBefore))) {
          throw badRequest(`created_before must be an ISO 8601 time, got ${JSON.stringify(createdBefore)}.`);
        }
        const excludeResults = qBool(q, 'exclude_results') ?? false;
        const hidden = qFlagFilter(q, 'hidden');
        const callerId = me(req);
        const out = [];
        for (const x of s.queries.values()) {
          if (x.authorId !== callerId) continue;
          s.settle(x.run, false);
          if (dbId !== undefined && x.database !== dbId) continue;
          if (authorId !== undefined && x.authorId !== authorId) continue;
          if (createdBefore !== undefined && Date.parse(x.createdAt) >= Date.parse(createdBefore)) continue;
          if (!hidden(x.hidden)) continue;
          out.push(s.queryWire(x, excludeResults));
        }
        return paginate(q, out, QUERIES_PAGE);
      },
      doc: {
        summary: 'List queries',
        query: [
          P.int('database_id', 'The database ID.'),
          P.int('author_id', 'The author of the query.'),
          P.str('created_before', 'An upper bound for the creation date of the query.'),
          P.bool('exclude_results', 'If true, does not return cached query results.'),
          HIDDEN,
        ],
        page: QUERIES_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.queries.values()].map((x) => s.queryWire(x, false)),
      },
    },
    {
      method: 'POST',
      path: '/queries/',
      createsRun: true,
      handler: (req) => ok(store().createQuery(me(req), body(req)), 201),
      doc: {
        summary: 'Execute a query',
        body: {
          properties: {
            database: 'integer',
            sql: 'string',
            credential: 'integer',
            hidden: 'boolean',
            interactive: 'boolean',
            previewRows: 'integer',
            includeHeader: 'boolean',
            compression: 'string',
            columnDelimiter: 'string',
            unquoted: 'boolean',
            filenamePrefix: 'string',
          },
          required: ['database', 'sql', 'previewRows'],
        },
        status: 201,
        sample: (s) => [...s.queries.values()].map((x) => s.queryWire(x, false)),
      },
    },
    {
      method: 'GET',
      path: '/queries/{id}',
      handler: (req) => {
        const s = store();
        const x = s.query(pathId(req));
        if (x.authorId !== me(req)) throw notFound();
        s.settle(x.run, true);
        return ok(s.queryWire(x, false));
      },
      doc: { summary: 'Get details about a query', status: 200, sample: (s) => [...s.queries.values()].map((x) => s.queryWire(x, false)) },
    },
    {
      method: 'DELETE',
      path: '/queries/{id}',
      // The platform keeps the query and answers it, hidden (200, not 204).
      handler: (req) => ok(store().hideQuery(me(req), pathId(req))),
      doc: { summary: 'Sets Query Hidden to true', status: 200, sample: (s) => [...s.queries.values()].map((x) => s.queryWire(x, false)) },
    },
  ];
}
