/**
 * Civis jobs and what runs like one: `Civis.jobs`, `job`, `imports`, `import`, `scripts`, `script`, `reports`,
 * `report`, their object types with their runs, and `Mutation.runCivisJob`.
 */
import type { CivisRunOrder, InputMaybe, Resolvers } from '../../generated/resolvers.js';
import type { ConnectionArgs } from '../../relay/connection.js';
import { AugurError, ErrorCode, badInput, quote } from '../../core/errors.js';
import { CIVIS_LISTS } from '../../upstreams/civis/client.js';
import type { CivisJobRunParent, CivisNotifications, CivisScriptDetail, CivisScriptParamWire } from '../../upstreams/civis/jobTypes.js';
import type { CivisRun, CivisSchedule } from '../../upstreams/civis/types.js';
import { ENUM_VALUES } from '../enums.js';
import type { Context } from '../context.js';
import { payload, pointing } from '../userErrors.js';
import {
  call,
  civisId,
  connection,
  detailField,
  flag,
  gid,
  idString,
  jobRun,
  loadCivis,
  lookupId,
  pid,
  platformIdArg,
  runState,
  userIds,
  globalIds,
  civisOrder,
} from './shared.js';
import { archivedParam, jobStateParam, permissionParam, runStatusParam, scriptCategoryParam } from './listFilters.js';

/** Job types as Civis's comma list; a type is `Namespace::Name` (`JobTypes::SqlRunner`), which no comma can be part of. */
function jobTypes(types: InputMaybe<string[]> | undefined): string | undefined {
  if (!types || types.length === 0) return undefined;
  types.forEach((t, i) => {
    if (!/^[A-Za-z][A-Za-z0-9]*(::[A-Za-z][A-Za-z0-9]*)*$/.test(t))
      throw badInput(`Argument "type" lists ${quote(t)}, which is not a Civis job type such as "JobTypes::SqlRunner".`, {
        param: `type[${i}]`,
      });
  });
  return types.join(',');
}

const JOB_TYPES = ['CivisJob', 'CivisScript', 'CivisImport'] as const;
const PARAM_TYPES = new Set<string>(Object.values(ENUM_VALUES.CivisScriptParamType).filter((t) => t !== '(other)'));

/** One run of a job, a script or an import, through the request's loaders. */
export async function loadRun(ctx: Context, jobId: number, runId: number): Promise<CivisJobRunParent> {
  const run = await ctx.civis.jobRun(jobId, runId);
  return { ...run, jobId };
}

function runsConnection(ctx: Context, jobId: number, args: ConnectionArgs & { orderBy?: InputMaybe<CivisRunOrder> }) {
  return connection<CivisRun, CivisJobRunParent>(ctx, 'runs', CIVIS_LISTS.runsOf(jobId), {}, args, civisOrder(args.orderBy), (r) => ({
    ...r,
    jobId,
  }));
}

