/**
 * Internal to the Civis emulator: the imports routes.
 */
import type { EmulatorRequest } from '../../framework/emulator.js';
import { paginate, qFlagFilter, qIntList, qList, type PageSpec } from '../query.js';
import type { JobRecord } from '../store.js';
import {
  type CivisRoute,
  type RouteContext,
  SCRIPTS_PAGE,
  ok,
  body,
  statusFilter,
  P,
  HIDDEN,
  ARCHIVED,
  AUTHOR,
  IMPORT_ENDPOINT,
  NOTIFICATIONS,
  jobOfKind,
} from './kit.js';

/** The imports routes, in matching order. */
export function importRoutes(ctx: RouteContext): CivisRoute[] {
  const store = () => ctx.store();
  const me = (req: EmulatorRequest) => ctx.callerId(req);

  const importJob = (req: EmulatorRequest): JobRecord => jobOfKind(store(), req, 'import');

  return [
    // -------------------------------------------------------------- imports
    {
      method: 'GET',
      path: '/imports/',
      handler: (req) => {
        const s = store();
        const q = req.query;
        const types = qList(q, 'type');
        const destination = qIntList(q, 'destination');
        const source = qIntList(q, 'source');
        const status = statusFilter(q, 'status');
        const authors = qIntList(q, 'author');
        const hidden = qFlagFilter(q, 'hidden');
        const archived = qFlagFilter(q, 'archived');
        const out = [];
        for (const j of s.jobs.values()) {
          if (j.kind !== 'import') continue;
          s.touchJob(j, false);
          const spec = j.import!;
          if (types && !types.some((t) => t.toLowerCase() === spec.syncType.toLowerCase())) continue;
          if (destination && !destination.includes(spec.destination?.remoteHostId ?? -1)) continue;
          if (source && !source.includes(spec.source?.remoteHostId ?? -1)) continue;
          if (status && !status(s.jobState(j), j.schedule.scheduled)) continue;
          if (authors && !authors.includes(j.authorId)) continue;
          if (!hidden(j.hidden) || !archived(j.archived)) continue;
          out.push(s.importWire(j));
        }
        return paginate(q, out, SCRIPTS_PAGE);
      },
      doc: {
        summary: 'List Imports',
        query: [
          P.str(
            'type',
            "If specified, return imports of these types. It accepts a comma-separated list, possible values are 'AutoImport', 'Dbsync', 'Salesforce', 'GdocImport'.",
          ),
          P.str(
            'destination',
            'If specified, returns imports with one of these destinations. It accepts a comma-separated list of remote host ids.',
          ),
          P.str('source', 'If specified, returns imports with one of these sources. It accepts a comma-separated list of remote host ids.'),
          P.str(
            'status',
            "If specified, returns imports with one of these statuses. It accepts a comma-separated list, possible values are 'running', 'failed', 'succeeded', 'idle', 'scheduled'.",
          ),
          AUTHOR,
          HIDDEN,
          ARCHIVED,
        ],
        page: SCRIPTS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.jobs.values()].filter((j) => j.kind === 'import').map((j) => s.importWire(j)),
      },
    },
    {
      method: 'POST',
      path: '/imports/',
      handler: (req) => ok(store().createImport(me(req), body(req)), 201),
      doc: {
        summary: 'Create a new import configuration',
        body: {
          properties: {
            name: 'string',
            syncType: 'string',
            isOutbound: 'boolean',
            source: IMPORT_ENDPOINT,
            destination: IMPORT_ENDPOINT,
            schedule: {
              scheduled: 'boolean',
              scheduledDays: ['integer'],
              scheduledHours: ['integer'],
              scheduledMinutes: ['integer'],
              scheduledRunsPerHour: 'integer',
              scheduledDaysOfMonth: ['integer'],
            },
            notifications: NOTIFICATIONS,
            parentId: 'integer',
            nextRunAt: 'string',
            timeZone: 'string',
            hidden: 'boolean',
          },
          required: ['name', 'syncType', 'isOutbound'],
        },
        status: 201,
        sample: (s) => [...s.jobs.values()].filter((j) => j.kind === 'import').map((j) => s.importDetail(j, j.authorId)),
      },
    },
    {
      method: 'GET',
      path: '/imports/{id}',
      handler: (req) => {
        const s = store();
        const j = importJob(req);
        s.touchJob(j, true);
        return ok(s.importDetail(j, me(req)));
      },
      doc: {
        summary: 'Get details about an import',
        status: 200,
        sample: (s) => [...s.jobs.values()].filter((j) => j.kind === 'import').map((j) => s.importDetail(j, j.authorId)),
      },
    },
  ];
}
