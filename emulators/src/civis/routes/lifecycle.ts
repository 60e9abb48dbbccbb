/**
 * Internal to the Civis emulator: the routes that create, change, cancel and archive what the other groups list:
 * scripts by language, import replacement, run and query cancellation, archiving, and project membership.
 */
import type { EmulatorRequest } from '../../framework/emulator.js';
import { badRequest, notFound } from '../query.js';
import type { ScriptSegment } from '../records.js';
import { type CivisRoute, type RouteContext, type Shape, ok, pathId, body, NOTIFICATIONS, SCHEDULE, jobOfKind } from './kit.js';

const SEGMENTS: readonly ScriptSegment[] = ['sql', 'python3', 'r', 'containers'];
const LABEL: Record<ScriptSegment, string> = {
  sql: 'a SQL Script',
  python3: 'a Python Script',
  r: 'an R Script',
  containers: 'a container',
};

const SCRIPT_COMMON: Record<string, Shape> = {
  name: 'string',
  parentId: 'integer',
  params: [
    { name: 'string', label: 'string', description: 'string', type: 'string', required: 'boolean', value: 'string', default: 'string' },
  ],
  arguments: 'object',
  schedule: SCHEDULE,
  notifications: NOTIFICATIONS,
  timeZone: 'string',
  hidden: 'boolean',
  targetProjectId: 'integer',
};

const SCRIPT_BODY: Record<ScriptSegment, { properties: Record<string, Shape>; required: string[] }> = {
  sql: {
    properties: { ...SCRIPT_COMMON, sql: 'string', remoteHostId: 'integer', credentialId: 'integer' },
    required: ['name', 'sql', 'remoteHostId', 'credentialId'],
  },
  python3: { properties: { ...SCRIPT_COMMON, source: 'string', dockerImageTag: 'string' }, required: ['name', 'source'] },
  r: { properties: { ...SCRIPT_COMMON, source: 'string', dockerImageTag: 'string' }, required: ['name', 'source'] },
  containers: {
    properties: {
      ...SCRIPT_COMMON,
      requiredResources: { cpu: 'integer', memory: 'integer', diskSpace: 'number' },
      repoHttpUri: 'string',
      repoRef: 'string',
      dockerCommand: 'string',
      dockerImageName: 'string',
      dockerImageTag: 'string',
    },
    required: ['requiredResources'],
  },
};

/** `{"status": true|false}`, the body of every archive route. */
function archiveStatus(req: EmulatorRequest): boolean {
  const status = body(req).bool('status');
  if (status === undefined) throw badRequest('status is required: true to archive, false to restore.');
  return status;
}

const ARCHIVE_DOC = { properties: { status: 'boolean' } as Record<string, Shape>, required: ['status'] };