export const jobResolvers: Resolvers = {
  Mutation: {
    runCivisJob: (_p, { input }, ctx) =>
      payload(
        async () => {
          const id = civisId(ctx, input.jobId, JOB_TYPES, 'input.jobId');
          // Every refusal of a run is about the job: unknown (404) or already running (409 `already_running`).
          const run = await pointing(
            () => ctx.services.civis.runJob(call(ctx), id),
            () => 'input.jobId',
          ).catch((e: unknown) => {
            if (e instanceof AugurError && e.details['upstreamCode'] === 'already_running') {
              throw new AugurError(
                ErrorCode.UPSTREAM_ERROR,
                'The job already has a queued or running run, and Civis runs a job once at a time. Wait until its lastRun has finished, then start it again.',
                e.details,
              );
            }
            throw e;
          });
          return jobRun(id, run)!;
        },
        (run): { run: CivisJobRunParent | null } => ({ run }),
        { run: null },
      ),
  },
  Civis: {
    imports: (_r, args, ctx) =>
      connection(
        ctx,
        'imports',
        CIVIS_LISTS.imports,
        {
          status: runStatusParam(args.status, args.scheduled, 'imports'),
          type: args.syncType?.length ? args.syncType.join(',') : undefined,
          source: globalIds(ctx, args.source, 'CivisDatabase', 'source'),
          destination: globalIds(ctx, args.destination, 'CivisDatabase', 'destination'),
          author: userIds(ctx, args.author, 'author'),
          archived: archivedParam(args),
          hidden: flag(args.hidden),
        },
        args,
        args.orderBy,
      ),
    import: (_r, args, ctx) => loadCivis(ctx, 'CivisImport', lookupId(ctx, args, 'CivisImport')),
    jobs: (_r, args, ctx) =>
      connection(
        ctx,
        'jobs',
        CIVIS_LISTS.jobs,
        {
          state: jobStateParam(args.state),
          q: args.search || undefined,
          author: userIds(ctx, args.author, 'author'),
          archived: archivedParam(args),
          hidden: flag(args.hidden),
          scheduled: flag(args.scheduled),
          permission: permissionParam(args),
          type: jobTypes(args.type),
        },
        args,
        civisOrder(args.orderBy),
      ),
    job: (_r, args, ctx) => loadCivis(ctx, 'CivisJob', lookupId(ctx, args, JOB_TYPES)),
    reports: (_r, args, ctx) =>
      connection(
        ctx,
        'reports',
        CIVIS_LISTS.reports,
        {
          type: args.kind ?? undefined,
          template_id: args.templatePlatformId != null ? platformIdArg(args.templatePlatformId, 'templatePlatformId') : undefined,
          author: userIds(ctx, args.author, 'author'),
          archived: archivedParam(args),
          hidden: flag(args.hidden),
        },
        args,
        args.orderBy,
      ),
    report: (_r, args, ctx) => loadCivis(ctx, 'CivisReport', lookupId(ctx, args, 'CivisReport')),
    scripts: (_r, args, ctx) =>
      connection(
        ctx,
        'scripts',
        CIVIS_LISTS.scripts,
        {
          status: runStatusParam(args.status, args.scheduled, 'scripts'),
          author: userIds(ctx, args.author, 'author'),
          archived: archivedParam(args),
          hidden: flag(args.hidden),
          type: args.language?.length ? args.language.join(',') : undefined,
          category: scriptCategoryParam(args.category),
        },
        args,
        args.orderBy,
      ),
    script: (_r, args, ctx) => loadCivis(ctx, 'CivisScript', lookupId(ctx, args, 'CivisScript')),
  },
  CivisImport: {
    id: gid('CivisImport'),
    platformId: pid,
    state: (i) => runState(i.state),
    scheduled: (i) => i.schedule.scheduled,
    author: (i) => i.user,
    lastRun: (i) => jobRun(i.id, i.lastRun),
    runs: (i, args, ctx) => runsConnection(ctx, i.id, args),
  },
  CivisImportEndpoint: {
    remoteHost: (e, _a, ctx) => (e.remoteHostId != null ? loadCivis(ctx, 'CivisDatabase', e.remoteHostId) : null),
    credential: (e, _a, ctx) => (e.credentialId != null ? loadCivis(ctx, 'Credential', e.credentialId) : null),
  },
  CivisJob: {
    id: gid('CivisJob'),
    platformId: pid,
    state: (j) => runState(j.state),
    scheduled: (j) => j.schedule.scheduled,
    lastRun: (j) => jobRun(j.id, j.lastRun),
    runs: (j, args, ctx) => runsConnection(ctx, j.id, args),
    run: (j, { id, platformId }, ctx) => {
      if ((id == null) === (platformId == null)) {
        throw badInput('Pass exactly one of "id" (a global id) and "platformId" (Civis\'s own id of the run).', {
          param: id == null ? 'id' : 'platformId',
        });
      }
      let runId: number;
      if (platformId != null) runId = platformIdArg(platformId);
      else {
        const [jobId, run] = ctx.services.codec.decode(id!, ['CivisJobRun']).localId.split(':').map(Number) as [number, number];
        if (jobId !== j.id) throw badInput('Argument "id" is a run of another job.', { param: 'id' });
        runId = run;
      }
      return loadRun(ctx, j.id, runId);
    },
  },
  CivisJobRun: {
    id: (r, _a, ctx) => ctx.services.codec.encode('CivisJobRun', `${r.jobId}:${r.id}`),
    platformId: pid,
    jobPlatformId: (r) => String(r.jobId),
    state: (r) => runState(r.state),
    job: (r, _a, ctx) => loadCivis(ctx, 'CivisJob', r.jobId),
  },
  CivisSchedule: {
    daysOfWeek: (s) => s.scheduledDays ?? [],
    daysOfMonth: (s) => s.scheduledDaysOfMonth ?? [],
    hours: (s) => s.scheduledHours ?? [],
    minutes: (s) => s.scheduledMinutes ?? [],
  },
  CivisScriptParam: {
    // A type this schema does not know reads as OTHER; `typeName` keeps Civis's own name.
    type: (p) => (PARAM_TYPES.has(p.type) ? (p.type as never) : ('(other)' as never)),
    typeName: (p) => p.type,
    label: (p) => p.label ?? null,
    description: (p) => p.description ?? null,
    required: (p) => p.required ?? false,
    value: (p) => p.value ?? null,
    default: (p) => p.default ?? null,
    allowedValues: (p) => (p.allowedValues ?? []).map((c) => ({ label: c.label ?? c.value, value: c.value })),
  },
  CivisRunStatus: {
    platformId: pid,
    state: (r) => runState(r.state),
  },
  CivisReport: {
    id: gid('CivisReport'),
    platformId: pid,
    state: (r) => runState(r.state),
    author: (r) => r.user,
    script: (r, _a, ctx) => (r.script ? loadCivis(ctx, 'CivisScript', r.script.id) : null),
    tableauId: (r) => idString(r.tableauId),
  },
  CivisScript: {
    id: gid('CivisScript'),
    platformId: pid,
    state: (s) => runState(s.state),
    fromTemplatePlatformId: (s) => idString(s.fromTemplateId),
    sql: detailField<CivisScriptDetail, string | null>('CivisScript', 'sql', (d) => d.sql),
    source: detailField<CivisScriptDetail, string | null>('CivisScript', 'source', (d) => d.source),
    params: detailField<CivisScriptDetail, CivisScriptParamWire[]>('CivisScript', 'params', (d) => d.params ?? []),
    arguments: detailField<CivisScriptDetail, Array<{ name: string; value: unknown }>>('CivisScript', 'params', (d) =>
      Object.entries(d.arguments ?? {}).map(([name, value]) => ({ name, value })),
    ),
    schedule: detailField<CivisScriptDetail, CivisSchedule>('CivisScript', 'params', (d) => d.schedule),
    notifications: detailField<CivisScriptDetail, CivisNotifications>('CivisScript', 'params', (d) => d.notifications),
    lastRun: (s) => jobRun(s.id, s.lastRun),
    runs: (s, args, ctx) => runsConnection(ctx, s.id, args),
  },
};
