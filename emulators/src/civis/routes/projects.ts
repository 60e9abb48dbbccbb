/**
 * Internal to the Civis emulator: the projects routes.
 */
import type { EmulatorRequest } from '../../framework/emulator.js';
import { paginate, qBool, qFlagFilter, qIntList, type PageSpec } from '../query.js';
import {
  type CivisRoute,
  type RouteContext,
  PROJECTS_PAGE,
  ok,
  pathId,
  body,
  permissionParam,
  P,
  HIDDEN,
  ARCHIVED,
  AUTHOR,
} from './kit.js';

/** The projects routes, in matching order. */
export function projectRoutes(ctx: RouteContext): CivisRoute[] {
  const store = () => ctx.store();
  const me = (req: EmulatorRequest) => ctx.callerId(req);

  return [
    // -------------------------------------------------------------- projects
    {
      method: 'GET',
      path: '/projects/',
      handler: (req) => {
        const s = store();
        const callerId = me(req);
        const q = req.query;
        const permission = permissionParam(q);
        const autoShare = qBool(q, 'auto_share');
        const authors = qIntList(q, 'author');
        const hidden = qFlagFilter(q, 'hidden');
        const archived = qFlagFilter(q, 'archived');
        const out = [];
        for (const p of s.projects.values()) {
          if (!s.canSeeProject(p, callerId)) continue;
          // Members read a project (their permission level is `read`); writing and managing it is its author's.
          if (permission !== undefined && permission !== 'read' && p.authorId !== callerId) continue;
          if (autoShare !== undefined && p.autoShare !== autoShare) continue;
          if (authors && !authors.includes(p.authorId)) continue;
          if (!hidden(p.hidden) || !archived(p.archived)) continue;
          out.push(s.projectWire(p));
        }
        return paginate(q, out, PROJECTS_PAGE);
      },
      doc: {
        summary: 'List projects',
        query: [
          P.str(
            'permission',
            'A permissions string, one of "read", "write", or "manage". Lists only projects for which the current user has that permission.',
          ),
          P.bool('auto_share', 'Used to filter projects based on whether the project is autoshare enabled or not.'),
          AUTHOR,
          HIDDEN,
          ARCHIVED,
        ],
        page: PROJECTS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.projects.values()].map((p) => s.projectWire(p)),
      },
    },
    {
      method: 'POST',
      path: '/projects/',
      handler: (req) => ok(store().createProject(me(req), body(req)), 201),
      doc: {
        summary: 'Create a project',
        body: {
          properties: { name: 'string', description: 'string', note: 'string', autoShare: 'boolean', hidden: 'boolean' },
          required: ['name', 'description'],
        },
        status: 201,
        sample: (s) => [...s.projects.values()].map((p) => s.projectDetail(p, p.authorId)),
      },
    },
    {
      method: 'GET',
      path: '/projects/{project_id}',
      handler: (req) => {
        const s = store();
        return ok(s.projectDetail(s.project(pathId(req, 'project_id'), me(req)), me(req)));
      },
      doc: {
        summary: 'Get a detailed view of a project and the objects in it',
        status: 200,
        sample: (s) => [...s.projects.values()].map((p) => s.projectDetail(p, p.authorId)),
      },
    },
    {
      method: 'PUT',
      path: '/projects/{project_id}',
      handler: (req) => ok(store().updateProject(me(req), pathId(req, 'project_id'), body(req))),
      doc: {
        summary: 'Update a project',
        body: { properties: { name: 'string', description: 'string', note: 'string' } },
        status: 200,
        sample: (s) => [...s.projects.values()].map((p) => s.projectDetail(p, p.authorId)),
      },
    },
    {
      method: 'DELETE',
      path: '/projects/{project_id}',
      handler: (req) => {
        store().deleteProject(me(req), pathId(req, 'project_id'));
        return { status: 204 };
      },
      doc: { summary: 'Delete a project', status: 204 },
    },
  ];
}
