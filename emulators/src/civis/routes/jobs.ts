/**
 * Internal to the Civis emulator: the jobs and runs routes.
 */
import type { EmulatorRequest } from '../../framework/emulator.js';
import { notFound, paginate, qBool, qFlagFilter, qIntList, qList, qString, type PageSpec } from '../query.js';
import {
  type CivisRoute,
  type RouteContext,
  JOBS_PAGE,
  RUNS_PAGE,
  ok,
  pathId,
  contains,
  stateFilter,
  permissionParam,
  P,
  HIDDEN,
  ARCHIVED,
  AUTHOR,
} from './kit.js';

/** The jobs and runs routes, in matching order. */
export function jobRoutes(ctx: RouteContext): CivisRoute[] {
  const store = () => ctx.store();
  const me = (req: EmulatorRequest) => ctx.callerId(req);

  return [
    // -------------------------------------------------------------- jobs
    {
      method: 'GET',
      path: '/jobs/',
      handler: (req) => {
        const s = store();
        const q = req.query;
        const state = stateFilter(q, 'state');
        const types = qList(q, 'type');
        const search = qString(q, 'q');
        const text = contains(search);
        const permission = permissionParam(q);
        const scheduled = qBool(q, 'scheduled');
        const hidden = qFlagFilter(q, 'hidden');
        const archived = qFlagFilter(q, 'archived');
        const authors = qIntList(q, 'author');
        const callerId = me(req);
        const out = [];
        for (const j of s.jobs.values()) {
          s.touchJob(j, false);
          if (state && !state(s.jobState(j))) continue;
          if (types && !types.includes(j.type)) continue;
          if (text && !text(j.name) && !text(j.type) && search?.trim() !== String(j.id)) continue;
          // Jobs are shared read-only with every user here; writing and managing one is its author's.
          if (permission !== undefined && permission !== 'read' && j.authorId !== callerId) continue;
          if (scheduled !== undefined && j.schedule.scheduled !== scheduled) continue;
          if (authors && !authors.includes(j.authorId)) continue;
          if (!hidden(j.hidden) || !archived(j.archived)) continue;
          out.push(s.jobWire(j));
        }
        return paginate(q, out, JOBS_PAGE);
      },
      doc: {
        summary: 'List jobs',
        query: [
          P.str(
            'state',
            'The job\'s state. One or more of queued, running, succeeded, failed, and cancelled. Specify multiple values as a comma-separated list (e.g., "A,B").',
          ),
          P.str('type', 'The job\'s type. Specify multiple values as a comma-separated list (e.g., "A,B").'),
          P.str('q', 'Query string to search on the id, name, and job type.'),
          P.str(
            'permission',
            'A permissions string, one of "read", "write", or "manage". Lists only jobs for which the current user has that permission.',
          ),
          P.bool('scheduled', 'If the item is scheduled.'),
          HIDDEN,
          ARCHIVED,
          AUTHOR,
        ],
        page: JOBS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.jobs.values()].map((j) => s.jobWire(j)),
      },
    },
    {
      method: 'GET',
      path: '/jobs/{id}',
      handler: (req) => {
        const s = store();
        const j = s.job(pathId(req));
        s.touchJob(j, true);
        return ok(s.jobDetail(j));
      },
      doc: { summary: 'Show basic job info', status: 200, sample: (s) => [...s.jobs.values()].map((j) => s.jobDetail(j)) },
    },
    {
      method: 'GET',
      path: '/jobs/{id}/runs',
      handler: (req) => {
        const s = store();
        const j = s.job(pathId(req));
        s.touchJob(j, false);
        return paginate(
          req.query,
          j.runs.map((r) => s.runWire(r)),
          RUNS_PAGE,
        );
      },
      doc: {
        summary: 'List runs for the given job',
        page: RUNS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.jobs.values()].flatMap((j) => j.runs.map((r) => s.runWire(r))),
      },
    },
    {
      method: 'POST',
      path: '/jobs/{id}/runs',
      createsRun: true,
      handler: (req) => {
        const s = store();
        const j = s.job(pathId(req));
        const run = s.startRun(j, (active) => ({
          error: 'already_running',
          message: `Job ${j.id} already has a ${active.state} run (${active.id}); poll GET /jobs/${j.id}/runs/${active.id} until it finishes, then start another.`,
        }));
        return ok(s.runWire(run), 201);
      },
      doc: { summary: 'Run a job', status: 201, sample: (s) => [...s.jobs.values()].flatMap((j) => j.runs.map((r) => s.runWire(r))) },
    },
    {
      method: 'GET',
      path: '/jobs/{id}/runs/{run_id}',
      handler: (req) => {
        const s = store();
        const j = s.job(pathId(req));
        const runId = pathId(req, 'run_id');
        const run = j.runs.find((r) => r.id === runId);
        if (!run) throw notFound();
        s.settle(run, true);
        return ok(s.runWire(run));
      },
      doc: {
        summary: 'Check status of a job',
        status: 200,
        sample: (s) => [...s.jobs.values()].flatMap((j) => j.runs.map((r) => s.runWire(r))),
      },
    },
  ];
}
