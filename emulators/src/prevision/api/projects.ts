/**
 * Internal to the Prevision emulator: the `/ext/v1` version, profile and event stream, and the projects routes.
 */
import type { RouteDef } from '../../framework/emulator.js';
import { badRequest, objectBody, optionalString, requiredString, type HandlerContext } from '../context.js';
import type { Project, VersionInfo } from '../types.js';
import { PLATFORM_VERSION, API, ok, noContent, type ApiScope } from './scope.js';

/** The `/ext/v1` version, profile and event stream, and the projects routes. */
export function projectRoutes(ctx: HandlerContext, scope: ApiScope): RouteDef[] {
  const { store, hub, options } = ctx;
  const { page, project, projectWire } = scope;

  return [
    {
      method: 'GET',
      path: `${API}/version`,
      handler: (req) => ok({ version: PLATFORM_VERSION, build: 'emulator', oidc_url: ctx.baseUrl(req) } satisfies VersionInfo),
    },
    { method: 'GET', path: `${API}/profile`, handler: () => ok(store.profile) },
    {
      method: 'GET',
      path: `${API}/events`,
      handler: (_req, res) => {
        hub.attach(res);
        return undefined;
      },
    },

    // Projects
    { method: 'GET', path: `${API}/projects`, handler: (req) => page([...store.projects.values()].map(projectWire), req) },
    {
      method: 'POST',
      path: `${API}/projects`,
      handler: (req) => {
        const body = objectBody(req);
        const name = requiredString(body, 'name');
        const description = optionalString(body, 'description');
        const color = optionalString(body, 'color') ?? '#16D92C';
        if (!/^#[0-9A-Fa-f]{6}$/.test(color))
          throw badRequest(`Field "color" must be a hex colour such as "#16D92C", got ${JSON.stringify(color)}.`);
        const now = options.now();
        const me = { _id: store.profile._id, email: store.profile.email };
        const p: Project = {
          _id: store.ids.next(now),
          name,
          description,
          color,
          created_by: me._id,
          created_at: new Date(now).toISOString(),
          admins: [me],
          contributors: [],
          viewers: [],
          pipelines_count: 0,
          experiments_count: 0,
          dataset_count: 0,
        };
        store.projects.set(p._id, p);
        return ok(projectWire(p));
      },
    },
    { method: 'GET', path: `${API}/projects/{id}`, handler: (req) => ok(projectWire(project(req.params['id']!))) },
    {
      method: 'DELETE',
      path: `${API}/projects/{id}`,
      handler: (req) => {
        project(req.params['id']!);
        store.deleteProject(req.params['id']!);
        return noContent();
      },
    },
    {
      method: 'GET',
      path: `${API}/projects/{id}/users`,
      handler: (req) => {
        const p = project(req.params['id']!);
        const users = [
          ...p.admins.map((u) => ({ ...u, role: 'admin' })),
          ...p.contributors.map((u) => ({ ...u, role: 'contributor' })),
          ...p.viewers.map((u) => ({ ...u, role: 'viewer' })),
        ];
        return page(users, req);
      },
    },
  ];
}
