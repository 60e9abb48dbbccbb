/**
 * Internal to the Civis emulator: the queries routes.
 */
import type { EmulatorRequest } from '../../framework/emulator.js';
import { badRequest, notFound, paginate, qBool, qFlagFilter, qInt, qList, qString, type PageSpec } from '../query.js';
import { type CivisRoute, type RouteContext, QUERIES_PAGE, OUTPUTS_PAGE, ok, pathId, body, P, HIDDEN, ARCHIVED } from './kit.js';

import { DEFAULT_QUERY_EXPORT } from '../records.js';

const QUERY_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** An ISO 8601 time parameter as epoch milliseconds; anything else is a 400. */
function qTime(q: URLSearchParams, name: string): number | undefined {
  const v = qString(q, name);
  if (v === undefined || v === '') return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw badRequest(`${name} must be an ISO 8601 time, got ${JSON.stringify(v)}.`);
  return ms;
}

/** `query`: space-separated terms that must all match the SQL; `?` is any one character, `*` any run of them. */
function sqlSearch(text: string | undefined): ((sql: string) => boolean) | undefined {
  const terms = text?.split(/\s+/).filter((t) => t !== '');
  if (!terms || terms.length === 0) return undefined;
  const res = terms.map(
    (t) =>
      new RegExp(
        t
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\?/g, '.')
          .replace(/\*/g, '.*'),
        'i',
      ),
  );
  return (sql) => res.every((re) => re.test(sql));
}

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
        const archived = qFlagFilter(q, 'archived');
        const credentialId = qInt(q, 'credential_id');
        const createdAfter = qTime(q, 'created_after');
        const startedBefore = qTime(q, 'started_before');
        const startedAfter = qTime(q, 'started_after');
        const search = sqlSearch(qString(q, 'query'));
        const states = qList(q, 'state');
        for (const st of states ?? []) {
          if (!QUERY_STATES.includes(st)) throw badRequest(`state must be among ${QUERY_STATES.join(', ')}, got ${JSON.stringify(st)}.`);
        }
        const callerId = me(req);
        const out = [];
        for (const x of s.queries.values()) {
          if (x.authorId !== callerId) continue;
          s.settle(x.run, false);
          if (dbId !== undefined && x.database !== dbId) continue;
          if (authorId !== undefined && x.authorId !== authorId) continue;
          if (credentialId !== undefined && x.credential !== credentialId) continue;
          if (createdBefore !== undefined && Date.parse(x.createdAt) >= Date.parse(createdBefore)) continue;
          if (createdAfter !== undefined && Date.parse(x.createdAt) <= createdAfter) continue;
          const started = x.run.startedMs;
          if (startedBefore !== undefined && (started === null || started >= startedBefore)) continue;
          if (startedAfter !== undefined && (started === null || started <= startedAfter)) continue;
          if (states && !states.includes(x.run.state)) continue;
          if (search && !search(x.sql)) continue;
          // Queries are never archived on the platform's side of this emulator.
          if (!hidden(x.hidden) || !archived(false)) continue;
          out.push(s.queryWire(x, excludeResults));
        }
        return paginate(q, out, QUERIES_PAGE);
      },
      doc: {
        summary: 'List queries',
        query: [
          P.str(
            'query',
            'Space delimited query for searching queries by their SQL. Supports wild card characters "?" for any single character, and "*" for zero or more characters.',
          ),
          P.int('database_id', 'The database ID.'),
          P.int('credential_id', 'The credential ID.'),
          P.int('author_id', 'The author of the query.'),
          P.str('created_before', 'An upper bound for the creation date of the query.'),
          P.str('created_after', 'A lower bound for the creation date of the query.'),
          P.str('started_before', 'An upper bound for the start date of the last run.'),
          P.str('started_after', 'A lower bound for the start date of the last run.'),
          {
            name: 'state',
            type: 'array',
            items: 'string',
            description:
              'The state of the last run. One or more of queued, running, succeeded, failed, and cancelled. Specify multiple values as a comma-separated list (e.g., "A,B").',
          },
          P.bool('exclude_results', 'If true, does not return cached query results.'),
          HIDDEN,
          ARCHIVED,
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
        sample: (s) =>
          [...s.queries.values()].map((x) => ({
            ...s.queryWire(x, false),
            myPermissionLevel: 'manage',
            interactive: false,
            ...DEFAULT_QUERY_EXPORT,
          })),
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
      method: 'GET',
      path: '/jobs/{id}/runs/{run_id}/outputs',
      // A query is a job on the platform (its runs are "runs of the Query job"); here queries keep their own ids, and
      // a run id names one run among jobs and queries alike, so the pair finds the one it means.
      handler: (req) => {
        const s = store();
        const id = pathId(req);
        const runId = pathId(req, 'run_id');
        const job = s.jobs.get(id);
        if (job?.runs.some((r) => r.id === runId)) return paginate(req.query, [], OUTPUTS_PAGE);
        const q = s.queries.get(id);
        if (!q) throw notFound();
        return paginate(req.query, s.queryOutputs(me(req), q, runId), OUTPUTS_PAGE);
      },
      doc: {
        summary: 'List the outputs for a run',
        page: OUTPUTS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: () => [{ objectType: 'File', objectId: 8001, name: 'query_6001.csv.gz', link: '/files/8001', value: null }],
      },
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
