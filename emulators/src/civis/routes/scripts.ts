/**
 * Internal to the Civis emulator: the scripts routes.
 */
import type { EmulatorRequest } from '../../framework/emulator.js';
import { badRequest, paginate, qFlagFilter, qIntList, qList, qString, type PageSpec } from '../query.js';
import type { JobRecord } from '../store.js';
import {
  type CivisRoute,
  type RouteContext,
  SCRIPTS_PAGE,
  ok,
  body,
  statusFilter,
  SCRIPT_TYPE_FILTER,
  P,
  HIDDEN,
  ARCHIVED,
  AUTHOR,
  NOTIFICATIONS,
  jobOfKind,
} from './kit.js';

/** The job categories `GET /scripts/` filters on, as its spec lists them. */
const SCRIPT_CATEGORIES = ['script', 'import', 'export', 'enhancement'];

/** The scripts routes, in matching order. */
export function scriptRoutes(ctx: RouteContext): CivisRoute[] {
  const store = () => ctx.store();
  const me = (req: EmulatorRequest) => ctx.callerId(req);

  const scriptJob = (req: EmulatorRequest): JobRecord => jobOfKind(store(), req, 'script');

  return [
    // -------------------------------------------------------------- scripts
    {
      method: 'GET',
      path: '/scripts/',
      handler: (req) => {
        const s = store();
        const q = req.query;
        const typeNames = qList(q, 'type');
        const types = typeNames?.map((t) => {
          const jt = SCRIPT_TYPE_FILTER[t.toLowerCase()];
          if (!jt)
            throw badRequest(`type must be a comma list of ${Object.keys(SCRIPT_TYPE_FILTER).join(', ')}, got ${JSON.stringify(t)}.`);
          return jt;
        });
        const category = qString(q, 'category');
        if (category !== undefined && !SCRIPT_CATEGORIES.includes(category)) {
          throw badRequest(`category must be one of ${SCRIPT_CATEGORIES.join(', ')}, got ${JSON.stringify(category)}.`);
        }
        const authors = qIntList(q, 'author');
        const status = statusFilter(q, 'status');
        const hidden = qFlagFilter(q, 'hidden');
        const archived = qFlagFilter(q, 'archived');
        const out = [];
        for (const j of s.jobs.values()) {
          if (j.kind !== 'script') continue;
          s.touchJob(j, false);
          if (types && !types.includes(j.type)) continue;
          if (category !== undefined && j.category !== category) continue;
          if (authors && !authors.includes(j.authorId)) continue;
          if (status && !status(s.jobState(j), j.schedule.scheduled)) continue;
          if (!hidden(j.hidden) || !archived(j.archived)) continue;
          out.push(s.scriptWire(j));
        }
        return paginate(q, out, SCRIPTS_PAGE);
      },
      doc: {
        summary: 'List scripts',
        query: [
          P.str('type', 'If specified, return items of these types. The valid types are sql, python3, javascript, r, and containers.'),
          P.str('category', 'A job category for filtering scripts. Must be one of script, import, export, and enhancement.'),
          AUTHOR,
          P.str(
            'status',
            "If specified, returns items with one of these statuses. It accepts a comma-separated list, possible values are 'running', 'failed', 'succeeded', 'idle', 'scheduled'.",
          ),
          HIDDEN,
          ARCHIVED,
        ],
        page: SCRIPTS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.jobs.values()].filter((j) => j.kind === 'script').map((j) => s.scriptWire(j)),
      },
    },
    {
      method: 'POST',
      path: '/scripts/',
      handler: (req) => ok(store().createScript(me(req), body(req)), 201),
      doc: {
        summary: 'Create a script',
        body: {
          properties: {
            name: 'string',
            remoteHostId: 'integer',
            credentialId: 'integer',
            sql: 'string',
            params: [
              {
                name: 'string',
                label: 'string',
                description: 'string',
                type: 'string',
                required: 'boolean',
                value: 'string',
                default: 'string',
              },
            ],
            arguments: 'object',
            templateScriptId: 'integer',
            notifications: NOTIFICATIONS,
            hidden: 'boolean',
          },
          required: ['name', 'remoteHostId', 'credentialId', 'sql'],
        },
        status: 201,
        sample: (s) => [...s.jobs.values()].filter((j) => j.kind === 'script').map((j) => s.scriptDetail(j, j.authorId)),
      },
    },
    {
      method: 'GET',
      path: '/scripts/{id}',
      handler: (req) => {
        const s = store();
        const j = scriptJob(req);
        s.touchJob(j, true);
        return ok(s.scriptDetail(j, me(req)));
      },
      doc: {
        summary: 'Get details about a script',
        status: 200,
        sample: (s) => [...s.jobs.values()].filter((j) => j.kind === 'script').map((j) => s.scriptDetail(j, j.authorId)),
      },
    },
    {
      method: 'DELETE',
      path: '/scripts/{id}',
      handler: (req) => {
        store().archiveScript(me(req), scriptJob(req));
        return { status: 204 };
      },
      // The platform's own summary: civis-python skips every operation whose summary says "deprecated", so, as
      // against the real API, it builds no `scripts.delete` (the route still answers plain HTTP callers).
      doc: { summary: 'Archive a script (deprecated, use archive endpoints instead)', status: 204 },
    },
    {
      method: 'POST',
      path: '/scripts/{id}/run',
      createsRun: true,
      handler: (req) => {
        store().startRun(scriptJob(req), () => ({
          error: 'conflict',
          message: 'The script cannot be queued because it is already active.',
        }));
        return { status: 204 };
      },
      doc: { summary: 'Run a script', status: 204 },
    },
    {
      method: 'POST',
      path: '/scripts/{id}/cancel',
      handler: (req) => ok(store().cancelRun(scriptJob(req)), 202),
      doc: { summary: 'Cancel a run', status: 202, sample: () => [{ id: 90004, state: 'cancelled', isCancelRequested: true }] },
    },
  ];
}
