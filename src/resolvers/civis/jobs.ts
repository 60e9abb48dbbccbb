/**
 * Civis jobs and what runs like one: `Civis.jobs`, `job`, `imports`, `import`, `scripts`, `script`, `reports`,
 * `report`, their object types with their runs, and `Mutation.runCivisJob`.
 */
import type { Resolvers } from '../../generated/resolvers.js';
import type { ConnectionArgs } from '../../relay/connection.js';
import { AugurError, ErrorCode, badInput } from '../../core/errors.js';
import { CIVIS_LISTS } from '../../upstreams/civis/client.js';
import type { CivisJobRunParent, CivisRun, CivisScriptDetail } from '../../upstreams/civis/types.js';
import type { Context } from '../context.js';
import {
  NUMERIC_ID,
  call,
  civisId,
  connection,
  date,
  detailField,
  flag,
  gid,
  jobRun,
  loadCivis,
  runState,
  states,
  userIds,
} from './shared.js';

/** One run of a job, a script or an import, through the request's loaders. */
export async function loadRun(ctx: Context, jobId: number, runId: number): Promise<CivisJobRunParent> {
  const run = await ctx.civis.jobRun(jobId, runId);
  return { ...run, jobId };
}

function runsConnection(ctx: Context, jobId: number, args: ConnectionArgs) {
  return connection<CivisRun, CivisJobRunParent>(ctx, 'runs', CIVIS_LISTS.runsOf(jobId), {}, args, undefined, (r) => ({ ...r, jobId }));
}

export const jobResolvers: Resolvers = {
  Mutation: {
    runCivisJob: async (_p, { job }, ctx) => {
      const id = civisId(ctx, job, ['CivisJob', 'CivisScript', 'CivisImport'], 'job');
      try {
        return jobRun(id, await ctx.services.civis.runJob(call(ctx), id));
      } catch (e) {
        if (e instanceof AugurError && e.details['upstreamCode'] === 'already_running') {
          throw new AugurError(
            ErrorCode.UPSTREAM_ERROR,
            `Civis job ${id} already has a queued or running run, and Civis runs a job once at a time. Wait until civis { job(id: "${id}") { lastRun { state } } } has finished, then start it again.`,
            e.details,
          );
        }
        throw e;
      }
    },
  },
  Civis: {
    imports: (_r, args, ctx) =>
      connection(
        ctx,
        'imports',
        CIVIS_LISTS.imports,
        { status: states(args.status), author: userIds(ctx, args.author, 'author'), archived: flag(args.archived) },
        args,
        args.orderBy,
      ),
    import: (_r, { id }, ctx) => loadCivis(ctx, 'CivisImport', civisId(ctx, id, 'CivisImport')),
    jobs: (_r, args, ctx) =>
      connection(
        ctx,
        'jobs',
        CIVIS_LISTS.jobs,
        {
          state: states(args.state),
          q: args.search || undefined,
          author: userIds(ctx, args.author, 'author'),
          archived: flag(args.archived),
        },
        args,
      ),
    job: (_r, { id }, ctx) => loadCivis(ctx, 'CivisJob', civisId(ctx, id, ['CivisJob', 'CivisScript', 'CivisImport'])),
    reports: (_r, args, ctx) =>
      connection(
        ctx,
        'reports',
        CIVIS_LISTS.reports,
        { author: userIds(ctx, args.author, 'author'), archived: flag(args.archived) },
        args,
        args.orderBy,
      ),
    report: (_r, { id }, ctx) => loadCivis(ctx, 'CivisReport', civisId(ctx, id, 'CivisReport')),
    scripts: (_r, args, ctx) =>
      connection(
        ctx,
        'scripts',
        CIVIS_LISTS.scripts,
        { status: states(args.status), author: userIds(ctx, args.author, 'author'), archived: flag(args.archived) },
        args,
        args.orderBy,
      ),
    script: (_r, { id }, ctx) => loadCivis(ctx, 'CivisScript', civisId(ctx, id, 'CivisScript')),
  },
  CivisImport: {
    id: gid('CivisImport'),
    civisId: (i) => i.id,
    state: (i) => runState(i.state),
    scheduled: (i) => i.schedule?.scheduled ?? null,
    createdAt: (i) => date(i.createdAt),
    updatedAt: (i) => date(i.updatedAt),
    author: (i) => i.user ?? null,
    lastRun: (i) => jobRun(i.id, i.lastRun),
    runs: (i, args, ctx) => runsConnection(ctx, i.id, args),
  },
  CivisJob: {
    id: gid('CivisJob'),
    civisId: (j) => j.id,
    state: (j) => runState(j.state),
    scheduled: (j) => j.schedule?.scheduled ?? null,
    createdAt: (j) => date(j.createdAt),
    updatedAt: (j) => date(j.updatedAt),
    author: (j) => j.author ?? null,
    lastRun: (j) => jobRun(j.id, j.lastRun),
    runs: (j, args, ctx) => runsConnection(ctx, j.id, args),
    run: (j, { id }, ctx) => {
      let runId: number;
      if (NUMERIC_ID.test(id)) runId = Number(id);
      else {
        const [jobId, run] = ctx.services.codec.decode(id, ['CivisJobRun']).localId.split(':').map(Number) as [number, number];
        if (jobId !== j.id) throw badInput(`Argument "id" is a run of job ${jobId}, not of job ${j.id}.`, { param: 'id' });
        runId = run;
      }
      return loadRun(ctx, j.id, runId);
    },
  },
  CivisJobRun: {
    id: (r, _a, ctx) => ctx.services.codec.encode('CivisJobRun', `${r.jobId}:${r.id}`),
    civisId: (r) => r.id,
    state: (r) => runState(r.state),
    createdAt: (r) => date(r.createdAt),
    startedAt: (r) => date(r.startedAt),
    finishedAt: (r) => date(r.finishedAt),
    job: (r, _a, ctx) => loadCivis(ctx, 'CivisJob', r.jobId),
  },
  CivisRunStatus: {
    civisId: (r) => r.id,
    state: (r) => runState(r.state),
    createdAt: (r) => date(r.createdAt),
    startedAt: (r) => date(r.startedAt),
    finishedAt: (r) => date(r.finishedAt),
  },
  CivisReport: {
    id: gid('CivisReport'),
    civisId: (r) => r.id,
    state: (r) => runState(r.state),
    createdAt: (r) => date(r.createdAt),
    updatedAt: (r) => date(r.updatedAt),
    finishedAt: (r) => date(r.finishedAt),
    author: (r) => r.user ?? null,
    script: (r, _a, ctx) => (r.script ? loadCivis(ctx, 'CivisScript', r.script.id) : null),
    lastRun: (r) => r.lastRun ?? null,
  },
  CivisScript: {
    id: gid('CivisScript'),
    civisId: (s) => s.id,
    state: (s) => runState(s.state),
    createdAt: (s) => date(s.createdAt),
    updatedAt: (s) => date(s.updatedAt),
    finishedAt: (s) => date(s.finishedAt),
    author: (s) => s.author ?? null,
    sql: detailField<CivisScriptDetail, string | null>('CivisScript', 'sql', (d) => d.sql ?? null),
    source: detailField<CivisScriptDetail, string | null>('CivisScript', 'source', (d) => d.source ?? null),
    lastRun: (s) => jobRun(s.id, s.lastRun),
    runs: (s, args, ctx) => runsConnection(ctx, s.id, args),
  },
};
