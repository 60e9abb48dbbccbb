/**
 * The Civis workspace: users (`Civis.me`, `users`, `user`), files and projects, and their object types. A user
 * embedded in another object is completed from `ctx.civis.user` when a field its embedded shape lacks is asked for.
 */
import type { Resolvers } from '../../generated/resolvers.js';
import { AugurError, ErrorCode } from '../../core/errors.js';
import { CIVIS_LISTS } from '../../upstreams/civis/client.js';
import type { CivisProjectDetail, CivisProjectObjectShape, CivisUserDetail, CivisUserParent } from '../../upstreams/civis/types.js';
import type { Context } from '../context.js';
import { civisId, connection, date, detailField, flag, gid, loadCivis, userIds } from './shared.js';

/** Reads a field of a user from the shape at hand, or from the user loaded by id (once per user and request) when it lacks it. */
function userField<V>(pick: (u: CivisUserParent) => V | undefined) {
  return async (u: CivisUserParent, _a: unknown, ctx: Context): Promise<V | null> => {
    const v = pick(u);
    if (v !== undefined) return v;
    const detail: CivisUserDetail = await ctx.civis.user.load(u.id);
    return pick(detail as CivisUserParent) ?? null;
  };
}

export const workspaceResolvers: Resolvers = {
  Civis: {
    me: (_r, _a, ctx) => ctx.civis.me(),
    files: async (_r, args, ctx) => {
      try {
        return await connection(ctx, 'files', CIVIS_LISTS.files, { author: userIds(ctx, args.author, 'author') }, args);
      } catch (err) {
        // Civis's published API has no file listing (its files collection takes POST only); a platform without one answers 404.
        if (err instanceof AugurError && err.code === ErrorCode.NOT_FOUND && err.details.upstreamStatus === 404) {
          throw new AugurError(
            ErrorCode.NOT_FOUND,
            'This Civis platform does not list files (GET /files/ answered 404). Read a file by id with `civis { file(id:) }`; a project lists its files.',
            { platform: 'civis', upstreamStatus: 404 },
            { cause: err },
          );
        }
        throw err;
      }
    },
    file: (_r, { id }, ctx) => loadCivis(ctx, 'CivisFile', civisId(ctx, id, 'CivisFile')),
    projects: (_r, args, ctx) =>
      connection(
        ctx,
        'projects',
        CIVIS_LISTS.projects,
        { author: userIds(ctx, args.author, 'author'), archived: flag(args.archived) },
        args,
        args.orderBy,
      ),
    project: (_r, { id }, ctx) => loadCivis(ctx, 'CivisProject', civisId(ctx, id, 'CivisProject')),
    users: (_r, args, ctx) => connection(ctx, 'users', CIVIS_LISTS.users, { query: args.search || undefined }, args),
    user: (_r, { id }, ctx) => ctx.civis.user.load(civisId(ctx, id, 'CivisUser')),
  },
  CivisUser: {
    id: gid('CivisUser'),
    civisId: (u) => u.id,
    // Embedded references and the current user say `username`; the user list and a user read by id say `user`.
    username: userField((u) => u.username ?? u.user),
    name: userField((u) => u.name),
    initials: userField((u) => u.initials),
    online: (u) => u.online ?? null,
    email: userField((u) => u.email),
    active: userField((u) => u.active),
    accountStatus: userField((u) => u.accountStatus),
    title: userField((u) => u.title),
    department: userField((u) => u.department),
    timeZone: userField((u) => u.timeZone),
    groups: userField((u) => u.groups),
    createdAt: userField((u) => u.createdAt),
    lastSeenAt: userField((u) => u.lastSeenAt),
  },
  CivisGroup: {
    civisId: (g) => g.id,
  },
  CivisFile: {
    id: gid('CivisFile'),
    civisId: (f) => f.id,
    createdAt: (f) => date(f.createdAt),
    expiresAt: (f) => date(f.expiresAt),
    author: (f) => f.author ?? null,
  },
  CivisProject: {
    id: gid('CivisProject'),
    civisId: (p) => p.id,
    note: detailField<CivisProjectDetail, string | null>('CivisProject', 'note', (d) => d.note ?? null),
    myPermissionLevel: detailField<CivisProjectDetail, string | null>(
      'CivisProject',
      'myPermissionLevel',
      (d) => d.myPermissionLevel ?? null,
    ),
    objects: detailField<CivisProjectDetail, CivisProjectObjectShape[]>('CivisProject', 'allObjects', (d) => d.allObjects ?? []),
    createdAt: (p) => date(p.createdAt),
    updatedAt: (p) => date(p.updatedAt),
    author: (p) => p.author ?? null,
    members: (p) => p.users ?? [],
  },
  CivisProjectObject: {
    civisId: (o) => o.objectId,
    updatedAt: (o) => date(o.updatedAt),
  },
};
