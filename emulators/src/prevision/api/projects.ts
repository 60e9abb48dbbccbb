/**
 * Internal to the Prevision emulator: the `/ext/v1` version, profile and event stream, and the projects routes.
 */
import type { RouteDef } from '../../framework/emulator.js';
import { badRequest, notFound, objectBody, oneOf, optionalString, requiredString, type HandlerContext } from '../context.js';
import type { Project, UserRef, VersionInfo } from '../types.js';
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
          end_users: [],
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
        const users = ROLES.flatMap((role) => p[ROLE_LISTS[role]].map((u) => ({ ...u, role })));
        return page(users, req);
      },
    },
    {
      method: 'POST',
      path: `${API}/projects/{id}/users`,
      handler: (req) => {
        const p = project(req.params['id']!);
        const body = objectBody(req);
        const email = requiredString(body, 'email').trim().toLowerCase();
        if (!EMAIL.test(email)) throw badRequest(`Field "email" must be an e-mail address, got ${JSON.stringify(email)}.`);
        const role = oneOf(body, 'projectRole', ROLES);
        if (roleOf(p, (u) => u.email.toLowerCase() === email))
          throw badRequest(`Field "email": ${email} is already a member of project ${p._id}; change their role instead.`);
        // A user the organization knows keeps their id; anyone else is invited with a new one.
        const known = [store.profile, ...[...store.projects.values()].flatMap((q) => ROLES.flatMap((r) => q[ROLE_LISTS[r]]))].find(
          (u) => u.email.toLowerCase() === email,
        );
        p[ROLE_LISTS[role]].push({ _id: known?._id ?? store.ids.next(options.now()), email: known?.email ?? email });
        return ok(projectWire(p));
      },
    },
    {
      method: 'PUT',
      path: `${API}/projects/{id}/users/{userId}`,
      handler: (req) => {
        const p = project(req.params['id']!);
        const role = oneOf(objectBody(req), 'projectRole', ROLES);
        const member = remove(p, req.params['userId']!, role !== 'admin');
        p[ROLE_LISTS[role]].push(member);
        return ok(projectWire(p));
      },
    },
    {
      method: 'DELETE',
      path: `${API}/projects/{id}/users/{userId}`,
      handler: (req) => {
        const p = project(req.params['id']!);
        remove(p, req.params['userId']!, true);
        // The R SDK's delete_project_user expects 200.
        return ok(projectWire(p));
      },
    },
  ];

  /** Takes a member out of their role list; refuses to leave the project without an admin. */
  function remove(p: Project, userId: string, demoting: boolean): UserRef {
    const role = roleOf(p, (u) => u._id === userId);
    if (!role) throw notFound('Project member', userId);
    if (role === 'admin' && demoting && p.admins.length === 1)
      throw badRequest(`User ${userId} is the last admin of project ${p._id}: make another member admin first.`);
    const list = p[ROLE_LISTS[role]];
    return list.splice(
      list.findIndex((u) => u._id === userId),
      1,
    )[0]!;
  }
}

const ROLES = ['admin', 'contributor', 'viewer', 'end_user'] as const;
type Role = (typeof ROLES)[number];
const ROLE_LISTS: Record<Role, 'admins' | 'contributors' | 'viewers' | 'end_users'> = {
  admin: 'admins',
  contributor: 'contributors',
  viewer: 'viewers',
  end_user: 'end_users',
};
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function roleOf(p: Project, match: (u: UserRef) => boolean): Role | undefined {
  return ROLES.find((r) => p[ROLE_LISTS[r]].some(match));
}