/** The lifecycle routes, in matching order (before the groups whose `{id}` templates they would otherwise meet). */
export function lifecycleRoutes(ctx: RouteContext): CivisRoute[] {
  const store = () => ctx.store();
  const me = (req: EmulatorRequest) => ctx.callerId(req);

  const scripts: CivisRoute[] = SEGMENTS.flatMap((segment): CivisRoute[] => [
    {
      method: 'POST',
      path: `/scripts/${segment}`,
      handler: (req) => ok(store().createTypedScript(me(req), segment, body(req)), 201),
      doc: {
        summary: `Create ${LABEL[segment]}`,
        body: SCRIPT_BODY[segment],
        status: 201,
        sample: (s) => [...s.jobs.values()].filter((j) => j.kind === 'script').map((j) => s.typedScript(j, j.authorId)),
      },
    },
    {
      method: 'PATCH',
      path: `/scripts/${segment}/{id}`,
      handler: (req) => ok(store().patchScript(me(req), segment, store().job(pathId(req)), body(req))),
      doc: {
        summary: `Update some attributes of ${LABEL[segment]}`,
        body: { properties: SCRIPT_BODY[segment].properties },
        status: 200,
        sample: (s) => [...s.jobs.values()].filter((j) => j.kind === 'script').map((j) => s.typedScript(j, j.authorId)),
      },
    },
  ]);

  const membership = (kind: 'jobs' | 'imports' | 'reports' | 'files', label: string): CivisRoute[] =>
    (['PUT', 'DELETE'] as const).map((method) => ({
      method,
      path: `/${kind}/{id}/projects/{project_id}`,
      handler: (req: EmulatorRequest) => {
        const s = store();
        const id = pathId(req);
        if (kind === 'imports' && s.job(id).kind !== 'import') throw notFound();
        s.linkProjectObject(me(req), kind === 'imports' ? 'jobs' : kind, id, pathId(req, 'project_id'), method === 'PUT');
        return { status: 204 };
      },
      doc: { summary: method === 'PUT' ? `Add ${label} to a project` : `Remove ${label} from a project`, status: 204 },
    }));

  return [
    ...scripts,
    {
      method: 'DELETE',
      path: '/jobs/{id}/runs/{run_id}',
      handler: (req) => {
        store().cancelRunById(store().job(pathId(req)), pathId(req, 'run_id'));
        return { status: 202 };
      },
      doc: { summary: 'Cancel a run', status: 202 },
    },
    {
      method: 'DELETE',
      path: '/queries/{id}/runs/{run_id}',
      handler: (req) => {
        store().cancelQueryRun(me(req), pathId(req), pathId(req, 'run_id'));
        return { status: 202 };
      },
      doc: { summary: 'Cancel a run', status: 202 },
    },
    {
      method: 'PUT',
      path: '/jobs/{id}/archive',
      handler: (req) => ok(store().setJobArchived(me(req), store().job(pathId(req)), archiveStatus(req))),
      doc: {
        summary: 'Update the archive status of this object',
        body: ARCHIVE_DOC,
        status: 200,
        sample: (s) => [...s.jobs.values()].map((j) => s.jobDetail(j)),
      },
    },
    {
      method: 'PUT',
      path: '/projects/{id}/archive',
      handler: (req) => ok(store().setProjectArchived(me(req), pathId(req), archiveStatus(req))),
      doc: {
        summary: 'Update the archive status of this object',
        body: ARCHIVE_DOC,
        status: 200,
        sample: (s) => [...s.projects.values()].map((p) => s.projectDetail(p, p.authorId)),
      },
    },
    {
      method: 'PUT',
      path: '/reports/{id}/archive',
      handler: (req) => ok(store().setReportArchived(me(req), pathId(req), archiveStatus(req))),
      doc: {
        summary: 'Update the archive status of this object',
        body: ARCHIVE_DOC,
        status: 200,
        sample: (s) => [...s.reports.values()].map((r) => r.detail),
      },
    },
    {
      method: 'PUT',
      path: '/imports/{id}',
      handler: (req) => ok(store().replaceImport(me(req), jobOfKind(store(), req, 'import'), body(req))),
      doc: {
        summary: 'Update an import',
        body: {
          properties: {
            name: 'string',
            syncType: 'string',
            isOutbound: 'boolean',
            source: { remoteHostId: 'integer', credentialId: 'integer', additionalCredentials: ['integer'] },
            destination: { remoteHostId: 'integer', credentialId: 'integer', additionalCredentials: ['integer'] },
            schedule: 'object',
            notifications: NOTIFICATIONS,
            parentId: 'integer',
            nextRunAt: 'string',
            timeZone: 'string',
          },
          required: ['name', 'syncType', 'isOutbound'],
        },
        status: 200,
        sample: (s) => [...s.jobs.values()].filter((j) => j.kind === 'import').map((j) => s.importDetail(j, j.authorId)),
      },
    },
    ...membership('jobs', 'a Job'),
    ...membership('imports', 'an Import'),
    ...membership('reports', 'a Report'),
    ...membership('files', 'a File'),
  ];
}
